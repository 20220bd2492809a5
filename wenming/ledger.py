"""Finding a ledger's root and loading its plans and records into the model."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from .cache import EVIDENCE, RECORDS, Cache, RecordResult, file_key
from .checks import check_ledger, evidence_paths
from .errors import Problem, Source, WenmingError
from .files import FileFact, inspect
from .model import Ledger, Plan, Record
from .parse import parse_plan, parse_record
from .yamlio import load_file

PLAN_DIR = "plan"
RECORDS_DIR = "records"
REPO_ENV = "WENMING_REPO"
MAX_RECORD_BYTES = 1_000_000
MAX_PLAN_BYTES = 10_000_000
_YEAR = re.compile(r"^\d{4}$")


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


def load(root: Path, use_cache: bool = True) -> Ledger:
    """Read every plan and record; unchanged record files come from the local cache."""
    ledger = Ledger(root)
    _load_plans(ledger)
    cache = Cache(root, "records", RECORDS, use_cache)
    _load_records(ledger, cache)
    cache.save()
    return ledger


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


def _load_records(ledger: Ledger, cache: Cache[RecordResult]) -> None:
    folder = ledger.root / RECORDS_DIR
    if not folder.is_dir():
        return
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        rel = f"{RECORDS_DIR}/{entry.name}"
        if not entry.is_dir() or not _YEAR.match(entry.name):
            if entry.name.endswith((".yaml", ".yml")) or entry.is_dir():
                ledger.problems.append(
                    Problem(
                        Source(rel),
                        "record-location",
                        "记录应放在按年份命名的文件夹里，例如 records/2022/",
                        f"把它移到 {RECORDS_DIR}/<年份>/ 下",
                    )
                )
            continue
        _load_record_folder(ledger, cache, entry.path, rel, int(entry.name))


def _load_record_folder(
    ledger: Ledger, cache: Cache[RecordResult], folder: str, rel_folder: str, year: int
) -> None:
    # Plain strings and scandir here: this loop runs once per record file.
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    record_stems = {e.name[:-5] for e in entries if e.name.endswith(".yaml")}
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        rel = f"{rel_folder}/{name}"
        if entry.is_dir():
            if name not in record_stems:  # a record's own evidence folder holds no records
                _load_record_folder(ledger, cache, entry.path, rel, year)
            continue
        if name.endswith(".yml"):
            ledger.problems.append(
                Problem(
                    Source(rel), "record-name", "记录文件的扩展名应为 .yaml", "把 .yml 改为 .yaml"
                )
            )
            continue
        if not name.endswith(".yaml"):
            continue
        ledger.record_files.append(rel)
        try:
            key = file_key(entry.stat())
        except OSError:
            key = None
        result = cache.get(rel, key) if key else None
        if result is None:
            result = _read_record(entry.path, rel, name[:-5], year)
            if key:
                cache.put(rel, key, result)
        record, problems = result
        ledger.problems.extend(problems)
        if record is not None:
            ledger.records.append(record)


def _read_record(
    path: str, rel: str, record_id: str, year: int
) -> tuple[Record | None, list[Problem]]:
    data, problems = load_file(path, rel, MAX_RECORD_BYTES)
    if data is None:
        return None, problems
    record, more = parse_record(data, rel, record_id, year)
    return record, problems + more


def inspect_evidence(ledger: Ledger, use_cache: bool = True) -> dict[str, FileFact]:
    """What the disk says about each evidence file; unchanged files are not hashed again."""
    cache = Cache(ledger.root, "evidence", EVIDENCE, use_cache)
    facts: dict[str, FileFact] = {}
    for path in sorted(evidence_paths(ledger)):
        try:
            key = file_key((ledger.root / path).stat())
        except OSError:
            key = None
        fact = cache.get(path, key) if key else None
        if fact is None:
            fact = inspect(ledger.root, path)
            if key and fact.state == "ok":
                cache.put(path, key, fact)
        facts[path] = fact
    cache.save()
    return facts


def validate(root: Path, use_cache: bool = True) -> list[Problem]:
    """`wenming check`: load everything, look at every evidence file, apply every rule."""
    ledger = load(root, use_cache)
    return check_ledger(ledger, inspect_evidence(ledger, use_cache))


def select_plan(ledger: Ledger, year: int | None, today: date) -> Plan:
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
