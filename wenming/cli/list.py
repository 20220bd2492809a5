"""`wenming list`: the ledger's records as a table, newest first."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Command, command_app, date_option, ledger_root, note_errors, use_cache

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..commands.records_list import ListResult

cli = command_app()

GAP = 2  # columns between two columns of the table
# (column, narrowest width) in the order the columns give way: 4 标题, 3 类型, 5 单位, 2 任务.
SHORTENING = ((4, 16), (3, 10), (5, 10), (2, 7), (4, 8), (3, 4), (5, 4), (2, 4))


def _cut(text: str, width: int) -> str:
    """`text` (already printable) shortened to `width` display columns, ending in “…”."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + "…"


def records_table(result: ListResult, width: int) -> RenderableType:
    """The rows within `width` columns: the title is shortened first, then type and unit;
    the date and the id are never cut."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from ..errors import printable

    if not result.records:
        return Text("没有符合条件的记录。")
    rows = []
    for r in result.records:
        count = str(r.evidence) + (" 缺" if r.missing else "")
        cells = (r.date.isoformat(), r.short_id, "、".join(r.tasks), r.type, r.title, r.unit, count)
        rows.append(tuple(printable(c) for c in cells))
    heads = ("日期", "编号", "任务", "类型", "标题", "单位", "材料")
    natural = [max(cell_len(h), *(cell_len(row[i]) for row in rows)) for i, h in enumerate(heads)]
    room = width - GAP * (len(heads) - 1)
    widths = list(natural)
    # Shorten the title first, then type, unit and tasks, then the title again, until the row
    # fits; the date, the id and the evidence count stay whole.
    for index, floor in SHORTENING:
        excess = sum(widths) - room
        if excess <= 0:
            break
        widths[index] = max(floor, widths[index] - excess)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", padding=(0, 1))
    for head, size in zip(heads, widths, strict=True):
        table.add_column(
            head, no_wrap=True, width=size, justify="right" if head == "材料" else "left"
        )
    for row in rows:
        table.add_row(*(Text(_cut(cell, size)) for cell, size in zip(row, widths, strict=True)))
    shown = len(result.records)
    summary = f"共 {shown} 条记录" + (
        f"（台账中共 {result.total} 条）" if shown != result.total else ""
    )
    notes = [Text(summary)]
    if any(r.missing for r in result.records):
        notes.append(
            Text("材料：佐证材料件数，“缺”表示任务要求的佐证材料不齐；wenming show 编号 查看详情")
        )
    return Group(table, Text(""), *notes)


@cli.command("list", cls=Command)
def list_(
    ctx: typer.Context,
    task: Annotated[
        str | None, typer.Option("--task", "-t", help="只看归入该任务的记录，如 7.1")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看该单位的记录")] = None,
    activity_type: Annotated[
        str | None, typer.Option("--type", help="只看该活动类型的记录，如 支委会")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="只看该计划年度的记录")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="只看这一天及以后的记录，如 2022-03-01")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="只看这一天及以前的记录")] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="在标题、摘要、地点和材料说明中查找")
    ] = None,
    only_missing: Annotated[
        bool,
        typer.Option("--missing-evidence", help="只看任务要求的佐证材料不齐的记录"),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出活动记录（新的在前），可按任务、单位、类型、日期和文字筛选。"""
    # Imported here so that `wenming --help` and the other commands start fast.
    from ..commands.records_list import list_records
    from ..terminal import console

    result = list_records(
        ledger_root(ctx),
        task=task,
        unit=unit,
        activity_type=activity_type,
        year=year,
        start=date_option(start, "--from"),
        end=date_option(end, "--to"),
        text=text,
        only_missing=only_missing,
        use_cache=use_cache(ctx),
    )
    note_errors(result.errors, "台账", "有错的记录不在列表中")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    out = console()
    out.print(records_table(result, out.width))
