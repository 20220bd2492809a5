"""Cross-reference rules over a loaded ledger: one function per concern, each returning Problems."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date

from . import requirements
from .assessment import Assessment, Incident
from .errors import Problem, Severity, Source
from .files import FileFact
from .model import (
    Ledger,
    Leftover,
    Plan,
    Record,
    Task,
)
from .vocabulary import did_you_mean, listing, unknown_kind, unknown_type

# ---------------------------------------------------------------- plan rules


def check_plan(plan: Plan) -> Iterator[Problem]:
    yield from _plan_units(plan)
    yield from _plan_facts(plan)
    yield from _plan_ids(plan)
    for task in plan.tasks.values():
        yield from _task_units(plan, task)
        yield from _task_requirements(plan, task)


def _plan_facts(plan: Plan) -> Iterator[Problem]:
    for fact in plan.facts.values():
        if fact.placeholder:
            yield Problem(
                fact.source,
                "placeholder-fact",
                f"事实“{fact.name}”的数值 {fact.value:g} 是占位数值（导入时生成，或沿用上一年），尚待核实",
                "把 value 改成本单位的实际数字，并删除 placeholder: true",
                Severity.WARNING,
            )


def _plan_units(plan: Plan) -> Iterator[Problem]:
    for unit in plan.units.values():
        if unit.placeholder:
            yield Problem(
                unit.source,
                "placeholder-unit",
                f"单位“{unit.name}”是导入时生成的占位名称，尚未填写真实名称",
                "把 name 改成真实的单位名称（同时改掉引用它的地方），并删除 placeholder: true",
                Severity.WARNING,
            )
        for member in unit.members:
            if member not in plan.units:
                yield Problem(
                    unit.source,
                    "unknown-unit",
                    f"“{unit.name}”的成员“{member}”不在 units 中",
                    "在 units 中添加该单位",
                )


def _plan_ids(plan: Plan) -> Iterator[Problem]:
    seen_sections: dict[str, Source] = {}
    seen_tasks: dict[str, Source] = {}
    for section in plan.sections:
        if section.id in seen_sections:
            yield Problem(
                section.source,
                "duplicate-id",
                f"章节编号“{section.id}”重复（另见第 {seen_sections[section.id].line} 行）",
            )
        seen_sections.setdefault(section.id, section.source)
        for task in section.tasks:
            if task.id in seen_tasks:
                yield Problem(
                    task.source,
                    "duplicate-id",
                    f"任务编号“{task.id}”重复（另见第 {seen_tasks[task.id].line} 行）",
                    "每个任务的编号必须唯一",
                )
            seen_tasks.setdefault(task.id, task.source)


def _task_units(plan: Plan, task: Task) -> Iterator[Problem]:
    if not task.lead:
        yield Problem(
            task.source,
            "missing-field",
            f"任务 {task.id} 没有牵头单位（lead）",
            "至少填写一个牵头单位",
        )
    for name in (*task.lead, *task.cooperating):
        if name not in plan.units:
            yield Problem(
                task.source,
                "unknown-unit",
                f"任务 {task.id} 的单位“{name}”不在 units 中",
                did_you_mean(name, plan.units) or "在 units 中添加该单位",
            )
    for kind in task.evidence:
        if kind not in plan.evidence_kinds:
            yield unknown_kind(task.source, kind, plan)


def _task_requirements(plan: Plan, task: Task) -> Iterator[Problem]:
    for req in task.requirements:
        if req.type and req.type not in plan.activity_types:
            yield unknown_type(req.source, req.type, plan)
        yield from requirements.check(plan, req)


# ---------------------------------------------------------------- record rules

# A notice goes out days before, a report comes days after; months apart is most likely a typo.
EVIDENCE_DATE_SLACK = 90
# Photos are taken on the day; a month off is a photo of another activity (or a camera's clock).
PHOTO_DATE_SLACK = 30


def check_record(
    record: Record, plan: Plan | None, files: Mapping[str, FileFact]
) -> Iterator[Problem]:
    if plan is None:
        return
    if not plan.start <= record.date <= plan.end:
        yield Problem(
            record.line("date"),
            "date-outside-period",
            f"活动日期 {record.date} 不在 {plan.year} 年计划期间 {plan.start}～{plan.end} 内",
            "改正日期，或把记录移到对应年份的 records/<年份>/ 文件夹",
        )
    tasks = plan.tasks
    for index, task_id in enumerate(record.tasks):
        if task_id not in tasks:
            yield Problem(
                record.line(f"tasks.{index}")
                if f"tasks.{index}" in record.lines
                else record.line("tasks"),
                "unknown-task",
                f"任务编号“{task_id}”不在 {plan.year} 年计划中",
                did_you_mean(task_id, tasks) or f"可用的编号：{listing(tasks, 30)}",
            )
    if record.unit not in plan.units:
        yield Problem(
            record.line("unit"),
            "unknown-unit",
            f"组织单位“{record.unit}”不在计划的 units 中",
            did_you_mean(record.unit, plan.units) or f"可用：{listing(plan.units)}",
        )
    if record.type not in plan.activity_types:
        yield unknown_type(record.line("type"), record.type, plan)
    for name in record.figures:
        if name not in plan.figures:
            yield Problem(
                record.line(f"figures.{name}"),
                "unknown-figure",
                f"数值项“{name}”不在计划的 figures 中",
                did_you_mean(name, plan.figures) or f"可用：{listing(plan.figures)}",
            )
    for item in record.evidence:
        if item.kind and item.kind not in plan.evidence_kinds:
            yield unknown_kind(item.source, item.kind, plan)
        if item.date and abs((item.date - record.date).days) > EVIDENCE_DATE_SLACK:
            yield Problem(
                item.source,
                "evidence-date",
                f"佐证材料的形成日期 {item.date} 与活动日期 {record.date} "
                f"相差 {abs((item.date - record.date).days)} 天",
                "确认 date 是否写错（常见是年份写错）；与本次活动无关的材料不要放在这条记录里",
                Severity.WARNING,
            )
        if item.file:
            yield from _evidence_file(item.file, item.sha256, item.source, files)
            yield from _photo_date(record, item.file, item.source, files)


_STATE_MESSAGES = {
    "missing": (
        "evidence-missing",
        "佐证材料文件“{path}”不存在",
        "把文件放到这个路径，或改正 file 的路径",
    ),
    "outside": (
        "evidence-path",
        "佐证材料“{path}”通过链接指向了台账之外",
        "把文件本身复制进台账，不要使用符号链接",
    ),
    "not-file": (
        "evidence-path",
        "佐证材料“{path}”不是普通文件（是文件夹、设备或循环的链接）",
        "file 应指向一个具体的文件",
    ),
    "in-git": (
        "evidence-path",
        "佐证材料“{path}”通过链接指向了 git 的内部文件夹 .git/",
        "把文件本身复制进记录的佐证材料文件夹，不要使用符号链接",
    ),
    "unreadable": ("evidence-unreadable", "佐证材料“{path}”无法读取", "检查文件权限"),
}


def _evidence_file(
    path: str, sha256: str | None, source: Source, files: Mapping[str, FileFact]
) -> Iterator[Problem]:
    fact = files.get(path)
    if fact is None:  # an unsafe path: parse.py reported it, and nothing looked at the disk
        return
    if fact.state != "ok":
        rule, message, hint = _STATE_MESSAGES[fact.state]
        yield Problem(source, rule, message.format(path=path), hint)
    elif sha256 and fact.sha256 and fact.sha256 != sha256:
        yield Problem(
            source,
            "sha256-mismatch",
            f"佐证材料“{path}”的内容与记录的 sha256 不符（文件被改动或替换过）",
            f"确认文件无误后，把 sha256 改为 {fact.sha256}",
        )


def _photo_date(
    record: Record, path: str, source: Source, files: Mapping[str, FileFact]
) -> Iterator[Problem]:
    fact = files.get(path)
    taken = fact.taken if fact is not None and fact.state == "ok" else None
    if taken is None or abs((taken - record.date).days) <= PHOTO_DATE_SLACK:
        return
    days = abs((taken - record.date).days)
    yield Problem(
        source,
        "photo-date",
        f"照片“{path}”的拍摄日期（EXIF）{taken} 比活动日期 {record.date} "
        f"{'晚' if taken > record.date else '早'} {days} 天",
        "确认是不是放错了照片或写错了活动日期；若是相机的时钟不准，可以不理会这条警告",
        Severity.WARNING,
    )


def check_records(ledger: Ledger, files: Mapping[str, FileFact]) -> Iterator[Problem]:
    years = {int(path.split("/")[1]) for path in ledger.record_files}
    for year in sorted(years - set(ledger.plans) - ledger.broken_plans):
        yield Problem(
            Source(f"records/{year:04d}"),
            "no-plan",
            f"有 {year} 年的记录，但没有 plan/{year:04d}.yaml",
            f"添加 {year} 年的计划（wenming plan import 或复制上一年的计划修改）",
        )
    by_id: dict[str, list[Record]] = defaultdict(list)
    for record in ledger.records:
        by_id[record.id].append(record)
        yield from check_record(record, ledger.plans.get(record.year), files)
    for record_id, same in by_id.items():
        if len(same) > 1:
            for record in same:
                others = "、".join(r.source.path for r in same if r is not record)
                yield Problem(
                    record.source,
                    "duplicate-id",
                    f"记录编号“{record_id}”重复（另见 {others}）",
                    "重命名其中一个文件（连同它的佐证材料文件夹和 file 路径）",
                )


def check_leftovers(ledger: Ledger) -> Iterator[Problem]:
    """Files and folders under records/ that no record is or refers to: warnings, with the command."""
    if not ledger.leftovers:
        return
    referenced = {item.file for record in ledger.records for item in record.evidence if item.file}
    folders = {path[:i] for path in referenced for i in _slashes(path)}
    for leftover in ledger.leftovers:
        yield from _leftover(leftover, referenced, folders)


def _slashes(path: str) -> Iterator[int]:
    i = path.find("/")
    while i != -1:
        yield i
        i = path.find("/", i + 1)


def _leftover(item: Leftover, referenced: set[str], folders: set[str]) -> Iterator[Problem]:
    if item.path in referenced:
        return
    if item.folder and item.path in folders:  # a record's evidence lies in it: look inside
        for inner in item.inner:
            yield from _leftover(inner, referenced, folders)
        return
    option = "-r " if item.folder else ""
    yield Problem(
        Source(item.path),
        "leftover",
        item.what,
        f"确认不需要后删除：rm {option}'{item.path}'（git clean -n records/ 列出所有未提交的文件）",
        Severity.WARNING,
    )


# ---------------------------------------------------------------- integrity warnings

# Titles this alike (difflib's ratio) on the same day, type and unit are most likely one activity
# logged twice.
TITLE_LIKENESS = 0.85
_DIGITS = re.compile(r"\d+")
_NAME_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})-")


def check_integrity(ledger: Ledger, files: Mapping[str, FileFact]) -> Iterator[Problem]:
    """Warnings about records that look wrong together: shared files, twice-logged activities,
    file names that no longer match their dates."""
    records = sorted(ledger.records, key=lambda r: (r.date, r.id, r.path))
    yield from _duplicate_evidence(records, files)
    yield from _duplicate_activities(records)
    for record in records:
        yield from _file_name_date(record)


def _duplicate_evidence(records: list[Record], files: Mapping[str, FileFact]) -> Iterator[Problem]:
    first: dict[str, tuple[Record, str]] = {}  # sha256 -> the first record with it, and its path
    for record in records:
        shared: list[str] = []
        where: Source | None = None
        for item in record.evidence:
            fact = files.get(item.file) if item.file else None
            if item.file is None or fact is None or fact.state != "ok" or not fact.sha256:
                continue
            earlier, earlier_file = first.setdefault(fact.sha256, (record, item.file))
            if earlier is record:
                continue
            same = "同一个文件" if earlier_file == item.file else f"“{earlier_file}”"
            shared.append(f"“{item.file}”与 {earlier.path} 中的{same}")
            where = where or item.source
        if where is not None:
            yield Problem(
                where,
                "duplicate-evidence",
                f"记录 {record.id} 的佐证材料与先前的记录内容相同（sha256 相同）："
                + "；".join(dict.fromkeys(shared)),
                "同一份材料只应证明一次活动：确认是否放错了文件；若两条记录是同一活动，删除其中一条",
                Severity.WARNING,
            )


def _title_key(title: str) -> str:
    """The title without spaces and punctuation, case-folded (全角 and 半角 alike)."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKC", title).casefold()
        if unicodedata.category(c)[0] not in "PZSC"
    )


def _duplicate_activities(records: list[Record]) -> Iterator[Problem]:
    # (date, type, unit) -> each distinct title key there and the first record with it: only
    # records of one day, type and unit are compared, and a title logged again is a look-up.
    groups: dict[tuple[date, str, str], dict[str, Record]] = defaultdict(dict)
    for record in records:
        key = _title_key(record.title)
        group = groups[(record.date, record.type, record.unit)]
        match = group.get(key) or next((r for k, r in group.items() if _alike(key, k)), None)
        group.setdefault(key, record)
        if match is None:
            continue
        yield Problem(
            record.line("title"),
            "duplicate-activity",
            f"记录 {record.id} 与 {match.id} 日期、类型和组织单位相同，标题几乎一样"
            f"（“{record.title}”与“{match.title}”），可能是同一活动记了两次",
            f"确认是否重复；若重复，删除其中一条（{match.path} 或 {record.path}，"
            "连同它的佐证材料文件夹）；若确是两次活动，把标题写得能区分开",
            Severity.WARNING,
        )


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b):  # “第3次” and “第368次”, “1月” and “2月”
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= TITLE_LIKENESS and matcher.ratio() >= TITLE_LIKENESS


def _file_name_date(record: Record) -> Iterator[Problem]:
    match = _NAME_DATE.match(record.id)
    if match is None:
        return
    try:
        named = date(*(int(part) for part in match.groups()))
    except ValueError:
        return
    if named == record.date:
        return
    new_id = f"{record.date:%Y%m%d}{record.id[8:]}"
    yield Problem(
        record.line("date"),
        "file-name-date",
        f"记录文件名中的日期 {named} 与活动日期 {record.date} 不一致（多半是手工改过 date）",
        f"确认 date 无误后运行 wenming edit {record.id} --date {record.date}，"
        f"记录文件和佐证材料文件夹会改名为 {new_id}",
        Severity.WARNING,
    )


def check_ledger(ledger: Ledger, files: Mapping[str, FileFact]) -> list[Problem]:
    """Every problem in the ledger, load-time ones included, in file and line order."""
    problems = list(ledger.problems)
    for plan in ledger.plans.values():
        problems.extend(check_plan(plan))
    problems.extend(check_records(ledger, files))
    problems.extend(check_leftovers(ledger))
    problems.extend(check_integrity(ledger, files))
    problems.extend(check_assessments(ledger, files))
    return sorted(problems, key=lambda p: p.sort_key)


# ---------------------------------------------------------------- assessment rules


def split_link(link: str) -> tuple[str, str | None]:
    """`"6.3"` -> ("6.3", None); `"6.3/支委会"` -> ("6.3", "支委会")."""
    task_id, _, name = link.partition("/")
    return task_id.strip(), (name.strip() or None) if _ else None


def check_assessments(ledger: Ledger, files: Mapping[str, FileFact]) -> Iterator[Problem]:
    for assessment in ledger.assessments:
        yield from _assessment_points(assessment)
        yield from _assessment_ids(assessment)
        yield from _assessment_links(assessment, ledger)
    negatives = {n.id for a in ledger.assessments for n in a.negative_list}
    for incident in ledger.incidents:
        yield from check_incident(incident, ledger.plans.get(incident.year), negatives, files)


def _sum(values: list[float]) -> float:
    return round(sum(values), 6)


def _assessment_points(assessment: Assessment) -> Iterator[Problem]:
    def placeholder(source: Source, what: str) -> Problem:
        return Problem(
            source,
            "placeholder-points",
            f"{what}的分值尚未填写",
            "按本单位适用的测评细则填写 points；未填分值的项目不计入自评总分",
            Severity.WARNING,
        )

    for item in assessment.items:
        if item.points is None:
            yield placeholder(item.source, f"测评项目“{item.name}”")
        for criterion in item.criteria:
            if criterion.points is None:
                yield placeholder(criterion.source, f"测评内容 {criterion.id}")
        parts = [c.points for c in item.criteria]
        if item.points is not None and parts and None not in parts:
            total = _sum([p for p in parts if p is not None])
            if total != item.points:
                yield Problem(
                    item.source,
                    "points-sum",
                    f"测评项目“{item.name}”的分值是 {item.points:g}，但其测评内容合计 {total:g} 分",
                    "改正项目或测评内容的 points，使两者一致",
                )
    points = [i.points for i in assessment.items]
    if assessment.total is not None and points and None not in points:
        total = _sum([p for p in points if p is not None])
        if total != assessment.total:
            yield Problem(
                assessment.source,
                "points-sum",
                f"总分 total 是 {assessment.total:g}，但各测评项目合计 {total:g} 分",
                "改正 total 或各测评项目的 points，使两者一致",
            )


def _assessment_ids(assessment: Assessment) -> Iterator[Problem]:
    seen: dict[str, Source] = {}
    entries = [
        *((f"测评项目编号“{i.id}”", i.source) for i in assessment.items),
        *((f"测评内容编号“{c.id}”", c.source) for i in assessment.items for c in i.criteria),
        *((f"负面清单编号“{n.id}”", n.source) for n in assessment.negative_list),
    ]
    for what, source in entries:
        if what in seen:
            yield Problem(
                source,
                "duplicate-id",
                f"{what}重复（第一次在第 {seen[what].line} 行）",
                "每个编号只用一次",
            )
        seen.setdefault(what, source)


def _assessment_links(assessment: Assessment, ledger: Ledger) -> Iterator[Problem]:
    if not ledger.plans:
        return
    tasks = {t.id: t for plan in ledger.plans.values() for t in plan.tasks.values()}
    for item in assessment.items:
        for criterion in item.criteria:
            for link in criterion.links:
                task_id, name = split_link(link)
                task = tasks.get(task_id)
                if task is None:
                    yield Problem(
                        criterion.source,
                        "unknown-link",
                        f"测评内容 {criterion.id} 关联的任务“{task_id}”不在任何一年的计划中",
                        did_you_mean(task_id, tasks) or f"可用的编号：{listing(tasks, 30)}",
                    )
                    continue
                names = {
                    r.name
                    for plan in ledger.plans.values()
                    if (same := plan.tasks.get(task_id))
                    for r in same.requirements
                    if r.name
                }
                if name is not None and name not in names:
                    yield Problem(
                        criterion.source,
                        "unknown-link",
                        f"测评内容 {criterion.id} 关联的“{link}”：任务 {task_id} 没有名为“{name}”的要求",
                        (f"该任务的要求名称：{listing(names)}；" if names else "")
                        + f"或只写任务编号“{task_id}”，关联整项任务",
                    )


def check_incident(
    incident: Incident, plan: Plan | None, negatives: set[str], files: Mapping[str, FileFact]
) -> Iterator[Problem]:
    if incident.negative not in negatives:
        yield Problem(
            incident.line("negative"),
            "unknown-negative",
            f"负面事件记录的 negative“{incident.negative}”不在任何测评体系的负面清单中",
            did_you_mean(incident.negative, sorted(negatives))
            or (
                f"可用：{listing(sorted(negatives))}"
                if negatives
                else "先在 assessment/ 的测评体系文件中写出 negative_list"
            ),
        )
    if plan is not None:
        if not plan.start <= incident.date <= plan.end:
            yield Problem(
                incident.line("date"),
                "date-outside-period",
                f"事件日期 {incident.date} 不在 {plan.year} 年计划期间 {plan.start}～{plan.end} 内",
                "改正日期，或把文件移到对应年份的 incidents/<年份>/ 文件夹",
            )
        if incident.unit not in plan.units:
            yield Problem(
                incident.line("unit"),
                "unknown-unit",
                f"单位“{incident.unit}”不在计划的 units 中",
                did_you_mean(incident.unit, plan.units) or f"可用：{listing(plan.units)}",
            )
    for item in incident.evidence:
        if plan is not None and item.kind and item.kind not in plan.evidence_kinds:
            yield unknown_kind(item.source, item.kind, plan)
        if item.file:
            yield from _evidence_file(item.file, item.sha256, item.source, files)
