"""`wenming check`: validate the plans and every record, reporting all problems at once."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from .app import EXIT_PROBLEMS, Command, command_app, ledger_root, use_cache
from .progress import progress_bar


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


cli = command_app()


@cli.command(cls=Command)
def check(
    ctx: typer.Context,
    output: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="输出格式：text（每行一个问题）或 json"),
    ] = OutputFormat.text,
) -> None:
    """检查计划和全部记录：格式、编号、单位、日期、佐证材料文件与 sha256。

    一次列出所有问题，每行一个：路径:行号: 错误：说明（规则）。
    没有错误时退出码为 0，有错误时为 1（警告不影响退出码）。
    """
    from ..commands.check import check as run

    result = run(ledger_root(ctx), use_cache(ctx), progress_bar)
    root, problems, errors = result.root, result.problems, result.errors
    if output is OutputFormat.json:
        typer.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            typer.echo(problem.format())
        if problems:
            typer.echo(f"共 {errors} 个错误、{result.warnings} 个警告。", err=True)
        else:
            typer.echo(f"检查通过：{root} 没有发现问题。", err=True)
    if errors:
        raise typer.Exit(EXIT_PROBLEMS)
