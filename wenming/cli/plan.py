"""`wenming plan`: work with the plan; `plan import` turns a plan document into plan YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import WenmingError
from .app import Command, Group, command_app, ledger_root

cli = command_app(cls=Group, name="plan", no_args_is_help=True)


@cli.callback()
def plan() -> None:
    """计划：从 Word/文本文件导入年度工作计划。"""


@cli.command("import", cls=Command)
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="文件", help="计划文件：.docx、.txt 或 .md", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写到这个文件（默认：台账的 plan/<年份>.yaml）"),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="计划年份（默认从文件内容中识别）", min=1949, max=2200),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示生成的 YAML，不写文件")] = False,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的计划文件")] = False,
) -> None:
    """把工作计划文件导入为 plan/<年份>.yaml。

    识别“一、（一）1、（1）①”等各级编号（包括 Word 的自动编号）、责任单位（牵头、配合）、
    截止日期、频次、数量和数值目标、活动类型清单和传统节日。导入后在标准错误输出报告：
    任务数、单位数、读出的要求，以及每一处未能导入或需要核对的内容及其位置。
    原文中隐去的名称（****）成为占位单位，wenming check 会提醒填写。
    """
    from ..commands.plan_import import plan_import

    def in_ledger(plan_year: int) -> Path:
        if output is not None:
            return output
        try:
            return ledger_root(ctx) / "plan" / f"{plan_year}.yaml"
        except WenmingError as exc:
            raise WenmingError(
                exc.message, f"用 -o plan/{plan_year}.yaml 指定输出文件，或在台账目录中运行"
            ) from exc

    done = plan_import(file, year=year, target=None if dry_run else in_ledger, force=force)
    report = done.result.report(file.name)
    if done.target is None:
        typer.echo(done.result.yaml, nl=False)
        typer.echo(report, err=True)
        typer.echo("（--dry-run：未写入任何文件）", err=True)
        return
    typer.echo(report, err=True)
    typer.echo(f"已写入 {done.target}；请核对注释中的说明，然后运行 wenming check。", err=True)
