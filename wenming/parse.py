"""Turning loaded YAML into model objects, reporting every structural problem with its line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, KeysView
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar, cast

from .dates import DateError, parse_iso
from .errors import Problem, Source
from .files import printable_path, unsafe_reason
from .model import (
    DEFAULT_EVIDENCE_KINDS,
    MAX_FIGURE,
    MAX_PARTICIPANTS,
    SCHEMA_VERSION,
    SIGN_OFF,
    Evidence,
    Fact,
    Figure,
    Guidance,
    Plan,
    Record,
    Requirement,
    Section,
    Task,
    Unit,
)
from .requirements import KINDS
from .yamlio import YDate, YFloat, YList, YMap, plain

T = TypeVar("T")

MAX_PERIOD_YEARS = 3
MAX_PERIOD_DAYS = MAX_PERIOD_YEARS * 366
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_URL = re.compile(r"^https?://\S+$")

# Keys people write in Chinese by habit, so the hint can name the right one.
_CHINESE_KEYS = {
    "日期": "date", "任务": "tasks", "编号": "tasks", "类型": "type", "活动类型": "type",
    "标题": "title", "名称": "title", "单位": "unit", "组织单位": "unit", "地点": "place",
    "人数": "participants", "参与人数": "participants", "摘要": "summary", "内容": "summary",
    "佐证": "evidence", "佐证材料": "evidence", "说明": "caption", "文件": "file",
}  # fmt: skip

_TYPE_NAMES = {
    str: "文字", int: "整数", float: "数字", bool: "是/否", list: "列表", dict: "映射",
    type(None): "空值",
}  # fmt: skip


def _describe(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return name
    return type(value).__name__


@lru_cache(maxsize=64)
def _key_sets(
    required: tuple[str, ...], allowed: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(required), frozenset(allowed)


def _all_known(keys: KeysView[str], required: tuple[str, ...], allowed: tuple[str, ...]) -> bool:
    """No unknown key and no missing required one."""
    must, may = _key_sets(required, allowed)
    return keys <= may and must <= keys


def as_id(value: Any) -> str | None:
    """A task or section id as written: `6.10` stays `6.10`, `4` becomes "4"."""
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return None
    return str(value).strip()


class _Reader:
    """Field access on YMaps that records a Problem for every missing, unknown or mistyped key."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

    def error(self, line: int, rule: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(Source(self.rel, line), rule, message, hint))

    def mapping(self, value: Any, line: int, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.error(line, "wrong-type", f"{what}应为映射（“键: 值”），实际是{_describe(value)}")
        return None

    def keys(
        self, m: YMap, required: tuple[str, ...], optional: tuple[str, ...], what: str
    ) -> bool:
        allowed = required + optional
        if _all_known(m.keys(), required, allowed):  # the usual case, checked in one step
            return True
        for key in m:
            if key in allowed:
                continue
            guess = _CHINESE_KEYS.get(key)
            if guess not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                guess = close[0] if close else None
            hint = f"是不是“{guess}”？" if guess else ""
            hint += f"{what}可用的键：{'、'.join(allowed)}"
            self.error(m.line_of(key), "unknown-key", f"{what}中有未知的键“{key}”", hint)
        missing = [key for key in required if key not in m]
        for key in missing:
            self.error(m.line, "missing-field", f"{what}缺少必填项“{key}”", f"添加一行“{key}: …”")
        return not missing

    def _typed(self, m: YMap, key: str, ok: Callable[[Any], bool], expected: str) -> Any:
        value = m.get(key)
        if value is None:
            return None
        if not ok(value):
            self.error(
                m.line_of(key),
                "wrong-type",
                f"“{key}”应为{expected}，实际是{_describe(value)}“{value}”",
            )
            return None
        return value

    def text(self, m: YMap, key: str, required: bool = False) -> str | None:
        value = m.get(key)
        if type(value) is str and (value.strip() or not required):  # the usual case
            return value
        value = self._typed(m, key, lambda v: not isinstance(v, bool | list | dict), "文字")
        if value is None:
            if required and key in m and m[key] is None:
                self.error(m.line_of(key), "missing-field", f"“{key}”不能为空")
            return None
        text = value.raw if isinstance(value, YFloat) else str(value)
        if required and not text.strip():
            self.error(m.line_of(key), "missing-field", f"“{key}”不能为空")
            return None
        return text

    def ident(self, m: YMap, key: str) -> str | None:
        value = m.get(key)
        ident = as_id(value)
        if value is not None and not ident:
            self.error(m.line_of(key), "wrong-type", f'“{key}”应为编号文字，例如 "6.3"')
        return ident

    def integer(self, m: YMap, key: str, low: int, high: int) -> int | None:
        value = m.get(key)
        if type(value) is int and low <= value <= high:  # the usual case
            return value
        value = self._typed(
            m, key, lambda v: isinstance(v, int) and not isinstance(v, bool), "整数"
        )
        if value is None:
            return None
        if not low <= value <= high:
            self.error(
                m.line_of(key),
                "bad-number",
                f"“{key}”的值 {value} 不合理，应在 {low}～{high} 之间",
            )
            return None
        return cast(int, value)

    def number(self, m: YMap, key: str, low: float, high: float) -> float | None:
        value = self._typed(
            m, key, lambda v: isinstance(v, int | float) and not isinstance(v, bool), "数字"
        )
        if value is None:
            return None
        if value != value or not low <= value <= high:  # NaN compares unequal to itself
            self.error(
                m.line_of(key),
                "bad-number",
                f"“{key}”的值 {value} 不合理，应在 {low:g}～{high:g} 之间",
            )
            return None
        return float(value)

    def date(self, m: YMap, key: str) -> date | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str | YDate):
            self.error(
                m.line_of(key),
                "wrong-type",
                f"“{key}”应为日期 YYYY-MM-DD，实际是{_describe(value)}",
            )
            return None
        try:
            return parse_iso(str(value))
        except DateError as exc:
            self.error(
                m.line_of(key), "invalid-date", str(exc), "日期写成 YYYY-MM-DD，并确认这一天存在"
            )
            return None

    def texts(self, m: YMap, key: str, ids: bool = False) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a one-item list."""
        value = m.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, YList) else [value]
        result: list[str] = []
        for index, item in enumerate(items):
            text = as_id(item) if ids else (item if isinstance(item, str) else None)
            if not ids and isinstance(item, int | float) and not isinstance(item, bool):
                text = as_id(item)
            if not text:
                line = value.line_of(index) if isinstance(value, YList) else m.line_of(key)
                self.error(
                    line,
                    "wrong-type",
                    f"“{key}”的每一项应为文字，第 {index + 1} 项是{_describe(item)}",
                )
                continue
            result.append(text)
        return tuple(result)

    def flag(self, m: YMap, key: str) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.error(m.line_of(key), "wrong-type", f"“{key}”应为 true 或 false")
            return False
        return value

    def choice(self, m: YMap, key: str, choices: tuple[str, ...], default: T) -> str | T:
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in choices:
            self.error(
                m.line_of(key),
                "bad-value",
                f"“{key}”的值“{value}”无效",
                f"可选：{'、'.join(choices)}",
            )
            return default
        return value

    def items(self, m: YMap, key: str, what: str) -> list[tuple[int, YMap]]:
        """The mappings of a list-of-mappings field, each with its line."""
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, YList):
            self.error(m.line_of(key), "wrong-type", f"“{key}”应为列表（每项以“- ”开头）")
            return []
        out = []
        for index, item in enumerate(value):
            line = value.line_of(index)
            mapping = self.mapping(item, line, f"{what}第 {index + 1} 项")
            if mapping is not None:
                out.append((line, mapping))
        return out

    def schema(self, m: YMap) -> None:
        version = m.get("schema_version")
        if version is not None and version != SCHEMA_VERSION:
            self.error(
                m.line_of("schema_version"),
                "schema-version",
                f"不支持的 schema_version：{version}（本版本的 wenming 读写 {SCHEMA_VERSION}）",
                "升级 wenming，或把 schema_version 改为 1",
            )


# ---------------------------------------------------------------- plan

_PLAN_REQUIRED = ("schema_version", "year", "title", "organisation", "period", "sections")
_PLAN_OPTIONAL = (
    "preamble", "guidance", "attachments", "facts", "figures", "units", "activity_types",
    "evidence_kinds", "sign_off",
)  # fmt: skip
_REQ_COMMON = ("kind", "name", "note", "type")


def _empty(rel: str, rule: str, what: str) -> Problem:
    # An empty file is what a crash or a bad save leaves behind: never let it pass for nothing.
    return Problem(
        Source(rel),
        rule,
        f"{what}是空的（没有内容，或只有注释、~）",
        "从 git 恢复它（git checkout -- 文件路径），或删除这个文件",
    )


def parse_plan(data: Any, rel: str) -> tuple[Plan | None, list[Problem]]:
    if data is None:
        return None, [_empty(rel, "empty-plan", "计划文件")]
    r = _Reader(rel)
    m = r.mapping(data, 1, "计划文件")
    if m is None:
        return None, r.problems
    complete = r.keys(m, _PLAN_REQUIRED, _PLAN_OPTIONAL, "计划")
    r.schema(m)
    year = r.integer(m, "year", 1949, 2200)
    period = r.mapping(m.get("period"), m.line_of("period"), "“period”") if "period" in m else None
    start = end = None
    if period is not None:
        r.keys(period, ("start", "end"), (), "period")
        start, end = r.date(period, "start"), r.date(period, "end")
        if start and end and start > end:
            r.error(
                period.line_of("end"),
                "bad-period",
                f"计划期间的结束日期 {end} 早于开始日期 {start}",
            )
            start = end = None
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            # A plan covers a year, at most a three-year term; far longer is a typing error,
            # and would have every period and festival of centuries computed.
            r.error(
                period.line_of("end"),
                "bad-period",
                f"计划期间 {start}～{end} 超过 {MAX_PERIOD_YEARS} 年",
                f"计划期间最长 {MAX_PERIOD_YEARS} 年，通常是一个年度，例如 "
                f"{{start: {year or 2022}-01-01, end: {year or 2022}-12-31}}",
            )
            start = end = None
    sections = tuple(_section(r, line, s) for line, s in r.items(m, "sections", "sections"))
    plan = Plan(
        year=year or 0,
        title=r.text(m, "title", required=True) or "",
        organisation=r.text(m, "organisation", required=True) or "",
        start=start or date(year or 2000, 1, 1),
        end=end or date(year or 2000, 12, 31),
        source=Source(rel, m.line_of("year")),
        preamble=r.text(m, "preamble") or "",
        guidance=tuple(_guidance(r, g) for _, g in r.items(m, "guidance", "guidance")),
        attachments=r.texts(m, "attachments"),
        facts=_facts(r, m),
        figures=_figures(r, m),
        units=_units(r, m),
        activity_types=_vocabulary(r, m, "activity_types"),
        evidence_kinds=r.texts(m, "evidence_kinds") or DEFAULT_EVIDENCE_KINDS,
        sections=tuple(s for s in sections if s is not None),
        sign_off=_sign_off(r, m),
    )
    blanks = (("year", m, year), ("start", period, start), ("end", period, end))
    for key, where, value in blanks:
        if where is not None and key in where and value is None and not r.problems:
            r.error(where.line_of(key), "missing-field", f"“{key}”不能为空")
    ok = complete and year is not None and start is not None and end is not None
    if not ok and not r.problems:  # a plan left out must always say why
        r.error(m.line, "missing-field", "计划缺少必填内容", f"必填：{'、'.join(_PLAN_REQUIRED)}")
    return (plan if ok else None), r.problems


def _sign_off(r: _Reader, m: YMap) -> dict[str, str]:
    """Who fills in and reviews the 台账, printed on its cover."""
    if m.get("sign_off") is None:
        return {}
    block = r.mapping(m["sign_off"], m.line_of("sign_off"), "“sign_off”")
    if block is None:
        return {}
    r.keys(block, (), tuple(SIGN_OFF), "sign_off")
    return {key: text for key in SIGN_OFF if (text := r.text(block, key))}


def _guidance(r: _Reader, m: YMap) -> Guidance:
    r.keys(m, ("title", "text"), (), "guidance")
    return Guidance(r.text(m, "title") or "", r.text(m, "text") or "")


def _named_mapping(r: _Reader, m: YMap, key: str) -> list[tuple[str, YMap | None, int]]:
    """Entries of a `name: {…}` mapping; a bare `name:` counts as an empty mapping."""
    value = m.get(key)
    if value is None:
        return []
    mapping = r.mapping(value, m.line_of(key), f"“{key}”")
    if mapping is None:
        return []
    entries = []
    for name, body in mapping.items():
        line = mapping.line_of(name)
        entries.append((name, None if body is None else r.mapping(body, line, f"“{name}”"), line))
    return entries


def _facts(r: _Reader, m: YMap) -> dict[str, Fact]:
    facts = {}
    for name, body, line in _named_mapping(r, m, "facts"):
        if body is None:
            r.error(line, "missing-field", f"事实“{name}”缺少 value")
            continue
        r.keys(body, ("value",), ("unit", "note", "placeholder"), f"事实“{name}”")
        value = r.number(body, "value", 0, MAX_FIGURE)
        if value is not None:
            facts[name] = Fact(
                name,
                value,
                Source(r.rel, line),
                r.text(body, "unit") or "",
                r.text(body, "note") or "",
                r.flag(body, "placeholder"),
            )
    return facts


def _figures(r: _Reader, m: YMap) -> dict[str, Figure]:
    figures = {}
    for name, body, line in _named_mapping(r, m, "figures"):
        unit = ""
        if body is not None:
            r.keys(body, (), ("unit",), f"数值项“{name}”")
            unit = r.text(body, "unit") or ""
        figures[name] = Figure(name, Source(r.rel, line), unit)
    return figures


def _units(r: _Reader, m: YMap) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for line, u in r.items(m, "units", "units"):
        if not r.keys(u, ("name",), ("kind", "members", "placeholder", "note"), "单位"):
            continue
        name = r.text(u, "name", required=True)
        if not name:
            continue
        if name in units:
            r.error(
                line,
                "duplicate-unit",
                f"单位“{name}”重复定义（第一次在第 {units[name].source.line} 行）",
            )
            continue
        placeholder = r.flag(u, "placeholder")
        kind = r.choice(u, "kind", ("department", "collective"), "department")
        units[name] = Unit(
            name=name,
            source=Source(r.rel, line),
            kind=cast(Any, kind),
            members=r.texts(u, "members"),
            placeholder=placeholder,
        )
    return units


def _vocabulary(r: _Reader, m: YMap, key: str) -> dict[str, Source]:
    value = m.get(key)
    names = r.texts(m, key)
    lines = value.item_lines if isinstance(value, YList) else []
    vocabulary: dict[str, Source] = {}
    for index, name in enumerate(names):
        line = lines[index] if index < len(lines) else m.line_of(key)
        if name in vocabulary:
            r.error(line, "duplicate-type", f"“{key}”中“{name}”重复出现")
        vocabulary.setdefault(name, Source(r.rel, line))
    return vocabulary


def _section(r: _Reader, line: int, m: YMap) -> Section | None:
    if not r.keys(m, ("id", "title", "tasks"), (), "章节"):
        return None
    section_id = r.ident(m, "id") or "?"
    tasks = tuple(
        t for t in (_task(r, tl, tm, section_id) for tl, tm in r.items(m, "tasks", "tasks")) if t
    )
    return Section(section_id, r.text(m, "title", required=True) or "", Source(r.rel, line), tasks)


def _task(r: _Reader, line: int, m: YMap, section_id: str) -> Task | None:
    if not r.keys(
        m,
        ("id", "title", "text", "lead"),
        ("cooperating", "evidence", "requirements"),
        "任务",
    ):
        return None
    task_id = r.ident(m, "id")
    if not task_id:
        return None
    if task_id != section_id and not task_id.startswith(f"{section_id}."):
        r.error(
            m.line_of("id"),
            "task-id",
            f"任务编号“{task_id}”与所在章节“{section_id}”不符",
            f"章节 {section_id} 下的任务编号应为“{section_id}”或“{section_id}.N”",
        )
    requirements = tuple(
        req
        for rl, rm in r.items(m, "requirements", "requirements")
        if (req := _requirement(r, rl, rm))
    )
    return Task(
        id=task_id,
        section=section_id,
        title=r.text(m, "title", required=True) or "",
        text=r.text(m, "text", required=True) or "",
        source=Source(r.rel, line),
        lead=r.texts(m, "lead"),
        cooperating=r.texts(m, "cooperating"),
        evidence=r.texts(m, "evidence"),
        requirements=requirements,
    )


def _requirement(r: _Reader, line: int, m: YMap) -> Requirement | None:
    name = m.get("kind")
    if not isinstance(name, str) or name not in KINDS:
        if "kind" not in m:
            r.error(line, "missing-field", "要求缺少“kind”", f"可选：{'、'.join(KINDS)}")
        else:
            r.choice(m, "kind", tuple(KINDS), None)
        return None
    kind = KINDS[name]
    if not r.keys(m, ("kind", *kind.required), _REQ_COMMON[1:] + kind.optional, f"要求（{name}）"):
        return None
    common: dict[str, Any] = {
        "source": Source(r.rel, line),
        "name": r.text(m, "name") or "",
        "note": r.text(m, "note") or "",
        "type": r.text(m, "type"),
    }
    requirement: Requirement | None = kind.parse(r, m, common)
    return requirement


# ---------------------------------------------------------------- record

RECORD_REQUIRED = ("schema_version", "date", "tasks", "type", "title", "unit")
RECORD_OPTIONAL = ("place", "participants", "figures", "extra", "summary", "evidence")


def parse_record(
    data: Any, rel: str, record_id: str, year: int
) -> tuple[Record | None, list[Problem]]:
    if data is None:
        return None, [_empty(rel, "empty-record", "记录文件")]
    r = _Reader(rel)
    m = r.mapping(data, 1, "记录文件")
    if m is None:
        return None, r.problems
    complete = r.keys(m, RECORD_REQUIRED, RECORD_OPTIONAL, "记录")
    r.schema(m)
    lines = dict(m.key_lines)
    tasks_value = m.get("tasks")
    if isinstance(tasks_value, YList):
        lines.update({f"tasks.{i}": tasks_value.line_of(i) for i in range(len(tasks_value))})
    day = r.date(m, "date")
    tasks = r.texts(m, "tasks", ids=True)
    kind = r.text(m, "type", required=True)
    title = r.text(m, "title", required=True)
    unit = r.text(m, "unit", required=True)
    figures = _record_figures(r, m, lines)
    extra = (
        r.mapping(m["extra"], m.line_of("extra"), "“extra”") if m.get("extra") is not None else None
    )
    record = Record(
        id=record_id,
        year=year,
        date=day or date.min,  # no record without a date is kept; records/0000/ has no year 0
        tasks=tasks,
        type=kind or "",
        title=title or "",
        unit=unit or "",
        source=Source(rel, m.line),
        place=r.text(m, "place") or "",
        participants=r.integer(m, "participants", 0, MAX_PARTICIPANTS),
        figures=figures,
        extra=plain(extra or {}),
        summary=r.text(m, "summary") or "",
        evidence=tuple(_evidence(r, line, e) for line, e in r.items(m, "evidence", "evidence")),
        lines=lines,
    )
    for key, value in (("date", day), ("tasks", tasks)):
        if key in m and not value and not _reported(r, m.line_of(key)):
            r.error(m.line_of(key), "missing-field", f"“{key}”不能为空", f"填写{_FILL[key]}")
    ok = complete and day is not None and bool(tasks) and bool(kind and title and unit)
    if not ok and not r.problems:  # a record left out must always say why
        r.error(m.line, "missing-field", "记录缺少必填内容", f"必填：{'、'.join(RECORD_REQUIRED)}")
    return (record if ok else None), r.problems


_FILL = {"date": "活动日期，例如 2022-03-05", "tasks": '对应的任务编号，例如 tasks: ["7.1"]'}


def _reported(r: _Reader, line: int) -> bool:
    return any(p.source.line == line for p in r.problems)


def _record_figures(r: _Reader, m: YMap, lines: dict[str, int]) -> dict[str, float]:
    figures: dict[str, float] = {}
    if m.get("figures") is None:
        return figures
    body = r.mapping(m["figures"], m.line_of("figures"), "“figures”")
    if body is None:
        return figures
    for name in body:
        lines[f"figures.{name}"] = body.line_of(name)
        value = r.number(body, name, 0, MAX_FIGURE)
        if value is not None:
            figures[name] = value
    return figures


def _evidence(r: _Reader, line: int, m: YMap) -> Evidence:
    r.keys(m, ("kind",), ("file", "url", "caption", "sha256", "date"), "佐证材料")
    file, url = r.text(m, "file"), r.text(m, "url")
    # The model never holds a path or link the system cannot take (NUL), print, or write into
    # the workbook's XML; the control-character rule has reported what was there.
    file, url = file and printable_path(file), url and printable_path(url)
    if file and (reason := unsafe_reason(file)):
        # Reported here, from the text alone, so even an otherwise broken record shows it.
        r.error(
            line,
            "evidence-path",
            f"佐证材料路径“{file}”{reason}，必须是台账内的相对路径",
            "把文件复制进记录的佐证材料文件夹，file 写成 records/<年份>/<记录编号>/文件名",
        )
    if bool(file) == bool(url):
        r.error(
            line,
            "evidence-source",
            "佐证材料必须且只能有“file”（台账内的文件）或“url”（网址）之一",
            "文件写成 file: records/2022/…/照片.jpg；网页写成 url: https://…",
        )
    sha = r.text(m, "sha256")
    if sha is not None and not _SHA256.match(sha):
        r.error(
            m.line_of("sha256"),
            "sha256-format",
            "sha256 应为 64 位小写十六进制数",
            "运行 sha256sum 文件名 得到正确的值",
        )
        sha = None
    if file and sha is None and "sha256" not in m:
        r.error(
            line,
            "missing-field",
            "文件类佐证材料缺少“sha256”",
            f"运行 sha256sum '{file}'，把结果写入 sha256",
        )
    if url and not _URL.match(url):
        r.error(m.line_of("url"), "bad-url", f"网址“{url}”无效，应以 http:// 或 https:// 开头")
    return Evidence(
        kind=r.text(m, "kind", required=True) or "",
        source=Source(r.rel, line),
        caption=r.text(m, "caption") or "",
        file=file,
        url=url,
        sha256=sha,
        date=r.date(m, "date"),
    )
