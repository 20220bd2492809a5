"""The rows every export shares: filtered tasks, activities, evidence with stable 材料编号, metrics."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from ..model import Plan, Record, Section, Task

if TYPE_CHECKING:
    from ..status import PlanProgress, TaskProgress

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")
RATE_UNITS = ("%", "％", "‰")
_HEX_TAG = re.compile(r"-([0-9a-f]{4,})$")


@dataclass(frozen=True)
class Filters:
    """Which rows an export keeps; 完成情况 is always judged on the whole plan as of `as_of`."""

    as_of: date
    unit: str | None = None
    section: str | None = None
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        parts = []
        if self.section:
            parts.append(f"创建内容（{self.section}）")
        if self.unit:
            parts.append(f"单位：{self.unit}")
        if self.start or self.end:
            start = self.start.isoformat() if self.start else "年初"
            end = self.end.isoformat() if self.end else "截止日"
            parts.append(f"日期：{start} 至 {end}")
        return "；".join(parts) if parts else "全部"


@dataclass(frozen=True)
class EvidenceRow:
    number: str  # 材料编号
    tasks: str  # 对应编号
    kind: str
    caption: str
    date: date
    place: str
    activity: str
    record_id: str
    file: str | None
    url: str | None
    sha256: str

    @property
    def name(self) -> str:
        """The file's own name, or empty for a URL."""
        return PurePosixPath(self.file).name if self.file else ""

    @property
    def is_image(self) -> bool:
        return bool(self.file) and self.name.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class ActivityRow:
    seq: int
    record: Record
    tasks: str
    figures: tuple[float | None, ...]  # one per ActivityLog figure name
    other: str  # `extra` and undeclared figures, one "键：值" per line
    evidence: tuple[str, ...]  # 材料编号 of this record's evidence

    @property
    def evidence_text(self) -> str:
        return number_range(self.evidence)


@dataclass(frozen=True)
class RequirementRow:
    text: str  # the requirement in words
    state: str
    progress: str
    reason: str


@dataclass(frozen=True)
class TaskRow:
    seq: int
    task: Task
    state: str
    progress: str
    reason: str
    requirements: tuple[RequirementRow, ...]
    activities: int
    evidence: tuple[str, ...]

    @property
    def requirements_text(self) -> str:
        if not self.requirements:
            return "按计划原文落实"
        return "\n".join(f"{i}. {r.text}" for i, r in enumerate(self.requirements, 1))

    @property
    def status_text(self) -> str:
        lines = [f"{self.state}：{self.progress}" if self.progress else self.state]
        lines += [f"{i}. {r.state}：{r.progress}" for i, r in enumerate(self.requirements, 1)]
        return "\n".join(lines)

    @property
    def evidence_text(self) -> str:
        if not self.evidence:
            return "无"
        return f"共 {len(self.evidence)} 件\n{number_range(self.evidence)}"

    @property
    def note(self) -> str:
        lines = []
        if self.reason:
            lines.append(self.reason)
        if self.task.evidence:
            lines.append("应备材料：" + "、".join(self.task.evidence))
        return "\n".join(lines)


@dataclass(frozen=True)
class SectionBlock:
    section: Section
    tasks: tuple[TaskRow, ...]
    activities: tuple[ActivityRow, ...]
    states: Mapping[str, int]
    participants: int
    figures: Mapping[str, float]
    metrics: tuple[MetricRow, ...] = ()

    @property
    def done(self) -> int:
        return self.states.get("已完成", 0)


@dataclass(frozen=True)
class MetricRow:
    task_id: str
    task_title: str
    name: str
    description: str
    target: str
    actual: float | None
    unit: str
    met: bool
    progress: str
    reason: str

    @property
    def result(self) -> str:
        return "达标" if self.met else "未达标"


@dataclass(frozen=True)
class LedgerExport:
    """Everything a workbook, an HTML page or a summary shows, in reading order."""

    plan: Plan
    title: str
    as_of: date
    commit: str | None
    filters: Filters
    sections: tuple[SectionBlock, ...]
    activities: tuple[ActivityRow, ...]
    evidence: tuple[EvidenceRow, ...]
    metrics: tuple[MetricRow, ...]
    figure_names: tuple[str, ...]
    figure_units: tuple[str, ...]
    states: Mapping[str, int] = field(default_factory=dict)

    @property
    def tasks(self) -> list[TaskRow]:
        return [row for block in self.sections for row in block.tasks]

    @property
    def participants(self) -> int:
        return sum(a.record.participants or 0 for a in self.activities)

    @property
    def figure_totals(self) -> dict[str, float]:
        """Sums of the additive figures (hours, counts); rates in % do not add up."""
        totals = {}
        for i, (name, unit) in enumerate(zip(self.figure_names, self.figure_units, strict=True)):
            if unit not in RATE_UNITS:
                totals[name] = sum(a.figures[i] or 0 for a in self.activities)
        return totals


def ledger_title(plan: Plan) -> str:
    """The workbook's title: the plan's own attachment name when it names the 台账."""
    for name in plan.attachments:
        if "台账" in name:
            return name
    return f"{plan.organisation}{plan.year}年文明单位创建工作台账"


def record_tag(record_id: str) -> str:
    """The short, stable tag of a record: its id's hex suffix, else a hash of the id."""
    match = _HEX_TAG.search(record_id)
    if match:
        return match.group(1)
    return hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:4]


def evidence_number(record: Record, position: int, tag: str | None = None) -> str:
    """材料编号: first task id, record month-day, record tag, 1-based position in the record.

    Depends only on the record itself, so filters, other records and re-exports never change it.
    """
    task = record.tasks[0] if record.tasks else "0"
    return f"{task}-{record.date:%m%d}-{tag or record_tag(record.id)}-{position:02d}"


def number_tags(records: Iterable[Record]) -> dict[str, str]:
    """Each record's tag, lengthened from a hash of its id where two records would collide."""
    records = list(records)
    keys = {
        r.id: (r.tasks[0] if r.tasks else "0", f"{r.date:%m%d}", record_tag(r.id)) for r in records
    }
    clashes = Counter(keys.values())
    tags = {}
    for record in records:
        key = keys[record.id]
        tags[record.id] = key[2]
        if clashes[key] > 1:
            tags[record.id] = key[2] + hashlib.sha1(record.id.encode("utf-8")).hexdigest()[:4]
    return tags


def number_range(numbers: Sequence[str]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return numbers[0]
    return f"{numbers[0]} 至 {numbers[-1]}"


def format_value(value: object) -> str:
    """A custom field's value as one line of text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(format_value(v) for v in value)
    return str(value)


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _keep_record(record: Record, filters: Filters, task_ids: set[str] | None) -> bool:
    if record.date > filters.as_of:
        return False
    if filters.start and record.date < filters.start:
        return False
    if filters.end and record.date > filters.end:
        return False
    if filters.unit and record.unit != filters.unit:
        return False
    return task_ids is None or any(t in task_ids for t in record.tasks)


def _keep_task(
    plan: Plan, task: Task, got: TaskProgress | None, filters: Filters, recorded: set[str]
) -> bool:
    if filters.section and task.section != filters.section:
        return False
    if filters.unit:
        from ..status import role

        owns = got is not None and role(plan, got, filters.unit) is not None
        return owns or task.id in recorded
    return True


def _evidence_rows(records: Sequence[Record], plan: Plan) -> list[EvidenceRow]:
    """Catalogue order: by the record's first task in plan order, then date, record, position."""
    order = {task_id: i for i, task_id in enumerate(plan.tasks)}
    tags = number_tags(records)

    def key(record: Record) -> tuple[int, str, date, str]:
        first = record.tasks[0] if record.tasks else ""
        return (order.get(first, len(order)), first, record.date, record.id)

    rows = []
    for record in sorted(records, key=key):
        for position, item in enumerate(record.evidence, 1):
            rows.append(
                EvidenceRow(
                    number=evidence_number(record, position, tags[record.id]),
                    tasks="、".join(record.tasks),
                    kind=item.kind,
                    caption=item.caption,
                    date=record.date,
                    place=record.place,
                    activity=record.title,
                    record_id=record.id,
                    file=item.file,
                    url=item.url,
                    sha256=item.sha256 or "",
                )
            )
    return rows


def _requirement_rows(
    task: Task, progress: TaskProgress | None, plan: Plan
) -> list[RequirementRow]:
    from ..status import describe

    if progress is None:
        return [RequirementRow(describe(req, plan), "", "", "") for req in task.requirements]
    rows = []
    for req, got in zip(task.requirements, progress.requirements, strict=False):
        rows.append(RequirementRow(describe(req, plan), got.state.value, got.progress, got.reason))
    return rows


def _metric_rows(plan: Plan, tasks: Sequence[Task], progress: PlanProgress) -> list[MetricRow]:
    from ..model import MetricReq
    from ..status import describe

    by_id = {t.task_id: t for t in progress.tasks}
    rows = []
    for task in tasks:
        got = by_id.get(task.id)
        if got is None:
            continue
        for req, req_progress in zip(task.requirements, got.requirements, strict=False):
            if not isinstance(req, MetricReq):
                continue
            target = getattr(req_progress, "target", None)
            actual = getattr(req_progress, "actual", None)
            rows.append(
                MetricRow(
                    task_id=task.id,
                    task_title=task.title,
                    name=req.name or req_progress.label,
                    description=describe(req, plan),
                    target=f"{req.op} {format_number(req.target if target is None else target)}",
                    actual=actual,
                    unit=req.unit,
                    met=bool(req_progress.met),
                    progress=req_progress.progress,
                    reason=req_progress.reason,
                )
            )
    return rows


def build(
    plan: Plan,
    records: Sequence[Record],
    progress: PlanProgress,
    filters: Filters,
    commit: str | None = None,
) -> LedgerExport:
    """Arrange a plan, its records and their status into the rows of every export format."""
    section_ids = {s.id for s in plan.sections}
    if filters.section and filters.section not in section_ids:
        raise LookupError(filters.section)
    section_tasks = (
        {t.id for t in plan.tasks.values() if t.section == filters.section}
        if filters.section
        else None
    )
    kept = [r for r in records if _keep_record(r, filters, section_tasks)]
    kept.sort(key=lambda r: (r.date, r.id))
    evidence = _evidence_rows(kept, plan)
    by_record: dict[str, list[str]] = {}
    for row in evidence:
        by_record.setdefault(row.record_id, []).append(row.number)

    figure_names = tuple(plan.figures)
    figure_units = tuple(plan.figures[n].unit for n in figure_names)
    activities = []
    for seq, record in enumerate(kept, 1):
        other = [f"{k}：{format_value(v)}" for k, v in record.extra.items()]
        other += [
            f"{k}：{format_number(v)}" for k, v in record.figures.items() if k not in plan.figures
        ]
        activities.append(
            ActivityRow(
                seq=seq,
                record=record,
                tasks="、".join(record.tasks),
                figures=tuple(record.figures.get(n) for n in figure_names),
                other="\n".join(other),
                evidence=tuple(by_record.get(record.id, ())),
            )
        )

    by_task: dict[str, list[ActivityRow]] = {}
    for activity in activities:
        for task_id in activity.record.tasks:
            by_task.setdefault(task_id, []).append(activity)
    task_progress = {t.task_id: t for t in progress.tasks}
    position = {row.number: i for i, row in enumerate(evidence)}
    recorded = set(by_task)
    all_states: Counter[str] = Counter()
    blocks = []
    seq = 0
    for section in plan.sections:
        rows = []
        for task in section.tasks:
            got = task_progress.get(task.id)
            if not _keep_task(plan, task, got, filters, recorded):
                continue
            seq += 1
            acts = by_task.get(task.id, [])
            numbers = tuple(n for a in acts for n in a.evidence)
            rows.append(
                TaskRow(
                    seq=seq,
                    task=task,
                    state=got.state.value if got else "",
                    progress=got.progress if got else "",
                    reason=got.reason if got else "",
                    requirements=tuple(_requirement_rows(task, got, plan)),
                    activities=len(acts),
                    evidence=tuple(sorted(set(numbers), key=position.__getitem__)),
                )
            )
        if not rows:
            continue
        section_acts = _unique(a for row in rows for a in by_task.get(row.task.id, []))
        states = Counter(row.state for row in rows)
        all_states.update(states)
        figures = {
            name: sum(a.figures[i] or 0 for a in section_acts)
            for i, name in enumerate(figure_names)
            if figure_units[i] not in RATE_UNITS
        }
        blocks.append(
            SectionBlock(
                section=section,
                tasks=tuple(rows),
                activities=tuple(section_acts),
                states=dict(states),
                participants=sum(a.record.participants or 0 for a in section_acts),
                figures=figures,
                metrics=tuple(_metric_rows(plan, [r.task for r in rows], progress)),
            )
        )
    return LedgerExport(
        plan=plan,
        title=ledger_title(plan),
        as_of=filters.as_of,
        commit=commit,
        filters=filters,
        sections=tuple(blocks),
        activities=tuple(activities),
        evidence=tuple(evidence),
        metrics=tuple(m for b in blocks for m in b.metrics),
        figure_names=figure_names,
        figure_units=figure_units,
        states=dict(all_states),
    )


def _unique(rows: Iterable[ActivityRow]) -> list[ActivityRow]:
    seen: dict[str, ActivityRow] = {}
    for row in rows:
        seen.setdefault(row.record.id, row)
    return sorted(seen.values(), key=lambda a: a.seq)
