"""Next year's plan from this year's, as text: dates moved, facts flagged, comments kept."""

from __future__ import annotations

import re
from datetime import date

from .errors import WenmingError
from .yamlio import YList, YMap

DEADLINE = "deadline"


def shift(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Text:
    """The plan's lines, edited in place by line number; insertions are applied last."""

    def __init__(self, text: str, rel: str) -> None:
        self.lines = text.split("\n")
        self.rel = rel
        self.inserts: list[tuple[int, str]] = []

    def replace_after(self, line: int, key: str, old: str, new: str, count: int = 1) -> None:
        """Replace `old` by `new` in line `line`, after `key:`; refuse when it is not there."""
        text = self.lines[line - 1]
        start = text.find(f"{key}:")
        start = 0 if start < 0 else start + len(key) + 1
        at = text.find(old, start)
        if at < 0:
            raise WenmingError(
                f"{self.rel}:{line}: 找不到“{old}”，无法自动顺延",
                f"把 {key} 写成一行的 YYYY-MM-DD 日期后再运行，或复制计划文件后手工修改",
            )
        head, tail = text[:start], text[start:]
        self.lines[line - 1] = head + tail.replace(old, new, count)

    def insert_before(self, line: int, text: str) -> None:
        self.inserts.append((line, text))

    def result(self) -> str:
        lines = list(self.lines)
        for line, text in sorted(self.inserts, reverse=True):
            lines.insert(line - 1, text)
        return "\n".join(lines)


def roll_forward(text: str, data: YMap, rel: str, source_year: int, year: int) -> str:
    """The plan text for `year`: `year`, the period and every deadline moved by the difference
    in years, “<年份>年” in the title and attachments renamed, every fact flagged
    `placeholder: true` to confirm; comments and layout stay as they were."""
    years = year - source_year
    out = _Text(text, rel)
    out.replace_after(data.line_of("year"), "year", str(source_year), str(year))
    period = data.get("period")
    if isinstance(period, YMap):
        for key in ("start", "end"):
            _move(out, period, key, years)
    for section in _maps(data.get("sections")):
        for task in _maps(section.get("tasks")):
            for req in _maps(task.get("requirements")):
                if req.get("kind") == DEADLINE and "by" in req:
                    _move(out, req, "by", years)
    old, new = f"{source_year}年", f"{year}年"
    if "title" in data and old in str(data["title"]):
        out.replace_after(data.line_of("title"), "title", old, new, count=-1)
    attachments = data.get("attachments")
    if isinstance(attachments, YList):
        for line in sorted(set(attachments.item_lines)):
            if old in out.lines[line - 1]:
                out.replace_after(line, "attachments", old, new, count=-1)
    facts = data.get("facts")
    if isinstance(facts, YMap):
        for name, body in facts.items():
            _flag(out, facts, name, body)
    head = (
        f"# 由 wenming plan new 从 plan/{source_year}.yaml 生成：计划期和截止日期顺延 {years} 年，"
        f"节日按 {year} 年的日历计算；\n"
        f"# 事实数值沿用 {source_year} 年，已标 placeholder: true，核实后删去它（wenming check 会提醒）。\n"
    )
    return head + out.result()


def _maps(value: object) -> list[YMap]:
    return [item for item in value if isinstance(item, YMap)] if isinstance(value, YList) else []


def _move(out: _Text, m: YMap, key: str, years: int) -> None:
    raw = m.get(key)
    if raw is None:
        return
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        return  # the plan does not parse: checked before this is called
    out.replace_after(m.line_of(key), key, str(raw), shift(day, years).isoformat())


_FLOW_OPEN = re.compile(r"\{\s*")


def _flag(out: _Text, facts: YMap, name: str, body: object) -> None:
    """Mark a fact `placeholder: true`, in the flow `{…}` or block style it is written in."""
    if not isinstance(body, YMap) or not body:
        return
    if "placeholder" in body:
        if body["placeholder"] is not True:
            out.replace_after(body.line_of("placeholder"), "placeholder", "false", "true")
        return
    first = body.line_of(next(iter(body)))
    key_line = facts.line_of(name)
    text = out.lines[key_line - 1]
    if first == key_line and "{" in text:
        at = text.index("{", text.find(name) + len(name))
        opened = _FLOW_OPEN.match(text, at)
        end = opened.end() if opened else at + 1
        out.lines[key_line - 1] = text[:end] + "placeholder: true, " + text[end:]
        return
    child = out.lines[first - 1]
    indent = child[: len(child) - len(child.lstrip())]
    out.insert_before(first, f"{indent}placeholder: true")
