"""What every requirement kind shares: the progress it reports, the context it is judged in,
the entry it registers, and small helpers; pure, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..calendar import Window
from ..model import ActivityLike, Plan
from ..numbers import plain_number
from ..vocabulary import listing as names_listing

if TYPE_CHECKING:
    from ..errors import Problem
    from ..parse import _Reader
    from ..yamlio import YMap

R = TypeVar("R")

OP_WORDS = {">": "超过", ">=": "不低于", "<": "低于", "<=": "不超过", "==": "等于"}


class State(str, Enum):
    DONE = "已完成"
    ON_TRACK = "进行中"
    LATE = "滞后"
    NOT_STARTED = "未开展"


@dataclass(frozen=True)
class Todo:
    """One thing to do to close a gap: an activity to log, or evidence to add to a record."""

    what: str  # the gap in words: "4月", "征文", "春节（2022-02-01）", a record id
    date: date | None = None  # a date inside the gap for a new record
    type: str | None = None  # the activity type a new record needs
    record_id: str | None = None  # set when the gap is evidence missing from this record
    kinds: tuple[str, ...] = ()  # evidence kinds the record lacks (or a new one must carry)
    figure: str | None = None  # a figure (or `participants`) a new record should report
    amount: float | None = None  # how much of it would close the gap

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "date": self.date.isoformat() if self.date else None,
            "type": self.type,
            "record_id": self.record_id,
            "kinds": list(self.kinds),
            "figure": self.figure,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class Part:
    """One piece of a requirement and the records that meet it: a month, a festival, an activity
    type, a deadline, a record's evidence or figure. What `status TASK` lists, none left out."""

    label: str  # "3月", "春节（2022-02-01）", "征文", "2022-06-30 前", a record id
    state: str  # "met", "missed" (its time is over), "open" (under way), "later" (not yet due)
    record_ids: tuple[str, ...] = ()  # the records that count for it, in date order
    note: str = ""  # "1/2 次", "缺 签到表、照片", "36 小时"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "state": self.state,
            "record_ids": list(self.record_ids),
            "note": self.note,
        }


def part_state(met: bool, start: date, end: date, as_of: date) -> str:
    """A part's state: met, or missed once its end has passed, open while under way, else later."""
    if met:
        return "met"
    if end <= as_of:
        return "missed"
    return "open" if start <= as_of else "later"


@dataclass(frozen=True, kw_only=True)
class RequirementProgress:
    """How far one requirement of a task has got, and why it is in its state."""

    kind: str
    label: str
    state: State
    met: bool
    done: float
    total: float
    progress: str
    missing: tuple[str, ...] = ()
    reason: str = ""
    actual: float | None = None
    target: float | None = None
    op: str | None = None
    unit: str = ""
    todo: tuple[Todo, ...] = ()
    name: str = ""  # the plan's short name for the requirement, if it gave one
    raw: float | None = None  # a metric's aggregate before it is divided per fact
    divisor: float | None = None  # the fact a metric is divided by, when it is per fact
    parts: tuple[Part, ...] = ()  # every piece of the requirement and the records meeting it

    @property
    def title(self) -> str:
        return self.name or self.label

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "name": self.name,
            "state": self.state.value,
            "met": self.met,
            "done": self.done,
            "total": self.total,
            "progress": self.progress,
            "missing": list(self.missing),
            "reason": self.reason,
            "actual": self.actual,
            "target": self.target,
            "op": self.op,
            "unit": self.unit,
            "todo": [t.to_dict() for t in self.todo],
            "raw": self.raw,
            "divisor": self.divisor,
            "parts": [part.to_dict() for part in self.parts],
        }


@dataclass(frozen=True)
class Context:
    """What judging a requirement needs: the plan, the day and the task's activities."""

    plan: Plan
    as_of: date
    records: list[ActivityLike]

    @property
    def ended(self) -> bool:
        return self.as_of >= self.plan.end

    def typed(self, type_: str | None) -> list[ActivityLike]:
        return self.records if type_ is None else [r for r in self.records if r.type == type_]


# The fields every requirement shares (source, name, note, type), read by parse.py before the
# kind's own keys, passed on to the model class as keyword arguments.
Common = dict[str, Any]


class Kind(Generic[R]):
    """One requirement kind: its name in the plan, its model class, its keys, and what to do
    with it. Each module of this package defines one as `KIND`. (A plain class: a dataclass
    would cost every run of every command a millisecond to build.)"""

    __slots__ = ("check", "describe", "evaluate", "model", "name", "optional", "parse", "required")

    def __init__(
        self,
        name: str,
        model: type[R],
        required: tuple[str, ...],
        optional: tuple[str, ...],
        parse: Callable[[_Reader, YMap, Common], R | None],
        check: Callable[[Plan, R], Iterable[Problem]],
        evaluate: Callable[[Context, R], RequirementProgress],
        describe: Callable[[R, Plan], str],
    ) -> None:
        self.name = name  # the plan's `kind:` value; also the model's `kind` and the module's name
        self.model = model
        self.required = required  # keys besides the common ones (kind, name, note, type)
        self.optional = optional
        # (reader, mapping, common fields) -> the requirement, or None after reporting problems
        self.parse = parse
        # (plan, requirement) -> problems beyond the unknown `type:` every kind is checked for
        self.check = check
        self.evaluate = evaluate
        self.describe = describe  # “支委会每月至少1次”

    def __repr__(self) -> str:
        return f"Kind({self.name!r}, {self.model.__name__})"


def number(value: float) -> str:
    """A figure in a status line: no trailing .0, at most one decimal."""
    return plain_number(value, 1)


def state(met: bool, late: bool, started: bool) -> State:
    if met:
        return State.DONE
    if late:
        return State.LATE
    return State.ON_TRACK if started else State.NOT_STARTED


def listing(items: Sequence[str], word: str = "项", limit: int = 6) -> str:
    """The first few of a status line's items, and how many there are in all, counted in
    `word` (“个月”, “个节日”): “1月、2月、……、6月 等 8 个月”. `status TASK` lists them all."""
    shown = names_listing(items, limit)
    return shown.replace(f" 等 {len(items)} 项", f" 等 {len(items)} {word}")


def no_problems(plan: Plan, req: Any) -> Iterable[Problem]:
    """The check of a kind with nothing to check beyond its `type:`."""
    return ()


def window_progress(
    ctx: Context,
    kind: str,
    label: str,
    type_: str | None,
    windows: tuple[Window, ...],
    word: str,
    default_type: str | None = None,
) -> RequirementProgress:
    """Progress of a requirement met by an activity in each of some windows (festivals, dates)."""
    records = ctx.typed(type_)
    covering = [tuple(r.id for r in records if r.date in w) for w in windows]
    met_w = [w for w, ids in zip(windows, covering, strict=True) if ids]
    missed = [w for w in windows if w not in met_w and w.end <= ctx.as_of]
    current = [w for w in windows if w not in met_w and w.start <= ctx.as_of < w.end]
    met = len(met_w) == len(windows)
    names = [f"{w.label}（{w.day.isoformat()}）" for w in missed]
    if met:
        reason = f"{len(windows)} {word}均有活动" if windows else "计划期内没有该日期"
    elif missed:
        reason = f"{listing(names, word)} 前后没有活动"
    elif current:
        reason = f"{current[0].label}（{current[0].day.isoformat()}）前后尚无活动"
    else:
        reason = f"已完成 {len(met_w)}/{len(windows)} {word}"
    suggested = type_ or default_type
    if suggested is not None and suggested not in ctx.plan.activity_types:
        suggested = None
    todo = [
        Todo(f"{w.label}（{w.day.isoformat()}）", date=min(w.day, ctx.as_of), type=suggested)
        for w in [*missed, *current]
    ]
    return RequirementProgress(
        kind=kind,
        label=label,
        state=state(met, bool(missed), bool(met_w)),
        met=met,
        done=len(met_w),
        total=len(windows),
        progress=f"{len(met_w)}/{len(windows)} {word.lstrip('个')}",
        missing=tuple(names),
        reason=reason,
        todo=tuple(todo),
        parts=tuple(
            Part(
                f"{w.label}（{w.day.isoformat()}）",
                part_state(bool(ids), w.start, w.end, ctx.as_of),
                ids,
                f"{w.start.isoformat()}～{w.end.isoformat()}",
            )
            for w, ids in zip(windows, covering, strict=True)
        ),
    )
