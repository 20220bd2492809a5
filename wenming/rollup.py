"""The roll-up folder: its units.yaml read into `Member`s, where the clones and the sync log live."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import Problem, Source, WenmingError
from .requirements.base import State

UNITS_FILE = "units.yaml"
CLONES_DIR = "clones"  # ignored by the roll-up's git: each clone is its unit's own repository
SYNC_LOG = "sync.json"  # inside CLONES_DIR: when each unit was last fetched on this machine
ROLLUP_ENV = "WENMING_ROLLUP"
SCHEMA_VERSION = 1
_KEYS = ("name", "url", "branch", "group", "year")
_WHOLE_FILE = Source(UNITS_FILE)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Member:
    """One unit of a roll-up: its name, where its ledger is served, and how to read it."""

    name: str
    url: str
    group: str = ""
    branch: str | None = None  # None: the remote's default branch
    year: int | None = None  # None: the plan covering the day, as `wenming status` chooses
    source: Source = _WHOLE_FILE


@dataclass(frozen=True)
class Rollup:
    """A roll-up folder and its units, in the order units.yaml lists them."""

    root: Path
    members: tuple[Member, ...]

    @property
    def clones(self) -> Path:
        return self.root / CLONES_DIR

    def clone_of(self, member: Member) -> Path:
        return self.clones / member.name


def find_rollup(explicit: str | os.PathLike[str] | None, start: Path) -> Path:
    """The roll-up folder: `explicit` (or $WENMING_ROLLUP), else the nearest upward with units.yaml."""
    chosen = explicit if explicit is not None else os.environ.get(ROLLUP_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser().resolve()
        if not (root / UNITS_FILE).is_file():
            raise WenmingError(
                f"“{chosen}”不是汇总目录（其中没有 {UNITS_FILE}）",
                "用 --dir 指向汇总目录，或用 wenming roll-up init 新建",
            )
        return root
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / UNITS_FILE).is_file():
            return folder
    raise WenmingError(
        f"当前目录 {here} 不在汇总目录内（向上找不到 {UNITS_FILE}）",
        "进入汇总目录后再运行，或用 --dir 路径 / 环境变量 WENMING_ROLLUP 指定；新建用 wenming roll-up init",
    )


def read_rollup(root: Path) -> Rollup:
    """Read units.yaml; any problem in it stops the command with every problem listed."""
    members, problems = parse_units(root / UNITS_FILE)
    if problems:
        listing = "\n".join(p.format() for p in problems)
        raise WenmingError(
            f"{UNITS_FILE} 有 {len(problems)} 处错误：\n{listing}",
            f"按提示改正 {UNITS_FILE} 后再运行（格式见 wenming roll-up init 生成的示例）",
        )
    return Rollup(root, tuple(members))


def parse_units(path: Path) -> tuple[list[Member], list[Problem]]:
    """units.yaml as `Member`s, and its problems (path, line, rule) as `check` reports them."""
    from .yamlio import YList, YMap, load_file

    rel = UNITS_FILE
    data, problems = load_file(path, rel, max_bytes=10_000_000)
    if problems:
        return [], problems
    if not isinstance(data, YMap) or "units" not in data:
        return [], [
            Problem(Source(rel, 1), "missing-field", "缺少 units（单位列表）", _EXAMPLE_HINT)
        ]
    for key in data:
        if key not in ("units", "schema_version"):
            problems.append(
                Problem(Source(rel, data.line_of(key)), "unknown-key", f"未知的键“{key}”", "顶层只有 schema_version 和 units")
            )  # fmt: skip
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        problems.append(
            Problem(Source(rel, data.line_of("schema_version")), "schema-version", f"不支持的 schema_version：{version}", f"写 schema_version: {SCHEMA_VERSION}")
        )  # fmt: skip
    units = data["units"]
    if not isinstance(units, YList):
        line = data.line_of("units")
        return [], [
            *problems,
            Problem(Source(rel, line), "wrong-type", "units 应当是列表", _EXAMPLE_HINT),
        ]
    members: list[Member] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(units):
        line = units.line_of(index)
        if not isinstance(item, YMap):
            problems.append(
                Problem(
                    Source(rel, line),
                    "wrong-type",
                    "每个单位应当是一个映射（name、url……）",
                    _EXAMPLE_HINT,
                )
            )
            continue
        member = _member(item, rel, problems)
        if member is None:
            continue
        if member.name in seen:
            problems.append(
                Problem(member.source, "duplicate-unit", f"单位“{member.name}”重复（第 {seen[member.name]} 行已有）", "每个单位只写一次；同名的不同单位请写全称区分")
            )  # fmt: skip
            continue
        seen[member.name] = member.source.line
        members.append(member)
    return members, problems


_EXAMPLE_HINT = (
    "格式：units: 下每项是 - name: 单位名称 / url: git 地址 / group: 分组（可省略 branch、year）"
)


def _member(m: Any, rel: str, problems: list[Problem]) -> Member | None:
    start = len(problems)
    for key in m:
        if key not in _KEYS:
            problems.append(
                Problem(Source(rel, m.line_of(key)), "unknown-key", f"未知的键“{key}”", f"可用的键：{'、'.join(_KEYS)}")
            )  # fmt: skip
    texts: dict[str, str] = {}
    for key in ("name", "url", "branch", "group"):
        value = m.get(key)
        if value is None:
            if key in ("name", "url"):
                problems.append(
                    Problem(Source(rel, m.line_of(key)), "missing-field", f"单位缺少 {key}", _EXAMPLE_HINT)
                )  # fmt: skip
            continue
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            problems.append(
                Problem(Source(rel, m.line_of(key)), "wrong-type", f"{key} 应当是非空的文字", _EXAMPLE_HINT)
            )  # fmt: skip
            continue
        texts[key] = str(value).strip()
    name = texts.get("name")
    if name is not None and (_BAD_NAME.search(name) or name.startswith(".")):
        problems.append(
            Problem(Source(rel, m.line_of("name")), "bad-value", f"单位名称“{name}”不能用作文件夹名", "名称中不要有 / \\ : * ? \" < > | 和控制字符，也不要以“.”开头")
        )  # fmt: skip
    url = texts.get("url")
    if url is not None and url.startswith("-"):
        problems.append(
            Problem(Source(rel, m.line_of("url")), "bad-value", f"git 地址“{url}”不能以“-”开头", "写完整的地址，如 https://git.example.cn/单位/台账.git")
        )  # fmt: skip
    year = m.get("year")
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200
    ):
        problems.append(
            Problem(Source(rel, m.line_of("year")), "wrong-type", "year 应当是四位数的年份，如 2022", "省略 year 时读覆盖今天的计划")
        )  # fmt: skip
        year = None
    if len(problems) > start or name is None or url is None:
        return None
    return Member(name, url, texts.get("group", ""), texts.get("branch"), year, Source(rel, m.line))


def read_sync_log(root: Path) -> dict[str, dict[str, Any]]:
    """When each unit was last synced on this machine and with what result; {} if never."""
    try:
        data = json.loads((root / CLONES_DIR / SYNC_LOG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}


def write_sync_log(root: Path, log: dict[str, dict[str, Any]]) -> None:
    from .atomic import write_replacing

    text = json.dumps(log, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_replacing(root / CLONES_DIR / SYNC_LOG, text)


def synced_at(entry: dict[str, Any]) -> datetime | None:
    """The time of the unit's last successful sync, from its sync log entry."""
    value = entry.get("synced")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --- What `roll-up status` finds, shared by its views and exports ---------------------------


@dataclass(frozen=True)
class SectionShare:
    id: str
    title: str
    done: int
    total: int


@dataclass(frozen=True)
class UnitStatus:
    """One unit's row: task counts by state, shares, last activity, errors and sync age.

    `failure` says why the ledger could not be read at all (not yet synced, no plan …); the
    counts are then empty and the other units are unaffected.
    """

    name: str
    group: str
    year: int | None = None
    as_of: date | None = None
    counts: dict[str, int] = field(default_factory=dict)  # State value -> tasks
    sections: tuple[SectionShare, ...] = ()
    last_activity: date | None = None
    records: int = 0
    errors: int = 0
    failure: str = ""
    synced: datetime | None = None
    sync_failure: str = ""  # the last sync's failure, if it failed
    states: dict[str, str] = field(default_factory=dict)  # task id -> State value
    plan_key: tuple[tuple[str, str], ...] = ()  # (task id, title) of the plan's tasks

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def share(self) -> float | None:
        return self.counts.get(State.DONE.value, 0) / self.total if self.total else None

    def days_since_sync(self, now: datetime) -> int | None:
        return None if self.synced is None else max(0, (now - self.synced).days)

    def to_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "counts": {s.value: self.counts.get(s.value, 0) for s in State},
            "total": self.total,
            "share": None if self.share is None else round(self.share, 4),
            "sections": [
                {"id": s.id, "title": s.title, "done": s.done, "total": s.total}
                for s in self.sections
            ],
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "records": self.records,
            "errors": self.errors,
            "failure": self.failure,
            "synced": self.synced.isoformat() if self.synced else None,
            "days_since_sync": self.days_since_sync(now),
            "sync_failure": self.sync_failure,
            "tasks": dict(self.states),
        }


@dataclass(frozen=True)
class Matrix:
    """Task by unit, for units sharing one plan (the plan most units read)."""

    tasks: tuple[tuple[str, str], ...]  # (task id, title)
    units: tuple[str, ...]
    states: dict[str, dict[str, str]]  # task id -> unit -> State value
    left_out: tuple[str, ...]  # readable units whose plan differs

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": [
                {"id": t, "title": title, "states": self.states[t]} for t, title in self.tasks
            ],
            "units": list(self.units),
            "left_out": list(self.left_out),
        }
