"""Progress of a plan computed from its records at an as-of date; pure, no I/O."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any

from .calendar import Span, Window, festival_windows, fixed_date_windows, periods
from .model import (
    PERIOD_NAMES,
    ActivityLike,
    CountReq,
    DeadlineReq,
    EachOfReq,
    EvidenceSetReq,
    FestivalReq,
    FixedDateReq,
    MetricReq,
    Plan,
    Requirement,
    Task,
)


class State(str, Enum):
    DONE = "已完成"
    ON_TRACK = "进行中"
    LATE = "滞后"
    NOT_STARTED = "未开展"


# Words a POSIX shell passes through unchanged; CJK letters count as \w.
STATE_ORDER = (State.LATE, State.NOT_STARTED, State.ON_TRACK, State.DONE)
OP_WORDS = {">": "超过", ">=": "不低于", "<": "低于", "<=": "不超过", "==": "等于"}


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
        }


@dataclass(frozen=True)
class TaskProgress:
    """One task's state, reason, progress and records."""

    task_id: str
    title: str
    section: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    state: State
    reason: str
    progress: str
    record_ids: tuple[str, ...]
    requirements: tuple[RequirementProgress, ...]
    todo: tuple[Todo, ...] = ()  # for a task without requirements

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "title": self.title,
            "section": self.section,
            "lead": list(self.lead),
            "cooperating": list(self.cooperating),
            "state": self.state.value,
            "reason": self.reason,
            "progress": self.progress,
            "record_ids": list(self.record_ids),
            "requirements": [r.to_dict() for r in self.requirements],
            "todo": [t.to_dict() for t in self.todo],
        }


@dataclass(frozen=True)
class PlanProgress:
    """Every task's progress on one day of the plan period."""

    year: int
    as_of: date
    start: date
    end: date
    tasks: tuple[TaskProgress, ...]

    @property
    def counts(self) -> dict[State, int]:
        return {state: sum(t.state is state for t in self.tasks) for state in State}

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "counts": {state.value: n for state, n in self.counts.items()},
            "tasks": [t.to_dict() for t in self.tasks],
        }


def clamp(day: date, plan: Plan) -> date:
    """`day` moved into the plan's period."""
    return min(max(day, plan.start), plan.end)


def number(value: float) -> str:
    """A figure as people write it: no trailing .0, at most one decimal."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def describe(requirement: Requirement, plan: Plan) -> str:
    """The requirement in Chinese words, e.g. “支委会每月至少1次”."""
    what = requirement.type or "活动"
    if isinstance(requirement, CountReq):
        every = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}
        return f"{what}{every[requirement.per]}至少{requirement.min}次"
    if isinstance(requirement, EachOfReq):
        return "开展" + "、".join(requirement.types) + "（每类至少1次）"
    if isinstance(requirement, FestivalReq):
        names = "、".join(requirement.festivals)
        kind = f"{requirement.type}" if requirement.type else "活动"
        return f"{names}前后{requirement.window_days}天内各有{kind}"
    if isinstance(requirement, FixedDateReq):
        name = requirement.label or requirement.name
        day = f"{requirement.month}月{requirement.day}日"
        head = f"{name}（{day}）" if name else day
        return f"{head}前后{requirement.window_days}天内有{what}"
    if isinstance(requirement, DeadlineReq):
        head = f"{requirement.name}：" if requirement.name else ""
        times = f"至少{requirement.min}次" if requirement.min > 1 else ""
        return f"{head}{requirement.by.isoformat()}前完成{what}{times}"
    if isinstance(requirement, MetricReq):
        name = requirement.name or requirement.field
        target = f"{number(requirement.target)}{requirement.unit}"
        return f"{name}{OP_WORDS[requirement.op]}{target}"
    kinds = "、".join(requirement.kinds)
    return f"{what}记录佐证齐全（{kinds}）"


def evaluate(plan: Plan, records: Sequence[ActivityLike], as_of: date) -> PlanProgress:
    """Every task's state at the end of `as_of` (clamped into the plan's period)."""
    as_of = clamp(as_of, plan)
    by_task: dict[str, list[ActivityLike]] = {}
    for record in sorted(records, key=lambda r: (r.date, r.id)):
        if record.date > as_of:
            continue
        for task_id in dict.fromkeys(record.tasks):
            by_task.setdefault(task_id, []).append(record)
    tasks = tuple(
        _task(plan, task, by_task.get(task.id, []), as_of)
        for section in plan.sections
        for task in section.tasks
    )
    return PlanProgress(plan.year, as_of, plan.start, plan.end, tasks)


def _task(plan: Plan, task: Task, records: list[ActivityLike], as_of: date) -> TaskProgress:
    ctx = _Context(plan, as_of, records)
    reqs = tuple(replace(_requirement(ctx, req), name=req.name) for req in task.requirements)
    ids = tuple(r.id for r in records)
    ended = as_of >= plan.end
    todo: tuple[Todo, ...] = ()
    if not reqs:
        if records:
            state, reason = State.DONE, f"已有 {len(records)} 条记录（本任务未设具体要求）"
        else:
            state = State.LATE if ended else State.NOT_STARTED
            reason = "计划期已结束，仍无记录" if ended else "尚无记录"
            todo = (Todo("至少一条记录", date=as_of),)
        progress = f"{len(records)} 条记录"
    else:
        state, reason = _task_state(reqs, records)
        met = sum(r.met for r in reqs)
        progress = reqs[0].progress if len(reqs) == 1 else f"{met}/{len(reqs)} 项"
    return TaskProgress(
        task.id, task.title, task.section, task.lead, task.cooperating,
        state, reason, progress, ids, reqs, todo,
    )  # fmt: skip


def _task_state(
    reqs: tuple[RequirementProgress, ...], records: list[ActivityLike]
) -> tuple[State, str]:
    if all(r.met for r in reqs):
        return State.DONE, f"全部 {len(reqs)} 项要求已达成"
    late = [r for r in reqs if r.state is State.LATE]
    if late:
        more = f"等 {len(late)} 项" if len(late) > 1 else ""
        return State.LATE, f"{late[0].title}{more}：{late[0].reason}"
    open_ = [r for r in reqs if not r.met]
    if not records:
        return State.NOT_STARTED, "尚无记录"
    more = f"等 {len(open_)} 项" if len(open_) > 1 else ""
    return State.ON_TRACK, f"{open_[0].title}{more}：{open_[0].reason}"


@dataclass(frozen=True)
class _Context:
    """What judging a requirement needs: the plan, the day and the task's activities."""

    plan: Plan
    as_of: date
    records: list[ActivityLike]

    @property
    def ended(self) -> bool:
        return self.as_of >= self.plan.end

    def typed(self, type_: str | None) -> list[ActivityLike]:
        return self.records if type_ is None else [r for r in self.records if r.type == type_]


def _requirement(ctx: _Context, req: Requirement) -> RequirementProgress:
    if isinstance(req, CountReq):
        return _count(ctx, req)
    if isinstance(req, EachOfReq):
        return _each_of(ctx, req)
    if isinstance(req, FestivalReq):
        windows = festival_windows(req.festivals, req.window_days, ctx.plan.start, ctx.plan.end)
        return _windows(ctx, req, windows, "个节日")
    if isinstance(req, FixedDateReq):
        windows = fixed_date_windows(
            req.month, req.day, req.window_days, req.label or req.name, ctx.plan.start, ctx.plan.end
        )
        return _windows(ctx, req, windows, "次")
    if isinstance(req, DeadlineReq):
        return _deadline(ctx, req)
    if isinstance(req, MetricReq):
        return _metric(ctx, req)
    return _evidence_set(ctx, req)


def _state(met: bool, late: bool, started: bool) -> State:
    if met:
        return State.DONE
    if late:
        return State.LATE
    return State.ON_TRACK if started else State.NOT_STARTED


def _listing(items: Sequence[str], limit: int = 6) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 项" if len(items) > limit else "")


def _count(ctx: _Context, req: CountReq) -> RequirementProgress:
    records = ctx.typed(req.type)
    spans = periods(req.per, ctx.plan.start, ctx.plan.end)
    met_spans: list[Span] = []
    missed: list[Span] = []
    current: Span | None = None
    for span in spans:
        n = sum(r.date in span for r in records)
        if n >= req.min:
            met_spans.append(span)
        elif span.end <= ctx.as_of:
            missed.append(span)
        elif span.start <= ctx.as_of:
            current = span
    met = len(met_spans) == len(spans)
    unit = PERIOD_NAMES[req.per]
    progress = f"{len(met_spans)}/{len(spans)} {unit}"
    if met:
        reason = f"{len(spans)} 个{unit}均已达到"
    elif missed:
        reason = f"{_listing([s.label for s in missed])} 未达到"
    elif current is not None:
        reason = f"本{unit}（{current.label}）尚未达到"
    else:
        reason = f"已达到 {len(met_spans)} 个{unit}"
    todo = [Todo(s.label, date=_inside(s, ctx.as_of), type=req.type) for s in missed]
    if current is not None:
        todo.append(Todo(current.label, date=ctx.as_of, type=req.type))
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, bool(missed), bool(met_spans)), met,
        len(met_spans), len(spans), progress, tuple(s.label for s in missed), reason,
        todo=tuple(todo),
    )  # fmt: skip


def _inside(span: Span, as_of: date) -> date:
    """A sensible date for a record that fills a past period: its 15th, or its middle."""
    day = (
        date(span.start.year, span.start.month, 15)
        if span.end.month == span.start.month
        else span.middle
    )
    return min(max(day, span.start), span.end, as_of)


def _each_of(ctx: _Context, req: EachOfReq) -> RequirementProgress:
    seen = {r.type for r in ctx.records}
    missing = tuple(t for t in req.types if t not in seen)
    done = len(req.types) - len(missing)
    met = not missing
    reason = "各类均已开展" if met else f"尚缺 {_listing(missing)}"
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, ctx.ended, done > 0), met,
        done, len(req.types), f"{done}/{len(req.types)} 类", missing, reason,
        todo=tuple(Todo(t, date=ctx.as_of, type=t) for t in missing),
    )  # fmt: skip


def _windows(
    ctx: _Context, req: FestivalReq | FixedDateReq, windows: tuple[Window, ...], word: str
) -> RequirementProgress:
    records = ctx.typed(req.type)
    met_w = [w for w in windows if any(r.date in w for r in records)]
    missed = [w for w in windows if w not in met_w and w.end <= ctx.as_of]
    current = [w for w in windows if w not in met_w and w.start <= ctx.as_of < w.end]
    met = len(met_w) == len(windows)
    names = [f"{w.label}（{w.day.isoformat()}）" for w in missed]
    if met:
        reason = f"{len(windows)} {word}均有活动" if windows else "计划期内没有该日期"
    elif missed:
        reason = f"{_listing(names)} 前后没有活动"
    elif current:
        reason = f"{current[0].label}（{current[0].day.isoformat()}）前后尚无活动"
    else:
        reason = f"已完成 {len(met_w)}/{len(windows)} {word}"
    type_ = req.type or ("我们的节日" if isinstance(req, FestivalReq) else None)
    if type_ is not None and type_ not in ctx.plan.activity_types:
        type_ = None
    todo = [
        Todo(f"{w.label}（{w.day.isoformat()}）", date=min(w.day, ctx.as_of), type=type_)
        for w in [*missed, *current]
    ]
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, bool(missed), bool(met_w)), met,
        len(met_w), len(windows), f"{len(met_w)}/{len(windows)} {word.lstrip('个')}",
        tuple(names), reason, todo=tuple(todo),
    )  # fmt: skip


def _deadline(ctx: _Context, req: DeadlineReq) -> RequirementProgress:
    n = sum(r.date <= req.by for r in ctx.typed(req.type))
    met = n >= req.min
    late = not met and req.by <= ctx.as_of
    if met:
        reason = f"已于 {req.by.isoformat()} 前完成"
    elif late:
        reason = f"截止日期 {req.by.isoformat()} 已过，尚未完成"
    else:
        reason = f"须在 {req.by.isoformat()} 前完成"
    todo = (
        ()
        if met
        else (Todo(f"{req.by.isoformat()} 前", date=min(req.by, ctx.as_of), type=req.type),)
    )
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, late, n > 0), met,
        min(n, req.min), req.min, f"{min(n, req.min)}/{req.min} 次",
        () if met else (f"{req.by.isoformat()} 前",), reason, todo=todo,
    )  # fmt: skip


def _compare(op: str, actual: float, target: float) -> bool:
    if op == ">":
        return actual > target
    if op == ">=":
        return actual >= target
    if op == "<":
        return actual < target
    if op == "<=":
        return actual <= target
    return math.isclose(actual, target)


def _values(records: list[ActivityLike], field: str) -> list[float]:
    if field == "records":
        return [1.0 for _ in records]
    if field == "participants":
        return [float(r.participants) for r in records if r.participants is not None]
    return [float(r.figures[field]) for r in records if field in r.figures]


def _aggregate(values: list[float], how: str) -> float | None:
    if how == "count":
        return float(len(values))
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "mean":
        return sum(values) / len(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return values[-1]  # latest: records are in date order


def _metric(ctx: _Context, req: MetricReq) -> RequirementProgress:
    values = _values(ctx.typed(req.type), req.field)
    raw = _aggregate(values, req.aggregate)
    divisor = 1.0
    problem = ""
    if req.per_fact is not None:
        fact = ctx.plan.facts.get(req.per_fact)
        if fact is None or fact.value == 0:
            problem = f"计划中缺少事实数据“{req.per_fact}”或其值为 0"
        else:
            divisor = fact.value
    actual = None if raw is None or problem else raw / divisor
    met = actual is not None and _compare(req.op, actual, req.target)
    shown = "—" if actual is None else number(actual)
    progress = f"{shown}/{number(req.target)} {req.unit}".rstrip()
    if problem:
        reason = problem
    elif met:
        reason = f"实际 {shown}{req.unit}，已达到目标"
    elif actual is None:
        reason = "尚无数据"
    else:
        reason = f"实际 {shown}{req.unit}，目标{OP_WORDS[req.op]}{number(req.target)}{req.unit}"
    todo = () if met or problem else (_metric_todo(ctx, req, values, divisor),)
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, ctx.ended, bool(values)), met,
        actual if actual is not None else 0.0, req.target, progress,
        () if met else (f"{req.name or req.field} 差距",), reason,
        actual, req.target, req.op, req.unit, todo,
        raw=raw, divisor=divisor if req.per_fact is not None and not problem else None,
    )  # fmt: skip


def _metric_todo(ctx: _Context, req: MetricReq, values: list[float], divisor: float) -> Todo:
    """A record that would lift the metric to its target, when one record can."""
    goal = req.target * divisor
    strict = req.op == ">"
    amount: float | None = None
    if req.aggregate == "sum":
        amount = goal - sum(values)
    elif req.aggregate in ("latest", "max"):
        amount = goal
    elif req.aggregate == "mean":
        amount = goal * (len(values) + 1) - sum(values)
    if amount is not None:
        amount = math.floor(amount) + 1 if strict else math.ceil(amount)
        amount = max(amount, 0)
    figure = None if req.field == "records" else req.field
    what = f"{req.name or req.field}未达到目标"
    return Todo(
        what,
        date=ctx.as_of,
        type=req.type or _usual_type(ctx, req.field),
        figure=figure,
        amount=amount,
    )


def _usual_type(ctx: _Context, field: str) -> str | None:
    """The activity type most often reporting `field` in the task's records, to suggest for more."""
    types = [
        r.type for r in ctx.records if field in ("records", "participants") or field in r.figures
    ]
    return max(dict.fromkeys(types), key=types.count) if types else None


def _evidence_set(ctx: _Context, req: EvidenceSetReq) -> RequirementProgress:
    records = ctx.typed(req.type)
    lacking: list[tuple[ActivityLike, tuple[str, ...]]] = []
    for record in records:
        have = set(record.evidence_kinds)
        gap = tuple(k for k in req.kinds if k not in have)
        if gap:
            lacking.append((record, gap))
    complete = len(records) - len(lacking)
    met = bool(records) and not lacking
    if not records:
        reason = f"尚无{req.type or ''}记录"
    elif lacking:
        reason = f"{len(lacking)} 条记录缺少佐证材料"
    else:
        reason = f"{len(records)} 条记录佐证齐全"
    missing = tuple(f"{r.id}：缺 {'、'.join(gap)}" for r, gap in lacking)
    todo = tuple(Todo(r.id, record_id=r.id, kinds=gap) for r, gap in lacking)
    if not records:
        todo = (Todo(f"{req.type or '活动'}记录", date=ctx.as_of, type=req.type, kinds=req.kinds),)
    return RequirementProgress(
        req.kind, describe(req, ctx.plan), _state(met, ctx.ended and not met, bool(records)), met,
        complete, len(records), f"{complete}/{len(records)} 条", missing, reason, todo=todo,
    )  # fmt: skip


def select(
    progress: PlanProgress,
    plan: Plan,
    *,
    unit: str | None = None,
    section: str | None = None,
    state: State | None = None,
) -> PlanProgress:
    """The same progress with only the tasks a view asks for."""
    tasks = [
        t
        for t in progress.tasks
        if (unit is None or role(plan, t, unit) is not None)
        and (section is None or t.section == section)
        and (state is None or t.state is state)
    ]
    return replace(progress, tasks=tuple(tasks))


def role(plan: Plan, task: TaskProgress, unit: str) -> str | None:
    """“牵头” or “配合” when `unit` leads or cooperates on the task (also through a collective)."""

    def covers(names: tuple[str, ...]) -> bool:
        return any(
            n == unit or unit in plan.units[n].members for n in names if n in plan.units
        ) or (unit in names)

    if covers(task.lead):
        return "牵头"
    if covers(task.cooperating):
        return "配合"
    return None


def timeline(
    plan: Plan, records: Sequence[ActivityLike], as_of: date
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    """Records per month per section up to `as_of`: (month labels, (section id, counts) rows)."""
    as_of = clamp(as_of, plan)
    months = periods("month", plan.start, plan.end)
    section_of = {task.id: section.id for section in plan.sections for task in section.tasks}
    counts = {section.id: [0] * len(months) for section in plan.sections}
    for record in records:
        if record.date > as_of:
            continue
        index = next((i for i, m in enumerate(months) if record.date in m), None)
        if index is None:
            continue
        for section_id in dict.fromkeys(section_of[t] for t in record.tasks if t in section_of):
            counts[section_id][index] += 1
    rows = tuple((sid, tuple(row)) for sid, row in counts.items())
    return tuple(m.label for m in months), rows
