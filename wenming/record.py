"""Building a new record: its id, imported evidence, validation as `check` does, atomic writing."""

from __future__ import annotations

import re
import secrets
import shutil
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .atomic import publish
from .dates import DateError, parse_loose
from .documents import checked_record
from .errors import Severity, Source, WenmingError
from .files import FileFact, sha256_file
from .ledger import RECORDS_DIR
from .model import HOURS_FIGURE, SCHEMA_VERSION, Evidence, Ledger, Plan, Record, Task
from .numbers import stored_number
from .vocabulary import did_you_mean, listing
from .yamlio import dump, parse_text

DEFAULT_LINK_KIND = "新闻报道"
TITLE_LIMIT = 30
NAME_LIMIT = 60
LARGE_FILE = 20 * 1024 * 1024

_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f\s]+')
# What XML 1.0 cannot hold (tab, newline and CR aside), plus DEL, as `check` refuses it,
# and lone surrogates (undecodable bytes in a command line).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
# Name fragments that say what a file is; checked before the extension so 签到表.jpg is a 签到表.
_KIND_WORDS = (
    ("签到", "签到表"), ("会议记录", "会议记录"), ("纪要", "会议纪要"), ("通知", "通知"),
    ("方案", "方案"), ("制度", "制度"), ("讲话", "讲话材料"), ("简报", "简报"),
    ("报道", "新闻报道"), ("新闻", "新闻报道"), ("统计", "统计表"), ("心得", "心得体会"),
    ("证书", "荣誉证书"), ("总结", "总结"), ("截图", "截图"), ("照片", "照片"), ("视频", "视频"),
    ("记录", "会议记录"),
)  # fmt: skip
_PHOTO = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".heic", ".heif", ".tif", ".tiff"}
_VIDEO = {".mp4", ".mov", ".avi", ".mkv", ".wmv", ".m4v", ".3gp"}


@dataclass(frozen=True)
class EvidenceSpec:
    """An evidence file to import, as the user gave it."""

    path: Path
    kind: str | None = None
    caption: str = ""
    date: date | None = None  # when the document was made, if not on the activity's day


@dataclass(frozen=True)
class LinkSpec:
    url: str
    kind: str = DEFAULT_LINK_KIND
    caption: str = ""
    date: date | None = None


@dataclass(frozen=True)
class Draft:
    """Everything the user said about a new record, before it has an id."""

    date: date
    tasks: tuple[str, ...]
    type: str
    title: str
    unit: str
    place: str = ""
    participants: int | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    summary: str = ""
    evidence: tuple[EvidenceSpec, ...] = ()
    links: tuple[LinkSpec, ...] = ()


@dataclass(frozen=True)
class ImportedFile:
    source: Path
    name: str  # file name inside the record's evidence folder
    kind: str
    caption: str
    sha256: str
    size: int
    date: date | None = None


@dataclass(frozen=True)
class Prepared:
    """A validated record, ready to write: its id, file text and evidence to copy."""

    year: int
    record_id: str
    text: str
    record: Record
    files: tuple[ImportedFile, ...]
    draft: Draft
    notes: tuple[str, ...] = ()

    @property
    def rel(self) -> str:
        return f"{RECORDS_DIR}/{self.year}/{self.record_id}.yaml"

    @property
    def paths(self) -> tuple[str, ...]:
        """Every ledger-relative path this record adds, the record file first."""
        folder = f"{RECORDS_DIR}/{self.year}/{self.record_id}"
        return (self.rel, *(f"{folder}/{f.name}" for f in self.files))


# ---------------------------------------------------------------- names and ids


def _clean(text: str, limit: int, filler: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("-", text).strip("-. ")
    text = re.sub(r"-{2,}", "-", text)[:limit].rstrip("-. ")
    return text or filler


def safe_title(title: str) -> str:
    """The title part of a record id: file-name safe on every system, at most 30 characters."""
    return _clean(title, TITLE_LIMIT, "活动")


def safe_file_name(name: str, filler: str = "文件") -> str:
    """A copied evidence file's name: no separators, no hidden or Windows-reserved names."""
    name = unicodedata.normalize("NFC", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(". "):
        stem, suffix = name, ""
    suffix = _UNSAFE.sub("", suffix).lower()[:10]
    stem = _clean(stem, NAME_LIMIT, filler)
    if _RESERVED.match(stem.split(".")[0]):
        stem = f"_{stem}"
    return f"{stem}.{suffix}" if suffix else stem


def new_id(day: date, title: str) -> str:
    return f"{day:%Y%m%d}-{safe_title(title)}-{secrets.token_hex(2)}"


def infer_kind(name: str) -> str | None:
    """The evidence kind a file name makes clear, or None."""
    stem = Path(name).stem
    for word, kind in _KIND_WORDS:
        if word in stem:
            return kind
    suffix = Path(name).suffix.lower()
    if suffix in _PHOTO:
        return "照片"
    if suffix in _VIDEO:
        return "视频"
    return None


# ---------------------------------------------------------------- option syntax


def _split_spec(text: str, kinds: Iterable[str]) -> tuple[str | None, str | None, str, str]:
    """`[类型[@日期]=]值[|说明]`: the prefix only counts when it starts with a known kind."""
    body, bar, caption = text.partition("|")
    kind: str | None = None
    made: str | None = None
    head, eq, rest = body.partition("=")
    name, at, when = head.partition("@")
    if eq and name.strip() in set(kinds):
        kind, body = name.strip(), rest
        made = when.strip() if at else None
    return kind, made, body.strip(), caption.strip() if bar else ""


def _looks_like_kind(text: str) -> str | None:
    """The prefix of `名称=路径` when it reads as a kind (no path in it) and the whole is no file."""
    body = text.partition("|")[0]
    head, eq, rest = body.partition("=")
    name = head.partition("@")[0].strip()
    if not eq or not name or not rest.strip() or re.search(r"[/\\.~]", name):
        return None
    return None if Path(body.strip()).expanduser().exists() else name


def unknown_evidence_kind(name: str, kinds: Collection[str], option: str) -> WenmingError:
    hint = did_you_mean(name, kinds)
    return WenmingError(
        f"{option} 中的佐证材料类型“{name}”不在计划的 evidence_kinds 中"
        + (f"（{hint}）" if hint else ""),
        f"可用的类型：{listing(kinds, 30)}",
    )


def parse_evidence_option(
    text: str, kinds: Collection[str], option: str = "--evidence"
) -> EvidenceSpec:
    """`[类型[@日期]=]路径[|说明]` as given to `option` (messages name the option typed)."""
    kind, made, path, caption = _split_spec(text, kinds)
    unknown = None if kind else _looks_like_kind(text)
    if unknown is not None:
        raise unknown_evidence_kind(unknown, kinds, option)
    if not path:
        raise WenmingError(
            f"{option} “{text}”没有给出文件路径", f"写成 {option} '照片=现场.jpg|说明'"
        )
    return EvidenceSpec(Path(path).expanduser(), kind, caption, _made(text, made, option))


def _made(text: str, made: str | None, option: str) -> date | None:
    """The document's own date written after the kind (`通知@2022-03-01=`), if any."""
    if made is None:
        return None
    try:
        return parse_loose(made)
    except DateError as exc:
        raise WenmingError(
            f"{option} “{text}”中的形成日期有误：{exc}",
            f"写成 {option} '通知@2022-03-01=…'，@ 后是这份材料形成的日期",
        ) from None


def parse_link_option(text: str, kinds: Iterable[str]) -> LinkSpec:
    kind, made, url, caption = _split_spec(text, kinds)
    if not re.match(r"^https?://\S+$", url):
        raise WenmingError(f"网址“{url}”无效", "网址应以 http:// 或 https:// 开头")
    return LinkSpec(url, kind or DEFAULT_LINK_KIND, caption, _made(text, made, "--link"))


def parse_pair(text: str, option: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    if not eq or not key.strip():
        raise WenmingError(f"{option} “{text}”格式不对", f"写成 {option} 名称=值")
    return key.strip(), value.strip()


def parse_figure(text: str) -> tuple[str, float]:
    name, raw = parse_pair(text, "--figure")
    try:
        value = float(raw)
    except ValueError:
        raise WenmingError(
            f"数值项“{name}”的值“{raw}”不是数字", "例如 --figure 志愿服务时长=108"
        ) from None
    return name, value


# ---------------------------------------------------------------- choosing from the plan


def find_tasks(plan: Plan, query: str) -> list[Task]:
    """Tasks matching an id exactly, else those whose title (failing that, text) contains it."""
    query = query.strip()
    if query in plan.tasks:
        return [plan.tasks[query]]
    if not query:
        return []
    in_title = [t for t in plan.tasks.values() if query in t.title]
    return in_title or [t for t in plan.tasks.values() if query in t.text]


def resolve_task(plan: Plan, query: str) -> str:
    """The one task `query` names (its id, or a part of its title): its id, or an error."""
    found = find_tasks(plan, query)
    if len(found) == 1:
        return found[0].id
    if found:
        raise WenmingError(
            f"有 {len(found)} 个任务符合“{query}”："
            + "；".join(f"{t.id} {t.title}" for t in found),
            "写出任务编号，或标题中更多的字",
        )
    listed = "\n".join(f"  {t.id:<6} {t.title}" for t in plan.tasks.values())
    raise WenmingError(
        f"任务编号“{query}”不在 {plan.year} 年计划中，也没有标题含有这几个字的任务。"
        f"计划的任务有：\n{listed}",
        "用 --task 写出任务编号，或标题中的几个字",
    )


def check_choice(value: str, names: Collection[str], what: str, key: str) -> str:
    """`value` when it is one of the plan's `names` (its `key`: units, activity_types)."""
    value = _one_line(value)
    if value in names:
        return value
    hint = did_you_mean(value, names)
    raise WenmingError(
        f"{what}“{value}”不在计划的 {key} 中" + (f"（{hint}）" if hint else ""),
        f"可用的{what}：{listing(names, 30)}",
    )


def check_figure(plan: Plan, name: str) -> str:
    """A figure name the plan declares (the hours figure has its own message in `prepare`)."""
    if name in plan.figures or name == HOURS_FIGURE:
        return name
    hint = did_you_mean(name, plan.figures)
    known = listing(plan.figures, 30) if plan.figures else "（计划没有声明数值项）"
    raise WenmingError(
        f"数值项“{name}”不在计划的 figures 中" + (f"（{hint}）" if hint else ""),
        f"可用的数值项：{known}",
    )


def check_evidence(spec: EvidenceSpec, plan: Plan) -> EvidenceSpec:
    """An evidence file that exists and is a file, of a kind the plan knows."""
    if spec.kind is not None and spec.kind not in plan.evidence_kinds:
        raise unknown_evidence_kind(spec.kind, plan.evidence_kinds, "--evidence")
    if not spec.path.exists():
        raise WenmingError(
            f"佐证材料文件“{spec.path}”不存在", "检查路径是否写对（含空格的路径请加引号）"
        )
    if spec.path.is_dir():
        raise WenmingError(
            f"“{spec.path}”是文件夹，不是文件",
            "请逐个指定其中的文件：--evidence 文件1 --evidence 文件2",
        )
    return spec


def match_names(names: Sequence[str], query: str) -> list[str]:
    """Names matching a 1-based number, an exact name, or a part of a name."""
    query = query.strip()
    if query.isdigit() and 1 <= int(query) <= len(names):
        return [names[int(query) - 1]]
    if query in names:
        return [query]
    return [n for n in names if query and query in n]


def previous_record(
    ledger: Ledger, plan: Plan, task_id: str, mine: Collection[str] = ()
) -> Record | None:
    """The latest record of this task in the plan's year, the user's own (paths in `mine`) first."""
    same = [r for r in ledger.records if r.year == plan.year and task_id in r.tasks]
    own = [r for r in same if r.source.path in mine]
    pool = own or same
    return max(pool, key=lambda r: (r.date, r.id)) if pool else None


def default_date(plan: Plan, today: date) -> date:
    return min(max(today, plan.start), plan.end)


def task_types(task: Task) -> list[str]:
    """Activity types the task's requirements mention, for a sensible default."""
    found: list[str] = []
    for req in task.requirements:
        for name in [req.type, *getattr(req, "types", ())]:
            if name and name not in found:
                found.append(name)
    return found


def commit_message(record: Record) -> str:
    return f"记录：{record.date.isoformat()} {record.title}（{'、'.join(record.tasks)}）"


# ---------------------------------------------------------------- building and validating


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", _newlines(text)).strip()


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _texts(draft: Draft) -> Iterator[tuple[str, str]]:
    """Every piece of text the user gave, with the field it came from."""
    yield from (("任务编号（--task）", t) for t in draft.tasks)
    yield from (
        ("活动类型（--type）", draft.type), ("标题（--title）", draft.title),
        ("组织单位（--unit）", draft.unit), ("地点（--place）", draft.place),
        ("简介（--summary）", draft.summary),
    )  # fmt: skip
    yield from (("数值项名称（--figure）", name) for name in draft.figures)
    for key, value in draft.extra.items():
        yield "其他信息的名称（--extra）", key
        yield f"其他信息“{_printable(key)}”（--extra）", value
    for spec in draft.evidence:
        yield "佐证材料的文件名（--evidence）", spec.path.name
        yield f"佐证材料“{_printable(spec.path.name)}”的说明（--evidence）", spec.caption
    for link in draft.links:
        yield "网址（--link）", link.url
        yield f"网页佐证“{_printable(link.url)}”的说明（--link）", link.caption


def _printable(text: str) -> str:
    return _NOT_XML.sub("�", text)


def _refuse_unstorable(draft: Draft) -> None:
    """Characters XML (so the workbook, the page, YAML's readers) cannot hold stop `add` early."""
    for where, text in _texts(draft):
        found = dict.fromkeys(_NOT_XML.findall(text))
        if found:
            codes = "、".join(f"U+{ord(c):04X}" for c in found)
            raise WenmingError(
                f"{where}中有 XML 和 Excel 不能保存的字符 {codes}，未写入任何文件",
                "删去这些字符后重新运行（它们常随从别处复制的文字一起带进来，看不见）",
            )


def _caption(draft: Draft) -> str:
    where = f"，{draft.place}" if draft.place else ""
    return f"{draft.date.year}年{draft.date.month}月{draft.date.day}日{where}，{draft.title}"


def document(
    draft: Draft, files: Sequence[ImportedFile], folder: str, kept: Sequence[Evidence] = ()
) -> dict[str, Any]:
    """A record file's data, in the order the ledger writes it: the draft's fields, the evidence
    items `kept` from an earlier version, then the files imported into `folder`, then links."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "date": draft.date,
        "tasks": list(draft.tasks),
        "type": draft.type,
        "title": draft.title,
        "unit": draft.unit,
    }
    if draft.place:
        data["place"] = draft.place
    if draft.participants is not None:
        data["participants"] = draft.participants
    if draft.figures:
        data["figures"] = {k: stored_number(v) for k, v in draft.figures.items()}
    if draft.extra:
        data["extra"] = dict(draft.extra)
    if draft.summary:
        data["summary"] = draft.summary if draft.summary.endswith("\n") else draft.summary + "\n"
    imported = [
        Evidence(f.kind, Source(""), f.caption, f"{folder}/{f.name}", None, f.sha256, f.date)
        for f in files
    ]
    evidence: list[dict[str, Any]] = [
        {
            "file": item.file,
            "url": item.url,
            "kind": item.kind,
            "caption": item.caption,
            "date": item.date,
            "sha256": item.sha256,
        }
        for item in (*kept, *imported)
    ]
    evidence += [
        {"url": link.url, "kind": link.kind, "caption": link.caption, "date": link.date}
        for link in draft.links
    ]
    # Empty keys are left out, as a person writing the file would.
    evidence = [{k: v for k, v in item.items() if v} for item in evidence]
    if evidence:
        data["evidence"] = evidence
    return data


def _data(draft: Draft, year: int, record_id: str, files: Sequence[ImportedFile]) -> dict[str, Any]:
    return document(draft, files, f"{RECORDS_DIR}/{year}/{record_id}")


def tidy(draft: Draft) -> Draft:
    return replace(
        draft,
        tasks=tuple(t.strip() for t in draft.tasks if t.strip()),
        type=_one_line(draft.type),
        title=_one_line(draft.title),
        unit=_one_line(draft.unit),
        place=_one_line(draft.place),
        summary=_newlines(draft.summary).strip(),
        extra={_one_line(k): _newlines(v).strip() for k, v in draft.extra.items()},
    )


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def import_files(
    root: Path, draft: Draft, year: int, taken: Collection[str] = ()
) -> tuple[list[ImportedFile], list[str]]:
    """Look at every evidence file before anything is written; refuse what cannot be imported.
    Names are kept apart from each other and from `taken` (lower-case names already there)."""
    folder = (root / RECORDS_DIR / str(year)).resolve()
    if not folder.is_relative_to(root.resolve()):
        raise WenmingError(
            f"{RECORDS_DIR}/{year} 指向了台账之外", "删除这个符号链接，改为普通文件夹"
        )
    files: list[ImportedFile] = []
    notes: list[str] = []
    taken = set(taken)
    for spec in draft.evidence:
        source = spec.path
        if not source.exists():
            raise WenmingError(
                f"佐证材料文件“{source}”不存在", "检查路径是否写对（含空格的路径请加引号）"
            )
        if source.is_dir():
            raise WenmingError(
                f"“{source}”是文件夹，不是文件",
                "请逐个指定其中的文件：--evidence 文件1 --evidence 文件2",
            )
        if not source.is_file():
            raise WenmingError(f"“{source}”不是普通文件", "佐证材料应为照片、PDF、Word 等普通文件")
        kind = spec.kind or infer_kind(source.name)
        if kind is None:
            raise WenmingError(
                f"无法从文件名判断“{source.name}”是哪类佐证材料",
                f"在路径前写明类型，例如 --evidence '会议记录={source}'",
            )
        try:
            digest, size = sha256_file(source), source.stat().st_size
        except OSError as exc:
            raise WenmingError(
                f"无法读取佐证材料“{source}”：{exc.strerror}", "检查文件权限"
            ) from None
        name = safe_file_name(source.name, kind)
        stem, dot, suffix = name.rpartition(".")
        stem, suffix = (stem, f".{suffix}") if dot else (name, "")
        number = 2
        while name.lower() in taken:
            name = f"{stem}-{number}{suffix}"
            number += 1
        taken.add(name.lower())
        if size >= LARGE_FILE:
            notes.append(f"注意：佐证材料“{source.name}”较大（{_size(size)}），已照常导入")
        files.append(
            ImportedFile(
                source, name, kind, spec.caption or _caption(draft), digest, size, spec.date
            )
        )
    return files, notes


def _validate(
    text: str, rel: str, record_id: str, plan: Plan, files: Sequence[ImportedFile]
) -> Record:
    folder = f"{RECORDS_DIR}/{plan.year}/{record_id}"
    facts = {f"{folder}/{f.name}": FileFact("ok", f.sha256, f.size) for f in files}
    record, problems = checked_record(parse_text(text, rel), rel, record_id, plan, facts)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or record is None:
        lines = [f"  · {p.message}" + (f"（{p.hint}）" if p.hint else "") for p in errors]
        raise WenmingError(
            "新记录没有通过检查，未写入任何文件：\n" + "\n".join(lines),
            "按上面的说明改正选项后重新运行",
        )
    return record


def prepare(root: Path, plan: Plan, draft: Draft, record_id: str | None = None) -> Prepared:
    """Check the draft against the plan and its evidence files; nothing is written."""
    _refuse_unstorable(draft)
    draft = tidy(draft)
    if HOURS_FIGURE in draft.figures and HOURS_FIGURE not in plan.figures:
        raise WenmingError(
            f"{plan.year} 年计划没有声明数值项“{HOURS_FIGURE}”，不能填写服务时长",
            f"在 plan/{plan.year}.yaml 的 figures 中添加：{HOURS_FIGURE}: {{unit: 小时}}",
        )
    files, notes = import_files(root, draft, plan.year)
    record_id = record_id or new_id(draft.date, draft.title)
    text = dump(_data(draft, plan.year, record_id, files))
    rel = f"{RECORDS_DIR}/{plan.year}/{record_id}.yaml"
    record = _validate(text, rel, record_id, plan, files)
    return Prepared(plan.year, record_id, text, record, tuple(files), draft, tuple(notes))


# ---------------------------------------------------------------- writing


def write(root: Path, plan: Plan, prepared: Prepared, attempts: int = 50) -> Prepared:
    """Write the record and copy its evidence; never overwrite, pick a new id on a clash."""
    folder = root / RECORDS_DIR / str(prepared.year)
    folder.mkdir(parents=True, exist_ok=True)
    current = prepared
    for _ in range(attempts):
        written = _try_write(root, plan, folder, current)
        if written is not None:
            return written
        current = prepare(
            root, plan, prepared.draft, new_id(prepared.draft.date, prepared.draft.title)
        )
    raise WenmingError("无法为新记录选出不重复的文件名", "请稍后重试")


def discard(root: Path, written: Prepared) -> None:
    """Remove a record just written and not committed: the record first, then its evidence."""
    folder = root / RECORDS_DIR / str(written.year)
    (folder / f"{written.record_id}.yaml").unlink(missing_ok=True)
    shutil.rmtree(folder / written.record_id, ignore_errors=True)


def _try_write(root: Path, plan: Plan, folder: Path, prepared: Prepared) -> Prepared | None:
    target = folder / f"{prepared.record_id}.yaml"
    evidence_dir = folder / prepared.record_id
    if target.exists() or evidence_dir.exists():
        return None
    created = False
    try:
        if prepared.files:
            try:
                evidence_dir.mkdir()  # atomic: the folder name reserves the id
            except FileExistsError:
                return None
            created = True
            prepared = _copy_files(root, plan, evidence_dir, prepared)
        if not publish(target, prepared.text):
            if created:
                shutil.rmtree(evidence_dir, ignore_errors=True)
            return None
    except BaseException:
        if created:
            shutil.rmtree(evidence_dir, ignore_errors=True)
        raise
    return prepared


def _copy_files(root: Path, plan: Plan, evidence_dir: Path, prepared: Prepared) -> Prepared:
    copied: list[ImportedFile] = []
    for item in prepared.files:
        temporary = evidence_dir / f".{item.name}.part"
        shutil.copyfile(item.source, temporary)
        temporary.replace(evidence_dir / item.name)
        # Hash the copy, so the record describes exactly what is in the ledger.
        copied.append(replace(item, sha256=sha256_file(evidence_dir / item.name)))
    if all(a.sha256 == b.sha256 for a, b in zip(copied, prepared.files, strict=True)):
        return prepared
    text = dump(_data(prepared.draft, prepared.year, prepared.record_id, copied))
    record = _validate(text, prepared.rel, prepared.record_id, plan, copied)
    return replace(prepared, text=text, record=record, files=tuple(copied))
