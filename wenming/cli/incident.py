"""`wenming incident`: record a negative-list event with its evidence, and commit it."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import Command, command_app, date_option, ledger_root, use_cache

cli = command_app()


@cli.command(cls=Command)
def incident(
    ctx: typer.Context,
    negative: Annotated[
        str,
        typer.Option(
            "--negative", "-n", metavar="编号", help="负面清单的编号，如 F1", show_default=False
        ),
    ],
    day: Annotated[
        str, typer.Option("--date", "-d", metavar="日期", help="事件发生的日期", show_default=False)
    ],
    title: Annotated[
        str, typer.Option("--title", metavar="文字", help="发生了什么", show_default=False)
    ],
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            "-u",
            metavar="单位",
            help="涉及的单位（计划 units 中的名称）",
            show_default=False,
        ),
    ],
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="文字", help="经过、处理和整改情况")
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            metavar="文件",
            help="佐证材料文件：[类型=]路径[|说明]，如 '通知=通报.pdf|市政务办通报'（可重复）",
        ),
    ] = None,
) -> None:
    """登记一起负面清单上的事件（带佐证材料），并提交到 git。

    写入 incidents/<年份>/<日期-标题>.yaml，佐证材料复制到同名文件夹。负面事件不计入任务进度，
    只影响 wenming status --score 的自评分：追溯期内的事件一票否决或扣分。
    """
    from ..commands.incident import add_incident

    when = date_option(day, "--date")
    assert when is not None  # a required option
    done = add_incident(
        ledger_root(ctx),
        negative=negative,
        day=when,
        title=title,
        unit=unit,
        summary=summary or "",
        evidence=evidence or (),
        use_cache=use_cache(ctx),
    )
    typer.echo(
        f"已登记负面事件：{done.paths[0]}"
        + (f"（佐证材料 {len(done.paths) - 1} 件）" if len(done.paths) > 1 else "")
    )
    if done.outcome.ok:
        typer.echo(
            f"已提交 {done.outcome.commit or ''}。运行 wenming status --score 查看对自评分的影响。"
        )
        return
    typer.echo(f"记录已写入，但没有提交到 git：{done.outcome.reason}", err=True)
    typer.echo(f"解决后运行以下命令完成提交：\n  {done.outcome.command}", err=True)
