"""`wenming list`: the ledger's records as a table, newest first."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Command, command_app, completer, date_option, ledger_root, note_errors, use_cache

if TYPE_CHECKING:
    from ..commands.records_list import ListResult

cli = command_app()

GAP = 2  # columns between two columns of the table
# (column, narrowest width) in the order the columns give way: 4 标题, 3 类型, 5 单位, 2 任务.
SHORTENING = ((4, 16), (3, 10), (5, 10), (2, 7), (4, 8), (3, 4), (5, 4), (2, 4))


# The characters a terminal draws two columns wide (East Asian Wide and Fullwidth, as Rich
# counts them): Chinese, its punctuation (、。（）：), fullwidth forms, emoji. Counted by one
# regular expression, so laying out 20,000 rows takes a fraction of a second.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


def _width(text: str) -> int:
    """Display columns of `text`."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def _cut(text: str, width: int) -> str:
    """`text` (already printable) shortened to `width` display columns, ending in “…”."""
    if _width(text) <= width:
        return text
    # The longest prefix that leaves a column for “…”, found by halving (a prefix's width only
    # grows with its length).
    room, low, high = max(width - 1, 0), 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def records_table(result: ListResult, width: int) -> list[str]:
    """The table as lines within `width` columns, header first, then notes below it: the title
    is shortened first, then type and unit; the date and the id are never cut.

    Lines are laid out here and written as plain text: a Rich table measures every cell again
    and takes seconds over 20,000 rows.
    """
    from ..errors import printable

    if not result.records:
        return ["没有符合条件的记录。"]
    rows = []
    for r in result.records:
        count = str(r.evidence) + (" 缺" if r.missing else "")
        cells = (r.date.isoformat(), r.short_id, "、".join(r.tasks), r.type, r.title, r.unit, count)
        rows.append([printable(c) for c in cells])
    heads = ["日期", "编号", "任务", "类型", "标题", "单位", "材料"]
    sizes = [[_width(cell) for cell in row] for row in rows]
    natural = [max(_width(h), *(size[i] for size in sizes)) for i, h in enumerate(heads)]
    room = width - GAP * (len(heads) - 1)
    widths = list(natural)
    # Shorten the title first, then type, unit and tasks, then the title again, until the row
    # fits; the date, the id and the evidence count stay whole.
    for index, floor in SHORTENING:
        excess = sum(widths) - room
        if excess <= 0:
            break
        widths[index] = max(floor, widths[index] - excess)
    last = len(heads) - 1
    gap = " " * GAP

    def line(cells: list[str], natural: list[int]) -> str:
        parts = []
        for i, (cell, size, room) in enumerate(zip(cells, natural, widths, strict=True)):
            if size > room:
                cell = _cut(cell, room)
                size = _width(cell)
            pad = " " * (room - size)
            parts.append(pad + cell if i == last else cell + pad)
        return gap.join(parts).rstrip()

    lines = [line(heads, [_width(h) for h in heads])]
    lines += [line(row, size) for row, size in zip(rows, sizes, strict=True)]
    shown = len(result.records)
    lines += [
        "",
        f"共 {shown} 条记录"
        + (f"（{result.scope}共 {result.total} 条）" if shown != result.total else ""),
    ]
    if any(r.missing for r in result.records):
        lines.append(
            "材料：佐证材料件数，“缺”表示任务要求的佐证材料不齐；wenming show 编号 查看详情"
        )
    for folder in result.unplanned:
        lines.append(f"{folder} 没有对应的计划，其中的记录没有列出（运行 wenming check 查看）")
    return lines


@cli.command("list", cls=Command)
def list_(
    ctx: typer.Context,
    task: Annotated[
        str | None,
        typer.Option(
            "--task", "-t", help="只看归入该任务的记录，如 7.1", autocompletion=completer("task")
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="只看该单位的记录", autocompletion=completer("unit")),
    ] = None,
    activity_type: Annotated[
        str | None,
        typer.Option(
            "--type", help="只看该活动类型的记录，如 支委会", autocompletion=completer("type")
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="列出该计划年度的记录（默认：今天所在的计划年度）")
    ] = None,
    all_years: Annotated[bool, typer.Option("--all-years", help="列出所有年度的记录")] = False,
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
        all_years=all_years,
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
    lines = records_table(result, out.width)
    if len(lines) == 1:
        out.print(lines[0])
        return
    out.print(lines[0], style="bold", markup=False, highlight=False, crop=False)
    typer.echo("\n".join(lines[1:]))
