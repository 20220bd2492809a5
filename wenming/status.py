"""Progress of a plan computed from its records at an as-of date; pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .calendar import periods
from .model import ActivityLike, Plan, Task
from .requirements import describe
from .requirements import evaluate as requirement_progress
from .requirements.base import (
    OP_WORDS,
    Context,
    RequirementProgress,
    State,
    Todo,
    number,
)

__all__ = [
    "OP_WORDS",
    "STATE_ORDER",
    "PlanProgress",
    "RequirementProgress",
    "State",
    "TaskProgress",
    "Todo",
    "clamp",
    "describe",
    "evaluate",
    "number",
    "role",
    "select",
    "timeline",
]

STATE_ORDER = (State.LATE, State.NOT_STARTED, State.ON_TRACK, State.DONE)


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
    ctx = Context(plan, as_of, records)
    reqs = tuple(
        replace(requirement_progress(ctx, req), name=req.name) for req in task.requirements
    )
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
    # The first requirement in the way, in its own words; how many more there are, apart.
    late = [r for r in reqs if r.state is State.LATE]
    if late:
        more = f"（另有 {len(late) - 1} 项要求滞后）" if len(late) > 1 else ""
        return State.LATE, f"{late[0].title}：{late[0].reason}{more}"
    open_ = [r for r in reqs if not r.met]
    if not records:
        return State.NOT_STARTED, "尚无记录"
    more = f"（另有 {len(open_) - 1} 项要求未完成）" if len(open_) > 1 else ""
    return State.ON_TRACK, f"{open_[0].title}：{open_[0].reason}{more}"


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
