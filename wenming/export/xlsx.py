"""The 台账 workbook: cover, 总表, activity log, evidence catalogue, metrics, print-ready on A4."""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..progress import Tick
from .rows import (
    LedgerExport,
    SelfScoreSheet,
    TermExport,
    format_number,
    section_banner,
    term_summary_rows,
)

if TYPE_CHECKING:
    from .rollup import RollupExport

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
NARROW_PX = 7.2
THIN_PX = 3.6  # spaces, stops and narrow letters
PADDING_PX = 4.0
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
MAX_LINKS = 65_530  # Excel's limit of hyperlinks in one worksheet; later numbers stay plain

# Characters an XML 1.0 file cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE/F).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_THIN = re.compile(r"[ .,:;!|'`()\[\]ilIjft/\\-]")
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

    @property
    def style(self) -> str:
        return "body_center" if self.align == "center" else "body"


TASK_COLUMNS = (
    Column("序号", 5, "center"), Column("编号", 6, "center"), Column("创建内容", 12),
    Column("工作任务", 42), Column("牵头单位", 10), Column("配合单位", 12),
    Column("工作要求", 26), Column("完成情况", 19), Column("活动次数", 6, "center"),
    Column("佐证材料", 20), Column("备注", 22),
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
SCORE_COLUMNS = (
    Column("测评项目", 14), Column("编号", 6, "center"), Column("测评内容", 40),
    Column("测评方法", 9, "center"), Column("分值", 6, "center"), Column("自评分", 7, "center"),
    Column("达成", 7, "center"), Column("材料编号", 28),
)  # fmt: skip
LONG_COLUMNS = (Column("位置", 24), Column("段", 5, "center"), Column("内容", 120))


def clean_text(value: object) -> str:
    """Text as a cell may hold it: characters the file format rejects become U+FFFD."""
    text = "" if value is None else str(value)
    return _ILLEGAL.sub(REPLACEMENT, text)


def text_pixels(text: str) -> float:
    wide = len(_WIDE.findall(text))
    thin = len(_THIN.findall(text))
    return wide * WIDE_PX + thin * THIN_PX + (len(text) - wide - thin) * NARROW_PX


def line_count(text: str, pixels: float) -> int:
    """Lines `text` wraps to in a column `pixels` wide (LibreOffice's and Excel's wrapping)."""
    usable = max(pixels - PADDING_PX, WIDE_PX)
    if len(text) * WIDE_PX <= usable and "\n" not in text:
        return 1  # short enough even if every character were wide
    lines = 0
    for part in text.split("\n"):
        width = text_pixels(part)
        if width <= usable:
            lines += 1
            continue
        # A wrapped line ends short of the edge: by half a character on average in CJK text
        # (a closing mark may not start a line), by part of a word in Latin text.
        latin = len(part) - len(_WIDE.findall(part)) > len(part) / 2
        fill = usable - (4 * NARROW_PX if latin else WIDE_PX / 2)
        lines += math.ceil(width / max(fill, WIDE_PX))
    return lines


def row_height(lines: int) -> float:
    """Points for `lines` of text, on whole pixels (0.75 pt), as the file stores heights."""
    points = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING)
    return math.floor(points * 4 / 3) * 0.75


def page_capacity(columns: Sequence[Column], landscape: bool = True) -> float:
    """How many points of rows fit on one printed page once the sheet is fitted to the width."""
    high, wide = (A4[0], A4[1]) if landscape else (A4[1], A4[0])
    printable_width = wide - 2 * MARGIN_SIDE * 72
    printable_height = high - (MARGIN_TOP + MARGIN_BOTTOM) * 72
    sheet_width = sum(c.pixels for c in columns) * 0.75
    # Viewers fit to whole percents, rounding down.
    scale = min(1.0, math.floor(100 * printable_width / sheet_width) / 100)
    return PAGE_SLACK * printable_height / scale


class _Book:
    """The workbook being written, streamed row by row, with its cell formats made once."""

    def __init__(self, path: Path) -> None:
        import tempfile

        import xlsxwriter

        # Rows are spooled to files in a folder of our own beside the output, removed however
        # the write ends; text is never read as a formula, a number or a link.
        self.spool = Path(tempfile.mkdtemp(prefix=".wenming-", dir=path.parent))
        self.wb: Any = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": str(self.spool),
            },
        )
        self.long: list[tuple[str, int, str]] = []
        self.formats: dict[tuple[str, bool], Any] = {}

    def format(self, name: str, quoted: bool = False) -> Any:
        """The cell format of a style, made once and shared by every cell that uses it."""
        key = (name, quoted)
        if key not in self.formats:
            base, _, tone = name.partition("+")  # "body+poor": a style with a tone's fill
            spec = {**STYLES[base], **TONES.get(tone, {})}
            if quoted:
                spec["quote_prefix"] = True  # stays text when someone edits the cell
            self.formats[key] = self.wb.add_format(spec)
        return self.formats[key]

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
            sheet.append([where, number, chunk], height=MAX_ROW_HEIGHT)
        sheet.finish()

    def close(self) -> None:
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.wb.close()
        except FileCreateError as exc:
            # The file system's own error (a full disk), which the CLI reports in Chinese.
            cause = exc.__context__
            if isinstance(cause, OSError):
                raise OSError(cause.errno, cause.strerror, cause.filename) from exc
            raise OSError(str(exc)) from exc
        finally:
            self.wb.fileclosed = True  # a failed close is reported once, not again on exit
            shutil.rmtree(self.spool, ignore_errors=True)


_BORDER = {"border": 1, "font_name": FONT_NAME, "font_size": FONT_SIZE, "text_wrap": True}
STYLES: dict[str, dict[str, object]] = {
    "title": {"font_name": FONT_NAME, "font_size": 16, "bold": True, "align": "center",
              "valign": "vcenter", "text_wrap": True},
    "head": {**_BORDER, "bold": True, "align": "center", "valign": "vcenter",
             "bg_color": "#D9D9D9"},
    "banner": {**_BORDER, "font_size": FONT_SIZE + 1, "bold": True, "valign": "vcenter",
               "bg_color": "#F2F2F2"},
    "body": {**_BORDER, "valign": "top"},
    "body_center": {**_BORDER, "valign": "top", "align": "center"},
    "date": {**_BORDER, "valign": "top", "align": "center", "num_format": "yyyy-mm-dd"},
    "link": {**_BORDER, "valign": "top", "align": "center", "font_color": "#0563C1",
             "underline": 1},
    "label": {"font_name": FONT_NAME, "font_size": 12, "bold": True, "align": "right",
              "valign": "vcenter", "text_wrap": True},
    "value": {"font_name": FONT_NAME, "font_size": 12, "valign": "vcenter", "text_wrap": True},
    "blank": {"font_name": FONT_NAME, "font_size": 12, "valign": "vcenter", "bottom": 1},
    "seal": {"font_name": FONT_NAME, "font_size": 12, "font_color": "#808080", "border": 1,
             "border_color": "#808080", "align": "center", "valign": "vcenter"},
}  # fmt: skip


# Fills for cells that carry a judgement (a roll-up's shares and states), light enough to print.
TONES: dict[str, dict[str, object]] = {
    "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
    "fair": {"bg_color": "#FFEB9C", "font_color": "#7F6000"},
    "poor": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "muted": {"font_color": "#808080"},
}


class _Sheet:
    """One streamed sheet: rows appended in order, each as tall as its wrapped text, and a
    manual page break wherever a page fills, so a section heading never ends a page."""

    def __init__(self, book: _Book, title: str, columns: Sequence[Column], heading: str) -> None:
        self.book = book
        self.columns = columns
        self.ws: Any = book.wb.add_worksheet(title)
        self.title = title
        self.row = 0  # rows written so far; the next is row `self.row` counted from 0
        self.last = len(columns) - 1
        for index, column in enumerate(columns):
            self.ws.set_column(index, index, column.width)
        self.ws.freeze_panes(2, 0)
        print_setup(self.ws, repeat_row=1)
        self.capacity = page_capacity(columns)
        # Two lines, or as many as the longest header wraps to (a roll-up's section titles).
        head_lines = max(2, *(line_count(c.header, c.pixels) for c in columns))
        self.head_height = (
            row_height(head_lines) if head_lines > 2 else 2 * LINE_HEIGHT + ROW_PADDING
        )
        self.breaks: list[int] = []
        self.links = 0
        self.ws.set_row(0, 30)
        self.ws.merge_range(0, 0, 0, self.last, clean_text(heading), book.format("title"))
        self.ws.set_row(1, self.head_height)
        for index, column in enumerate(columns):
            self.ws.write_string(1, index, column.header, book.format("head"))
        self.row = 2
        self.used = 30 + self.head_height
        self.pending: str | None = None  # a banner waiting to see whether its row fits
        self.plain = [book.format(column.style) for column in columns]

    def _fit(self, height: float) -> None:
        """Start a new page before a row (and its waiting banner) that would overflow this one."""
        banner = LINE_HEIGHT + 8 if self.pending is not None else 0
        if self.used + banner + height > self.capacity and self.used > 30 + self.head_height:
            self.breaks.append(self.row)  # Excel's break id: the last row of the page, from 1
            self.used = self.head_height  # the header row repeats on every page
        self.used += banner + height
        if self.pending is not None:
            self._write_banner(self.pending)
            self.pending = None

    def append(
        self,
        values: Sequence[object],
        links: Mapping[int, str] | None = None,
        height: float | None = None,
        tones: Mapping[int, str] | None = None,
    ) -> None:
        """One body row; long text is cut at the cell limit and continued on the 长文本 sheet.
        `tones` colours cells by column index (see TONES)."""
        texts: list[object] = []
        lines = 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if isinstance(value, str):
                value = clean_text(value)
                if len(value) > CELL_LIMIT:
                    where = f"{self.title}!{_letter(index)}{self.row + 1}"
                    value = self.book.continue_long(where, value)
                lines = max(lines, line_count(value, column.pixels))
            texts.append(value)
        tall = height if height is not None else row_height(lines)
        self._fit(tall)
        row, ws, book = self.row, self.ws, self.book
        ws.set_row(row, tall)
        for index, value in enumerate(texts):
            link = links.get(index) if links else None
            tone = tones.get(index) if tones else None
            if tone:
                fmt = book.format(f"{self.columns[index].style}+{tone}")
                if isinstance(value, str) and value:
                    ws.write_string(row, index, value, fmt)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(row, index, value, fmt)
                else:
                    ws.write_blank(row, index, None, fmt)
            elif link and self.links < MAX_LINKS:
                self.links += 1
                ws.write_url(row, index, _url(link), book.format("link"), str(value))
            elif isinstance(value, str):
                quoted = value.startswith(FORMULA_STARTS)
                fmt = book.format(self.columns[index].style, True) if quoted else self.plain[index]
                ws.write_string(row, index, value, fmt) if value else ws.write_blank(
                    row, index, None, fmt
                )
            elif isinstance(value, date):
                ws.write_datetime(row, index, datetime(value.year, value.month, value.day),
                                  book.format("date"))  # fmt: skip
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(row, index, value, self.plain[index])
            else:
                ws.write_blank(row, index, None, self.plain[index])
        self.row += 1

    def banner(self, text: str) -> None:
        """A section heading, written with the row after it so both land on one page."""
        self.pending = text

    def _write_banner(self, text: str) -> None:
        self.ws.set_row(self.row, LINE_HEIGHT + 8)
        self.ws.merge_range(
            self.row, 0, self.row, self.last, clean_text(text), self.book.format("banner")
        )
        self.row += 1

    def finish(self) -> None:
        if self.pending is not None:
            self._fit(0)
        last_row = max(self.row - 1, 1)
        self.ws.autofilter(1, 0, last_row, self.last)
        self.ws.print_area(0, 0, last_row, self.last)
        self.ws.set_h_pagebreaks(self.breaks)


def _letter(index: int) -> str:
    """The column letter of a 0-based index (A … Z, AA …)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _url(link: str) -> str:
    """A link as XlsxWriter takes it: web addresses as they are, files as relative paths."""
    if link.startswith(("http://", "https://", "ftp://", "mailto:", "file://")):
        return link
    return "external:" + link


def print_setup(ws: Any, repeat_row: int | None = None, landscape: bool = True) -> None:
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    ws.set_header("", {"margin": HEADER_AT})
    ws.set_footer(f'&C&"{FONT_NAME}"&9第 &P 页 共 &N 页', {"margin": FOOTER_AT})
    ws.center_horizontally()
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


COVER_WIDTHS = (22, 34, 18, 26)  # label, value, label, value of the sign-off block


def _cover(book: _Book, data: LedgerExport, extra: Sequence[tuple[str, str]]) -> None:
    """Portrait cover: title, what the 台账 holds, then the sign-off lines and a stamp box."""
    ws = book.wb.add_worksheet("封面")
    for index, width in enumerate(COVER_WIDTHS):
        ws.set_column(index, index, width)
    print_setup(ws, landscape=False)
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

    line = 0

    def put(
        height: float, *cells: tuple[int, str, str], merge: tuple[int, int] | None = None
    ) -> None:
        """One row: (column, text, style) cells; `merge` spans the row's first cell."""
        nonlocal line
        ws.set_row(line, height)
        for column, text, style in cells:
            if merge and column == merge[0]:
                ws.merge_range(line, merge[0], line, merge[1], clean_text(text), book.format(style))
            else:
                ws.write_string(line, column, clean_text(text), book.format(style))
        line += 1

    put(90, (0, data.title, "title"), merge=(0, 3))
    put(20)
    for label, value in rows:
        lines = line_count(value, value_px)
        put(lines * 18 + 8, (0, label, "label"), (1, value, "value"), merge=(1, 3))
    put(30)
    signed = data.sign_off
    for left, right in (("填报单位", "填报日期"), ("填报人", "审核人"), ("联系电话", "")):
        cells = [(0, f"{left}：", "label"), (1, signed.get(left, ""), "blank")]
        if right:
            cells += [(2, f"{right}：", "label"), (3, signed.get(right, ""), "blank")]
        put(34, *cells)
    put(24)
    put(110, (2, "（单位盖章）", "seal"), merge=(2, 3))
    ws.print_area(0, 0, line - 1, 3)


def write_workbook(
    data: LedgerExport,
    path: Path,
    links: Mapping[str, str],
    places: Mapping[str, str],
    notes: Sequence[tuple[str, str]] = (),
    progress: Tick | None = None,
) -> None:
    """Write the workbook; `links` maps 材料编号 to the href of its file or URL, `places` to
    the 存放位置 an inspector reads (the ledger path, or the path inside a bundle)."""
    book = _Book(path)
    try:
        _fill(book, data, links, places, notes, progress or (lambda n: None))
    finally:
        book.close()


def _fill(
    book: _Book,
    data: LedgerExport,
    links: Mapping[str, str],
    places: Mapping[str, str],
    notes: Sequence[tuple[str, str]],
    tick: Tick,
) -> None:
    _cover(book, data, notes)

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

    if data.self_score is not None:
        _self_score(book, data.self_score)

    # Integrity data stays in the workbook but off the printed lists: a sheet of its own.
    check = _Sheet(
        book, CHECK_SHEET, CHECK_COLUMNS, "佐证材料校验值（sha256，用于核对文件未被改动）"
    )
    for seq, item in enumerate(data.evidence, 1):
        if item.sha256:
            check.append([seq, item.number, places.get(item.number, ""), item.sha256])
    check.finish()

    book.finish_long()


def _self_score(book: _Book, sheet: SelfScoreSheet) -> None:
    """The 自评表: items and contents with points, score and materials; the negative list below."""
    table = _Sheet(book, "自评表", SCORE_COLUMNS, f"{sheet.title}（自评表）")
    for row in sheet.rows:
        table.append([
            row.item, row.number, row.text, row.method, row.points, row.score, row.share,
            row.evidence,
        ])  # fmt: skip
    table.banner("负面清单")
    for n in sheet.negatives:
        text = f"{n.name}\n{n.incidents}" if n.incidents else n.name
        table.append([n.number, "", text, n.effect, "", "", n.state, f"追溯 {n.look_back}"])
    table.banner(sheet.summary)
    table.finish()


TERM_ACTIVITY_COLUMNS = (
    Column("年度", 6, "center"), Column("序号", 5, "center"), Column("活动编号", 9, "center"),
    Column("日期", 11, "center"), Column("对应编号", 7, "center"), Column("活动类型", 11),
    Column("活动名称", 28), Column("组织单位", 10), Column("参与人数", 6, "center"),
    Column("佐证材料编号", 14),
)  # fmt: skip
TERM_EVIDENCE_COLUMNS = (
    Column("年度", 6, "center"), Column("材料编号", 11, "center"), Column("对应编号", 8, "center"),
    Column("材料类型", 9, "center"), Column("题名/说明", 40), Column("形成日期", 11, "center"),
    Column("关联活动", 22), Column("存放位置", 40),
)  # fmt: skip
INCIDENT_COLUMNS = (
    Column("日期", 11, "center"), Column("事件", 30), Column("负面清单", 28),
    Column("处理", 10, "center"), Column("记录文件", 40),
)  # fmt: skip


def write_term_workbook(
    data: TermExport,
    path: Path,
    links: Sequence[Mapping[str, str]],
    places: Sequence[Mapping[str, str]],
    progress: Tick | None = None,
) -> None:
    """The 复查 workbook over a term: years side by side, then the log and the catalogue of
    every year; `links` and `places` are per year, as for one year's workbook."""
    book = _Book(path)
    try:
        _fill_term(book, data, links, places, progress or (lambda n: None))
    finally:
        book.close()


def _fill_term(
    book: _Book,
    data: TermExport,
    links: Sequence[Mapping[str, str]],
    places: Sequence[Mapping[str, str]],
    tick: Tick,
) -> None:
    years = [str(y.plan.year) for y in data.years]
    per_year = tuple(Column(f"{y} 年", 24, "center") for y in years)
    summary = _Sheet(book, "各年概况", (Column("项目", 14), *per_year), data.title)
    for label, values in term_summary_rows(data):
        summary.append([label, *values])
    summary.finish()

    tasks = _Sheet(
        book,
        "任务逐年",
        (Column("编号", 7, "center"), Column("工作任务", 36), *per_year),
        "各项任务逐年完成情况（—：当年计划中没有这个编号的任务）",
    )
    for row in data.term.tasks:
        tasks.append([row.task_id, row.title, *(s or "—" for s in row.states)])
    tasks.finish()

    if data.term.items:
        items = _Sheet(
            book,
            "测评项目逐年",
            (
                Column("编号", 7, "center"),
                Column("测评项目", 24),
                Column("分值", 7, "center"),
                *per_year,
            ),
            f"测评项目逐年自评分（{data.term.assessment or ''}）",
        )
        for item in data.term.items:
            cells: list[object] = [
                ("待填" if value is None else value) if covered else "未覆盖"
                for value, covered in zip(item.scores, item.covered, strict=True)
            ]
            items.append(
                [item.id, item.name, "待填" if item.points is None else item.points, *cells]
            )
        totals: list[object] = [
            ("否决" if y.score.vetoed else y.score.total) if y.score else ""
            for y in data.term.years
        ]
        items.append(["", "总分（计入负面清单）", "", *totals])
        items.finish()

    log = _Sheet(book, "活动记录", TERM_ACTIVITY_COLUMNS, "活动记录（各年）")
    for year in data.years:
        log.banner(f"{year.plan.year} 年")
        if not year.activities:
            log.append([year.plan.year, "", "", "", "", "", "本年没有活动记录", "", "", ""])
        for activity in year.activities:
            record = activity.record
            log.append([
                year.plan.year, activity.seq, activity.number, record.date, activity.tasks,
                record.type, record.title, record.unit,
                "" if record.participants is None else record.participants,
                activity.evidence_text,
            ])  # fmt: skip
            tick(1)
    log.finish()

    catalogue = _Sheet(book, "佐证材料目录", TERM_EVIDENCE_COLUMNS, "佐证材料目录（各年）")
    for year, year_links, year_places in zip(data.years, links, places, strict=True):
        catalogue.banner(f"{year.plan.year} 年")
        if not year.evidence:
            catalogue.append([year.plan.year, "", "", "", "本年没有佐证材料", "", "", ""])
        for piece in year.evidence:
            href = year_links.get(piece.number)
            catalogue.append(
                [year.plan.year, piece.number, piece.tasks, piece.kind, piece.caption, piece.date,
                 piece.activity, year_places.get(piece.number, "")],
                {1: href} if href else None,
            )  # fmt: skip
            tick(1)
    catalogue.finish()

    incidents = _Sheet(book, "负面事件", INCIDENT_COLUMNS, "测评周期内的负面事件")
    for i in data.term.incidents:
        name = f"{i.negative} {i.name}" if i.name else i.negative
        incidents.append([i.date, i.title, name, i.effect, i.path])
    if not data.term.incidents:
        incidents.append(["", "测评周期内没有负面事件记录", "", "", ""])
    incidents.finish()
    book.finish_long()


def write_rollup(data: RollupExport, path: Path) -> None:
    """The roll-up workbook: one sheet per table (汇总, 单位明细, 问题清单, 任务对照)."""
    book = _Book(path)
    try:
        for table in data.tables:
            columns = tuple(Column(h, w, a) for h, w, a in table.columns)
            sheet = _Sheet(book, table.name, columns, f"{data.title}：{table.heading}")
            for row in table.rows:
                tones = {i: cell.tone for i, cell in enumerate(row) if cell.tone}
                values = [cell.value for cell in row]
                sheet.append(values, tones=tones)
            if table.note:
                sheet.banner(table.note)
            sheet.finish()
    finally:
        book.close()
