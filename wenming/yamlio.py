"""The ledger's YAML dialect: strict safe loading with line marks, and a stable readable dump."""

from __future__ import annotations

import os
import re
from pathlib import Path
from stat import S_ISREG
from typing import Any

import yaml

from .errors import Problem, Source

try:  # the C parser is several times faster; the pure-Python one is the fallback
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# Non-blocking: a FIFO put in a file's place cannot hang the open (no such flag, and no FIFOs, on
# Windows); binary: Windows would otherwise translate line ends and stop at Ctrl-Z.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
MAX_NODES = 200_000
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_STR = f"{_TAG}str"
_SEQ = f"{_TAG}seq"
_MAP = f"{_TAG}map"
_INT = f"{_TAG}int"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Invisible control characters no ledger text needs: C0 and C1 (YAML itself refuses C1 in a
# file) and U+FFFE/U+FFFF, which XML, so the exported workbook, cannot hold either. The same set
# is looked for in the file's text and in double-quoted values, where an escape such as "\x1b"
# or "\uFFFE" decodes to one.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# Far beyond any count or figure a ledger holds, and short enough to print in a message.
MAX_INT_BITS = 63
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG_NAMES = {"!!int": "整数", "!!float": "数字", "!!bool": "是/否（true/false）", "!!null": "空值"}

# PyYAML's most common syntax messages, so a clerk is not left with English jargon.
_SYNTAX_ZH = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（可能缩进不对，或值里有未加引号的冒号）",
    "mapping values are not allowed in this context": "此处不能出现“键: 值”（可能缩进不对，或值里有未加引号的冒号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character that cannot start any token": "出现了不能开始一个值的字符（例如制表符或 @、`）",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "did not find expected '-' indicator": "列表项缩进不一致，缺少“- ”",
    "found undefined alias": "引用了未定义的锚点（*别名）",
    "expected a single document in the stream": "一个文件只能有一个 YAML 文档（不要用“---”分隔多个）",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
    "found unknown escape character": "双引号字符串中有无效的转义符“\\”",
    "while scanning a quoted scalar": "引号没有闭合",
    "found a tab character that violates indentation": "缩进中不能使用制表符（Tab），请改用空格",
}


class _Loader(_BaseLoader):
    """The safe loader, minus path resolvers (never registered here), which cost a call per node."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class YMap(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YFloat(float):
    """A float that keeps the text it was written as, so `6.10` is not mistaken for `6.1`."""

    raw: str


class YDate(str):
    """A YAML timestamp kept as its text; the model parses and validates it."""


class _Walker:
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []
        self.count = 0

    def problem(self, line: int, rule: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(Source(self.rel, line), rule, message, hint))

    def walk(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH or self.count > MAX_NODES:
            raise _TooComplex(line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node, line)
            seq = YList()
            seq.line, seq.item_lines = line, []
            for item in node.value:
                seq.append(self._value(item, depth + 1))
                seq.item_lines.append(item.start_mark.line + 1)
            return seq
        return self._scalar(node, line)

    def _value(self, node: yaml.Node, depth: int) -> Any:
        # Most values are plain text: take them without a full walk step.
        if node.tag == _STR and node.__class__ is yaml.ScalarNode:
            self.count += 1
            if node.style == '"':
                self._escaped(node, node.start_mark.line + 1)
            return node.value
        return self.walk(node, depth)

    def _escaped(self, node: yaml.Node, line: int) -> None:
        """Only a double-quoted scalar can decode to characters its text does not show."""
        bad = _CONTROL.search(node.value)
        if bad:
            self.problem(
                line,
                "control-character",
                f"文字中含有不可见的控制字符 U+{ord(bad.group()):04X}（由双引号中的转义符写成）",
                "删除这个转义符（例如 \\x1b、\\0、\\uFFFE）；它常来自从其他软件复制粘贴的内容",
            )

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> YMap:
        if node.tag != _MAP:
            self._bad_tag(node, line)
        mapping = YMap()
        lines: dict[str, int] = {}
        mapping.line, mapping.key_lines = line, lines
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.__class__ is not yaml.ScalarNode:
                self.problem(key_line, "wrong-type", "键必须是简单文字，不能是列表或映射")
                continue
            key = str(key_node.value)
            if key_node.style == '"':
                self._escaped(key_node, key_line)
            if key in lines:
                self.problem(
                    key_line,
                    "duplicate-key",
                    f"键“{key}”重复出现（第一次在第 {lines[key]} 行）",
                    "删除或合并重复的键；YAML 只会保留其中一个值",
                )
                continue
            mapping[key] = self._value(value_node, depth + 1)
            lines[key] = key_line
        return mapping

    def _scalar(self, node: yaml.Node, line: int) -> Any:
        tag = node.tag
        # Text is by far the most common scalar; build it without the generic constructor.
        if tag == _STR or tag == "!":
            if getattr(node, "style", None) == '"':
                self._escaped(node, line)
            return node.value
        value = node.value
        if tag == _INT and value.isascii() and value.isdigit() and len(value) < 19:
            return int(value)
        if tag not in _SCALAR_TAGS:
            self._bad_tag(node, line)
            return str(value)
        if tag == f"{_TAG}timestamp":
            return YDate(value)
        try:
            if tag == f"{_TAG}float" and isinstance(node, yaml.ScalarNode):
                number = YFloat(_CONSTRUCTOR.construct_yaml_float(node))
                number.raw = str(value)
                return number
            result = _CONSTRUCTOR.construct_object(node, deep=True)
        except ValueError as exc:
            if tag == _INT and "limit" in str(exc):  # Python refuses over 4,300 digits
                return self._too_big(line, value)
            return self._bad_value(node, line)
        except Exception:  # an explicit tag (!!int, !!bool…) on text that is not such a value
            return self._bad_value(node, line)
        if type(result) is int and result.bit_length() > MAX_INT_BITS:
            return self._too_big(line, value)
        return result

    def _too_big(self, line: int, text: str) -> None:
        # None, not the number: a number this long cannot even be printed in a later message.
        shown = text if len(text) <= 24 else f"{text[:12]}…（共 {len(text)} 个字符）"
        self.problem(
            line, "bad-number", f"数字 {shown} 过大，不是合理的人数、数值或年份", "改成正确的数字"
        )

    def _bad_value(self, node: yaml.Node, line: int) -> None:
        name = str(node.tag).replace(_TAG, "!!")
        self.problem(
            line,
            "yaml-tag",
            f"标签“{name}”的值“{str(node.value)[:40]}”不是有效的{_TAG_NAMES.get(name, '值')}",
            f"删除标签“{name}”，直接写出正确的值",
        )

    def _bad_tag(self, node: yaml.Node, line: int) -> None:
        self.problem(
            line,
            "yaml-tag",
            f"不支持的 YAML 标签“{node.tag}”",
            "台账只使用普通的文字、数字、日期、列表和映射；删除以“!”开头的标签",
        )


class _TooComplex(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def plain(value: Any) -> Any:
    """The same data as exact built-in types (for JSON, marshal and equality with fresh data)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, YFloat):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def decode(data: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Decode a ledger file as UTF-8 (a BOM is allowed); explain GBK and control characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "请把文件另存为 UTF-8 编码（WPS/记事本：另存为 → 编码选 UTF-8）"
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            message = "文件不是 UTF-8 编码"
        else:
            message = "文件看起来是 GBK/GB18030 编码，台账文件必须是 UTF-8"
            hint += f"，或运行：iconv -f GB18030 -t UTF-8 '{rel}' -o '{rel}.utf8' && mv '{rel}.utf8' '{rel}'"
        return None, [Problem(Source(rel, line), "encoding", message, hint)]
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        code = f"U+{ord(bad.group()):04X}"
        return None, [
            Problem(
                Source(rel, line),
                "control-character",
                f"文件含有不可见的控制字符 {code}",
                "删除该字符；它常来自从其他软件复制粘贴的内容",
            )
        ]
    return text, []


def parse_text(text: str, rel: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into plain data with line marks (YMap/YList), or report why not."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        original = exc.problem or exc.context or "语法错误"
        zh = _SYNTAX_ZH.get(original.split(" (")[0].strip(), original)
        context = _SYNTAX_ZH.get(exc.context or "", "")
        message = f"YAML 语法错误：{zh}" + (f"；{context}" if context and context != zh else "")
        return None, [
            Problem(
                Source(rel, line),
                "yaml-syntax",
                message,
                "检查这一行及上一行的缩进、冒号和引号；含冒号或以特殊符号开头的文字请加引号",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(Source(rel, 0), "yaml-syntax", f"YAML 语法错误：{exc}")]
    if node is None:
        return None, []
    walker = _Walker(rel)
    try:
        data = walker.walk(node)
    except _TooComplex as exc:
        return None, [
            Problem(
                Source(rel, exc.line),
                "yaml-too-complex",
                f"YAML 结构过深或过大（超过 {MAX_DEPTH} 层或 {MAX_NODES} 个节点，常见于滥用锚点/别名）",
                "台账文件应当是简单的映射和列表；去掉嵌套的锚点和别名",
            )
        ]
    if walker.problems and any(p.rule == "yaml-tag" for p in walker.problems):
        # A file with foreign tags is refused whole: its other values are not to be trusted.
        return None, walker.problems
    return data, walker.problems


def not_a_file(rel: str) -> Problem:
    return Problem(
        Source(rel),
        "not-a-file",
        "不是普通文件（是命名管道、设备或套接字），不能作为记录或计划读取",
        f"删除它，换成普通的 YAML 文件：rm '{rel}'",
    )


def load_file(path: str | Path, rel: str, max_bytes: int = 10_000_000) -> tuple[Any, list[Problem]]:
    """Read, decode and parse one file; every failure becomes a Problem, never an exception."""
    try:
        # Only a regular file is read: a FIFO could hang, a device such as /dev/zero never ends.
        fd = os.open(path, _READ_FLAGS)
        with open(fd, "rb") as handle:  # noqa: PTH123 - no Path object per record file
            if not S_ISREG(os.fstat(fd).st_mode):
                return None, [not_a_file(rel)]
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, [Problem(Source(rel, 0), "unreadable", f"无法读取文件：{exc.strerror}")]
    if len(data) > max_bytes:
        return None, [
            Problem(
                Source(rel, 0),
                "file-too-large",
                f"文件过大（超过 {max_bytes:,} 字节）",
                "一条记录只写一次活动；照片等佐证材料请作为单独的文件放在记录目录里",
            )
        ]
    text, problems = decode(data, rel)
    if text is None:
        return None, problems
    return parse_text(text, rel)


class _Dumper(_BaseDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(f"{_TAG}str", value, style=style)


_Dumper.add_representer(str, _str_presenter)  # type: ignore[arg-type]
_Dumper.add_representer(YDate, _str_presenter)  # type: ignore[arg-type]


def dump(data: Any) -> str:
    """Dump data as the ledger writes it: key order kept, Chinese as is, multi-line text as blocks."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )
