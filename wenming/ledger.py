"""Finding a ledger's root and loading its plans and records into the model."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .cache import (
    ActivityResult,
    Cache,
    RecordResult,
    decode_activity,
    decode_fact,
    decode_record,
    encode_activity,
    encode_fact,
    encode_record,
    file_key,
)
from .checks import check_ledger, evidence_paths
from .errors import Problem, Source, WenmingError
from .files import FileFact, inspect
from .model import Activity, Ledger, Plan, Record, Snapshot
from .parse import parse_plan, parse_record
from .yamlio import load_file

PLAN_DIR = "plan"
RECORDS_DIR = "records"
REPO_ENV = "WENMING_REPO"
MAX_RECORD_BYTES = 1_000_000
MAX_PLAN_BYTES = 10_000_000
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000
MAX_WORKERS = 8
_YEAR = re.compile(r"^\d{4}$")
T = TypeVar("T")
_NAME = attrgetter("name")

Tick = Callable[[int], None]
# Given a total and a label, a context yielding a tick function (or None): the CLI's progress bar.
ProgressFactory = Callable[[int, str], AbstractContextManager[Tick | None]]


@contextmanager
def _no_progress(total: int, label: str) -> Iterator[Tick | None]:
    yield None


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
    _load_plans(ledger)
    records = Cache(root, "records", use_cache)
    activities = Cache(root, "activities", use_cache)
    files = _record_files(ledger)
    for file, (record, problems) in zip(
        files,
        _through_cache(files, records, decode_record, encode_record, _as_is, progress),
        strict=True,
    ):
        if file.key is not None:
            # Keep the small table in step, so the next `status` finds everything warm.
            result = (record, problems)
            activities.refresh(file.rel, file.key, file.mtime_ns, partial(encode_activity, result))
        ledger.problems.extend(problems)
        if record is not None:
            ledger.records.append(record)
    records.save()
    activities.save()
    return ledger


def scan(root: Path, use_cache: bool = True, progress: ProgressFactory | None = None) -> Snapshot:
    """Read the plans and each record as an `Activity`: the fast path for progress."""
    ledger = Ledger(root)
    _load_plans(ledger)
    snapshot = Snapshot(root, ledger.plans, problems=ledger.problems)
    cache = Cache(root, "activities", use_cache)
    files = _record_files(ledger)
    for activity, problems in _through_cache(
        files, cache, decode_activity, encode_activity, _as_activity, progress
    ):
        snapshot.problems.extend(problems)
        if activity is not None:
            snapshot.activities.append(activity)
    cache.save()
    return snapshot


def _load_plans(ledger: Ledger) -> None:
    folder = ledger.root / PLAN_DIR
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
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
        data, problems = load_file(path, rel, MAX_PLAN_BYTES)
        ledger.problems.extend(problems)
        plan, problems = parse_plan(data, rel) if data is not None else (None, [])
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


class _RecordFile(NamedTuple):
    path: str  # on disk
    rel: str  # from the ledger root, as messages show it
    record_id: str
    year: int
    key: int | None  # the cache key; None when the file could not be looked at
    mtime_ns: int


def _record_files(ledger: Ledger) -> list[_RecordFile]:
    """Every record file under records/<year>/, noting misplaced files as problems."""
    folder = ledger.root / RECORDS_DIR
    files: list[_RecordFile] = []
    if not folder.is_dir():
        return files
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        rel = f"{RECORDS_DIR}/{entry.name}"
        if entry.is_dir() and _YEAR.match(entry.name):
            _record_folder(ledger, files, entry.path, rel, int(entry.name))
        elif entry.name.endswith((".yaml", ".yml")) or entry.is_dir():
            ledger.problems.append(
                Problem(
                    Source(rel),
                    "record-location",
                    "记录应放在按年份命名的文件夹里，例如 records/2022/",
                    f"把它移到 {RECORDS_DIR}/<年份>/ 下",
                )
            )
    ledger.record_files.extend(file.rel for file in files)
    return files


def _record_folder(
    ledger: Ledger, files: list[_RecordFile], folder: str, rel_folder: str, year: int
) -> None:
    # This loop runs once per record file: plain strings, scandir, no per-entry Path objects.
    entries = list(os.scandir(folder))
    entries.sort(key=_NAME)
    prefix = rel_folder + "/"
    folders = []
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        if name.endswith(".yaml") and not entry.is_dir():
            try:
                stat = entry.stat()
            except OSError:
                files.append(_RecordFile(entry.path, prefix + name, name[:-5], year, None, 0))
            else:
                files.append(
                    _RecordFile(
                        entry.path, prefix + name, name[:-5], year, file_key(stat), stat.st_mtime_ns
                    )
                )
        elif entry.is_dir():
            folders.append(entry)
        elif name.endswith(".yml"):
            ledger.problems.append(
                Problem(
                    Source(prefix + name),
                    "record-name",
                    "记录文件的扩展名应为 .yaml",
                    "把 .yml 改为 .yaml",
                )
            )
    if folders:
        stems = {e.name[:-5] for e in entries if e.name.endswith(".yaml")}
        for entry in folders:
            if entry.name not in stems:  # a record's own evidence folder holds no records
                _record_folder(ledger, files, entry.path, prefix + entry.name, year)


def _through_cache(
    files: list[_RecordFile],
    cache: Cache,
    decode: Callable[[str, Any], T],
    encode: Callable[[RecordResult], Any],
    fresh: Callable[[RecordResult], T],
    progress: ProgressFactory | None = None,
) -> list[T]:
    """Each file's result: decoded from its cache row, or parsed (and stored for next time)."""
    results: list[T | None] = []
    misses: list[_RecordFile] = []
    for file in files:
        hit = cache.get(file.rel, file.key, decode) if file.key is not None else None
        results.append(hit)
        if hit is None:
            misses.append(file)
    with (progress or _no_progress)(len(misses), "正在读取记录") as tick:
        parsed = iter(_parse(misses, tick))
    done: list[T] = []
    for file, hit in zip(files, results, strict=True):
        if hit is not None:
            done.append(hit)
            continue
        result = next(parsed)
        if cache.enabled and file.key is not None:
            cache.put(file.rel, file.key, file.mtime_ns, encode(result))
        done.append(fresh(result))
    return done


def _parse(files: list[_RecordFile], tick: Tick | None = None) -> list[RecordResult]:
    """Parse record files, on every core when there are enough of them to be worth it."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(files) < PARALLEL_FROM or workers < 2:
        results = []
        for f in files:
            results.append(_read_record(f.path, f.rel, f.record_id, f.year))
            if tick:
                tick(1)
        return results
    # Imported only here: most runs parse a few files, and these modules cost start-up time.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(f.path, f.rel, f.record_id, f.year) for f in files]
    size = max(100, len(jobs) // (workers * 8))  # small chunks keep both cores busy to the end
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    rows: list[Any] = []
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for chunk in pool.map(_parse_chunk, chunks):
            rows.extend(chunk)
            if tick:
                tick(len(chunk))
    return [decode_record(job[1], row) for job, row in zip(jobs, rows, strict=True)]


def _parse_chunk(jobs: list[tuple[str, str, str, int]]) -> list[Any]:
    """In a worker: parse and encode (rows cross the process boundary as plain data)."""
    return [encode_record(_read_record(*job)) for job in jobs]


def _as_is(result: RecordResult) -> RecordResult:
    return result


def _as_activity(result: RecordResult) -> ActivityResult:
    record, problems = result
    return (None if record is None else record.activity), problems


def _read_record(path: str, rel: str, record_id: str, year: int) -> RecordResult:
    data, problems = load_file(path, rel, MAX_RECORD_BYTES)
    if data is None:
        return None, problems
    record, more = parse_record(data, rel, record_id, year)
    return record, problems + more


def inspect_evidence(ledger: Ledger, use_cache: bool = True) -> dict[str, FileFact]:
    """What the disk says about each evidence file; unchanged files are not hashed again."""
    cache = Cache(ledger.root, "evidence", use_cache)
    facts: dict[str, FileFact] = {}
    for path in sorted(evidence_paths(ledger)):
        try:
            stat: os.stat_result | None = (ledger.root / path).stat()
        except OSError:
            stat = None
        key = file_key(stat) if stat else None
        fact = cache.get(path, key, decode_fact) if key is not None else None
        if fact is None:
            fact = inspect(ledger.root, path)
            if stat is not None and key is not None and fact.state == "ok":
                cache.put(path, key, stat.st_mtime_ns, encode_fact(fact))
        facts[path] = fact
    cache.save()
    return facts


def validate(
    root: Path, use_cache: bool = True, progress: ProgressFactory | None = None
) -> list[Problem]:
    """`wenming check`: load everything, look at every evidence file, apply every rule."""
    ledger = load(root, use_cache, progress)
    return check_ledger(ledger, inspect_evidence(ledger, use_cache))


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


def activities_of(snapshot: Snapshot, plan: Plan) -> list[Activity]:
    """The plan's activities (those filed under its year), in date order."""
    return sorted(
        (a for a in snapshot.activities if a.path.startswith(f"{RECORDS_DIR}/{plan.year}/")),
        key=lambda a: (a.date, a.id),
    )
