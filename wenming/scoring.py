"""The self-score against a 测评体系 and the negative list's state at a day; pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .assessment import EFFECT_NAMES, MATERIALS, Assessment, Criterion, Incident, NegativeItem
from .checks import split_link
from .model import ActivityLike, Plan
from .numbers import plain_number
from .status import PlanProgress, State, TaskProgress, evaluate


@dataclass(frozen=True)
class LinkState:
    """One requirement (or a task without requirements) a 测评内容 counts, and whether it is met."""

    link: str  # as the assessment wrote it
    task_id: str
    label: str
    met: bool
    state: str  # State value, or "计划中没有" when this year's plan lacks the task

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": self.link,
            "task_id": self.task_id,
            "label": self.label,
            "met": self.met,
            "state": self.state,
        }


MISSING_TASK = "计划中没有"


@dataclass(frozen=True)
class CriterionScore:
    """One 测评内容: points, the share of its linked requirements met, the score it earns."""

    id: str
    text: str
    method: str
    points: float | None
    score: float | None  # None when its points are a placeholder
    met: int
    total: int
    links: tuple[LinkState, ...]
    record_ids: tuple[str, ...]  # the linked tasks' records up to the day (evidence, for 材料审核)

    @property
    def covered(self) -> bool:
        """Some task of this year's plan evidences it."""
        return any(link.state != MISSING_TASK for link in self.links)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "method": self.method,
            "points": self.points,
            "score": self.score,
            "met": self.met,
            "total": self.total,
            "covered": self.covered,
            "links": [link.to_dict() for link in self.links],
            "record_ids": list(self.record_ids),
        }


@dataclass(frozen=True)
class ItemScore:
    """One 测评项目: its points (or the sum of its contents'), its score, its contents."""

    id: str
    name: str
    points: float | None
    score: float | None
    criteria: tuple[CriterionScore, ...]

    @property
    def covered(self) -> bool:
        return any(c.covered for c in self.criteria)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "points": self.points,
            "score": self.score,
            "covered": self.covered,
            "criteria": [c.to_dict() for c in self.criteria],
        }


@dataclass(frozen=True)
class IncidentRef:
    id: str
    date: date
    title: str
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "title": self.title,
            "path": self.path,
        }


@dataclass(frozen=True)
class NegativeState:
    """One 负面清单 entry at the day: the incidents inside its look-back, and what they cost."""

    id: str
    name: str
    effect: str  # "veto" or "deduct"
    points: float
    look_back_months: int
    since: date  # the look-back starts the day after this
    inside: tuple[IncidentRef, ...]
    earlier: tuple[IncidentRef, ...]  # recorded, but before the look-back: no effect

    @property
    def vetoed(self) -> bool:
        return self.effect == "veto" and bool(self.inside)

    @property
    def deducted(self) -> float:
        return self.points * len(self.inside) if self.effect == "deduct" else 0.0

    @property
    def verdict(self) -> str:
        """The entry's state in words, for tables and the workbook."""
        if not self.inside:
            return "无"
        if self.vetoed:
            return f"一票否决（{len(self.inside)} 起）"
        return f"扣 {self.deducted:g} 分（{len(self.inside)} 起）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "effect": self.effect,
            "effect_name": EFFECT_NAMES[self.effect],
            "points": self.points,
            "look_back_months": self.look_back_months,
            "since": self.since.isoformat(),
            "vetoed": self.vetoed,
            "deducted": self.deducted,
            "verdict": self.verdict,
            "inside": [i.to_dict() for i in self.inside],
            "earlier": [i.to_dict() for i in self.earlier],
        }


@dataclass(frozen=True)
class Score:
    """The projected self-score of one plan year against one assessment, at a day."""

    assessment: str
    title: str
    year: int
    as_of: date
    items: tuple[ItemScore, ...]
    negatives: tuple[NegativeState, ...]

    @property
    def maximum(self) -> float:
        """The points that can be earned: those filled in."""
        return _round(sum(i.points for i in self.items if i.points is not None))

    @property
    def earned(self) -> float:
        return _round(sum(i.score for i in self.items if i.score is not None))

    @property
    def vetoed(self) -> bool:
        return any(n.vetoed for n in self.negatives)

    @property
    def deducted(self) -> float:
        return _round(sum(n.deducted for n in self.negatives))

    @property
    def total(self) -> float:
        return 0.0 if self.vetoed else max(0.0, _round(self.earned - self.deducted))

    @property
    def uncovered(self) -> list[tuple[str, str, str]]:
        """(测评项目, 测评内容 id or "", text) no task of this year's plan evidences."""
        gaps: list[tuple[str, str, str]] = []
        for item in self.items:
            if not item.criteria:
                gaps.append((item.name, "", "尚未写出测评内容"))
            gaps += [(item.name, c.id, c.text) for c in item.criteria if not c.covered]
        return gaps

    @property
    def placeholders(self) -> int:
        """Items and contents whose points are still to be filled in."""
        return sum(i.points is None for i in self.items) + sum(
            c.points is None for i in self.items for c in i.criteria
        )

    def summary(self) -> str:
        """The score in one sentence, the negative list's effect said plainly."""
        head = f"{self.year} 年自评分（截至 {self.as_of.isoformat()}）："
        if self.vetoed:
            vetoes = "、".join(n.name for n in self.negatives if n.vetoed)
            return (
                f"{head}0 分——负面清单一票否决（{vetoes}）；"
                f"未计否决时 {plain_number(self.earned)} 分"
            )
        tail = f"，其中扣分 {plain_number(self.deducted)}" if self.deducted else ""
        line = f"{head}{plain_number(self.total)} / {plain_number(self.maximum)} 分{tail}"
        if self.placeholders:
            line += f"；{self.placeholders} 处分值待填，未计入"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "title": self.title,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "maximum": self.maximum,
            "earned": self.earned,
            "deducted": self.deducted,
            "vetoed": self.vetoed,
            "total": self.total,
            "placeholders": self.placeholders,
            "summary": self.summary(),
            "items": [i.to_dict() for i in self.items],
            "uncovered": [
                {"item": item, "criterion": cid, "text": text} for item, cid, text in self.uncovered
            ],
            "negative_list": [n.to_dict() for n in self.negatives],
        }


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - February has 28 days


def score(
    assessment: Assessment,
    plan: Plan,
    activities: Sequence[ActivityLike],
    incidents: Sequence[Incident],
    as_of: date,
) -> Score:
    """Each 测评内容 earns its points × the share of its linked requirements met at `as_of`;
    for 材料审核 only records carrying evidence count. Negative-list incidents inside their
    look-back (ending at `as_of`) veto the total or deduct from it."""
    progress = evaluate(plan, activities, as_of)
    evidenced = evaluate(plan, [a for a in activities if a.evidence_kinds], as_of)
    items = tuple(
        _item(item.id, item.name, item.points, item.criteria, progress, evidenced)
        for item in assessment.items
    )
    day = progress.as_of
    negatives = tuple(_negative(n, incidents, day) for n in assessment.negative_list)
    return Score(assessment.name, assessment.title, plan.year, day, items, negatives)


def _item(
    ident: str,
    name: str,
    points: float | None,
    criteria: tuple[Criterion, ...],
    progress: PlanProgress,
    evidenced: PlanProgress,
) -> ItemScore:
    scores = tuple(
        _criterion(c, evidenced if c.method == MATERIALS else progress) for c in criteria
    )
    known = [c.score for c in scores]
    if points is None and criteria and None not in [c.points for c in scores]:
        points = _round(sum(c.points or 0.0 for c in scores))
    total = None if None in known or not criteria else _round(sum(s or 0.0 for s in known))
    if not criteria:
        total = None if points is None else 0.0
    return ItemScore(ident, name, points, total, scores)


def _criterion(criterion: Criterion, progress: PlanProgress) -> CriterionScore:
    by_id = {t.task_id: t for t in progress.tasks}
    links: list[LinkState] = []
    records: dict[str, None] = {}
    for link in criterion.links:
        task_id, name = split_link(link)
        task = by_id.get(task_id)
        if task is None:
            links.append(LinkState(link, task_id, "", False, MISSING_TASK))
            continue
        records.update(dict.fromkeys(task.record_ids))
        links += _units(link, task, name)
    counted = [link for link in links if link.state != MISSING_TASK]
    met = sum(link.met for link in counted)
    share = met / len(counted) if counted else 0.0
    earned = None if criterion.points is None else _round(criterion.points * share)
    return CriterionScore(
        criterion.id, criterion.text, criterion.method, criterion.points, earned,
        met, len(counted), tuple(links), tuple(records),
    )  # fmt: skip


def _units(link: str, task: TaskProgress, name: str | None) -> list[LinkState]:
    """What one link counts: a named requirement, every requirement, or the task itself."""
    if not task.requirements:
        return [
            LinkState(
                link, task.task_id, "至少一条记录", task.state is State.DONE, task.state.value
            )
        ]
    chosen = [r for r in task.requirements if name is None or r.name == name]
    if not chosen:  # a name this year's plan does not have (check reports unknown names)
        return [LinkState(link, task.task_id, name or "", False, MISSING_TASK)]
    return [LinkState(link, task.task_id, r.label, r.met, r.state.value) for r in chosen]


def _negative(item: NegativeItem, incidents: Sequence[Incident], as_of: date) -> NegativeState:
    since = months_before(as_of, item.look_back_months)
    inside: list[IncidentRef] = []
    earlier: list[IncidentRef] = []
    for incident in incidents:
        if incident.negative != item.id or incident.date > as_of:
            continue
        ref = IncidentRef(incident.id, incident.date, incident.title, incident.source.path)
        (inside if incident.date > since else earlier).append(ref)
    return NegativeState(
        item.id, item.name, item.effect, item.points, item.look_back_months, since,
        tuple(inside), tuple(earlier),
    )  # fmt: skip
