"""What the web pages show, worked out without HTTP: the form read field by field, the chart's bars."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..calendar import periods
from ..commands.add import read_date
from ..commands.edit import Changes
from ..errors import WenmingError
from ..ledger import select_plan
from ..model import HOURS_FIGURE, Ledger, Plan, Record
from ..numbers import plain_number
from ..record import (
    Draft,
    EvidenceSpec,
    check_choice,
    check_figure,
    infer_kind,
    resolve_task,
    safe_file_name,
    unknown_evidence_kind,
)

# The form's fields, in the order their messages are listed above the form.
FIELDS = (
    "task", "date", "type", "title", "unit", "place", "participants", "hours", "figures",
    "summary", "evidence",
)  # fmt: skip
LABELS = {
    "task": "任务", "date": "日期", "type": "活动类型", "title": "标题", "unit": "组织单位",
    "place": "地点", "participants": "参加人数", "hours": "志愿服务时长", "figures": "其他数值",
    "summary": "内容摘要", "evidence": "佐证材料",
}  # fmt: skip
REQUIRED = ("task", "date", "type", "title", "unit")
# What a browser shows inline as a thumbnail (HEIC and TIFF are offered as downloads).
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"})
_STAGE = re.compile(r"^[0-9a-f]{32}$")


def message(exc: WenmingError) -> str:
    """A use case's error as one line beside a field: the message, then how to fix it."""
    return f"{exc.message}（{exc.hint}）" if exc.hint else exc.message


def author_line(name: str, email: str = "") -> str | None:
    """git's "Name <email>" for the person using the page, or None when they gave no name."""
    name = " ".join(name.replace("<", "").replace(">", "").split())[:60]
    email = "".join(email.replace("<", "").replace(">", "").split())[:120]
    return f"{name} <{email}>" if name else None


def valid_stage(stage: str) -> bool:
    """Whether `stage` is a staging folder name the server made (no path reaches the disk else)."""
    return bool(_STAGE.match(stage))


@dataclass(frozen=True)
class Staged:
    """An uploaded file waiting in the server's staging folder, with what the user says of it."""

    name: str  # a safe file name inside the staging folder
    kind: str
    caption: str


def staged_name(original: str, taken: Sequence[str]) -> str:
    """A safe, unused name for an upload: the browser's name is never used as a path."""
    base = safe_file_name(original.replace("\\", "/").rpartition("/")[2] or "文件")
    name, number = base, 2
    stem, dot, ext = base.rpartition(".")
    while name in taken or name.startswith("."):
        name = f"{stem or ext}-{number}{dot}{ext if stem else ''}"
        number += 1
    return name


def guess_kind(name: str, plan: Plan) -> str:
    """The kind a file's name suggests, among the plan's evidence kinds (else the first one)."""
    guessed = infer_kind(name)
    if guessed in plan.evidence_kinds:
        return guessed
    return plan.evidence_kinds[0] if plan.evidence_kinds else "照片"


@dataclass
class FormOutcome:
    """The form read against the plan: a draft when nothing is wrong, else each field's message."""

    plan: Plan
    draft: Draft | None = None
    errors: dict[str, str] = field(default_factory=dict)


def read_form(
    ledger: Ledger,
    form: Mapping[str, str],
    staged: Sequence[Staged],
    folder: Path | None,
    today: date,
) -> FormOutcome:
    """Check each field as `wenming add` checks its option, keeping every message by field."""
    errors: dict[str, str] = {}

    def text(key: str) -> str:
        return form.get(key, "").strip()

    for key in REQUIRED:
        if not text(key):
            errors[key] = f"请填写{LABELS[key]}"
    day: date | None = None
    if text("date"):
        try:
            day = read_date(ledger, None, text("date"), today)
        except WenmingError as exc:
            errors["date"] = message(exc)
    plan = select_plan(ledger, None, day or today)
    task = ""
    if text("task"):
        try:
            task = resolve_task(plan, text("task"))
        except WenmingError as exc:
            # The whole task list belongs in the picker, not in the message.
            errors["task"] = message(exc).split("计划的任务有：")[0]
    for key, what, names, plan_key in (
        ("type", "活动类型", plan.activity_types, "activity_types"),
        ("unit", "组织单位", plan.units, "units"),
    ):
        if text(key):
            try:
                check_choice(text(key), names, what, plan_key)
            except WenmingError as exc:
                errors[key] = message(exc)
    participants: int | None = None
    if text("participants"):
        try:
            participants = int(text("participants"))
            if participants < 0:
                raise ValueError
        except ValueError:
            errors["participants"] = f"参加人数“{text('participants')}”不是非负整数（例如 36）"
    figures: dict[str, float] = {}
    if text("hours"):
        try:
            figures[HOURS_FIGURE] = float(text("hours"))
        except ValueError:
            errors["hours"] = f"服务时长“{text('hours')}”不是数字（例如 108）"
    for line in text("figures").splitlines():
        if not line.strip():
            continue
        name, sep, raw = line.partition("=")
        try:
            if not sep:
                raise WenmingError(
                    f"“{line.strip()}”不是“名称=数值”", "每行一项，例如 受益人数=120"
                )
            check_figure(plan, name.strip())
            figures[name.strip()] = float(raw)
        except WenmingError as exc:
            errors["figures"] = message(exc)
        except ValueError:
            errors["figures"] = f"数值项“{name.strip()}”的值“{raw.strip()}”不是数字"
    evidence: list[EvidenceSpec] = []
    for item in staged:
        if item.kind not in plan.evidence_kinds:
            errors["evidence"] = message(
                unknown_evidence_kind(item.kind, plan.evidence_kinds, "类型")
            )
        elif folder is not None:
            evidence.append(EvidenceSpec(folder / item.name, item.kind, item.caption))
    if errors or day is None:
        return FormOutcome(plan, None, errors)
    draft = Draft(
        date=day,
        tasks=(task,),
        type=text("type"),
        title=text("title"),
        unit=text("unit"),
        place=text("place"),
        participants=participants,
        figures=figures,
        summary=form.get("summary", "").strip(),
        evidence=tuple(evidence),
    )
    return FormOutcome(plan, draft, {})


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    count: int
    label: str


@dataclass(frozen=True)
class Chart:
    """One section's records a month as SVG bars (drawn by the template, so text is escaped)."""

    section: str
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    empty_months: int


CHART_HEIGHT = 60
BAR_WIDTH = 22
BAR_GAP = 4


def charts(
    plan: Plan,
    months: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
    as_of: date,
) -> list[Chart]:
    """A small bar chart per section, every section on the same scale (continuity at a glance).

    Only months begun by `as_of` count as empty: the rest of the year is not a gap yet.
    """
    top = max((n for _, counts in rows for n in counts), default=0) or 1
    titles = {s.id: s.title for s in plan.sections}
    begun = sum(1 for span in periods("month", plan.start, plan.end) if span.start <= as_of)
    floor, room = CHART_HEIGHT - 14, CHART_HEIGHT - 24  # the month labels below, a count above
    drawn = []
    for section, counts in rows:
        bars = []
        for index, (label, count) in enumerate(zip(months, counts, strict=True)):
            height = round(count / top * room, 1) if count else 0
            x = index * (BAR_WIDTH + BAR_GAP)
            bars.append(Bar(x, floor - height, height, count, label))
        width = len(months) * (BAR_WIDTH + BAR_GAP)
        empty = sum(1 for c in counts[:begun] if not c)
        drawn.append(
            Chart(section, titles.get(section, section), width, CHART_HEIGHT, tuple(bars), empty)
        )
    return drawn


def split_tasks(text: str) -> list[str]:
    """Task ids typed in one box, separated by “、”, commas or spaces."""
    return [t for t in re.split(r"[、，,;；\s]+", text) if t]


def edit_form(record: Record) -> dict[str, str]:
    """A record's fields as the edit form shows them."""
    figures = dict(record.figures)
    hours = figures.pop(HOURS_FIGURE, None)
    return {
        "task": "、".join(record.tasks),
        "date": record.date.isoformat(),
        "type": record.type,
        "title": record.title,
        "unit": record.unit,
        "place": record.place,
        "participants": "" if record.participants is None else str(record.participants),
        "hours": "" if hours is None else plain_number(hours),
        "figures": "\n".join(f"{k}={plain_number(v)}" for k, v in figures.items()),
        "summary": record.summary,
    }


def read_changes(
    ledger: Ledger,
    record: Record,
    form: Mapping[str, str],
    captions: Sequence[str],
    drop: Sequence[str],
    staged: Sequence[Staged],
    folder: Path | None,
    today: date,
) -> tuple[Changes | None, dict[str, str]]:
    """The edit form as `wenming edit`'s changes, each field checked as the add form checks it."""
    tasks = split_tasks(form.get("task", ""))
    # Every field but the task list is checked as on the add form (with the first task).
    single = {**form, "task": tasks[0] if tasks else ""}
    outcome = read_form(ledger, single, staged, folder, today)
    errors = dict(outcome.errors)
    resolved: list[str] = []
    for task in tasks[1:]:
        try:
            resolved.append(resolve_task(outcome.plan, task))
        except WenmingError as exc:
            errors["task"] = message(exc).split("计划的任务有：")[0]
    draft = outcome.draft
    if errors or draft is None:
        return None, errors
    figures: dict[str, float | None] = dict.fromkeys(record.figures)
    figures.update(draft.figures)
    positions = [str(n) for n in range(1, len(record.evidence) + 1)]
    return Changes(
        date=draft.date,
        title=draft.title,
        tasks=(*draft.tasks, *resolved),
        type=draft.type,
        unit=draft.unit,
        place=draft.place,
        participants=draft.participants,
        # An emptied field clears the number (the form showed the record's).
        clear_participants=draft.participants is None and record.participants is not None,
        figures={k: v for k, v in figures.items() if not (v is None and k not in record.figures)},
        summary=draft.summary,
        add_evidence=draft.evidence,
        # Positions count from the record as it was; `edit` resolves them all before removing.
        remove_evidence=tuple(sorted((p for p in drop if p in positions), key=int, reverse=True)),
        captions=tuple(
            (p, c.strip())
            for p, c, item in zip(positions, captions, record.evidence, strict=False)
            if c.strip() != item.caption and p not in drop
        ),
    ), {}
