"""The rows every export shares: filtered tasks, activities, evidence with stable 材料编号, metrics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from ..model import SIGN_OFF, ActivityLike, MetricReq, Plan, Record, Section, Task
from ..numbers import plain_number, section_numeral
from ..scoring import Score
from ..term import Term

if TYPE_CHECKING:
    from ..status import PlanProgress, RequirementProgress, TaskProgress

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")
RATE_UNITS = ("%", "％", "‰")
NUMBERING_NOTE = (
    "材料编号规则",
    "任务编号-活动序号-材料序号，如 7.1-05-2 是任务 7.1 的第 5 次活动（按日期排序）的第 2 件"
    "材料；活动编号即前两段（7.1-05）。同时归入几项任务的活动按它的第一项任务编号，其他任务的"
    "总表中以“另见”注明。",
)
LISTED_ACTIVITIES = 8  # a task row lists this many activities' numbers, else their range
SIGN_LABELS = ("填报单位", "填报人", "审核人", "联系电话", "填报日期")


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
    """One line of the 佐证材料目录: a file or web page, numbered under its activity."""

    number: str  # 材料编号, e.g. 7.1-05-2
    activity_number: str  # 活动编号, e.g. 7.1-05
    tasks: str  # 对应编号: every task the record is filed under
    kind: str
    caption: str
    date: date  # 形成日期: the document's own date, else the activity's
    place: str
    activity: str  # the activity's title
    record_id: str
    file: str | None  # as shown (masked by --redact)
    url: str | None
    sha256: str
    origin: str | None = None  # the file's real ledger path, to read it from

    @property
    def name(self) -> str:
        """The file's own name, or empty for a URL."""
        return PurePosixPath(self.file).name if self.file else ""

    @property
    def is_image(self) -> bool:
        return bool(self.file) and self.name.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class ActivityRow:
    """One line of the 活动记录, with its 活动编号 and the numbers of its materials."""

    seq: int
    number: str  # 活动编号: primary task and the activity's order within it, e.g. 7.1-05
    record: Record
    tasks: str
    figures: tuple[float | None, ...]  # one per ActivityLog figure name
    other: str  # `extra` and undeclared figures, one "键：值" per line
    evidence: tuple[str, ...]  # 材料编号 of this record's evidence

    @property
    def evidence_text(self) -> str:
        return compact_numbers(self.evidence)


@dataclass(frozen=True)
class RequirementRow:
    text: str  # the requirement in words
    state: str
    progress: str
    reason: str


@dataclass(frozen=True)
class TaskRow:
    """One line of the 总表: a task, how far it has got and the materials that prove it."""

    seq: int
    task: Task
    state: str
    progress: str
    reason: str  # why it is in its state, in sentences
    requirements: tuple[RequirementRow, ...]
    activities: int
    evidence: tuple[str, ...]  # 材料编号 of the activities numbered under this task
    shared: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (other task, its numbers) also here

    @property
    def requirements_text(self) -> str:
        if not self.requirements:
            return "按计划原文落实"
        if len(self.requirements) == 1:
            return self.requirements[0].text
        return "\n".join(f"{i}. {r.text}" for i, r in enumerate(self.requirements, 1))

    @property
    def status_head(self) -> str:
        """The task's own state and progress, the first line of 完成情况."""
        return f"{self.state}：{self.progress}" if self.progress else self.state

    @property
    def status_lines(self) -> list[str]:
        """Each requirement's state, when the task has several (one is the task's own line)."""
        if len(self.requirements) <= 1:
            return []
        return [f"{i}. {r.state}：{r.progress}" for i, r in enumerate(self.requirements, 1)]

    @property
    def status_text(self) -> str:
        return "\n".join([self.status_head, *self.status_lines])

    @property
    def evidence_groups(self) -> list[str]:
        """This task's own 材料编号, an activity's items together (`7.1-05-1～3`); for a busy
        task the first and last number, which the catalogue's order makes enough to follow."""
        if not self.evidence:
            return []
        groups = compact_numbers(self.evidence).split("\n")
        if len(groups) <= LISTED_ACTIVITIES:
            return groups
        return [f"{self.evidence[0]} 至 {self.evidence[-1]}"]

    @property
    def evidence_head(self) -> str:
        activities = len({n.rpartition("-")[0] for n in self.evidence})
        return f"共 {len(self.evidence)} 件" + (
            f"（{activities} 次活动）" if activities > 1 else ""
        )

    @property
    def shared_lines(self) -> list[str]:
        """Materials of activities numbered under another task that count here too."""
        by_task: dict[str, list[str]] = {}
        for task_id, numbers in self.shared:
            by_task.setdefault(task_id, []).extend(numbers)
        lines = []
        for task_id, items in by_task.items():
            groups = compact_numbers(items).split("\n")
            listed = (
                "、".join(groups)
                if len(groups) <= LISTED_ACTIVITIES
                else f"{items[0]} 等 {len(items)} 件"
            )
            lines.append(f"另见 {listed}（与任务 {task_id} 共用的活动）")
        return lines

    @property
    def evidence_text(self) -> str:
        lines = [self.evidence_head, "、".join(self.evidence_groups)] if self.evidence else []
        return "\n".join(lines + self.shared_lines) or "无"

    @property
    def note(self) -> str:
        """备注: why a one-requirement task is behind (完成情况 lists each of several), and the
        materials the task expects."""
        lines = []
        if self.reason and self.state != "已完成" and len(self.requirements) <= 1:
            lines.append(self.reason)
        if self.task.evidence:
            lines.append("应备材料：" + "、".join(self.task.evidence))
        return "\n".join(lines)


@dataclass(frozen=True)
class SectionBlock:
    """A section's tasks; its totals count each activity once, under its first task."""

    section: Section
    tasks: tuple[TaskRow, ...]
    activities: tuple[ActivityRow, ...]  # every activity of the section's tasks
    states: Mapping[str, int]
    participants: int  # of the activities numbered under this section's tasks
    figures: Mapping[str, float]  # likewise
    metrics: tuple[MetricRow, ...] = ()
    own: int = 0  # how many activities are numbered under this section's tasks

    @property
    def done(self) -> int:
        return self.states.get("已完成", 0)


@dataclass(frozen=True)
class MetricRow:
    """A measured requirement with its working: total ÷ denominator = value, against target."""

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
    working: str = ""

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
    sign_off: Mapping[str, str] = field(default_factory=dict)  # cover label -> value
    self_score: SelfScoreSheet | None = None  # when the ledger has a 测评体系

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


def default_name(data: LedgerExport, fmt: str, template: str) -> str:
    """The file an export writes when no -o is given, and its name inside a bundle."""
    stem = "创建工作总结" if template == "summary" else "台账"
    return f"{stem}-{data.plan.year}.{fmt}"


def ledger_title(plan: Plan) -> str:
    """The workbook's title: the plan's own attachment name when it names the 台账."""
    for name in plan.attachments:
        if "台账" in name:
            return name
    return f"{plan.organisation}{plan.year}年文明单位创建工作台账"


def section_banner(section_id: str, title: str) -> str:
    """A section's heading as the plan writes it: （七）积极履行社会责任……"""
    return (
        f"（{section_numeral(section_id)}）{title}"
        if section_id.isdigit()
        else f"{section_id} {title}"
    )


def primary_task(record: ActivityLike) -> str:
    """The task an activity and its materials are numbered under: the first it is filed under."""
    return record.tasks[0] if record.tasks else "0"


def activity_numbers(records: Iterable[ActivityLike]) -> dict[str, str]:
    """活动编号 of every record: its first task, then its order within that task by date.

    Numbered over all of a plan's records, so a filtered export shows the same numbers.
    """
    by_task: dict[str, list[ActivityLike]] = {}
    for record in records:
        by_task.setdefault(primary_task(record), []).append(record)
    numbers = {}
    for task_id, group in by_task.items():
        group.sort(key=lambda r: (r.date, r.id))
        width = max(2, len(str(len(group))))
        for order, record in enumerate(group, 1):
            numbers[record.id] = f"{task_id}-{order:0{width}d}"
    return numbers


def compact_numbers(numbers: Sequence[str], separator: str = "\n") -> str:
    """材料编号 grouped by activity, one per line (or apart by `separator`): `7.1-05-1～3` for an
    activity's three items."""
    groups: dict[str, list[int]] = {}
    for number in numbers:
        activity, _, item = number.rpartition("-")
        groups.setdefault(activity, []).append(int(item))
    lines = []
    for activity, items in groups.items():
        if items == list(range(items[0], items[0] + len(items))) and len(items) > 1:
            lines.append(f"{activity}-{items[0]}～{items[-1]}")
        else:
            lines.append(f"{activity}-" + "、".join(str(i) for i in items))
    return separator.join(lines)


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


format_number = plain_number  # the name the templates and sheets use


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


def _evidence_rows(
    records: Sequence[Record], plan: Plan, numbers: Mapping[str, str]
) -> list[EvidenceRow]:
    """Catalogue order: by the activity's task in plan order, then its number, then position."""
    order = {task_id: i for i, task_id in enumerate(plan.tasks)}

    def key(record: Record) -> tuple[int, str, str]:
        first = primary_task(record)
        return (order.get(first, len(order)), first, numbers[record.id])

    rows = []
    for record in sorted(records, key=key):
        activity = numbers[record.id]
        for position, item in enumerate(record.evidence, 1):
            rows.append(
                EvidenceRow(
                    number=f"{activity}-{position}",
                    activity_number=activity,
                    tasks="、".join(record.tasks),
                    kind=item.kind,
                    caption=item.caption,
                    date=item.date or record.date,
                    place=record.place,
                    activity=record.title,
                    record_id=record.id,
                    file=item.file,
                    url=item.url,
                    sha256=item.sha256 or "",
                    origin=item.file,
                )
            )
    return rows


def _requirement_rows(
    task: Task, progress: TaskProgress | None, plan: Plan
) -> list[RequirementRow]:
    from ..status import describe

    if progress is None:
        return [RequirementRow(describe(req, plan), "", "", "") for req in task.requirements]
    return [
        RequirementRow(got.label, got.state.value, got.progress, got.reason)
        for got in progress.requirements
    ]


_AGGREGATE_WORDS = {
    "sum": "合计", "mean": "平均", "max": "最高", "min": "最低", "latest": "最近一次",
    "count": "条数",
}  # fmt: skip
_FIELD_NAMES = {"participants": "参与人数", "records": "活动"}


def metric_working(req: MetricReq, got: RequirementProgress, plan: Plan) -> str:
    """How a metric's value was reached: 志愿服务时长合计 280 小时 ÷ 注册志愿者人数 80 人 = 3.5."""
    from ..status import OP_WORDS, number

    target = f"目标：{OP_WORDS[req.op]} {number(req.target)} {req.unit}".rstrip()
    if got.raw is None:
        return f"尚无数据；{target}"
    field_name = _FIELD_NAMES.get(req.field, req.field)
    figure = plan.figures.get(req.field)
    raw = f"{number(got.raw)} {figure.unit if figure else ''}".rstrip()
    head = f"{field_name}{_AGGREGATE_WORDS.get(req.aggregate, '')} {raw}"
    if got.divisor is None or got.actual is None:
        return f"{head}；{target}"
    fact = plan.facts.get(req.per_fact or "")
    per = f"{req.per_fact} {number(got.divisor)} {fact.unit if fact else ''}".rstrip()
    value = f"{number(got.actual)} {req.unit}".rstrip()
    return f"{head} ÷ {per} = {value}；{target}"


def _metric_rows(plan: Plan, tasks: Sequence[Task], progress: PlanProgress) -> list[MetricRow]:

    by_id = {t.task_id: t for t in progress.tasks}
    rows = []
    for task in tasks:
        got = by_id.get(task.id)
        if got is None:
            continue
        for req, req_progress in zip(task.requirements, got.requirements, strict=False):
            if not isinstance(req, MetricReq):
                continue
            target = req.target if req_progress.target is None else req_progress.target
            rows.append(
                MetricRow(
                    task_id=task.id,
                    task_title=task.title,
                    name=req.name or req_progress.label,
                    description=req_progress.label,
                    target=f"{req.op} {format_number(target)}",
                    actual=req_progress.actual,
                    unit=req.unit,
                    met=bool(req_progress.met),
                    progress=req_progress.progress,
                    reason=req_progress.reason,
                    working=metric_working(req, req_progress, plan),
                )
            )
    return rows


def _sentence(got: RequirementProgress) -> str:
    """Why one requirement is not met, as a sentence an inspector or a leader reads."""
    missing = "、".join(got.missing)
    if got.met:
        return ""
    if not missing:
        return f"“{got.title}”：{got.reason}。"
    if got.kind == "count":
        count = f"（共 {len(got.missing)} 个时段）" if len(got.missing) > 1 else ""
        return f"“{got.title}”在{missing}{count}未达到要求。"
    if got.kind == "each_of":
        return f"尚未开展{missing}。"
    if got.kind in ("festival", "fixed_date"):
        return f"{missing}前后没有开展活动。"
    if got.kind == "deadline":
        late = got.state.value == "滞后"
        return f"“{got.title}”{'已过期限，' if late else ''}尚未完成。"
    if got.kind == "evidence_set":
        return f"有 {len(got.missing)} 条记录的佐证材料不齐全（{got.reason}）。"
    return f"“{got.title}”：{got.reason}。"


def reason_sentences(got: TaskProgress | None) -> str:
    """A task's reason in whole sentences, one for each requirement that holds it back."""
    if got is None:
        return ""
    if not got.requirements:
        return got.reason + "。" if got.reason and got.state.value != "已完成" else ""
    sentences = [_sentence(r) for r in got.requirements]
    return "".join(s for s in sentences if s)


def build(
    plan: Plan,
    records: Sequence[Record],
    progress: PlanProgress,
    filters: Filters,
    commit: str | None = None,
    sign_off: Mapping[str, str] | None = None,
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
    numbers = activity_numbers(r for r in records if r.date <= filters.as_of)
    kept = [r for r in records if _keep_record(r, filters, section_tasks)]
    kept.sort(key=lambda r: (r.date, r.id))
    evidence = _evidence_rows(kept, plan, numbers)
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
                number=numbers[record.id],
                record=record,
                tasks="、".join(record.tasks),
                figures=tuple(record.figures.get(n) for n in figure_names),
                other="\n".join(other),
                evidence=tuple(by_record.get(record.id, ())),
            )
        )

    by_task: dict[str, list[ActivityRow]] = {}
    for activity in activities:
        for task_id in dict.fromkeys(activity.record.tasks):
            by_task.setdefault(task_id, []).append(activity)
    task_progress = {t.task_id: t for t in progress.tasks}
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
            own = [a for a in acts if primary_task(a.record) == task.id]
            own.sort(key=lambda a: a.number)
            shared = [a for a in acts if primary_task(a.record) != task.id]
            rows.append(
                TaskRow(
                    seq=seq,
                    task=task,
                    state=got.state.value if got else "",
                    progress=got.progress if got else "",
                    reason=reason_sentences(got),
                    requirements=tuple(_requirement_rows(task, got, plan)),
                    activities=len(acts),
                    evidence=tuple(n for a in own for n in a.evidence),
                    shared=tuple(
                        (primary_task(a.record), a.evidence) for a in shared if a.evidence
                    ),
                )
            )
        if not rows:
            continue
        section_acts = _unique(a for row in rows for a in by_task.get(row.task.id, []))
        own_ids = {row.task.id for row in rows}
        own_acts = [a for a in section_acts if primary_task(a.record) in own_ids]
        states = Counter(row.state for row in rows)
        all_states.update(states)
        figures = {
            name: sum(a.figures[i] or 0 for a in own_acts)
            for i, name in enumerate(figure_names)
            if figure_units[i] not in RATE_UNITS
        }
        blocks.append(
            SectionBlock(
                section=section,
                tasks=tuple(rows),
                activities=tuple(section_acts),
                states=dict(states),
                participants=sum(a.record.participants or 0 for a in own_acts),
                figures=figures,
                metrics=tuple(_metric_rows(plan, [r.task for r in rows], progress)),
                own=len(own_acts),
            )
        )
    signed = {"填报单位": plan.organisation}
    signed.update({SIGN_OFF[key]: value for key, value in plan.sign_off.items()})
    signed.update({k: v for k, v in (sign_off or {}).items() if v})
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
        sign_off=signed,
    )


def _unique(rows: Iterable[ActivityRow]) -> list[ActivityRow]:
    seen: dict[str, ActivityRow] = {}
    for row in rows:
        seen.setdefault(row.record.id, row)
    return sorted(seen.values(), key=lambda a: a.seq)


# ---------------------------------------------------------------- 自评表


@dataclass(frozen=True)
class SelfScoreRow:
    """One line of the 自评表: a 测评内容 (or an item's subtotal) with its score and materials."""

    item: str  # the 测评项目, on its first line only
    number: str  # the 测评内容's id; "小计" on an item's subtotal line
    text: str
    method: str
    points: float | str  # "待填" while a placeholder
    score: float | str
    share: str  # linked requirements met, "1/2", or 未覆盖
    evidence: str  # 材料编号 of the linked tasks' activities


@dataclass(frozen=True)
class NegativeRow:
    """One 负面清单 entry as the 自评表 shows it."""

    number: str
    name: str
    effect: str
    look_back: str
    state: str
    incidents: str


@dataclass(frozen=True)
class SelfScoreSheet:
    title: str
    rows: tuple[SelfScoreRow, ...]
    negatives: tuple[NegativeRow, ...]
    summary: str


def self_score_sheet(score: Score, data: LedgerExport) -> SelfScoreSheet:
    """The 自评表: every 测评内容 with its points, score and the 材料编号 that support it."""
    numbers = {a.record.id: a.evidence for a in data.activities}
    rows: list[SelfScoreRow] = []

    def points(value: float | None) -> float | str:
        return "待填" if value is None else value

    for item in score.items:
        name = f"{item.id} {item.name}"
        if not item.criteria:
            rows.append(
                SelfScoreRow(
                    name, "", "（尚未写出测评内容）", "", points(item.points), "", "未覆盖", ""
                )
            )
            continue
        for index, c in enumerate(item.criteria):
            evidence = [n for record_id in c.record_ids for n in numbers.get(record_id, ())]
            rows.append(
                SelfScoreRow(
                    name if index == 0 else "",
                    c.id,
                    c.text,
                    c.method,
                    points(c.points),
                    points(c.score) if c.points is not None else "",
                    f"{c.met}/{c.total}" if c.covered else "未覆盖",
                    # Run together, wrapping in the cell: a 测评内容 is often backed by dozens.
                    compact_numbers(evidence, "、") if evidence else "",
                )
            )
        rows.append(
            SelfScoreRow("", "小计", "", "", points(item.points), points(item.score), "", "")
        )
    negatives = tuple(
        NegativeRow(
            n.id,
            n.name,
            "一票否决" if n.effect == "veto" else f"每起扣 {plain_number(n.points)} 分",
            f"{n.look_back_months} 个月（{n.since.isoformat()} 之后）",
            n.verdict,
            "\n".join(
                [f"{i.date.isoformat()} {i.title}（{i.path}）" for i in n.inside]
                + [f"{i.date.isoformat()} {i.title}（追溯期外，不计）" for i in n.earlier]
            ),
        )
        for n in score.negatives
    )
    return SelfScoreSheet(score.title, tuple(rows), negatives, score.summary())


# ---------------------------------------------------------------- 复查 workbook over a term


@dataclass(frozen=True)
class TermExport:
    """A term's years, each arranged as its own workbook would be, and the term across them."""

    organisation: str
    years: tuple[LedgerExport, ...]
    term: Term

    @property
    def title(self) -> str:
        first, last = self.years[0].plan.year, self.years[-1].plan.year
        span = f"{first}–{last}" if first != last else str(first)
        return f"{self.organisation}{span}年文明单位创建台账（复查）"


def term_summary_rows(data: TermExport) -> list[tuple[str, list[object]]]:
    """The 各年概况 sheet: one line per measure, one column per year."""
    years = data.years
    summaries = data.term.years
    rows: list[tuple[str, list[object]]] = [
        ("计划期", [f"{y.plan.start.isoformat()}～{y.plan.end.isoformat()}" for y in years]),
        ("统计截至", [y.as_of.isoformat() for y in years]),
        ("任务数", [s.tasks for s in summaries]),
    ]
    for state in ("已完成", "进行中", "滞后", "未开展"):
        rows.append((state, [s.counts.get(state, 0) for s in summaries]))
    rows += [
        ("活动记录", [len(y.activities) for y in years]),
        ("佐证材料", [len(y.evidence) for y in years]),
        ("参与人次", [y.participants for y in years]),
        (
            "无活动的月份",
            [
                f"{len(s.quiet_months)}/{s.months} 个月：" + "、".join(s.quiet_runs)
                if s.quiet_months
                else "无"
                for s in summaries
            ],
        ),
    ]
    if any(s.score is not None for s in summaries):
        rows.append(
            (
                "自评分",
                [
                    ("否决" if s.score.vetoed else s.score.total) if s.score else ""
                    for s in summaries
                ],
            )
        )
    by_year = [
        sum(1 for i in data.term.incidents if y.plan.start <= i.date <= y.plan.end) for y in years
    ]
    rows.append(("负面事件", [f"{n} 起" if n else "无" for n in by_year]))
    return rows
