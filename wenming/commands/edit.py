"""`edit`: change a record by field values or by its edited text, re-checked, renamed, committed."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..atomic import publish, write_replacing
from ..documents import checked_record
from ..errors import Problem, Severity, WenmingError
from ..files import FileFact, inspect, sha256_file
from ..ledger import PLAN_DIR, RECORDS_DIR, load_plans
from ..model import Evidence, Plan, Record
from ..numbers import plain_number
from ..parse import parse_record
from ..record import (
    Draft,
    EvidenceSpec,
    ImportedFile,
    check_choice,
    check_evidence,
    check_figure,
    document,
    import_files,
    match_names,
    resolve_task,
    safe_title,
    tidy,
)
from ..yamlio import dump, parse_text
from .commit import Committed, commit
from .records import locate

_DATED = re.compile(r"^\d{8}-")
_MADE = re.compile(r"^-(.*)-([0-9a-f]{4,})$")  # the rest of an id `add` made


@dataclass(frozen=True)
class Changes:
    """What to change; None (or empty) leaves a field as it is."""

    date: date | None = None
    title: str | None = None
    tasks: tuple[str, ...] | None = None  # ids or title fragments, replacing the record's tasks
    type: str | None = None
    unit: str | None = None
    place: str | None = None  # "" clears it
    participants: int | None = None
    clear_participants: bool = False  # the record no longer gives a number of participants
    figures: Mapping[str, float | None] = field(default_factory=dict)  # None removes one
    summary: str | None = None  # "" clears it
    add_evidence: tuple[EvidenceSpec, ...] = ()
    remove_evidence: tuple[str, ...] = ()  # a 1-based position, a file name or part of it, a URL
    captions: tuple[tuple[str, str], ...] = ()  # (which evidence item, as above; its new caption)

    @property
    def empty(self) -> bool:
        return self == Changes()


@dataclass(frozen=True)
class Edit:
    """A checked change to one record, ready to apply: nothing has been written yet."""

    before: Record
    after: Record
    text: str  # the new record file
    added: tuple[ImportedFile, ...]  # files to copy into the record's evidence folder
    moved: tuple[tuple[str, str], ...]  # (old, new) paths of evidence carried to a renamed folder
    dropped: tuple[str, ...]  # files of the record's own folder it no longer names: deleted
    changed: tuple[tuple[str, str, str], ...]  # (field, before, after), for the person to read
    notes: tuple[str, ...] = ()

    @property
    def renamed(self) -> bool:
        return self.before.path != self.after.path

    @property
    def paths(self) -> tuple[str, ...]:
        """Every ledger path the edit touches (all of them, and only them, are committed)."""
        folder = evidence_folder(self.after)
        found = [self.after.path, self.before.path]
        found += [path for pair in self.moved for path in pair]
        found += [f"{folder}/{item.name}" for item in self.added]
        found += self.dropped
        return tuple(dict.fromkeys(found))

    @property
    def message(self) -> str:
        r = self.after
        return f"修改记录：{r.date.isoformat()} {r.title}（{'、'.join(r.tasks)}）"


@dataclass(frozen=True)
class EditResult:
    edit: Edit
    committed: Committed | None  # None when asked not to commit


def evidence_folder(record: Record) -> str:
    return f"{RECORDS_DIR}/{record.year}/{record.id}"


def open_record(root: Path, fragment: str) -> tuple[Record, str]:
    """The record `fragment` names, and its file's text as it is on disk."""
    record = locate(root, fragment)
    return record, (root / record.path).read_text(encoding="utf-8")


def _draft(record: Record) -> Draft:
    """The record's own fields, as `add` would have been given them."""
    return Draft(
        date=record.date,
        tasks=record.tasks,
        type=record.type,
        title=record.title,
        unit=record.unit,
        place=record.place,
        participants=record.participants,
        figures=dict(record.figures),
        extra={k: v if isinstance(v, str) else str(v) for k, v in record.extra.items()},
        summary=record.summary,
    )


def _plan_for(root: Path, day: date, use_cache: bool) -> Plan:
    """The plan whose period holds `day` (a record moves with its date), else that year's."""
    plans = load_plans(root, use_cache).plans
    for plan in plans.values():
        if plan.start <= day <= plan.end:
            return plan
    if day.year in plans:
        return plans[day.year]
    raise WenmingError(
        f"没有包含 {day.isoformat()} 的计划，记录不能改到这一天",
        f"先建立 {day.year} 年的计划（{PLAN_DIR}/{day.year}.yaml），或改正日期",
    )


def _new_id(record: Record, day: date, title: str, title_changed: bool) -> str:
    """The id after the edit. An id that starts with its date follows a new date; one made by
    `add` (date-title-random) also follows a new title. Other ids are the user's own names."""
    if not _DATED.match(record.id):
        return record.id
    rest = record.id[8:]
    made = _MADE.match(rest)
    if title_changed and made and safe_title(title) != made.group(1):
        rest = f"-{safe_title(title)}-{made.group(2)}"
    return f"{day:%Y%m%d}{rest}"


def _which(items: Sequence[Evidence], query: str) -> int:
    """The index of the evidence item `query` names: its position as `show` lists it, its file
    name (or a unique part of it), or its web address."""
    names = [_name(item) for item in items]
    found = match_names(names, query)
    if len(found) == 1:
        return names.index(found[0])
    listed = "；".join(f"{i} {name}" for i, name in enumerate(names, 1)) or "（没有佐证材料）"
    if found:
        raise WenmingError(f"有 {len(found)} 件佐证材料符合“{query}”", f"写出序号：{listed}")
    raise WenmingError(f"这条记录没有佐证材料“{query}”", f"可写序号或文件名：{listed}")


def plan_edit(root: Path, fragment: str, changes: Changes, *, use_cache: bool = True) -> Edit:
    """Check `changes` to the record `fragment` names against its plan; nothing is written."""
    before = locate(root, fragment)
    day = changes.date or before.date
    plan = _plan_for(root, day, use_cache)
    draft = _draft(before)
    figures = dict(draft.figures)
    for name, value in changes.figures.items():
        if value is None:
            if name not in figures:
                raise WenmingError(f"这条记录没有数值项“{name}”", "不必删除")
            del figures[name]
        else:
            figures[check_figure(plan, name)] = value
    draft = replace(
        draft,
        date=day,
        tasks=tuple(resolve_task(plan, t) for t in changes.tasks) if changes.tasks else draft.tasks,
        type=check_choice(changes.type, plan.activity_types, "活动类型", "activity_types")
        if changes.type is not None
        else draft.type,
        unit=check_choice(changes.unit, plan.units, "组织单位", "units")
        if changes.unit is not None
        else draft.unit,
        title=draft.title if changes.title is None else changes.title,
        place=draft.place if changes.place is None else changes.place,
        participants=None
        if changes.clear_participants
        else draft.participants
        if changes.participants is None
        else changes.participants,
        figures=figures,
        summary=draft.summary if changes.summary is None else changes.summary,
        evidence=tuple(check_evidence(spec, plan) for spec in changes.add_evidence),
    )
    draft = tidy(draft)
    if not draft.title:
        raise WenmingError("标题不能为空", "用 --title 写出活动标题")
    items = list(before.evidence)
    for which, caption in changes.captions:
        index = _which(items, which)
        items[index] = replace(items[index], caption=caption.strip())
    # Every item named as the record stands (as `show` numbers them), then all removed at once.
    doomed = {_which(items, which) for which in changes.remove_evidence}
    items = [item for index, item in enumerate(items) if index not in doomed]
    new_id = _new_id(before, day, draft.title, changes.title is not None)
    after_folder = f"{RECORDS_DIR}/{plan.year}/{new_id}"
    kept = [_moved(item, evidence_folder(before), after_folder) for item in items]
    taken = {item.file.rsplit("/", 1)[-1].lower() for item in kept if item.file}
    added, notes = import_files(root, draft, plan.year, taken)
    text = dump(document(draft, added, after_folder, kept))
    return _checked(root, before, plan, new_id, text, added, notes)


def _moved(item: Evidence, old: str, new: str) -> Evidence:
    if old == new or item.file is None or not item.file.startswith(old + "/"):
        return item
    return replace(item, file=new + item.file[len(old) :])


def edit_text(
    root: Path, before: Record, text: str, *, use_cache: bool = True
) -> tuple[Edit | None, list[Problem]]:
    """Check a record's text as the person left it in an editor: the edit, or why it cannot be
    saved (problems with lines of that text). A new date or title renames it as options do."""
    parsed = parse_text(text.replace("\r\n", "\n"), before.path)
    data, problems = parsed
    if data is None and problems:
        return None, problems
    draft_record, more = parse_record(data, before.path, before.id, before.year)
    errors = [p for p in problems + more if p.severity is Severity.ERROR]
    if draft_record is None or errors:
        return None, errors
    try:
        plan = _plan_for(root, draft_record.date, use_cache)
    except WenmingError as exc:
        return None, [
            Problem(draft_record.line("date"), "date-outside-period", exc.message, exc.hint)
        ]
    title_changed = draft_record.title != before.title
    new_id = _new_id(before, draft_record.date, draft_record.title, title_changed)
    old, new = evidence_folder(before), f"{RECORDS_DIR}/{plan.year}/{new_id}"
    if old != new:
        # Paths into the record's own folder follow it to its new name.
        text = text.replace(f"{old}/", f"{new}/")
    try:
        return _checked(root, before, plan, new_id, text, (), ()), []
    except _Refused as refused:
        return None, refused.problems


class _Refused(WenmingError):
    """The edited record does not pass `check`: the problems, with lines of its new text."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = [
            f"  · 第 {p.source.line} 行：{p.message}" + (f"（{p.hint}）" if p.hint else "")
            for p in problems
        ]
        super().__init__(
            "修改后的记录没有通过检查，未做任何修改：\n" + "\n".join(lines),
            "按上面的说明改正后重新运行",
        )
        self.problems = problems


def _checked(
    root: Path,
    before: Record,
    plan: Plan,
    new_id: str,
    text: str,
    added: Sequence[ImportedFile],
    notes: Sequence[str],
) -> Edit:
    """The edit, once the new text passes `check` against `plan` with its files as they will
    be: carried over from the old folder, imported, or elsewhere in the ledger as they are."""
    old_folder = evidence_folder(before)
    new_folder = f"{RECORDS_DIR}/{plan.year}/{new_id}"
    rel = f"{new_folder}.yaml"
    facts: dict[str, FileFact] = {
        f"{new_folder}/{f.name}": FileFact("ok", f.sha256, f.size) for f in added
    }
    parsed = parse_text(text, before.path)
    draft, _ = checked_record(parsed, before.path, new_id, plan, {})
    moved: list[tuple[str, str]] = []
    for item in draft.evidence if draft else ():
        if item.file is None or item.file in facts:
            continue
        if old_folder != new_folder and item.file.startswith(new_folder + "/"):
            old = old_folder + item.file[len(new_folder) :]
            facts[item.file] = inspect(root, old)
            moved.append((old, item.file))
        else:
            facts[item.file] = inspect(root, item.file)
    after, problems = checked_record(parsed, before.path, new_id, plan, facts)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if after is None or errors:
        raise _Refused(errors)
    after = replace(after, source=replace(after.source, path=rel), year=plan.year)
    named = {item.file for item in after.evidence if item.file}
    carried = {old for old, _ in moved}
    dropped = tuple(
        item.file
        for item in before.evidence
        if item.file
        and item.file.startswith(old_folder + "/")
        and item.file not in named
        and item.file not in carried
        and (root / item.file).is_file()
    )
    return Edit(before, after, text, tuple(added), tuple(moved), dropped, _changed(before, after))


def _changed(before: Record, after: Record) -> tuple[tuple[str, str, str], ...]:
    """What a person reads to confirm the edit: each changed field, each evidence item added,
    removed or re-captioned (items are matched by file name or web address)."""

    def fields(record: Record) -> dict[str, str]:
        return {
            "日期": record.date.isoformat(),
            "任务": "、".join(record.tasks),
            "类型": record.type,
            "标题": record.title,
            "单位": record.unit,
            "地点": record.place,
            "人数": "" if record.participants is None else str(record.participants),
            "数值": "，".join(f"{k} {plain_number(v)}" for k, v in record.figures.items()),
            "简介": record.summary,
            "文件": record.path,
        }

    def items(record: Record) -> dict[str, Evidence]:
        return {_name(item): item for item in record.evidence}

    old, new = fields(before), fields(after)
    found = [(name, old[name], new[name]) for name in old if old[name] != new[name]]
    was, now = items(before), items(after)
    for name, item in now.items():
        if name not in was:
            found.append(("添加佐证材料", "", f"{item.kind} {name}（{item.caption}）"))
        elif was[name].caption != item.caption:
            found.append((f"“{name}”的说明", was[name].caption, item.caption))
        elif was[name].kind != item.kind:
            found.append((f"“{name}”的类型", was[name].kind, item.kind))
    found += [
        ("去掉佐证材料", f"{item.kind} {name}", "") for name, item in was.items() if name not in now
    ]
    return tuple(found)


def _name(item: Evidence) -> str:
    return (item.file or "").rsplit("/", 1)[-1] or item.url or ""


def apply_edit(
    root: Path, edit: Edit, *, commit_it: bool = True, author: str | None = None
) -> EditResult:
    """Write the edited record and move, copy and delete its evidence; commit exactly its paths.

    A renamed record is written beside the old one before the old one goes, and its evidence is
    linked (or copied) before any old file is removed: if anything stops half-way, the ledger
    holds the old record or the new one whole, and `check` names what is left over.
    """
    before, after = edit.before, edit.after
    old_folder, new_folder = root / evidence_folder(before), root / evidence_folder(after)
    if edit.renamed and ((root / after.path).exists() or new_folder.exists()):
        raise WenmingError(
            f"{after.path} 已经存在，不能把记录改名为它", "换一个标题，或先处理那个文件"
        )
    try:
        _carry(root, edit.moved)
        _copy_in(new_folder, edit.added)
        if edit.renamed:
            if not publish(root / after.path, edit.text):
                raise WenmingError(f"{after.path} 已经存在", "换一个标题后重新运行")
        else:
            write_replacing(root / after.path, edit.text)
    except BaseException:
        if edit.renamed and new_folder.is_dir():
            shutil.rmtree(new_folder, ignore_errors=True)
        raise
    if edit.renamed:
        (root / before.path).unlink(missing_ok=True)
    for path in (*(old for old, _ in edit.moved), *edit.dropped):
        (root / path).unlink(missing_ok=True)
    for folder in (old_folder, new_folder):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
    committed = commit(root, edit.paths, edit.message, author) if commit_it else None
    return EditResult(edit, committed)


def _carry(root: Path, moved: Sequence[tuple[str, str]]) -> None:
    for old, new in moved:
        target = root / new
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(root / old, target)  # the same file under its new name: instant, no copy
        except OSError:
            shutil.copy2(root / old, target)


def _copy_in(folder: Path, files: Sequence[ImportedFile]) -> None:
    for item in files:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / item.name
        if target.exists():
            raise WenmingError(f"{target.name} 已经在佐证材料文件夹中", "换一个文件名后重试")
        temporary = folder / f".{item.name}.part"
        shutil.copyfile(item.source, temporary)
        temporary.replace(target)
        if sha256_file(target) != item.sha256:
            target.unlink()
            raise WenmingError(
                f"佐证材料“{item.source}”在导入时被改动了", "等文件保存完毕后重新运行"
            )
