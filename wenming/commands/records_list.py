"""`list`: the ledger's records, newest first, narrowed by task, unit, type, dates or text."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Problem, Severity, WenmingError
from ..ledger import RECORDS_DIR, load, load_plans, scan, select_plan
from ..model import Activity, ActivityLike, Plan, Record
from ..status import evaluate
from ..vocabulary import did_you_mean, listing
from .records import short_ids


@dataclass(frozen=True)
class ListedRecord:
    """One row of `wenming list`."""

    id: str
    short_id: str  # the shortest name `find_record` takes for it (its id when no tail is unique)
    date: date
    tasks: tuple[str, ...]
    type: str
    title: str
    unit: str
    place: str
    evidence: int  # how many items of evidence it has
    missing: tuple[str, ...]  # evidence kinds its tasks' evidence_set requirements still lack
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short_id": self.short_id,
            "date": self.date.isoformat(),
            "tasks": list(self.tasks),
            "type": self.type,
            "title": self.title,
            "unit": self.unit,
            "place": self.place,
            "evidence": self.evidence,
            "missing": list(self.missing),
            "path": self.path,
        }


@dataclass(frozen=True)
class ListResult:
    records: tuple[ListedRecord, ...]
    total: int  # records read, before filtering
    errors: int  # errors met reading the ledger: the list may be incomplete
    years: tuple[int, ...] = ()  # the plan years read
    unplanned: tuple[str, ...] = ()  # records/<year>/ folders with no plan: not listed

    @property
    def scope(self) -> str:
        """The years read, as the summary line names them: “2022 年”, “2020—2022 年”."""
        if not self.years:
            return "台账中"
        if len(self.years) == 1:
            return f"{self.years[0]} 年"
        return f"{self.years[0]}—{self.years[-1]} 年"

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": [r.to_dict() for r in self.records],
            "total": self.total,
            "years": list(self.years),
        }


def missing_evidence(plan: Plan, records: Sequence[ActivityLike]) -> dict[str, tuple[str, ...]]:
    """Record id -> the evidence kinds its tasks' `evidence_set` requirements find missing,
    as the status engine judges them over the whole plan period."""
    gaps: dict[str, dict[str, None]] = {}
    for task in evaluate(plan, records, plan.end).tasks:
        for req in task.requirements:
            if req.kind != "evidence_set":
                continue
            for todo in req.todo:
                if todo.record_id is not None:
                    gaps.setdefault(todo.record_id, {}).update(dict.fromkeys(todo.kinds))
    return {record_id: tuple(kinds) for record_id, kinds in gaps.items()}


def _check_names(
    plans: list[Plan], task: str | None, unit: str | None, activity_type: str | None
) -> None:
    """Refuse a task, unit or type no plan in view has, with a “是不是……” hint."""
    checks = (
        ("任务", task, [t for p in plans for t in p.tasks]),
        ("单位", unit, [u for p in plans for u in p.units]),
        ("活动类型", activity_type, [a for p in plans for a in p.activity_types]),
    )
    for what, given, known in checks:
        if given is None or given in known:
            continue
        names = list(dict.fromkeys(known))
        fallback = (
            "运行 wenming status 查看全部任务编号" if what == "任务" else f"可选：{listing(names)}"
        )
        hint = did_you_mean(given, names) or fallback
        raise WenmingError(f"计划中没有{what}“{given}”", hint)


def _matches_text(record: Record, text: str) -> bool:
    needle = text.casefold()
    fields = [record.title, record.summary, record.place]
    fields += [item.caption for item in record.evidence]
    return any(needle in field.casefold() for field in fields)


def list_records(
    root: Path,
    *,
    task: str | None = None,
    unit: str | None = None,
    activity_type: str | None = None,
    year: int | None = None,
    all_years: bool = False,
    start: date | None = None,
    end: date | None = None,
    text: str | None = None,
    only_missing: bool = False,
    today: date | None = None,
    use_cache: bool = True,
) -> ListResult:
    """`wenming list`: the records the options ask for, newest first.

    Read from the small per-year tables `status` reads (a record's title, place and evidence
    count are kept there for this), so listing 20,000 records costs about a `status`; only
    `--text`, which looks into summaries and captions, reads the records in full.

    One plan year is read, as `status` reads one: `year`, else the one today falls in;
    `all_years` reads every plan's.
    """
    ledger = load_plans(root, use_cache)
    if all_years and year is None:
        plans = [ledger.plans[y] for y in sorted(ledger.plans)]
    else:
        plans = [select_plan(ledger, year, today or date.today())]
    _check_names(plans, task, unit, activity_type)
    if start and end and start > end:
        raise WenmingError(
            f"起始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}", "检查 --from 和 --to"
        )
    problems: dict[Problem, None] = dict.fromkeys(ledger.problems)
    pool: list[Activity] = []
    gaps: dict[str, tuple[str, ...]] = {}
    for plan in plans:
        snapshot = scan(root, plan.year, use_cache=use_cache, plans=ledger)
        problems.update(dict.fromkeys(snapshot.problems))
        pool += snapshot.activities
        gaps.update(missing_evidence(plan, snapshot.activities))
    if text:
        full = load(root, use_cache)
        years = {plan.year for plan in plans}
        matching = {r.id for r in full.records if r.year in years and _matches_text(r, text)}
        pool = [a for a in pool if a.id in matching]
    short = short_ids(a.id for a in pool)
    kept = [
        a
        for a in pool
        if (task is None or task in a.tasks)
        and (unit is None or a.unit == unit)
        and (activity_type is None or a.type == activity_type)
        and (start is None or a.date >= start)
        and (end is None or a.date <= end)
        and (not only_missing or a.id in gaps)
    ]
    kept.sort(key=lambda a: (a.date, a.id), reverse=True)
    rows = tuple(
        ListedRecord(
            a.id,
            short[a.id],
            a.date,
            a.tasks,
            a.type,
            a.title,
            a.unit,
            a.place,
            a.evidence_count,
            gaps.get(a.id, ()),
            a.path,
        )
        for a in kept
    )
    errors = sum(p.severity is Severity.ERROR for p in problems)
    unplanned = _unplanned(root, ledger.plans) if len(plans) > 1 else ()
    return ListResult(rows, len(pool), errors, tuple(plan.year for plan in plans), unplanned)


def _unplanned(root: Path, plans: Collection[int]) -> tuple[str, ...]:
    """Year folders of records that no plan reads (`check` reports them as errors)."""
    folder = root / RECORDS_DIR
    if not folder.is_dir() or folder.is_symlink():
        return ()
    return tuple(
        f"{RECORDS_DIR}/{entry.name}/"
        for entry in sorted(folder.iterdir())
        if entry.is_dir() and entry.name.isdigit() and int(entry.name) not in plans
    )
