"""Numbering of Chinese official documents (一、（一）1、（1）① and their variants) as a tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numbers import parse_chinese_numeral
from .reader import Line

_CN_NUM = r"[一二三四五六七八九十]{1,3}"
_FULLWIDTH = str.maketrans("０１２３４５６７８９（）．", "0123456789().")

# (style, pattern); the style names one numbering level whatever its punctuation variant.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 第一部分 / 第二章: the parts a long plan is divided into, above its 一、 headings.
    ("第一部分", re.compile(rf"^第\s*({_CN_NUM}|\d{{1,2}})\s*(?:部分|章|篇)\s*[、.：:]?\s*")),
    ("一、", re.compile(rf"^({_CN_NUM})\s*[、.]\s*")),
    ("（一）", re.compile(rf"^\(\s*({_CN_NUM})\s*\)\s*")),
    ("（一）", re.compile(r"^([\u3220-\u3229])\s*")),
    ("1.1", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?:\s+|[、.](?!\d)\s*|(?=[^\d.\s]))")),
    ("1、", re.compile(r"^(\d{1,3})\s*(?:、|\.(?!\d))\s*")),
    ("（1）", re.compile(r"^\(\s*(\d{1,3})\s*\)\s*")),
    ("（1）", re.compile(r"^(\d{1,2})\)\s*")),
    ("（1）", re.compile(r"^([\u2474-\u2487])\s*")),
    ("①", re.compile(r"^([\u2460-\u2473])\s*")),
)


@dataclass(frozen=True)
class Marker:
    style: str  # the level's name, e.g. "（一）"; decimal styles carry their depth: "1.1", "1.1.1"
    number: int  # the item's own number at its level
    label: str  # the marker as written, e.g. "（六）"
    rest: str  # the line after the marker


def parse_marker(text: str) -> Marker | None:
    """The numbering that opens a line, or None for running text."""
    probe = text.translate(_FULLWIDTH)
    for style, pattern in _MARKERS:
        match = pattern.match(probe)
        if not match:
            continue
        raw = match.group(1)
        rest = text[match.end() :].strip()
        if not rest:
            return None  # a bare number is a page number or a table cell, not an item
        if style == "1.1":
            parts = raw.split(".")
            return Marker("1" + ".1" * (len(parts) - 1), int(parts[-1]), raw, rest)
        if raw.isascii() and raw.isdigit():
            number = int(raw)
        elif "\u3220" <= raw <= "\u3229":
            number = ord(raw) - 0x3220 + 1
        elif "\u2474" <= raw <= "\u2487":
            number = ord(raw) - 0x2474 + 1
        elif "\u2460" <= raw <= "\u2473":
            number = ord(raw) - 0x2460 + 1
        else:
            value = parse_chinese_numeral(raw)
            if value is None:
                continue
            number = value
        if number == 0:
            continue
        return Marker(style, number, text[: len(text) - len(rest)].strip(), rest)
    return None


@dataclass
class Node:
    """A numbered item: its marker line, the unnumbered lines under it and its sub-items."""

    marker: Marker | None
    line: Line | None
    body: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def style(self) -> str | None:
        return self.marker.style if self.marker else None

    def all_lines(self) -> list[Line]:
        """This item's own line, its body and every descendant's lines, in document order."""
        lines = ([self.line] if self.line else []) + list(self.body)
        for child in self.children:
            lines.extend(child.all_lines())
        return lines


def build_outline(lines: list[Line]) -> Node:
    """The item tree. A style seen on the open path closes back to that level (a sibling);
    a new style opens one level deeper, so any mix of numbering styles nests as written."""
    root = Node(None, None)
    stack = [root]
    for line in lines:
        marker = parse_marker(line.text)
        if marker is None:
            stack[-1].body.append(line)
            continue
        level = next((i for i in range(1, len(stack)) if stack[i].style == marker.style), None)
        if level is None and marker.style.startswith("1.1"):
            # 1.1 belongs under 1、; 1.1.1 under 1.1, whatever came between.
            depth = marker.style.count(".")
            level = next(
                (
                    i
                    for i in range(1, len(stack))
                    if (stack[i].style or "").count(".") >= depth
                    and (stack[i].style or "").startswith("1.1")
                ),
                None,
            )
        if level is not None:
            del stack[level:]
        node = Node(marker, line)
        stack[-1].children.append(node)
        stack.append(node)
    return root
