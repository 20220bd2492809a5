"""The ledger as frozen data: plan, units, tasks, requirements, records and evidence; no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol, Union

from .errors import Problem, Source

if TYPE_CHECKING:  # the assessment's classes load only in the commands that score
    from .assessment import Assessment, Incident

SCHEMA_VERSION = 1

Period = Literal["month", "quarter", "half", "year"]
Aggregate = Literal["sum", "mean", "max", "min", "latest", "count"]
Operator = Literal[">", ">=", "<", "<=", "=="]

PERIOD_NAMES: dict[str, str] = {"month": "月", "quarter": "季度", "half": "半年", "year": "年"}
FESTIVALS = ("春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳")
DEFAULT_EVIDENCE_KINDS = (
    "通知", "方案", "制度", "签到表", "会议记录", "会议纪要", "讲话材料", "照片", "视频",
    "简报", "新闻报道", "统计表", "心得体会", "荣誉证书", "总结", "截图", "其他",
)  # fmt: skip
# Who signs the exported 台账's cover: plan key -> the cover's label.
SIGN_OFF = {"unit": "填报单位", "preparer": "填报人", "reviewer": "审核人", "phone": "联系电话"}
# The figure `add --hours` fills in: volunteer hours, the one most plans set a target for.
HOURS_FIGURE = "志愿服务时长"
# The largest values a file may hold: beyond them a number is a typing error (bad-number).
MAX_PARTICIPANTS = 1_000_000
MAX_FIGURE = 1e9
# Metric fields that every record has, besides the figures a plan declares.
BUILTIN_METRIC_FIELDS = ("participants", "records")


@dataclass(frozen=True)
class Unit:
    """A department or collective named in the plan; members for a collective."""

    name: str
    source: Source
    kind: Literal["department", "collective"] = "department"
    members: tuple[str, ...] = ()
    placeholder: bool = False


@dataclass(frozen=True)
class Fact:
    """A number the plan states about the unit (staff, households), for per-capita targets."""

    name: str
    value: float
    source: Source
    unit: str = ""
    note: str = ""
    placeholder: bool = False


@dataclass(frozen=True)
class Figure:
    """A numeric field records may carry (hours, amounts), with its unit."""

    name: str
    source: Source
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class _Requirement:
    """What every requirement has: where it was written, a name, a note, a type filter."""

    source: Source
    name: str = ""
    note: str = ""
    type: str | None = None  # only records of this activity type count


@dataclass(frozen=True, kw_only=True)
class CountReq(_Requirement):
    """At least `min` activities in every month, quarter, half or year."""

    per: Period
    min: int = 1
    kind: Literal["count"] = "count"


@dataclass(frozen=True, kw_only=True)
class EachOfReq(_Requirement):
    """At least one activity of each listed type."""

    types: tuple[str, ...]
    kind: Literal["each_of"] = "each_of"


@dataclass(frozen=True, kw_only=True)
class FestivalReq(_Requirement):
    """An activity within `window_days` of each listed traditional festival."""

    festivals: tuple[str, ...]
    window_days: int = 7
    kind: Literal["festival"] = "festival"


@dataclass(frozen=True, kw_only=True)
class FixedDateReq(_Requirement):
    """An activity within `window_days` of a fixed day of the year (雷锋日 on 03-05)."""

    month: int
    day: int
    label: str = ""
    window_days: int = 7
    kind: Literal["fixed_date"] = "fixed_date"


@dataclass(frozen=True, kw_only=True)
class DeadlineReq(_Requirement):
    """At least `min` activities on or before a date."""

    by: date
    min: int = 1
    kind: Literal["deadline"] = "deadline"


@dataclass(frozen=True, kw_only=True)
class MetricReq(_Requirement):
    """A figure, aggregated over the records, compared with a target (per fact, if given)."""

    field: str
    aggregate: Aggregate
    op: Operator
    target: float
    unit: str = ""
    per_fact: str | None = None
    kind: Literal["metric"] = "metric"


@dataclass(frozen=True, kw_only=True)
class EvidenceSetReq(_Requirement):
    """Every record of the task carries evidence of each listed kind."""

    kinds: tuple[str, ...]
    kind: Literal["evidence_set"] = "evidence_set"


Requirement = Union[  # noqa: UP007 - a runtime alias; `X | Y` needs 3.10 evaluation anyway
    CountReq, EachOfReq, FestivalReq, FixedDateReq, DeadlineReq, MetricReq, EvidenceSetReq
]


@dataclass(frozen=True)
class Task:
    """One numbered task of the plan: its text, lead and cooperating units, requirements."""

    id: str
    section: str
    title: str
    text: str
    source: Source
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Section:
    """A numbered part of the plan (一、二、…) and its tasks."""

    id: str
    title: str
    source: Source
    tasks: tuple[Task, ...] = ()


@dataclass(frozen=True)
class Guidance:
    """A closing part of the plan document (工作要求 and the like), kept as text."""

    title: str
    text: str


@dataclass(frozen=True)
class Plan:
    """One year's work plan: units, facts, vocabularies and sections of tasks."""

    year: int
    title: str
    organisation: str
    start: date
    end: date
    source: Source
    preamble: str = ""
    guidance: tuple[Guidance, ...] = ()
    attachments: tuple[str, ...] = ()
    facts: Mapping[str, Fact] = field(default_factory=dict)
    figures: Mapping[str, Figure] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    activity_types: Mapping[str, Source] = field(default_factory=dict)
    evidence_kinds: tuple[str, ...] = DEFAULT_EVIDENCE_KINDS
    sections: tuple[Section, ...] = ()
    sign_off: Mapping[str, str] = field(default_factory=dict)  # SIGN_OFF key -> value

    @cached_property
    def tasks(self) -> dict[str, Task]:
        return {task.id: task for section in self.sections for task in section.tasks}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence of a record: a file in the ledger or a web address."""

    kind: str
    source: Source
    caption: str = ""
    file: str | None = None  # ledger-relative POSIX path
    url: str | None = None
    sha256: str | None = None
    date: date | None = None  # when the document was made, if not on the activity's day


class Activity(NamedTuple):
    """A record reduced to what progress is computed from and a list of records shows; small,
    so a warm `status` or `list` is fast."""

    id: str
    date: date
    tasks: tuple[str, ...]
    type: str
    unit: str
    participants: int | None
    figures: Mapping[str, float]
    evidence_kinds: tuple[str, ...]
    path: str
    title: str = ""
    place: str = ""
    evidence_count: int = 0


class ActivityLike(Protocol):
    """What the status engine reads: an `Activity`, or a full `Record`."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> date: ...
    @property
    def tasks(self) -> tuple[str, ...]: ...
    @property
    def type(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def participants(self) -> int | None: ...
    @property
    def figures(self) -> Mapping[str, float]: ...
    @property
    def evidence_kinds(self) -> tuple[str, ...]: ...
    @property
    def path(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Record:
    """One activity. `id` is the file's stem; `lines` maps field paths to lines for messages."""

    id: str
    year: int  # from the folder records/<year>/
    date: date
    tasks: tuple[str, ...]
    type: str
    title: str
    unit: str
    source: Source
    place: str = ""
    participants: int | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)
    summary: str = ""
    evidence: tuple[Evidence, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, key: str) -> Source:
        return Source(self.source.path, self.lines.get(key, self.source.line))

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def evidence_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.kind for item in self.evidence))

    @property
    def activity(self) -> Activity:
        return Activity(
            self.id, self.date, self.tasks, self.type, self.unit, self.participants,
            self.figures, self.evidence_kinds, self.source.path, self.title, self.place,
            len(self.evidence),
        )  # fmt: skip


@dataclass
class Snapshot:
    """One plan and its records reduced to `Activity`s (in date order): all that progress needs."""

    root: Path
    plan: Plan
    plans: dict[int, Plan] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Leftover(NamedTuple):
    """A file or folder under records/<year>/ that is no record: unless a record's evidence
    points into it, something (an interrupted `add`) left it behind. `inner`: what a folder
    holds that would be a leftover if the folder itself is referenced."""

    path: str
    what: str
    folder: bool = False
    inner: tuple[Leftover, ...] = ()


@dataclass
class Ledger:
    """Everything read from a ledger folder, plus the problems met while reading it."""

    root: Path
    plans: dict[int, Plan] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    record_files: list[str] = field(default_factory=list)
    broken_plans: set[int] = field(default_factory=set)  # plan files present but unusable
    leftovers: list[Leftover] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)  # assessment/*.yaml
    incidents: list[Incident] = field(default_factory=list)  # incidents/<year>/*.yaml
