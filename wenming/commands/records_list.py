"""`list`: the ledger's records, newest first, narrowed by task, unit, type, dates or text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Severity, WenmingError
from ..ledger import load, select_plan
from ..model import Ledger, Plan, Record
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

    def to_dict(self) -> dict[str, Any]:
        return {"records": [r.to_dict() for r in self.records], "total": self.total}


def missing_evidence(plan: Plan, records: list[Record]) -> dict[str, tuple[str, ...]]:
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
    start: date | None = None,
    end: date | None = None,
    text: str | None = None,
    only_missing: bool = False,
    today: date | None = None,
    use_cache: bool = True,
    ledger: Ledger | None = None,
) -> ListResult:
    """`wenming list`: the records the options ask for, newest first."""
    ledger = ledger or load(root, use_cache)
    if year is not None:
        plans = [select_plan(ledger, year, today or date.today())]
    else:
        plans = [ledger.plans[y] for y in sorted(ledger.plans)]
    _check_names(plans, task, unit, activity_type)
    if start and end and start > end:
        raise WenmingError(
            f"起始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}", "检查 --from 和 --to"
        )
    records = [r for r in ledger.records if year is None or r.year == year]
    gaps: dict[str, tuple[str, ...]] = {}
    for plan in plans:
        gaps.update(missing_evidence(plan, [r for r in records if r.year == plan.year]))
    short = short_ids(r.id for r in ledger.records)
    kept = [
        r
        for r in records
        if (task is None or task in r.tasks)
        and (unit is None or r.unit == unit)
        and (activity_type is None or r.type == activity_type)
        and (start is None or r.date >= start)
        and (end is None or r.date <= end)
        and (not text or _matches_text(r, text))
        and (not only_missing or r.id in gaps)
    ]
    kept.sort(key=lambda r: (r.date, r.id), reverse=True)
    rows = tuple(
        ListedRecord(
            r.id,
            short[r.id],
            r.date,
            r.tasks,
            r.type,
            r.title,
            r.unit,
            r.place,
            len(r.evidence),
            gaps.get(r.id, ()),
            r.path,
        )
        for r in kept
    )
    errors = sum(p.severity is Severity.ERROR for p in ledger.problems)
    return ListResult(rows, len(records), errors)
