"""`show`: one record in full, its evidence as the 台账 numbers it, and what it counts toward."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..assessment import EFFECT_NAMES, Incident
from ..errors import WenmingError
from ..export.rows import activity_numbers
from ..files import FileFact
from ..ledger import inspect_evidence, load_assessments, load_plans, scan
from ..model import Activity, Ledger, Plan, Record
from ..status import RequirementProgress, clamp, evaluate
from .records import locate

# The check state of an evidence item, as `show` reports it.
EVIDENCE_STATES = {
    "ok": "文件完好",
    "changed": "文件已改动（sha256 与记录不符）",
    "unhashed": "文件存在（记录中没有 sha256）",
    "missing": "文件不存在",
    "not-file": "不是普通文件",
    "outside": "指向台账之外",
    "in-git": "位于 .git 中",
    "unreadable": "无法读取",
    "unsafe": "路径不可用",
    "url": "网址（不检查）",
}


@dataclass(frozen=True)
class EvidenceItem:
    number: str | None  # 材料编号 as the exported 台账 gives it; None when it numbers no such item
    kind: str
    caption: str
    file: str | None
    url: str | None
    date: date | None  # the document's own date, when it differs from the activity's
    state: str  # a key of EVIDENCE_STATES

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "caption": self.caption,
            "file": self.file,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "state": self.state,
        }


@dataclass(frozen=True)
class Counted:
    """A requirement of one of the record's tasks whose type filter the record matches."""

    task_id: str
    task_title: str
    requirement: RequirementProgress
    counted: bool  # the record is among those the status engine judged the task by

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "task_title": self.task_title,
            "counted": self.counted,
            "requirement": self.requirement.to_dict(),
        }


@dataclass(frozen=True)
class ShowResult:
    record: Record
    number: str | None  # 活动编号
    evidence: tuple[EvidenceItem, ...]
    counts_toward: tuple[Counted, ...]
    unknown_tasks: tuple[str, ...]  # tasks the record names that its plan does not have
    as_of: date | None  # the day the requirements' states are judged on (None: no plan)

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r.id,
            "path": r.path,
            "number": self.number,
            "date": r.date.isoformat(),
            "tasks": list(r.tasks),
            "type": r.type,
            "title": r.title,
            "unit": r.unit,
            "place": r.place,
            "participants": r.participants,
            "figures": dict(r.figures),
            "summary": r.summary,
            "evidence": [e.to_dict() for e in self.evidence],
            "counts_toward": [c.to_dict() for c in self.counts_toward],
            "unknown_tasks": list(self.unknown_tasks),
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }


def _state(item_file: str | None, sha256: str | None, facts: Mapping[str, FileFact]) -> str:
    if item_file is None:
        return "url"
    fact = facts.get(item_file)
    if fact is None:
        return "unsafe"
    if fact.state != "ok":
        return str(fact.state)
    if sha256 is None:
        return "unhashed"
    return "ok" if fact.sha256 == sha256 else "changed"


def _counted(record: Record, plan: Plan, records: list[Activity], as_of: date) -> list[Counted]:
    progress = {t.task_id: t for t in evaluate(plan, records, as_of).tasks}
    counted = []
    for task_id in dict.fromkeys(record.tasks):
        task = plan.tasks.get(task_id)
        if task is None:
            continue
        judged = progress[task_id]
        for req, req_progress in zip(task.requirements, judged.requirements, strict=True):
            if req.type is None or req.type == record.type:
                included = record.id in judged.record_ids
                counted.append(Counted(task_id, task.title, req_progress, included))
    return counted


def show(
    root: Path,
    fragment: str,
    *,
    as_of: date | None = None,
    today: date | None = None,
    use_cache: bool = True,
) -> ShowResult:
    """`wenming show ID`: the record `fragment` names, with its evidence and requirements.

    Reads the one record file, and of its plan's other records only what progress needs (the
    table `status` reads): showing a record costs about a `status`, not a read of the ledger.
    """
    record = locate(root, fragment)
    # Only this record's files are looked at (through the same cache `check` uses).
    facts = inspect_evidence(Ledger(root, records=[record]), use_cache)
    plans = load_plans(root, use_cache)
    has_plan = record.year in plans.plans
    snapshot = scan(root, record.year, use_cache=use_cache, plans=plans) if has_plan else None
    numbers: dict[str, str] = {}
    counted: list[Counted] = []
    judged_on = None
    unknown: tuple[str, ...] = ()
    if snapshot is not None:
        plan = snapshot.plan
        judged_on = clamp(as_of or today or date.today(), plan)
        # The file as read now, in place of the table's row (it may be newer than the table).
        mates = [a for a in snapshot.activities if a.id != record.id] + [record.activity]
        # Numbered as the exported 台账 numbers them: the plan's records up to its as-of day.
        numbers = activity_numbers(a for a in mates if a.date <= judged_on)
        counted = _counted(record, plan, mates, judged_on)
        unknown = tuple(t for t in record.tasks if t not in plan.tasks)
    number = numbers.get(record.id)
    items = tuple(
        EvidenceItem(
            f"{number}-{position}" if number else None,
            item.kind,
            item.caption,
            item.file,
            item.url,
            item.date,
            _state(item.file, item.sha256, facts),
        )
        for position, item in enumerate(record.evidence, 1)
    )
    return ShowResult(record, number, items, tuple(counted), unknown, judged_on)


@dataclass(frozen=True)
class IncidentShown:
    """A negative-list incident, as `show` shows it: its fields, the entry of the negative list
    it falls under, and its evidence with each file's check state."""

    incident: Incident
    negative: str  # the entry's name in the assessment, "" when no assessment lists it
    effect: str  # 一票否决 / 扣分, "" when no assessment lists it
    evidence: tuple[EvidenceItem, ...]

    def to_dict(self) -> dict[str, Any]:
        i = self.incident
        return {
            "id": i.id,
            "path": i.source.path,
            "date": i.date.isoformat(),
            "negative": i.negative,
            "negative_name": self.negative,
            "effect": self.effect,
            "title": i.title,
            "unit": i.unit,
            "summary": i.summary,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def show_incident(root: Path, fragment: str, *, use_cache: bool = True) -> IncidentShown | None:
    """The incident (incidents/<year>/) whose id is `fragment` or holds it; None when none does.
    Several matching is an error that lists them."""
    ledger = load_assessments(Ledger(root))
    wanted = fragment.strip()
    matches = [i for i in ledger.incidents if i.id == wanted] or [
        i for i in ledger.incidents if wanted and wanted in i.id
    ]
    if not matches:
        return None
    if len(matches) > 1:
        raise WenmingError(
            f"编号含“{wanted}”的负面事件有 {len(matches)} 起，请写得更完整一些",
            "可能是：\n    "
            + "\n    ".join(f"{i.id}（{i.date.isoformat()}）{i.title}" for i in matches),
        )
    (incident,) = matches
    facts = inspect_evidence(Ledger(root, incidents=[incident]), use_cache)
    entries = {n.id: n for a in ledger.assessments for n in a.negative_list}
    entry = entries.get(incident.negative)
    items = tuple(
        EvidenceItem(
            None, item.kind, item.caption, item.file, item.url, item.date,
            _state(item.file, item.sha256, facts),
        )
        for item in incident.evidence
    )  # fmt: skip
    return IncidentShown(
        incident,
        entry.name if entry else "",
        EFFECT_NAMES[entry.effect] if entry else "",
        items,
    )
