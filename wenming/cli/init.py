"""`wenming init`: create a new ledger folder with a plan, README, git repository and hook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import EXIT_PROBLEMS, Command, command_app

cli = command_app()


@cli.command(cls=Command)
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="目录",
            help="新台账的文件夹（默认当前目录；不存在时自动创建）",
            show_default=False,
        ),
    ] = Path(),
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="文件",
            help="使用已有的计划文件（YAML），检查无误后复制为 plan/<年份>.yaml",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="年份", help="计划年份（默认今年；使用 --plan 时取计划中的年份）"
        ),
    ] = None,
) -> None:
    """新建台账：计划、records/、templates/、.gitignore、README.md，并建立 git 仓库和首次提交。

    同时安装 git 提交钩子，每次提交前运行 wenming check（检查工作区中的全部文件）。
    已经是台账（有 plan/ 或 records/）的文件夹不会被覆盖。
    退出码：0 已创建并提交；1 拒绝创建，或文件已创建但 git 提交未完成（会给出完成的命令）。
    """
    from ..commands.init import init as run
    from ..errors import WenmingError

    result = run(directory, plan, year)
    typer.echo(f"已在 {result.root} 创建 {result.year} 年台账：")
    for rel in result.paths:
        typer.echo(f"  {rel}")
    for note in result.notes:
        typer.echo(f"注意：{note}", err=True)
    outcome = result.outcome
    if outcome is not None and outcome.ok:
        typer.echo(
            f"已建立 git 仓库并提交 {outcome.commit or ''}；提交前会自动运行 wenming check。"
        )
        typer.echo(f"下一步：编辑 plan/{result.year}.yaml，然后运行 wenming check。")
        return
    if outcome is None:  # pragma: no cover - init always tries to commit
        raise typer.Exit(EXIT_PROBLEMS)
    raise WenmingError(
        f"台账文件已创建，但没有提交到 git：{outcome.reason}",
        f"解决后运行以下命令完成提交：\n  {outcome.command}",
    )
