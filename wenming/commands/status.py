"""`status`: how far each task of a plan has got, as of a day, for whoever is asking."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..errors import Severity
from ..ledger import load, records_of, scan
from ..model import Activity, Plan, Record
from ..progress import ProgressFactory
from ..status import PlanProgress, State, evaluate, select, timeline
from .filters import check_filters

Timeline = tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]


@dataclass(frozen=True)
class StatusResult:
    """The plan's progress, the part asked for, and what the views of it need."""

    plan: Plan
    progress: PlanProgress  # every task
    shown: PlanProgress  # the tasks asked for
    activities: tuple[Activity, ...]
    errors: int  # errors in the plan and its year's records: the numbers may be incomplete
    records: dict[str, Record] | None = None  # full records, when one task is asked for
    timeline: Timeline | None = None  # months and, per section, records a month

    @property
    def activity_by_id(self) -> dict[str, Activity]:
        return {a.id: a for a in self.activities}


def status(
    root: Path,
    *,
    year: int | None = None,
    as_of: date | None = None,
    unit: str | None = None,
    section: str | None = None,
    state: State | None = None,
    task: str | None = None,
    with_timeline: bool = False,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> StatusResult:
    """`wenming status`: evaluate the plan and keep the tasks the options ask for."""
    today = today or date.today()
    snapshot = scan(root, year, today, use_cache, progress)
    plan = snapshot.plan
    check_filters(plan, unit, section, task)
    whole = evaluate(plan, snapshot.activities, as_of or today)
    shown = select(whole, plan, unit=unit, section=section, state=state)
    records = None
    if task is not None:
        everything = select(whole, plan)
        shown = replace(everything, tasks=tuple(t for t in everything.tasks if t.task_id == task))
        # Only the view of one task shows titles, so only it reads every record in full.
        records = {r.id: r for r in records_of(load(root, use_cache), plan)}
    monthly: Timeline | None = None
    if with_timeline:
        months, rows = timeline(plan, snapshot.activities, whole.as_of)
        if section is not None:
            rows = tuple(r for r in rows if r[0] == section)
        monthly = (months, rows)
    errors = sum(p.severity is Severity.ERROR for p in snapshot.problems)
    return StatusResult(plan, whole, shown, tuple(snapshot.activities), errors, records, monthly)
