"""Reading a plan document (.txt, .md, .docx) into numbered, whitespace-clean lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WenmingError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
MAX_BYTES = 20_000_000
# Limits on a .docx's unpacked parts, checked before anything is parsed: a plan's
# document.xml is at most a few MB, so a part beyond these is a zip bomb, not a plan.
MAX_PART_BYTES = 30_000_000
MAX_UNPACKED_BYTES = 100_000_000
MAX_PARTS = 5_000
MAX_RATIO = 100  # unpacked / packed, for parts over RATIO_FROM bytes
RATIO_FROM = 1_000_000
# A DTD can declare entities (billion laughs, external files); Word never writes one.
_DTD_SIGNS = tuple(
    sign.encode(encoding)
    for sign in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

# Spaces Word and web pages put in Chinese text: NBSP, en/em spaces, ideographic space, tabs.
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_BULLET = re.compile(r"^(?:[-*+]|>)\s+")
_MD_ORDERED = re.compile(r"^( *)(\d{1,9})([.)])(?=\s)")
# Bold/italic marks, but never the masks `****` and `***` a publisher used to hide names.
_MD_BOLD = re.compile(r"(?<![*\\])\*\*([^*\s](?:[^*]*[^*\s])?)\*\*(?!\*)")
_MD_RULE = re.compile(r"^\s*(?:-{3,}|_{3,}|={3,})\s*$")
_MD_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")

# Table header words -> the role of the column.
_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("序号", "编号", "序")),
    ("task", ("具体任务", "工作任务", "任务内容", "工作内容", "工作措施", "具体内容", "主要任务", "任务", "措施", "内容")),
    ("section", ("项目", "类别", "板块", "领域", "测评项目", "工作类别", "重点工作")),
    ("lead", ("牵头单位", "牵头部门", "牵头科室", "牵头")),
    ("cooperating", ("配合单位", "配合部门", "配合科室", "协办单位", "参与单位", "配合")),
    ("duty", ("责任单位", "责任部门", "责任科室", "负责部门", "负责单位")),
    ("person", ("责任人", "负责人", "责任领导", "分管领导")),
    ("deadline", ("完成时限", "完成时间", "时间要求", "时限", "时间节点", "完成期限")),
)  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One line of the document: its number for messages, where it was, and its clean text."""

    no: int
    text: str
    where: str  # e.g. "第 12 行", "第 5 段", "表 1 第 3 行"
    table: bool = False  # synthesised from a table row


def clean(text: str) -> str:
    """Stray spaces to plain spaces, invisible characters dropped, ends trimmed."""
    return _INVISIBLE.sub("", _SPACES.sub(" ", text)).strip()


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _undecodable(name) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _undecodable(name) from exc


def _undecodable(name: str) -> WenmingError:
    return WenmingError(
        f"无法识别“{name}”的文字编码（既不是 UTF-8，也不是 GBK/GB18030）",
        "用记事本或 WPS 打开后另存为 UTF-8 编码的 .txt，或另存为 .docx 再导入",
    )


def read_document(path: Path) -> list[Line]:
    """The document's lines; a missing, unreadable or unsupported file is a WenmingError."""
    name = path.name
    if not path.exists():
        raise WenmingError(f"找不到文件“{path}”", "检查文件名和路径；路径含空格时请加引号")
    if path.is_dir():
        raise WenmingError(f"“{path}”是文件夹，不是计划文件", "给出计划文件本身，例如 计划.docx")
    suffix = path.suffix.lower()
    if suffix == ".doc" or suffix == ".wps":
        raise WenmingError(
            f"不支持旧版 Word/WPS 格式（{suffix}）：{name}",
            "在 Word 或 WPS 中打开，另存为 .docx（或 .txt）后再导入",
        )
    if suffix not in (*TEXT_SUFFIXES, ".docx"):
        raise WenmingError(
            f"不支持的文件类型“{suffix or '（无扩展名）'}”：{name}",
            "可导入 .txt、.md 和 .docx 文件；PDF 等请先复制文字另存为 .txt",
        )
    try:
        if path.stat().st_size > MAX_BYTES:
            raise WenmingError(f"文件过大：{name}", "计划文件通常只有几十 KB；请确认选对了文件")
        data = path.read_bytes()
    except OSError as exc:
        raise WenmingError(f"无法读取文件“{path}”：{exc.strerror}", "检查文件权限") from exc
    if suffix == ".docx":
        return _docx_lines(path, data)
    text = decode(data, name)
    lines = text.splitlines()
    if suffix in (".md", ".markdown"):
        return _markdown_lines(lines)
    return [Line(i, t, f"第 {i} 行") for i, raw in enumerate(lines, 1) if (t := clean(raw))]


def _markdown_lines(raw_lines: list[str]) -> list[Line]:
    out: list[Line] = []
    table: list[tuple[int, list[str]]] = []
    tables = 0

    def flush() -> None:
        nonlocal tables
        if table:
            tables += 1
            out.extend(table_lines([cells for _, cells in table], tables, [n for n, _ in table]))
            table.clear()

    ordered: dict[int, int] = {}  # indent of an open ordered list -> the number it shows next
    for no, raw in enumerate(raw_lines, 1):
        raw = _renumber(raw, ordered)
        text = clean(raw)
        if text.startswith("|") and text.count("|") >= 2:
            if not _MD_TABLE_SEP.match(text):
                table.append((no, [clean(_markdown_inline(c)) for c in text.strip("|").split("|")]))
            continue
        flush()
        if not text or _MD_RULE.match(text):
            continue
        text = _MD_BULLET.sub("", _MD_HEADING.sub("", text))
        text = clean(_markdown_inline(text))
        if text:
            out.append(Line(no, text, f"第 {no} 行"))
    flush()
    return out


def _renumber(raw: str, ordered: dict[int, int]) -> str:
    """An ordered-list item with the number Markdown shows: the first item's, then counting on
    (`1. 1. 1.` shows 1 2 3); a nested item as `（1）`. Any other unindented line ends the lists."""
    line = raw.expandtabs(4)
    match = _MD_ORDERED.match(line)
    if match is None:
        if line.strip() and not line.startswith(" "):
            ordered.clear()
        return raw
    indent = len(match.group(1))
    for deeper in [i for i in ordered if i > indent]:
        del ordered[deeper]
    number = ordered.get(indent, int(match.group(2)))
    ordered[indent] = number + 1
    if indent:  # the indent is lost once the line is cleaned: keep the level in the marker
        return f"（{number}）{line[match.end() :].lstrip()}"
    return f"{number}{match.group(3)}{line[match.end() :]}"


def _markdown_inline(text: str) -> str:
    return _MD_BOLD.sub(r"\1", text).replace("\\*", "*")


def _docx_lines(path: Path, data: bytes) -> list[Line]:
    try:
        import docx  # python-docx: heavy, so only loaded for .docx files
        from docx.document import Document as _Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise WenmingError("读取 .docx 需要 python-docx", "运行 pip install python-docx") from exc
    import io
    import zipfile

    _check_package(path, data)
    try:
        document: _Document = docx.Document(io.BytesIO(data))
    # lxml's XMLSyntaxError is a SyntaxError: a part that is not well-formed XML.
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise _not_a_docx(path) from exc
    out: list[Line] = []
    paragraphs = tables = 0
    numbering = _Numbering(document)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            label = numbering.label(block)
            for index, part in enumerate(block.text.splitlines()):
                text = clean(part)
                if text:
                    # Word shows the automatic number before the paragraph's first line only.
                    text = clean(label + text) if index == 0 and label else text
                    out.append(Line(paragraphs, text, f"第 {paragraphs} 段"))
        elif isinstance(block, Table):
            tables += 1
            rows = [_row_cells(row) for row in block.rows]
            out.extend(table_lines(rows, tables))
    return out


_LEVEL_REF = re.compile(r"%([1-9])")


class _Numbering:
    """The numbers Word shows before automatically numbered paragraphs (numbering.xml).

    A paragraph's w:numPr (its own, or its style's) names a list and a level; each list
    counts per level, a higher level restarts the ones below, and the level's lvlText
    (`%1、`, `（%2）`, `%3.`) in its numFmt gives the label. Bullets give no label.
    """

    def __init__(self, document: Any) -> None:
        # abstractNumId -> ilvl -> (numFmt, lvlText, start)
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        # numId -> (abstractNumId, start overrides per ilvl)
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, ValueError):  # no numbering part: nothing numbered
            return
        for abstract in root.findall("w:abstractNum", _NS):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in abstract.findall("w:lvl", _NS):
                fmt = _attr(lvl, "w:numFmt") or "decimal"
                start = _attr(lvl, "w:start")
                levels[_int_or(_attr_of(lvl, "ilvl"), 0)] = (
                    fmt,
                    _attr(lvl, "w:lvlText") or "",
                    _int_or(start, 1),
                )
            self.levels[_attr_of(abstract, "abstractNumId")] = levels
        for num in root.findall("w:num", _NS):
            overrides = {
                _int_or(_attr_of(o, "ilvl"), 0): _int_or(_attr(o, "w:startOverride"), 1)
                for o in num.findall("w:lvlOverride", _NS)
                if o.find("w:startOverride", _NS) is not None
            }
            self.lists[_attr_of(num, "numId")] = (_attr(num, "w:abstractNumId"), overrides)

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or num_id not in self.lists:
            return ""
        abstract, overrides = self.lists[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        # Lists sharing a definition continue one count unless one restarts with an override.
        key = num_id if overrides else abstract
        counters = self.counters.setdefault(key, {})
        start = overrides.get(ilvl, levels[ilvl][2])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            return _format_number(counters.get(level, level_start), level_fmt)

        return _LEVEL_REF.sub(value, text)

    @staticmethod
    def _num_pr(paragraph: Any) -> tuple[str | None, int]:
        found = paragraph._p.findall("w:pPr/w:numPr", _NS)
        style = paragraph.style if not found else None
        for _ in range(10):  # styles based on styles; a file may make the chain a loop
            if found or style is None:
                break
            found = style.element.findall("w:pPr/w:numPr", _NS)
            style = style.base_style
        if not found:
            return None, 0
        return _attr(found[0], "w:numId"), _int_or(_attr(found[0], "w:ilvl"), 0)


def _attr_of(element: Any, name: str) -> str:
    return str(element.get(f"{{{_W}}}{name}") or "")


def _attr(element: Any, path: str) -> str:
    found = element.find(path, _NS)
    return _attr_of(found, "val") if found is not None else ""


def _int_or(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_CHINESE_FORMATS = (
    "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
    "ideographDigital", "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand",
)  # fmt: skip


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS and 0 < n < 100:
        return _cn(n)
    if fmt == "ideographTraditional" and 0 < n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return chr(0x2474 + n - 1)
    if fmt in ("upperLetter", "lowerLetter") and 0 < n <= 26:
        return chr((0x41 if fmt == "upperLetter" else 0x61) + n - 1)
    return str(n)


def _not_a_docx(path: Path) -> WenmingError:
    return WenmingError(
        f"“{path.name}”不是有效的 .docx 文件（可能已损坏，或是改了扩展名的旧版 .doc）",
        "在 Word 或 WPS 中打开后重新另存为 .docx",
    )


def _check_package(path: Path, data: bytes) -> None:
    """Refuse a zip bomb or a DTD before python-docx unpacks and parses every part."""
    import io
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _not_a_docx(path) from exc
    with archive:
        parts = archive.infolist()
        # Declared sizes are binding: zipfile never unpacks a member beyond its file_size.
        total = sum(part.file_size for part in parts)
        bomb = len(parts) > MAX_PARTS or total > MAX_UNPACKED_BYTES
        bomb = bomb or any(
            part.file_size > MAX_PART_BYTES
            or (part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * part.compress_size)
            for part in parts
        )
        if bomb:
            raise WenmingError(
                f"“{path.name}”解压后过大（共 {len(parts)} 个部件、{total / 1e6:.0f} MB），"
                "不像是一份计划文件，为安全起见不读取",
                "计划的 .docx 通常只有几十 KB 到几 MB；请在 Word 或 WPS 中打开确认，"
                "另存为 .docx 或 .txt 后再导入",
            )
        for part in parts:
            if not part.filename.endswith((".xml", ".rels")):
                continue
            try:
                text = archive.read(part)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
                raise _not_a_docx(path) from exc
            if any(sign in text for sign in _DTD_SIGNS):
                raise WenmingError(
                    f"“{path.name}”的 {part.filename} 含有 DTD 或实体声明（<!DOCTYPE、<!ENTITY），"
                    "Word 和 WPS 保存的文件不会有这些，为安全起见不读取",
                    "在 Word 或 WPS 中打开后重新另存为 .docx，或另存为 .txt 后再导入",
                )


def _row_cells(row: Any) -> list[str]:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        # A merged cell is reported once per grid column it spans; keep one copy.
        if previous is not None and cell._tc is previous:
            continue
        previous = cell._tc
        cells.append(clean(" ".join(p.text for p in cell.paragraphs)))
    return cells


def _column_roles(header: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, title in enumerate(header):
        compact = title.replace(" ", "")
        for role, words in _COLUMNS:
            if role in roles.values():
                continue
            if any(compact == w or (len(w) > 1 and w in compact) for w in words):
                roles[index] = role
                break
    return roles


def _is_header(row: list[str]) -> bool:
    roles = _column_roles(row)
    return "task" in roles.values() and len(roles) > 1


def table_lines(
    rows: list[list[str]], table_no: int, numbers: list[int] | None = None
) -> list[Line]:
    """A task table as the lines a typed plan would have: a numbered item, then its duty line.

    Without a recognisable header (a 任务 column) every cell is kept as a plain line, so
    nothing is lost and the report shows what could not be placed.
    """
    out: list[Line] = []
    if not rows:
        return out
    # The header is the first row naming a 任务 column and another; a title row
    # (2023年创建任务表) may stand above it.
    head = next((i for i in range(min(3, len(rows))) if _is_header(rows[i])), 0)
    roles = _column_roles(rows[head])

    def line_no(r: int) -> int:
        return numbers[r] if numbers else r + 1

    def where(r: int) -> str:
        return f"第 {numbers[r]} 行" if numbers else f"表 {table_no} 第 {r + 1} 行"

    if "task" not in roles.values():
        for r, row in enumerate(rows):
            text = " ".join(c for c in row if c)
            if text:
                out.append(Line(line_no(r), text, where(r), table=True))
        return out
    for r, row in enumerate(rows[:head]):
        text = " ".join(dict.fromkeys(c for c in row if c))
        if text:
            out.append(Line(line_no(r), text, where(r), table=True))
    section = ""
    section_count = task_count = 0
    for r, row in enumerate(rows[head + 1 :], head + 1):
        cells = {role: row[i] for i, role in roles.items() if i < len(row)}
        task = cells.get("task", "")
        if not task:
            continue
        if cells.get("section") and cells["section"] != section:
            section = cells["section"]
            section_count += 1
            task_count = 0
            out.append(Line(line_no(r), f"（{_cn(section_count)}）{section}", where(r), table=True))
        task_count += 1
        number = cells.get("number", "")
        # Under a 项目 column the 序号 often runs on across groups; ids restart per section.
        marker = f"{task_count}、" if section else _marker_for(number, task_count)
        out.append(Line(line_no(r), f"{marker}{task}", where(r), table=True))
        duty = []
        if cells.get("lead"):
            duty.append(f"牵头单位：{cells['lead']}")
        if cells.get("duty"):
            duty.append(f"责任单位：{cells['duty']}")
        if cells.get("cooperating"):
            duty.append(f"配合单位：{cells['cooperating']}")
        if cells.get("person"):
            duty.append(f"责任人：{cells['person']}")
        if duty:
            out.append(Line(line_no(r), "  ".join(duty), where(r), table=True))
        if cells.get("deadline"):
            out.append(Line(line_no(r), f"完成时间：{cells['deadline']}", where(r), table=True))
        # Columns of no known role (备注, 工作标准…) stay in the task's text, under their header.
        for i, value in enumerate(row):
            if i not in roles and value and i < len(rows[head]):
                header = rows[head][i] or "备注"
                out.append(Line(line_no(r), f"{header}：{value}", where(r), table=True))
    return out


def _marker_for(number: str, count: int) -> str:
    number = number.strip().rstrip("、.．")
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", number):
        last = number.split(".")[-1]
        return f"{last}、"
    if re.fullmatch(r"[（(]?[一二三四五六七八九十]+[)）]?", number):
        return number if number.startswith(("（", "(")) else f"{number}、"
    return f"{count}、"


_CN_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
