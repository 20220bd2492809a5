"""The 台账 workbook: cover, 总表, activity log, evidence catalogue and metrics, print-ready."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .rows import LedgerExport, format_number

# Excel keeps at most 32,767 characters in a cell; longer text continues on the 长文本 sheet.
CELL_LIMIT = 32_000
LONG_SHEET = "长文本"
FONT_NAME = "宋体"
FONT_SIZE = 10
LINE_HEIGHT = 14.0  # points per wrapped line of 10pt 宋体
MAX_ROW_HEIGHT = 409.0  # Excel's ceiling
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"

Progress = Callable[[int], None]
# The control characters the xlsx format cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# East Asian wide and fullwidth characters, which take two width units.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    align: str = "left"  # left | center


TASK_COLUMNS = (
    Column("序号", 5, "center"), Column("编号", 6, "center"), Column("创建内容", 12),
    Column("工作任务", 42), Column("牵头单位", 10), Column("配合单位", 12),
    Column("工作要求", 28), Column("完成情况", 30), Column("活动次数", 6, "center"),
    Column("佐证材料", 20), Column("备注", 16),
)  # fmt: skip
ACTIVITY_HEAD = (
    Column("序号", 6, "center"), Column("日期", 11, "center"), Column("编号", 7, "center"),
    Column("活动类型", 11), Column("活动名称", 22), Column("组织单位", 11), Column("地点", 12),
    Column("参与人数", 6, "center"),
)  # fmt: skip
ACTIVITY_TAIL = (
    Column("内容摘要", 40), Column("其他信息", 18), Column("佐证材料编号", 20),
    Column("记录文件", 22),
)  # fmt: skip
EVIDENCE_COLUMNS = (
    Column("序号", 6, "center"), Column("材料编号", 17), Column("对应编号", 7, "center"),
    Column("材料类型", 9, "center"), Column("题名/说明", 40), Column("形成日期", 11, "center"),
    Column("地点", 12), Column("关联活动", 22), Column("存放位置", 34), Column("sha256", 18),
)  # fmt: skip
METRIC_COLUMNS = (
    Column("序号", 5, "center"), Column("编号", 6, "center"), Column("工作任务", 20),
    Column("指标", 22), Column("要求", 30), Column("目标值", 10, "center"),
    Column("实际值", 10, "center"), Column("单位", 6, "center"), Column("结果", 8, "center"),
    Column("说明", 40),
)  # fmt: skip
LONG_COLUMNS = (Column("位置", 24), Column("段", 5, "center"), Column("内容", 120))


def clean_text(value: object) -> str:
    """Text as a cell may hold it: characters the file format rejects become U+FFFD."""
    text = "" if value is None else str(value)
    return _ILLEGAL.sub(REPLACEMENT, text)


def display_width(text: str) -> int:
    """Width in Excel's character units: wide (CJK) characters take two."""
    return len(text) + len(_WIDE.findall(text))


def line_count(text: str, width: float) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def chinese_numeral(value: int) -> str:
    digits = "零一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 20:
        return "十" + (digits[value % 10] if value % 10 else "")
    if value < 100:
        return digits[value // 10] + "十" + (digits[value % 10] if value % 10 else "")
    return str(value)


def section_banner(section_id: str, title: str) -> str:
    return (
        f"（{chinese_numeral(int(section_id))}）{title}"
        if section_id.isdigit()
        else f"{section_id} {title}"
    )


class _Sheet:
    """One write-only sheet: styled rows appended in order, row heights from the wrapped text."""

    def __init__(self, book: _Book, title: str, columns: Sequence[Column], heading: str) -> None:
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        self.book = book
        self.columns = columns
        self.ws: Any = book.wb.create_sheet(title)
        self.title = title
        self.row = 0
        self.last_col = get_column_letter(len(columns))
        for index, column in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = "A3"
        _print_setup(self.ws, "2:2")
        self.ws.merged_cells.add(f"A1:{self.last_col}1")
        self.append_raw([self.cell(heading, "title")], height=30)
        self.append_raw([self.cell(c.header, "head") for c in columns], height=2 * LINE_HEIGHT)

    def cell(self, value: object, style: str, link: str | None = None) -> Any:
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        quote = False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell = WriteOnlyCell(self.ws, value=value)
        elif isinstance(value, date):
            cell = WriteOnlyCell(self.ws, value=value)
            style = "date"
        else:
            text = clean_text(value)
            cell = WriteOnlyCell(self.ws, value=text)
            # Record text is data, never a formula, whatever it starts with.
            cell.data_type = "s"
            quote = text.startswith(FORMULA_STARTS)
        cell.style = style
        if quote:  # after the named style, which would reset it; keeps it text when edited
            cell.quotePrefix = True
        if link:
            cell.hyperlink = link
        return cell

    def append_raw(self, cells: list[Any], height: float | None = None) -> None:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)

    def append(self, values: Sequence[object], links: Mapping[int, str] | None = None) -> None:
        """One body row; long text is cut at the cell limit and continued on the 长文本 sheet."""
        from openpyxl.utils import get_column_letter

        cells, lines = [], 1
        row = self.row + 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            style = "body_center" if column.align == "center" else "body"
            if isinstance(value, str):
                value = clean_text(value)
                if len(value) > CELL_LIMIT:
                    where = f"{self.title}!{get_column_letter(index + 1)}{row}"
                    value = self.book.continue_long(where, value)
                lines = max(lines, line_count(value, column.width))
            elif isinstance(value, date):
                lines = max(lines, line_count(value.isoformat(), column.width))
            link = links.get(index) if links else None
            cells.append(self.cell(value, "link" if link else style, link))
        self.append_raw(cells, min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 4))

    def banner(self, text: str) -> None:
        self.ws.merged_cells.add(f"A{self.row + 1}:{self.last_col}{self.row + 1}")
        cells = [self.cell(text, "banner")] + [self.cell("", "banner") for _ in self.columns[1:]]
        self.append_raw(cells, height=LINE_HEIGHT + 8)

    def finish(self) -> None:
        self.ws.auto_filter.ref = f"A2:{self.last_col}{max(self.row, 2)}"


class _Book:
    def __init__(self) -> None:
        from openpyxl import Workbook  # type: ignore[import-untyped]

        self.wb: Any = Workbook(write_only=True)
        self.long: list[tuple[str, int, str]] = []
        _add_styles(self.wb)

    def continue_long(self, where: str, text: str) -> str:
        chunks = [text[i : i + CELL_LIMIT] for i in range(0, len(text), CELL_LIMIT)]
        for number, chunk in enumerate(chunks, 1):
            self.long.append((where, number, chunk))
        return chunks[0][: CELL_LIMIT - 40] + f"……（全文共 {len(chunks)} 段，见“{LONG_SHEET}”表）"

    def finish_long(self) -> None:
        if not self.long:
            return
        sheet = _Sheet(self, LONG_SHEET, LONG_COLUMNS, "超出单元格长度的全文（按段接续）")
        for where, number, chunk in self.long:
            cells = [sheet.cell(where, "body"), sheet.cell(number, "body_center")]
            cells.append(sheet.cell(chunk, "body"))
            sheet.append_raw(cells, MAX_ROW_HEIGHT)
        sheet.finish()


def _add_styles(wb: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side  # type: ignore[import-untyped]

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT_NAME, size=FONT_SIZE)

    def style(name: str, **attrs: Any) -> None:
        named = NamedStyle(name=name)
        named.font = attrs.pop("font", font)
        named.border = attrs.pop("border", border)
        named.alignment = attrs.pop("alignment", Alignment(vertical="top", wrap_text=True))
        for key, value in attrs.items():
            setattr(named, key, value)
        wb.add_named_style(named)

    style("title", font=Font(name=FONT_NAME, size=16, bold=True), border=Border(),
          alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))  # fmt: skip
    style("head", font=Font(name=FONT_NAME, size=FONT_SIZE, bold=True),
          alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
          fill=PatternFill("solid", fgColor="D9D9D9"))  # fmt: skip
    style("banner", font=Font(name=FONT_NAME, size=FONT_SIZE + 1, bold=True),
          alignment=Alignment(vertical="center", wrap_text=True),
          fill=PatternFill("solid", fgColor="F2F2F2"))  # fmt: skip
    style("body")
    style("body_center", alignment=Alignment(horizontal="center", vertical="top", wrap_text=True))
    style("date", alignment=Alignment(horizontal="center", vertical="top", wrap_text=True),
          number_format="yyyy-mm-dd")  # fmt: skip
    style("link", font=Font(name=FONT_NAME, size=FONT_SIZE, color="0563C1", underline="single"))
    style("label", font=Font(name=FONT_NAME, size=11, bold=True),
          alignment=Alignment(horizontal="right", vertical="top", wrap_text=True))  # fmt: skip
    style("value", font=Font(name=FONT_NAME, size=11))


def _print_setup(ws: Any, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9


def _cover(book: _Book, data: LedgerExport, extra: Sequence[tuple[str, str]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    ws = book.wb.create_sheet("封面")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 70
    _print_setup(ws, None)
    ws.page_setup.orientation = "portrait"
    ws.merged_cells.add("A1:B1")
    plan = data.plan
    states = "；".join(f"{name} {count} 项" for name, count in data.states.items() if name)
    rows: list[tuple[str, str]] = [
        ("创建单位", plan.organisation),
        ("创建计划", plan.title),
        ("计划期间", f"{plan.start.isoformat()} 至 {plan.end.isoformat()}"),
        ("统计截至", data.as_of.isoformat()),
        ("导出范围", data.filters.describe()),
        ("工作任务", f"{len(data.tasks)} 项（{states or '无'}）"),
        ("活动记录", f"{len(data.activities)} 条"),
        ("佐证材料", f"{len(data.evidence)} 件"),
        ("参与人次", str(data.participants)),
    ]
    totals = data.figure_totals
    for name, unit in zip(data.figure_names, data.figure_units, strict=True):
        if name in totals:
            rows.append((name, f"{format_number(totals[name])} {unit}".strip()))
    rows.append(("台账版本（git 提交）", data.commit or "（台账不在 git 仓库中，无提交号）"))
    rows.extend(extra)

    def cell(value: str, style: str) -> Any:
        made = WriteOnlyCell(ws, value=clean_text(value))
        made.data_type = "s"
        made.style = style
        return made

    ws.row_dimensions[1].height = 60
    ws.append([cell(data.title, "title")])
    ws.append([])
    for number, (label, value) in enumerate(rows, 3):
        ws.row_dimensions[number].height = max(1, line_count(value, 70)) * 16 + 6
        ws.append([cell(label, "label"), cell(value, "value")])


def write_workbook(
    data: LedgerExport,
    path: Path,
    links: Mapping[str, str],
    notes: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> None:
    """Write the workbook; `links` maps 材料编号 to the href of its file or URL."""
    book = _Book()
    _cover(book, data, notes)
    tick = progress or (lambda n: None)

    index = _Sheet(book, "台账总表", TASK_COLUMNS, f"{data.title}（总表）")
    for block in data.sections:
        index.banner(section_banner(block.section.id, block.section.title))
        for row in block.tasks:
            task = row.task
            index.append([
                row.seq, task.id, task.title, task.text.strip(), "、".join(task.lead),
                "、".join(task.cooperating), row.requirements_text, row.status_text,
                row.activities, row.evidence_text, row.note,
            ])  # fmt: skip
    index.finish()

    figure_columns = tuple(
        Column(f"{name}（{unit}）" if unit else name, 9, "center")
        for name, unit in zip(data.figure_names, data.figure_units, strict=True)
    )
    log = _Sheet(book, "活动记录", ACTIVITY_HEAD + figure_columns + ACTIVITY_TAIL, "活动记录")
    for activity in data.activities:
        record = activity.record
        figures: list[object] = [("" if v is None else v) for v in activity.figures]
        log.append([
            activity.seq, record.date, activity.tasks, record.type, record.title, record.unit,
            record.place, "" if record.participants is None else record.participants,
            *figures, record.summary.strip(), activity.other, "\n".join(activity.evidence),
            record.source.path,
        ])  # fmt: skip
        tick(1)
    log.finish()

    # The link sits on the short 材料编号: LibreOffice never wraps a hyperlink cell, so a long
    # path would be cut when printed; 存放位置 stays plain text that wraps.
    catalogue = _Sheet(book, "佐证材料目录", EVIDENCE_COLUMNS, "佐证材料目录")
    for seq, item in enumerate(data.evidence, 1):
        where = item.file or item.url or ""
        href = links.get(item.number)
        catalogue.append(
            [seq, item.number, item.tasks, item.kind, item.caption, item.date, item.place,
             item.activity, where, item.sha256],
            {1: href} if href else None,
        )  # fmt: skip
        tick(1)
    catalogue.finish()

    metrics = _Sheet(book, "量化指标", METRIC_COLUMNS, "量化指标完成情况")
    for seq, metric in enumerate(data.metrics, 1):
        actual: object = "" if metric.actual is None else round(metric.actual, 2)
        note = "\n".join(x for x in (metric.progress, "" if metric.met else metric.reason) if x)
        metrics.append([
            seq, metric.task_id, metric.task_title, metric.name, metric.description,
            metric.target, actual, metric.unit, metric.result, note,
        ])  # fmt: skip
    metrics.finish()

    book.finish_long()
    book.wb.save(path)


def rows_total(data: LedgerExport) -> int:
    return len(data.activities) + len(data.evidence)
