"""Time `wenming roll-up` over many generated units' ledgers against baselines in the same run.

The units are bare repositories under bench/.rollup/ (made once and kept, like bench/.ledgers):
each a ledger of RECORDS records of one plan year from generate.py, served by file:// URLs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import generate
from run import Report, Timing, median, run

HERE = Path(__file__).resolve().parent
STORE = HERE / ".rollup"
YEAR = 2022

# Baselines read the clones' record files: every file, as a raw read and as a CSafeLoader parse.
RAW_READ = """
import os, sys
for unit in os.scandir(sys.argv[1]):
    if not unit.is_dir():
        continue
    for folder in os.scandir(os.path.join(unit.path, "records")):
        for entry in os.scandir(folder.path):
            if entry.name.endswith(".yaml"):
                with open(entry.path, "rb") as handle:
                    handle.read()
"""

PARSE_ONLY = """
import os, sys, yaml
for unit in os.scandir(sys.argv[1]):
    if not unit.is_dir():
        continue
    for folder in os.scandir(os.path.join(unit.path, "records")):
        for entry in os.scandir(folder.path):
            if entry.name.endswith(".yaml"):
                with open(entry.path, "rb") as handle:
                    yaml.load(handle, Loader=yaml.CSafeLoader)
"""

# The sync baseline: `git fetch` in each clone, one after another.
FETCH_LOOP = """
import os, subprocess, sys
for unit in sorted(os.scandir(sys.argv[1]), key=lambda e: e.name):
    if unit.is_dir():
        subprocess.run(["git", "-C", unit.path, "fetch", "--quiet", "origin"], check=True)
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "基准", "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "基准", "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "2022-12-31T12:00:00+08:00", "GIT_COMMITTER_DATE": "2022-12-31T12:00:00+08:00",
}  # fmt: skip


def _make_unit(job: tuple[int, int, str]) -> None:
    index, records, store = job
    bare = Path(store) / f"unit{index:04d}.git"
    if bare.is_dir():
        return
    with tempfile.TemporaryDirectory(dir=store) as scratch:
        work = Path(scratch) / "ledger"
        generate.YEARS = (YEAR,)  # one plan year: every record counts towards the status
        generate.generate(work, records, seed=index)
        env = {**os.environ, **GIT_ENV}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "台账"]):
            subprocess.run(["git", *args], cwd=work, env=env, check=True)
        temp = Path(scratch) / "bare.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(temp)], check=True)
        subprocess.run(
            ["git", "-C", str(temp), "config", "uploadpack.allowFilter", "true"], check=True
        )
        temp.rename(bare)  # whole or not at all: an interrupted run starts this unit again


def units(count: int, records: int) -> Path:
    """`count` bare unit repositories of `records` records each, made once and kept."""
    store = STORE / f"{count}x{records}"
    store.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(count) if not (store / f"unit{i:04d}.git").is_dir()]
    if missing:
        print(f"生成 {len(missing)} 个单位的台账（每个 {records} 条记录）……", file=sys.stderr)
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(_make_unit, [(i, records, str(store)) for i in missing]))
    return store


def rollup_folder(store: Path, count: int, scratch: Path) -> Path:
    root = scratch / "汇总"
    root.mkdir()
    lines = ["schema_version: 1", "units:"]
    for i in range(count):
        lines += [
            f"  - name: 单位{i:04d}",
            f"    url: {(store / f'unit{i:04d}.git').as_uri()}",
            f"    group: 第{i % 10 + 1}组",
        ]
    (root / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description="wenming roll-up 基准测试")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    store = units(args.units, args.records)
    report = Report()
    label = f"{args.units}×{args.records}"
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        cache = scratch / "cache"
        env = {**os.environ, "WENMING_CACHE_DIR": str(cache), "NO_COLOR": "1"}
        for name in ("WENMING_DEBUG", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        root = rollup_folder(store, args.units, scratch)
        wenming = [sys.executable, "-m", "wenming", "roll-up"]
        sync = [*wenming, "sync", "--dir", str(root), "--jobs", str(args.jobs)]
        report.add(label, "sync（首次克隆）", run(sync, env))
        clones = root / "clones"
        time.sleep(2.5)  # the cache never trusts files changed in the last two seconds
        fetch_loop = median([sys.executable, "-c", FETCH_LOOP, str(clones)], env, args.runs)
        report.add(label, "基线：逐个 git fetch", fetch_loop)
        again = median(sync, env, args.runs)
        report.add(label, "sync（没有新内容）", again, "逐个 fetch", fetch_loop.seconds, 0.6)

        raw = median([sys.executable, "-c", RAW_READ, str(clones)], env, args.runs)
        parse = median([sys.executable, "-c", PARSE_ONLY, str(clones)], env, args.runs)
        report.add(label, "基线：读取全部记录文件", raw)
        report.add(label, "基线：CSafeLoader 解析", parse)
        status = [*wenming, "status", "--dir", str(root), "--as-of", f"{YEAR}-12-31"]

        def clear_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold = median(status, env, args.runs, before=clear_cache)
        report.add(label, "status（冷，无缓存）", cold, "CSafeLoader", parse.seconds, 1.5)
        run(status, env)
        warm = median(status, env, args.runs)
        report.add(label, "status（热）", warm, "读取全部", raw.seconds, 2.0)
        peak = max(cold.peak_mb, warm.peak_mb)
        report.add(label, "status 峰值内存（MB）", Timing(peak, peak), target=1024)
        book = scratch / "汇总.xlsx"
        report.add(label, "export xlsx（热）", run([*wenming, "export", "--dir", str(root), "-o", str(book)], env))  # fmt: skip
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
