"""The 台账 workbook: cover, 总表, activity log, evidence catalogue, metrics, print-ready on A4."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .rows import LedgerExport, format_number, section_banner

# Excel keeps at most 32,767 characters in a cell; longer text continues on the 长文本 sheet.
CELL_LIMIT = 32_000
LONG_SHEET = "长文本"
CHECK_SHEET = "校验"
FONT_NAME = "宋体"
FONT_SIZE = 10
MAX_ROW_HEIGHT = 409.0  # Excel's ceiling
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"

# Text measure, in pixels at 96 dpi, for 10pt text: a CJK character is one em (13.3 px), Latin
# about half. A column `w` characters wide is 7w + 5 px (the width of Calibri's digits, which
# Excel and LibreOffice both size columns by), less the cell's padding.
WIDE_PX = 13.4
NARROW_PX = 7.4
PADDING_PX = 6.0
LINE_HEIGHT = 14.5  # points per wrapped line of 10pt CJK text (the font's ascent + descent)
ROW_PADDING = 4.0

# A4 in points, and the margins in inches: the footer sits inside the bottom margin with room
# for its line, so “第 N 页 共 M 页” prints whole.
A4 = (595.3, 841.9)
MARGIN_SIDE = 0.4
MARGIN_TOP = 0.6
MARGIN_BOTTOM = 0.8
HEADER_AT = 0.3
FOOTER_AT = 0.3
PAGE_SLACK = 0.99  # fill pages to 99 %, so a rounding in the viewer never adds a page

Progress = Callable[[int], None]
# Characters an XML 1.0 file cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE/F).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# East Asian wide and fullwidth characters, which take a whole em.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    align: str = "left"  # left | center

    @property
    def pixels(self) -> float:
        return self.width * 7 + 5


TASK_COLUMNS = (
    Column("序号", 5, "center"), Column("编号", 6, "center"), Column("创建内容", 12),
    Column("工作任务", 46), Column("牵头单位", 10), Column("配合单位", 12),
    Column("工作要求", 26), Column("完成情况", 16), Column("活动次数", 6, "center"),
    Column("佐证材料", 18), Column("备注", 24),
)  # fmt: skip
ACTIVITY_HEAD = (
    Column("序号", 5, "center"), Column("活动编号", 9, "center"), Column("日期", 11, "center"),
    Column("对应编号", 7, "center"), Column("活动类型", 11), Column("活动名称", 24),
    Column("组织单位", 10), Column("地点", 12), Column("参与人数", 6, "center"),
)  # fmt: skip
ACTIVITY_TAIL = (
    Column("内容摘要", 44), Column("其他信息", 16), Column("佐证材料编号", 12),
)  # fmt: skip
EVIDENCE_COLUMNS = (
    Column("序号", 5, "center"), Column("材料编号", 11, "center"), Column("对应编号", 8, "center"),
    Column("材料类型", 9, "center"), Column("题名/说明", 46), Column("形成日期", 11, "center"),
    Column("地点", 12), Column("关联活动", 24), Column("存放位置", 40),
)  # fmt: skip
METRIC_COLUMNS = (
    Column("序号", 5, "center"), Column("编号", 6, "center"), Column("工作任务", 18),
    Column("指标", 20), Column("要求", 22), Column("计算过程", 44),
    Column("实际值", 9, "center"), Column("目标值", 9, "center"), Column("单位", 6, "center"),
    Column("结果", 7, "center"), Column("说明", 26),
)  # fmt: skip
CHECK_COLUMNS = (
    Column("序号", 5, "center"), Column("材料编号", 11, "center"), Column("存放位置", 60),
    Column("sha256", 74),
)  # fmt: skip
LONG_COLUMNS = (Column("位置", 24), Column("段", 5, "center"), Column("内容", 120))


def clean_text(value: object) -> str:
    """Text as a cell may hold it: characters the file format rejects become U+FFFD."""
    text = "" if value is None else str(value)
    return _ILLEGAL.sub(REPLACEMENT, text)


def text_pixels(text: str) -> float:
    wide = len(_WIDE.findall(text))
    return wide * WIDE_PX + (len(text) - wide) * NARROW_PX


def line_count(text: str, pixels: float) -> int:
    """Lines `text` wraps to in a column `pixels` wide (LibreOffice's and Excel's wrapping)."""
    usable = max(pixels - PADDING_PX, WIDE_PX)
    lines = 0
    for part in text.split("\n"):
        width = text_pixels(part)
        if width <= usable:
            lines += 1
            continue
        # A wrapped line ends short of the edge: by half a character on average in CJK text
        # (a closing mark may not start a line), by up to a word in Latin text.
        latin = len(part) - len(_WIDE.findall(part)) > len(part) / 2
        fill = usable * 0.8 if latin else usable - WIDE_PX / 2
        lines += math.ceil(width / max(fill, WIDE_PX))
    return lines


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING)


def page_capacity(columns: Sequence[Column], landscape: bool = True) -> float:
    """How many points of rows fit on one printed page once the sheet is fitted to the width."""
    high, wide = (A4[0], A4[1]) if landscape else (A4[1], A4[0])
    printable_width = wide - 2 * MARGIN_SIDE * 72
    printable_height = high - (MARGIN_TOP + MARGIN_BOTTOM) * 72
    sheet_width = sum(c.pixels for c in columns) * 0.75
    # Viewers fit to whole percents, rounding down.
    scale = min(1.0, math.floor(100 * printable_width / sheet_width) / 100)
    return PAGE_SLACK * printable_height / scale


class _Sheet:
    """One write-only sheet: rows appended in order, each as tall as its wrapped text, and a
    manual page break wherever a page fills, so a section heading never ends a page."""

    def __init__(self, book: _Book, title: str, columns: Sequence[Column], heading: str) -> None:
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        self.book = book
        self.columns = columns
        self.ws: Any = book.wb.create_sheet(title)
        self.title = title
        self.row = 0
        self.last_col = get_column_letter(len(columns))
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        for letter, column in zip(self.letters, columns, strict=True):
            self.ws.column_dimensions[letter].width = column.width
        self.ws.freeze_panes = "A3"
        print_setup(self.ws, "2:2")
        self.capacity = page_capacity(columns)
        self.head_height = 2 * LINE_HEIGHT + ROW_PADDING
        self.ws.merged_cells.add(f"A1:{self.last_col}1")
        self.append_raw([self.cell(heading, "title")], height=30)
        self.append_raw([self.cell(c.header, "head") for c in columns], height=self.head_height)
        self.used = 30 + self.head_height
        self.pending: str | None = None  # a banner waiting to see whether its row fits
        self.styles = {
            name: book.style_of(self.ws, name) for name in ("body", "body_center", "link", "date")
        }

    def cell(self, value: object, style: str, link: str | None = None) -> Any:
        """A cell with a named style; for the few cells that are not plain body cells."""
        made = self._value_cell(value)
        if isinstance(value, date):
            style = "date"
        made._style = copy(self.book.style_of(self.ws, style))
        if link:
            made.hyperlink = link
        return made

    def _value_cell(self, value: object) -> Any:
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        if isinstance(value, (int, float, date)) and not isinstance(value, bool):
            return WriteOnlyCell(self.ws, value=value)
        text = clean_text(value)
        made = WriteOnlyCell(self.ws, value=text)
        made.data_type = "s"  # record text is data, never a formula, whatever it starts with
        return made

    def append_raw(self, cells: list[Any], height: float | None = None) -> None:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)

    def _fit(self, height: float) -> None:
        """Start a new page before a row (and its waiting banner) that would overflow this one."""
        from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]

        banner = LINE_HEIGHT + 8 if self.pending is not None else 0
        if self.used + banner + height > self.capacity and self.used > 30 + self.head_height:
            self.ws.row_breaks.append(Break(id=self.row))
            self.used = self.head_height  # the header row repeats on every page
        self.used += banner + height
        if self.pending is not None:
            self._write_banner(self.pending)
            self.pending = None

    def append(self, values: Sequence[object], links: Mapping[int, str] | None = None) -> None:
        """One body row; long text is cut at the cell limit and continued on the 长文本 sheet."""
        cells, lines = [], 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if isinstance(value, str):
                if len(value) > CELL_LIMIT:
                    where = f"{self.title}!{self.letters[index]}{self.row + 1}"
                    value = self.book.continue_long(where, clean_text(value))
                lines = max(lines, line_count(value, column.pixels))
            link = links.get(index) if links else None
            made = self._value_cell(value)
            style = "link" if link else "date" if isinstance(value, date) else None
            style = style or ("body_center" if column.align == "center" else "body")
            made._style = copy(self.styles[style])
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                made.quotePrefix = True  # stays text when someone edits the cell in Excel
            if link:
                made.hyperlink = link
            cells.append(made)
        height = row_height(lines)
        self._fit(height)
        self.append_raw(cells, height)

    def banner(self, text: str) -> None:
        """A section heading, written with the row after it so both land on one page."""
        self.pending = text

    def _write_banner(self, text: str) -> None:
        self.ws.merged_cells.add(f"A{self.row + 1}:{self.last_col}{self.row + 1}")
        cells = [self.cell(text, "banner")] + [self.cell("", "banner") for _ in self.columns[1:]]
        self.append_raw(cells, height=LINE_HEIGHT + 8)

    def finish(self) -> None:
        if self.pending is not None:
            self._fit(0)
        self.ws.auto_filter.ref = f"A2:{self.last_col}{max(self.row, 2)}"
        self.ws.print_area = f"A1:{self.last_col}{max(self.row, 2)}"


class _Book:
    def __init__(self) -> None:
        from openpyxl import Workbook  # type: ignore[import-untyped]

        self.wb: Any = Workbook(write_only=True)
        self.long: list[tuple[str, int, str]] = []
        self._styles: dict[str, Any] = {}
        _add_styles(self.wb)

    def style_of(self, ws: Any, name: str) -> Any:
        """The style array of a named style, made once: openpyxl's per-cell lookup is slow."""
        from openpyxl.cell import WriteOnlyCell

        if name not in self._styles:
            made = WriteOnlyCell(ws, value="")
            made.style = name
            self._styles[name] = made._style
        return self._styles[name]

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

    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    style("title", font=Font(name=FONT_NAME, size=16, bold=True), border=Border(),
          alignment=centred)  # fmt: skip
    style("head", font=Font(name=FONT_NAME, size=FONT_SIZE, bold=True), alignment=centred,
          fill=PatternFill("solid", fgColor="D9D9D9"))  # fmt: skip
    style("banner", font=Font(name=FONT_NAME, size=FONT_SIZE + 1, bold=True),
          alignment=Alignment(vertical="center", wrap_text=True),
          fill=PatternFill("solid", fgColor="F2F2F2"))  # fmt: skip
    style("body")
    style("body_center", alignment=Alignment(horizontal="center", vertical="top", wrap_text=True))
    style("date", alignment=Alignment(horizontal="center", vertical="top", wrap_text=True),
          number_format="yyyy-mm-dd")  # fmt: skip
    style("link", font=Font(name=FONT_NAME, size=FONT_SIZE, color="0563C1", underline="single"),
          alignment=Alignment(horizontal="center", vertical="top", wrap_text=True))  # fmt: skip
    style("label", font=Font(name=FONT_NAME, size=12, bold=True), border=Border(),
          alignment=Alignment(horizontal="right", vertical="center", wrap_text=True))  # fmt: skip
    style("value", font=Font(name=FONT_NAME, size=12), border=Border(),
          alignment=Alignment(vertical="center", wrap_text=True))  # fmt: skip
    style("blank", font=Font(name=FONT_NAME, size=12), border=Border(bottom=thin),
          alignment=Alignment(vertical="center", wrap_text=True))  # fmt: skip
    style("seal", font=Font(name=FONT_NAME, size=12, color="808080"), border=border,
          alignment=centred)  # fmt: skip


def print_setup(ws: Any, title_rows: str | None, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top = MARGIN_TOP
    ws.page_margins.bottom = MARGIN_BOTTOM
    ws.page_margins.header = HEADER_AT
    ws.page_margins.footer = FOOTER_AT
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9


COVER_WIDTHS = (18, 36, 18, 26)  # label, value, label, value of the sign-off block


def _cover(book: _Book, data: LedgerExport, extra: Sequence[tuple[str, str]]) -> None:
    """Portrait cover: title, what the 台账 holds, then the sign-off lines and a stamp box."""
    ws = book.wb.create_sheet("封面")
    for letter, width in zip("ABCD", COVER_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    print_setup(ws, None, landscape=False)
    value_px = sum(w * 7 + 5 for w in COVER_WIDTHS[1:])
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
        from openpyxl.cell import WriteOnlyCell

        made = WriteOnlyCell(ws, value=clean_text(value))
        made.data_type = "s"
        made.style = style
        return made

    line = 0

    def append(cells: list[Any], height: float, merge: str | None = None) -> None:
        nonlocal line
        line += 1
        ws.row_dimensions[line].height = height
        if merge:
            ws.merged_cells.add(merge.format(n=line))
        ws.append(cells)

    append([cell(data.title, "title")], 90, "A{n}:D{n}")
    append([], 20)
    for label, value in rows:
        lines = line_count(value, value_px)
        append([cell(label, "label"), cell(value, "value")], lines * 18 + 8, "B{n}:D{n}")
    append([], 30)
    signed = {**data.sign_off}
    pairs = [("填报单位", "填报日期"), ("填报人", "审核人"), ("联系电话", "")]
    for left, right in pairs:
        cells = [cell(f"{left}：", "label"), cell(signed.get(left, ""), "blank")]
        if right:
            cells += [cell(f"{right}：", "label"), cell(signed.get(right, ""), "blank")]
        append(cells, 34)
    append([], 24)
    append([cell("", "value"), cell("", "value"), cell("（单位盖章）", "seal")], 110, "C{n}:D{n}")
    ws.print_area = f"A1:D{line}"


def write_workbook(
    data: LedgerExport,
    path: Path,
    links: Mapping[str, str],
    places: Mapping[str, str],
    notes: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> None:
    """Write the workbook; `links` maps 材料编号 to the href of its file or URL, `places` to
    the 存放位置 an inspector reads (the ledger path, or the path inside a bundle)."""
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
            activity.seq, activity.number, record.date, activity.tasks, record.type, record.title,
            record.unit, record.place,
            "" if record.participants is None else record.participants,
            *figures, record.summary.strip(), activity.other, activity.evidence_text,
        ])  # fmt: skip
        tick(1)
    log.finish()

    # The link sits on the short 材料编号: LibreOffice never wraps a hyperlink cell, so a long
    # path would be cut when printed; 存放位置 stays plain text that wraps.
    catalogue = _Sheet(book, "佐证材料目录", EVIDENCE_COLUMNS, "佐证材料目录")
    for seq, item in enumerate(data.evidence, 1):
        href = links.get(item.number)
        catalogue.append(
            [seq, item.number, item.tasks, item.kind, item.caption, item.date, item.place,
             item.activity, places.get(item.number, "")],
            {1: href} if href else None,
        )  # fmt: skip
        tick(1)
    catalogue.finish()

    metrics = _Sheet(book, "量化指标", METRIC_COLUMNS, "量化指标完成情况")
    for seq, metric in enumerate(data.metrics, 1):
        actual: object = "" if metric.actual is None else round(metric.actual, 2)
        note = "" if metric.met else metric.reason
        metrics.append([
            seq, metric.task_id, metric.task_title, metric.name, metric.description,
            metric.working, actual, metric.target, metric.unit, metric.result, note,
        ])  # fmt: skip
    metrics.finish()

    # Integrity data stays in the workbook but off the printed lists: a sheet of its own.
    check = _Sheet(
        book, CHECK_SHEET, CHECK_COLUMNS, "佐证材料校验值（sha256，用于核对文件未被改动）"
    )
    for seq, item in enumerate(data.evidence, 1):
        if item.sha256:
            check.append([seq, item.number, places.get(item.number, ""), item.sha256])
    check.finish()

    book.finish_long()
    book.wb.save(path)
