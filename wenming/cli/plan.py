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
    """计划：导入年度工作计划，由上一年的计划生成新一年的计划，写入起步测评体系。"""


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


@cli.command("assessment", cls=Command)
def assessment(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Option("--name", help="写到 assessment/<名称>.yaml"),
    ] = "全国文明单位测评体系-2012试行",
) -> None:
    """写入随附的起步测评体系，并提交到 git。

    起步测评体系是《全国文明单位测评体系（试行）》（2012 年）的 13 个测评项目和负面清单，
    只填了核实过的分值（总分 100、学雷锋活动 14 分）；其余分值和每个项目的测评内容由单位按
    本地测评细则填写，wenming check 会提醒。之后用 wenming status --score 查看自评分。
    """
    from ..commands.assessment_new import new_assessment

    done = new_assessment(ledger_root(ctx), name)
    typer.echo(f"已写入 {done.path}：{done.placeholders} 个测评项目的分值待填。")
    if done.outcome.ok:
        typer.echo(
            f"已提交 {done.outcome.commit or ''}。下一步：按本地测评细则填写分值和测评内容，运行 wenming check。"
        )
        return
    typer.echo(f"文件已写入，但没有提交到 git：{done.outcome.reason}", err=True)
    typer.echo(f"解决后运行以下命令完成提交：\n  {done.outcome.command}", err=True)


@cli.command("new", cls=Command)
def new(
    ctx: typer.Context,
    year: Annotated[
        int,
        typer.Argument(
            metavar="年份", help="新计划的年份，如 2023", min=1949, max=2200, show_default=False
        ),
    ],
    source: Annotated[
        int | None,
        typer.Option(
            "--from", help="从哪一年的计划生成（默认：此前最近的一年）", min=1949, max=2200
        ),
    ] = None,
) -> None:
    """由已有的计划生成新一年的计划 plan/<年份>.yaml，检查后提交到 git。

    计划期和截止日期顺延到新的一年（非自然年的计划期同样顺延），标题和附件名中的年份
    改为新的年份；节日、纪念日按新一年的日历重新计算；任务、要求、单位和注释照旧。
    事实数值（在编人数、注册志愿者人数等）沿用上一年，标为待确认，wenming check 会提醒核实。
    """
    from ..commands.plan_new import plan_new

    done = plan_new(ledger_root(ctx), year, source)
    typer.echo(f"已由 {done.source} 生成 {done.path}。")
    if done.facts:
        typer.echo(
            f"请核实沿用的事实数值：{'、'.join(done.facts)}（核实后删去 placeholder: true）。"
        )
    if done.outcome.ok:
        typer.echo(f"已提交 {done.outcome.commit or ''}。运行 wenming check 查看待确认的内容。")
        return
    typer.echo(f"文件已写入，但没有提交到 git：{done.outcome.reason}", err=True)
    typer.echo(f"解决后运行以下命令完成提交：\n  {done.outcome.command}", err=True)
