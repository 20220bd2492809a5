"""`wenming rm`: remove a record and its evidence after confirmation, and commit the removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from .app import EXIT_INTERRUPTED, Command, command_app, completer, ledger_root

cli = command_app()


def _stdin_is_terminal() -> bool:
    import sys

    return sys.stdin.isatty()


# A name tests can replace to stand in for a person at a terminal.
stdin_is_terminal: Callable[[], bool] = _stdin_is_terminal


@cli.command(cls=Command)
def rm(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            metavar="记录编号",
            help="要删除的记录：完整编号或其中唯一的一段",
            show_default=False,
            autocompletion=completer("record"),
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问确认")] = False,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="删除文件但不做 git 提交")] = False,
) -> None:
    """删除一条活动记录及其佐证材料文件夹，并提交到 git（“删除记录：…”）。

    删除前列出将删除的文件并询问确认；在脚本中需加 --yes。删除的内容仍在 git 历史中，
    可以用 git 找回。退出码：0 已删除并提交；1 编号有误或提交未完成（会给出完成提交的命令）；
    130 已取消，未做任何修改。
    """
    from ..commands.remove import plan_removal, remove
    from ..errors import WenmingError

    root = ledger_root(ctx)
    removal = plan_removal(root, record)
    typer.echo(f"将删除 {removal.record.date.isoformat()} {removal.record.title}：")
    for path in removal.paths:
        typer.echo(f"  {path}")
    if not yes:
        if not stdin_is_terminal():
            raise WenmingError("删除前需要确认", "确认要删除时加 --yes")
        if not typer.confirm("确认删除？", default=False):
            typer.echo("已取消，未做任何修改", err=True)
            raise typer.Exit(EXIT_INTERRUPTED)
    result = remove(root, removal, commit_it=not no_commit)
    committed = result.committed
    if committed is None:
        typer.echo("已删除，未提交（--no-commit）。", err=True)
        return
    if not committed.ok:
        raise WenmingError(
            f"文件已删除，但没有提交到 git：{committed.outcome.reason}",
            f"解决后运行以下命令完成提交：\n  {committed.outcome.command}",
        )
    typer.echo(f"已提交 {committed.outcome.commit or ''}：{removal.message}")
