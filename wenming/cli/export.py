"""`wenming export`: the 台账 workbook, an HTML/Markdown page, the year-end summary, a zip."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import Command, PlanYear, command_app, date_option, ledger_root, note_errors, use_cache
from .progress import progress_bar


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    html = "html"
    md = "md"


cli = command_app()


@cli.command(cls=Command)
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="输出文件路径（默认 台账-<年份>.xlsx 等，写在当前目录）"
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", help="xlsx（Excel 台账，默认）、html（可打印网页）或 md"),
    ] = None,
    template: Annotated[
        str,
        typer.Option(
            "--template",
            "-t",
            help="html/md 所用模板：ledger（台账，默认）或 summary（年度创建工作总结草稿）",
            show_default=False,
        ),
    ] = "ledger",
    bundle: Annotated[
        Path | None,
        typer.Option(
            "--bundle",
            help="打包为 zip：工作簿、网页台账、材料索引 index.html 和全部佐证材料（按材料编号分文件夹）",
        ),
    ] = None,
    year: PlanYear = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="统计截至日期（默认今天）；此后的记录不导出"),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="只导出该单位牵头或配合的任务、该单位组织的活动"),
    ] = None,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="只导出某一板块，如 2 或 7")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="只导出该日期及以后的活动")] = None,
    end: Annotated[str | None, typer.Option("--to", help="只导出该日期及以前的活动")] = None,
    preparer: Annotated[
        str | None, typer.Option("--preparer", metavar="姓名", help="封面的填报人")
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", metavar="姓名", help="封面的审核人")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", metavar="电话", help="封面的联系电话")
    ] = None,
    sign_date: Annotated[
        str | None,
        typer.Option("--sign-date", metavar="日期", help="封面的填报日期（默认留空，手写）"),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact", help="隐去身份证号和手机号（所有输出，含压缩包内的文件名），用于对外提供"
        ),
    ] = False,
    assessment: Annotated[
        str | None,
        typer.Option("--assessment", help="有几个测评体系时，自评表按哪一个（文件名，不含 .yaml）"),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            help="复查用的多年台账，如2020-2022：各年概况并列、各年的活动记录和佐证材料目录、负面事件",
        ),
    ] = None,
) -> None:
    """导出台账：Excel 工作簿（封面、总表、活动记录、材料目录、量化指标、校验）。

    台账中有测评体系（assessment/*.yaml）时，工作簿另有自评表：每项测评内容的分值、
    自评分、支撑的材料编号和负面清单的情况。

    也可导出可打印的 HTML / Markdown 台账，或用 --template summary 生成年度
    创建工作总结草稿；--bundle 把工作簿、网页版台账和全部佐证材料打成一个 zip
    便于移交，根目录的 index.html 列出全部材料。完成情况与 wenming status 的统计一致。
    封面的填报人、审核人、联系电话取自计划的 sign_off 或这里的选项，没有时留空手写。
    """
    from ..commands.export import export as run

    if years is not None:
        _term(
            ctx,
            years,
            output,
            fmt is not None or template != "ledger" or bundle is not None,
            as_of,
            assessment,
        )
        return
    signed_on = date_option(sign_date, "--sign-date")
    sign_off = {
        "填报人": preparer or "",
        "审核人": reviewer or "",
        "联系电话": phone or "",
        "填报日期": f"{signed_on.year}年{signed_on.month}月{signed_on.day}日" if signed_on else "",
    }
    chosen = fmt.value if fmt else ("md" if template != "ledger" else "xlsx")
    if bundle is not None and (chosen != "xlsx" or output is not None):
        raise typer.BadParameter(  # a usage error here; the use case refuses it for any caller
            "--bundle 只打包 Excel 台账，不能与 --output 或 --format html/md 同用",
            param_hint="--bundle",
        )
    result = run(
        ledger_root(ctx),
        fmt=chosen,
        template=template,
        output=output,
        bundle=bundle,
        year=year,
        as_of=date_option(as_of, "--as-of"),
        unit=unit,
        section=section,
        start=date_option(start, "--from"),
        end=date_option(end, "--to"),
        sign_off=sign_off,
        redact=redact,
        assessment=assessment,
        use_cache=use_cache(ctx),
        progress=progress_bar,
    )
    note_errors(result.errors, "台账", "导出的内容可能不完整")
    data = result.data
    typer.echo(
        f"已导出：{result.path}（{len(data.tasks)} 项任务、{len(data.activities)} 条活动记录、"
        f"{len(data.evidence)} 件佐证材料，统计截至 {data.as_of.isoformat()}）"
    )


def _term(
    ctx: typer.Context,
    years: str,
    output: Path | None,
    other_format: bool,
    as_of: str | None,
    assessment: str | None,
) -> None:
    """`export --years`: the 复查 workbook over a term."""
    from ..commands.export import export_term

    if other_format:
        raise typer.BadParameter(
            "--years 只导出 Excel 工作簿，不能与 --format、--template 或 --bundle 同用",
            param_hint="--years",
        )
    result = export_term(
        ledger_root(ctx),
        years,
        output=output,
        as_of=date_option(as_of, "--as-of"),
        assessment=assessment,
        use_cache=use_cache(ctx),
        progress=progress_bar,
    )
    note_errors(result.errors, "台账", "导出的内容可能不完整")
    data = result.data
    activities = sum(len(y.activities) for y in data.years)
    evidence = sum(len(y.evidence) for y in data.years)
    typer.echo(
        f"已导出：{result.path}（{len(data.years)} 年、{activities} 条活动记录、{evidence} 件佐证材料）"
    )
