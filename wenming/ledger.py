"""Finding a ledger's root and loading its plans and records into the model."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from .cache import (
    ActivityResult,
    Cache,
    FileKey,
    PlanResult,
    RecordResult,
    decode_activity,
    decode_fact,
    decode_plan,
    decode_record,
    encode_activity,
    encode_fact,
    encode_plan,
    encode_record,
    file_key,
)
from .calendar import plan_festivals, remember_festivals
from .errors import Problem, Source, WenmingError
from .model import Ledger, Leftover, Plan, Record, Snapshot
from .progress import ProgressFactory, Tick, no_progress

if TYPE_CHECKING:
    from .assessment import Incident
    from .files import FileFact

# The YAML reader, parser and checks are imported where used: a warm `status` finds every plan
# and record in the cache and should not pay for them at start-up.

PLAN_DIR = "plan"
RECORDS_DIR = "records"
ASSESSMENT_DIR = "assessment"
INCIDENTS_DIR = "incidents"
REPO_ENV = "WENMING_REPO"
MAX_RECORD_BYTES = 1_000_000
MAX_PLAN_BYTES = 10_000_000
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000
MAX_WORKERS = 8
_YEAR = re.compile(r"^\d{4}$")
T = TypeVar("T")
_NAME = attrgetter("name")
_WHEN = attrgetter("date", "id")


def find_root(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """The ledger root: `explicit` (or $WENMING_REPO), else the nearest folder upward with plan/."""
    chosen = explicit if explicit is not None else os.environ.get(REPO_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser().resolve()
        if not (root / PLAN_DIR).is_dir():
            raise WenmingError(
                f"“{chosen}”不是台账目录（其中没有 {PLAN_DIR}/ 文件夹）",
                "用 --repo 指向台账的根目录，或用 wenming init 新建台账",
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PLAN_DIR).is_dir():
            return folder
    raise WenmingError(
        f"当前目录 {here} 不在台账内（向上找不到 {PLAN_DIR}/ 文件夹）",
        "进入台账目录后再运行，或用 --repo 路径 / 环境变量 WENMING_REPO 指定台账",
    )


def rel_path(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def load(root: Path, use_cache: bool = True, progress: ProgressFactory | None = None) -> Ledger:
    """Read every plan and record in full; unchanged record files come from the local cache."""
    ledger = Ledger(root)
    _load_plans(ledger, use_cache)
    records = Cache(root, "records", use_cache)
    files = _record_files(ledger)
    hits, parsed = _through_cache(files, records, decode_record, progress)
    for i, row in parsed.items():
        _store(records, files, i, row.record_row)
        hits[i] = row.result
    results = cast(list[RecordResult], hits)  # every file is now a hit or parsed
    for record, problems in results:
        ledger.problems.extend(problems)
        if record is not None:
            ledger.records.append(record)
    records.save()
    if use_cache:
        _refresh_activities(files, results, parsed)
    load_assessments(ledger)
    return ledger


def load_plans(root: Path, use_cache: bool = True) -> Ledger:
    """The plans alone (no record is read): for commands that write or name one record."""
    ledger = Ledger(root)
    _load_plans(ledger, use_cache)
    return ledger


def record_files(root: Path) -> list[tuple[str, int]]:
    """Every record file's path and plan year, as `load` finds them, from the folder listings
    alone (no file is read or looked at): naming a record costs a listing, not a stat a file."""
    folder = root / RECORDS_DIR
    if folder.is_symlink() or not folder.is_dir():
        return []
    found: list[tuple[str, int]] = []
    for entry in sorted(os.scandir(folder), key=_NAME):
        if _YEAR.match(entry.name) and entry.is_dir(follow_symlinks=False):
            _record_names(entry.path, f"{RECORDS_DIR}/{entry.name}", int(entry.name), found)
    return found


def _record_names(folder: str, rel: str, year: int, found: list[tuple[str, int]]) -> None:
    """The record files in `folder` and its subfolders (not a record's own evidence folder,
    not a linked folder), as `_record_folder` walks them."""
    entries = sorted(os.scandir(folder), key=_NAME)
    stems = {e.name[:-5] for e in entries if e.name.endswith(".yaml") and e.name[0] != "."}
    for entry in entries:
        if entry.name[0] == "." or entry.name in stems:
            continue
        if entry.name.endswith(".yaml"):
            if not entry.is_symlink():
                found.append((f"{rel}/{entry.name}", year))
        elif entry.is_dir(follow_symlinks=False):
            _record_names(entry.path, f"{rel}/{entry.name}", year, found)


def read_record(root: Path, rel: str, year: int) -> RecordResult:
    """One record file, read and parsed afresh (the cache pays off only over many files)."""
    return _read_record(str(root / rel), rel, record_id(rel), year)


def record_id(rel: str) -> str:
    """A record's id: its file name without `.yaml`."""
    return rel[rel.rfind("/") + 1 : -5]


def _refresh_activities(
    files: _Files, results: list[RecordResult], parsed: dict[int, _Parsed]
) -> None:
    """Keep the small per-year tables `status` reads in step, so its next run finds them warm."""
    for year, group in groupby(range(len(files.rels)), key=files.years.__getitem__):
        indices = list(group)
        table = Cache(Path(files.root), f"activities-{year}")
        kept = table.lookup(
            [files.rels[i] for i in indices], [files.keys[i] for i in indices], _present
        )
        for i, hit in zip(indices, kept, strict=True):
            if hit is None:
                row = parsed[i].activity_row if i in parsed else encode_activity(results[i])
                _store(table, files, i, row)
        table.save()


def scan(
    root: Path,
    year: int | None = None,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
    plans: Ledger | None = None,
) -> Snapshot:
    """The plans, and one plan's records reduced to activities: the fast path for progress.

    The plan is chosen as `select_plan` does. Only its records/<year>/ folder is read: no other
    record counts towards it. `plans`: what `load_plans` already read, not to read it again.
    """
    ledger = plans or load_plans(root, use_cache)
    plan = select_plan(ledger, year, today or date.today())
    snapshot = Snapshot(root, plan, ledger.plans, problems=list(ledger.problems))
    cache = Cache(root, f"activities-{plan.year}", use_cache)
    files = _record_files(ledger, plan.year)
    hits, parsed = _through_cache(files, cache, decode_activity, progress)
    for i, row in parsed.items():
        _store(cache, files, i, row.activity_row)
        record, problems = row.result
        hits[i] = (None if record is None else record.activity), problems
    for activity, problems in cast(list[ActivityResult], hits):
        if problems:
            snapshot.problems.extend(problems)
        if activity is not None:
            snapshot.activities.append(activity)
    cache.save()
    snapshot.activities.sort(key=_WHEN)
    return snapshot


def _load_plans(ledger: Ledger, use_cache: bool = True) -> None:
    folder = ledger.root / PLAN_DIR
    if folder.is_symlink():
        ledger.problems.append(_linked(PLAN_DIR, str(folder), ledger.root))
        return
    cache = Cache(ledger.root, "plans", use_cache)
    for path in sorted(folder.iterdir()):
        try:
            stat: os.stat_result | None = path.lstat()
        except OSError:
            stat = None
        if path.name.startswith(".") or (stat is not None and S_ISDIR(stat.st_mode)):
            continue
        rel = rel_path(ledger.root, path)
        if path.suffix != ".yaml" or not _YEAR.match(path.stem):
            if path.suffix in (".yaml", ".yml"):
                ledger.problems.append(
                    Problem(
                        Source(rel),
                        "plan-name",
                        "计划文件应命名为 <年份>.yaml，例如 plan/2022.yaml",
                        "重命名该文件，扩展名用 .yaml",
                    )
                )
            continue
        if stat is not None and not S_ISREG(stat.st_mode):
            link = S_ISLNK(stat.st_mode)
            ledger.problems.append(
                _linked(rel, str(path), ledger.root) if link else _not_a_file(rel)
            )
            ledger.broken_plans.add(int(path.stem))
            continue
        key = file_key(stat) if stat is not None else None
        hit = cache.get(rel, key, decode_plan) if key is not None else None
        if hit is not None:
            plan, problems, festivals = hit
            remember_festivals(festivals)
        else:
            plan, problems = _read_plan(str(path), rel)
            if stat is not None and key is not None and cache.enabled:
                festivals = plan_festivals(plan) if plan is not None else {}
                cache.put(rel, key, stat.st_mtime_ns, encode_plan((plan, problems), festivals))
        ledger.problems.extend(problems)
        if plan is None:
            ledger.broken_plans.add(int(path.stem))
            continue
        if plan.year != int(path.stem):
            ledger.problems.append(
                Problem(
                    Source(rel, plan.source.line),
                    "plan-year",
                    f"文件名是 {path.stem} 年，但 year 写的是 {plan.year}",
                    "让文件名和 year 一致",
                )
            )
            ledger.broken_plans.add(int(path.stem))
            continue
        ledger.plans[plan.year] = plan
    cache.save()


def _read_plan(path: str, rel: str) -> PlanResult:
    from .parse import parse_plan
    from .yamlio import load_file

    data, problems = load_file(path, rel, MAX_PLAN_BYTES)
    if data is None and problems:
        return None, problems
    plan, more = parse_plan(data, rel)
    return plan, problems + more


class _Files(NamedTuple):
    """The record files under records/<year>/, as parallel lists: one walk, no object per file."""

    root: str
    rels: list[str]  # from the ledger root, as messages show them
    keys: list[FileKey | None]  # the cache keys; None when a file could not be looked at
    mtimes: list[int]
    years: list[int]  # from the folder each file is in


def _record_files(ledger: Ledger, year: int | None = None) -> _Files:
    """Every record file under records/<year>/ (of one year, if given); misplaced files are problems."""
    folder = ledger.root / RECORDS_DIR
    files = _Files(str(ledger.root), [], [], [], [])
    if folder.is_symlink():
        ledger.problems.append(_linked(RECORDS_DIR, str(folder), ledger.root))
        return files
    if not folder.is_dir():
        return files
    for entry in sorted(os.scandir(folder), key=_NAME):
        if entry.name.startswith("."):
            continue
        rel = f"{RECORDS_DIR}/{entry.name}"
        if entry.is_symlink():
            if _YEAR.match(entry.name) or entry.name.endswith((".yaml", ".yml")):
                ledger.problems.append(_linked(rel, entry.path, ledger.root))
        elif entry.is_dir() and _YEAR.match(entry.name):
            if year is None or int(entry.name) == year:
                found = _record_folder(ledger, files, entry.path, rel, int(entry.name))
                ledger.leftovers.extend(found[1])
        elif entry.name.endswith((".yaml", ".yml")) or entry.is_dir():
            ledger.problems.append(
                Problem(
                    Source(rel),
                    "record-location",
                    "记录应放在按年份命名的文件夹里，例如 records/2022/",
                    f"把它移到 {RECORDS_DIR}/<年份>/ 下",
                )
            )
    ledger.record_files.extend(files.rels)
    return files


def _record_folder(
    ledger: Ledger, files: _Files, folder: str, rel_folder: str, year: int
) -> tuple[bool, list[Leftover]]:
    """Add the folder's record files (and those of its subfolders) to `files`.

    Returns whether any record file was found here or below, and the leftovers met (files and
    folders no record can reference): the caller reports a folder without records as one
    leftover instead. Symlinks are never followed: a linked folder would count records twice.
    """
    # Runs over every record file, so it works on whole lists of plain strings (a Path object per
    # file costs more than the stat): one listing, then one lstat per record.
    names = sorted(os.listdir(folder))  # noqa: PTH208
    base, prefix = folder + os.sep, rel_folder + "/"
    records = [name for name in names if name.endswith(".yaml") and name[0] != "."]
    stems = {name[:-5] for name in records}
    folders: list[str] = []
    leftovers: list[Leftover] = []
    for name in names:
        # A record's own evidence folder (named after it) holds no records: no need to look.
        if name in stems or (name[0] != "." and name.endswith(".yaml")):
            continue
        if name[0] == ".":
            if _PARTIAL.match(name):
                leftovers.append(Leftover(prefix + name, _PARTIAL_FILE))
            continue
        info = _stat(base + name)
        if info is None:
            continue
        if S_ISDIR(info.st_mode):
            folders.append(name)
        elif S_ISLNK(info.st_mode) and os.path.isdir(base + name):  # noqa: PTH112
            ledger.problems.append(_linked(prefix + name, base + name, ledger.root))
        elif name.endswith(".yml"):
            ledger.problems.append(
                Problem(
                    Source(prefix + name),
                    "record-name",
                    "记录文件的扩展名应为 .yaml",
                    "把 .yml 改为 .yaml",
                )
            )
        else:
            leftovers.append(Leftover(prefix + name, _LOOSE_FILE))
    paths = [base + name for name in records]
    try:
        stats: list[os.stat_result | None] = list(map(os.lstat, paths))
    except OSError:  # one vanished or cannot be read: look at each on its own
        stats = [_stat(path) for path in paths]
    rels, keys, mtimes = files.rels, files.keys, files.mtimes
    start = len(rels)
    for name, stat in zip(records, stats, strict=True):
        if stat is None:
            rels.append(prefix + name)
            keys.append(None)
            mtimes.append(0)
        elif S_ISREG(stat.st_mode):
            rels.append(prefix + name)
            keys.append(file_key(stat))
            mtimes.append(stat.st_mtime_ns)
        elif S_ISDIR(stat.st_mode):
            folders.append(name)
        elif S_ISLNK(stat.st_mode):
            ledger.problems.append(_linked(prefix + name, base + name, ledger.root))
        else:  # a FIFO, device or socket: opening one could hang, reading one never end
            ledger.problems.append(_not_a_file(prefix + name))
    files.years.extend([year] * (len(rels) - start))
    found = bool(records) or any(name.endswith(".yml") for name in names)  # a misnamed record
    for name in sorted(folders):
        below, inner = _record_folder(ledger, files, base + name, prefix + name, year)
        found = found or below
        if below:
            leftovers.extend(inner)
        else:  # evidence without its record; checked against every record's evidence paths
            leftovers.append(Leftover(prefix + name, _ORPHAN_FOLDER, True, tuple(inner)))
    return found, leftovers


# What `add` leaves behind when it is killed: `.<file>.part` while copying evidence, and
# `.<id>.yaml.<hex>.tmp` while writing the record.
_PARTIAL = re.compile(r"^\..+(\.part|\.yaml\.[0-9a-f]{8}\.tmp)$")
_PARTIAL_FILE = "未写完的临时文件（wenming add 被中断时留下）"
_LOOSE_FILE = "没有任何记录引用的文件"
_ORPHAN_FOLDER = "没有记录、也没有记录引用的文件夹（常见于 wenming add 被中断后留下的佐证材料）"


def _not_a_file(rel: str) -> Problem:
    from .yamlio import not_a_file

    return not_a_file(rel)


def _linked(rel: str, path: str, root: Path) -> Problem:
    """A symlinked record file, plan file or records folder: refused, whatever it points at."""
    target = os.path.realpath(path)
    inside = Path(target).is_relative_to(root.resolve())
    where = "台账内的另一处" if inside else f"台账之外的“{target}”"
    return Problem(
        Source(rel),
        "symlink",
        f"这是指向{where}的符号链接；wenming 不读取链接的记录、计划和文件夹（可能读到台账外的文件，或把同一条记录统计两次）",
        "删除链接，换成文件或文件夹本身",
    )


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


class _Parsed(NamedTuple):
    """A record file read afresh, with the rows both cache tables keep of it."""

    result: RecordResult
    record_row: Any
    activity_row: Any


def _through_cache(
    files: _Files,
    cache: Cache,
    decode: Callable[[str, Any], T],
    progress: ProgressFactory | None = None,
) -> tuple[list[T | None], dict[int, _Parsed]]:
    """Each file's row decoded from the cache, or None; and the files parsed instead, by index."""
    results = cache.lookup(files.rels, files.keys, decode)
    misses = [i for i, hit in enumerate(results) if hit is None]
    if not misses:
        return results, {}
    jobs = [_job(files, i) for i in misses]
    with (progress or no_progress)(len(jobs), "正在读取记录") as tick:
        return results, dict(zip(misses, _parse(jobs, tick), strict=True))


def _store(cache: Cache, files: _Files, i: int, row: Any) -> None:
    """Keep the row of the i-th file in `cache`, unless the file could not be looked at."""
    key = files.keys[i]
    if key is not None:
        cache.put(files.rels[i], key, files.mtimes[i], row)


_Job = tuple[str, str, str, int]  # path on disk, rel, record id, year


def _job(files: _Files, i: int) -> _Job:
    rel = files.rels[i]
    return f"{files.root}/{rel}", rel, record_id(rel), files.years[i]


def _parse(jobs: list[_Job], tick: Tick | None = None) -> list[_Parsed]:
    """Parse record files, on every core when there are enough of them to be worth it."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        results = []
        for job in jobs:
            result = _read_record(*job)
            results.append(_Parsed(result, encode_record(result), encode_activity(result)))
            if tick:
                tick(1)
        return results
    # Imported only here: most runs parse a few files, and these modules cost start-up time.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(100, len(jobs) // (workers * 8))  # small chunks keep both cores busy to the end
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    parsed: list[_Parsed] = []
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # Rows come back in order, a chunk at a time: decode each while the workers go on.
        for chunk, rows in zip(chunks, pool.map(_parse_chunk, chunks), strict=True):
            for job, (record_row, activity_row) in zip(chunk, rows, strict=True):
                parsed.append(_Parsed(decode_record(job[1], record_row), record_row, activity_row))
            if tick:
                tick(len(chunk))
    return parsed


def _parse_chunk(jobs: list[_Job]) -> list[tuple[Any, Any]]:
    """In a worker: parse, and encode both rows (they cross the process boundary as plain data)."""
    rows = []
    for job in jobs:
        result = _read_record(*job)
        rows.append((encode_record(result), encode_activity(result)))
    return rows


def _present(rel: str, row: Any) -> bool:
    return True


def _read_record(path: str, rel: str, record_id: str, year: int) -> RecordResult:
    from .parse import parse_record
    from .yamlio import load_file

    data, problems = load_file(path, rel, MAX_RECORD_BYTES)
    if data is None and problems:
        return None, problems
    record, more = parse_record(data, rel, record_id, year)
    return record, problems + more


def evidence_paths(ledger: Ledger) -> set[str]:
    """The evidence files worth looking at on disk (safe paths only)."""
    from .files import unsafe_reason

    holders: list[Record | Incident] = [*ledger.records, *ledger.incidents]
    return {
        item.file
        for holder in holders
        for item in holder.evidence
        if item.file and unsafe_reason(item.file) is None
    }


def inspect_evidence(ledger: Ledger, use_cache: bool = True) -> dict[str, FileFact]:
    """What the disk says about each evidence file, with each photo's EXIF date; unchanged files
    are not hashed or read again."""
    from .files import inspect
    from .photos import is_photo, taken_on

    cache = Cache(ledger.root, "evidence", use_cache)
    facts: dict[str, FileFact] = {}
    root = str(ledger.root.resolve())
    inside, git = root + os.sep, os.path.join(root, ".git") + os.sep  # noqa: PTH118
    for path in sorted(evidence_paths(ledger)):
        try:
            stat: os.stat_result | None = (ledger.root / path).stat()
        except OSError:
            stat = None
        key = file_key(stat) if stat else None
        fact = cache.get(path, key, decode_fact) if key is not None else None
        # A row is trusted only while the file still lies inside the ledger: a folder moved out
        # and linked back keeps its files' identity, but is no longer safe to read.
        if fact is not None and not _still_inside(
            os.path.realpath(ledger.root / path), inside, git
        ):
            fact = None
        if fact is None:
            fact = inspect(ledger.root, path)
            if fact.state == "ok" and is_photo(path):
                fact = replace(fact, taken=taken_on(ledger.root / path))
            if stat is not None and key is not None and fact.state == "ok":
                cache.put(path, key, stat.st_mtime_ns, encode_fact(fact))
        facts[path] = fact
    cache.save()
    return facts


def _still_inside(real: str, inside: str, git: str) -> bool:
    return real.startswith(inside) and not real.lower().startswith(git.lower())


def select_plan(ledger: Ledger | Snapshot, year: int | None, today: date) -> Plan:
    """The plan a command works on: `--year`, else the one covering today, else the latest."""
    if not ledger.plans:
        raise WenmingError(
            f"台账中没有可用的计划（{PLAN_DIR}/<年份>.yaml 缺失或有错误）",
            "运行 wenming check 查看问题，或用 wenming plan import 导入计划",
        )
    if year is not None:
        if year not in ledger.plans:
            years = "、".join(str(y) for y in sorted(ledger.plans))
            raise WenmingError(f"没有 {year} 年的计划", f"已有的计划年份：{years}")
        return ledger.plans[year]
    for plan in ledger.plans.values():
        if plan.start <= today <= plan.end:
            return plan
    return ledger.plans[max(ledger.plans)]


def records_of(ledger: Ledger, plan: Plan) -> list[Record]:
    """The plan's records (those filed under its year), in date order."""
    return sorted((r for r in ledger.records if r.year == plan.year), key=lambda r: (r.date, r.id))


def load_assessments(ledger: Ledger) -> Ledger:
    """Read assessment/*.yaml and incidents/<year>/*.yaml into `ledger` (a handful of small
    files, so not through the cache)."""
    from .parse_assessment import parse_assessment, parse_incident
    from .yamlio import load_file

    for rel, path in _yaml_files(ledger, ASSESSMENT_DIR):
        data, problems = load_file(path, rel, MAX_PLAN_BYTES)
        assessment, more = (
            (None, []) if data is None and problems else parse_assessment(data, rel, path.stem)
        )
        ledger.problems.extend(problems + more)
        if assessment is not None:
            ledger.assessments.append(assessment)
    folder = ledger.root / INCIDENTS_DIR
    if folder.is_dir() and not folder.is_symlink():
        for year_dir in sorted(folder.iterdir()):
            if year_dir.name.startswith("."):
                continue
            if not (_YEAR.match(year_dir.name) and year_dir.is_dir()):
                if year_dir.suffix in (".yaml", ".yml") or year_dir.is_dir():
                    ledger.problems.append(
                        Problem(
                            Source(f"{INCIDENTS_DIR}/{year_dir.name}"),
                            "record-location",
                            f"负面事件记录应放在按年份命名的文件夹里，例如 {INCIDENTS_DIR}/2022/",
                            f"把它移到 {INCIDENTS_DIR}/<年份>/ 下（年份是事件所在的计划年度）",
                        )
                    )
                continue
            for rel, path in _yaml_files(ledger, f"{INCIDENTS_DIR}/{year_dir.name}"):
                data, problems = load_file(path, rel, MAX_RECORD_BYTES)
                incident, more = (
                    (None, [])
                    if data is None and problems
                    else parse_incident(data, rel, path.stem, int(year_dir.name))
                )
                ledger.problems.extend(problems + more)
                if incident is not None:
                    ledger.incidents.append(incident)
    ledger.incidents.sort(key=_WHEN)
    return ledger


def _yaml_files(ledger: Ledger, rel_dir: str) -> list[tuple[str, Path]]:
    """The .yaml files directly in a folder of the ledger; links are reported, not followed."""
    folder = ledger.root / rel_dir
    if folder.is_symlink():
        ledger.problems.append(_linked(rel_dir, str(folder), ledger.root))
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        rel = f"{rel_dir}/{path.name}"
        if path.name.startswith(".") or path.suffix != ".yaml":
            continue
        if path.is_symlink():
            ledger.problems.append(_linked(rel, str(path), ledger.root))
        elif not path.is_file():
            ledger.problems.append(_not_a_file(rel))
        else:
            found.append((rel, path))
    return found
