"""A title's term read across years: each task's state per year, the months without activity,
each 测评项目's score per year and the term's negative-list incidents; pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .assessment import Assessment, Incident
from .calendar import periods
from .model import ActivityLike, Plan
from .scoring import Score, score
from .status import PlanProgress, State, evaluate


@dataclass(frozen=True)
class YearSummary:
    """One plan year of the term at its day: states, activities, quiet months, the score."""

    year: int
    start: date
    end: date
    as_of: date
    tasks: int
    counts: Mapping[str, int]  # State value -> tasks
    activities: int
    months: int  # months of the period up to the day
    quiet_months: tuple[str, ...]  # of those, the ones without any activity
    quiet_runs: tuple[str, ...] = ()  # the same as runs: "1月–3月"
    score: Score | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "tasks": self.tasks,
            "counts": dict(self.counts),
            "activities": self.activities,
            "months": self.months,
            "quiet_months": list(self.quiet_months),
            "quiet_runs": list(self.quiet_runs),
            "score": None if self.score is None else self.score.total,
            "vetoed": None if self.score is None else self.score.vetoed,
        }


@dataclass(frozen=True)
class TaskAcross:
    """One task id and its state in each year of the term (None: that year's plan lacks it)."""

    task_id: str
    title: str
    states: tuple[str | None, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "title": self.title, "states": list(self.states)}


@dataclass(frozen=True)
class ItemAcross:
    """One 测评项目 and its self-score in each year (None: points still to fill in)."""

    id: str
    name: str
    points: float | None
    scores: tuple[float | None, ...]
    covered: tuple[bool, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "points": self.points,
            "scores": list(self.scores),
            "covered": list(self.covered),
        }


@dataclass(frozen=True)
class TermIncident:
    id: str
    date: date
    title: str
    path: str
    negative: str
    name: str  # the negative-list entry's name, if an assessment has it
    effect: str  # 一票否决, 扣 N 分, or "" when unknown

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "title": self.title,
            "path": self.path,
            "negative": self.negative,
            "name": self.name,
            "effect": self.effect,
        }


@dataclass(frozen=True)
class Term:
    years: tuple[YearSummary, ...]
    tasks: tuple[TaskAcross, ...]
    items: tuple[ItemAcross, ...]
    incidents: tuple[TermIncident, ...]
    assessment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "years": [y.to_dict() for y in self.years],
            "assessment": self.assessment,
            "tasks": [t.to_dict() for t in self.tasks],
            "items": [i.to_dict() for i in self.items],
            "incidents": [i.to_dict() for i in self.incidents],
        }


def quiet_months(
    plan: Plan, activities: Sequence[ActivityLike], as_of: date
) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """The months of the plan period up to `as_of`, those without any activity, and the same
    as runs of consecutive months ("1月–3月", "8月")."""
    months = periods("month", plan.start, min(plan.end, as_of))
    flags = [not any(a.date in m for a in activities) for m in months]
    runs: list[str] = []
    index = 0
    while index < len(months):
        if not flags[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(months) and flags[end + 1]:
            end += 1
        first, last = months[index].label, months[end].label
        runs.append(first if end == index else f"{first}–{last}")
        index = end + 1
    quiet = tuple(m.label for m, flag in zip(months, flags, strict=True) if flag)
    return len(months), quiet, tuple(runs)


def _summary(
    plan: Plan,
    activities: Sequence[ActivityLike],
    progress: PlanProgress,
    result: Score | None,
) -> YearSummary:
    shown = [a for a in activities if a.date <= progress.as_of]
    months, quiet, runs = quiet_months(plan, shown, progress.as_of)
    counts = {state.value: n for state, n in progress.counts.items()}
    return YearSummary(
        plan.year, plan.start, plan.end, progress.as_of, len(progress.tasks), counts,
        len(shown), months, quiet, runs, result,
    )  # fmt: skip


def across(
    plans: Sequence[Plan],
    activities: Mapping[int, Sequence[ActivityLike]],
    as_of: date,
    assessment: Assessment | None = None,
    incidents: Sequence[Incident] = (),
) -> Term:
    """The term over `plans` (in year order), each year judged at `as_of` clamped into it."""
    summaries: list[YearSummary] = []
    states: dict[str, dict[int, State]] = {}
    titles: dict[str, str] = {}
    for plan in plans:
        acts = activities.get(plan.year, ())
        progress = evaluate(plan, acts, as_of)
        for task in progress.tasks:
            states.setdefault(task.task_id, {})[plan.year] = task.state
            titles.setdefault(task.task_id, task.title)
        result = score(assessment, plan, acts, incidents, as_of) if assessment else None
        summaries.append(_summary(plan, acts, progress, result))
    years = [p.year for p in plans]
    tasks = tuple(
        TaskAcross(
            task_id,
            titles[task_id],
            tuple(s.value if (s := by_year.get(y)) else None for y in years),
        )
        for task_id, by_year in states.items()
    )
    items: tuple[ItemAcross, ...] = ()
    if assessment is not None:
        scored = [s.score for s in summaries if s.score is not None]
        items = tuple(
            ItemAcross(
                item.id,
                item.name,
                item.points,
                tuple(r.items[i].score for r in scored),
                tuple(r.items[i].covered for r in scored),
            )
            for i, item in enumerate(scored[0].items if scored else ())
        )
    names = {n.id: n for n in assessment.negative_list} if assessment else {}
    first, last = (plans[0].start, plans[-1].end) if plans else (date.min, date.min)
    kept = tuple(
        TermIncident(
            i.id,
            i.date,
            i.title,
            i.source.path,
            i.negative,
            names[i.negative].name if i.negative in names else "",
            _effect(names[i.negative].effect, names[i.negative].points)
            if i.negative in names
            else "",
        )
        for i in incidents
        if first <= i.date <= last
    )
    return Term(tuple(summaries), tasks, items, kept, assessment.name if assessment else None)


def _effect(effect: str, points: float) -> str:
    return "一票否决" if effect == "veto" else f"扣 {points:g} 分"
