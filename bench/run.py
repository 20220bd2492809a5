"""Time each wenming command against its baseline on the same generated ledger, in one run."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generate import YEARS, generate

HERE = Path(__file__).resolve().parent
LEDGERS = HERE / ".ledgers"
EXAMPLE = HERE.parent

RAW_READ = """
import os, sys
def walk(folder):
    for entry in os.scandir(folder):
        if entry.is_dir():
            walk(entry.path)
        elif entry.name.endswith(".yaml"):
            with open(entry.path, "rb") as handle:
                handle.read()
walk(os.path.join(sys.argv[1], "records"))
"""

PARSE_ONLY = """
import os, sys, yaml
def walk(folder):
    for entry in os.scandir(folder):
        if entry.is_dir():
            walk(entry.path)
        elif entry.name.endswith(".yaml"):
            with open(entry.path, "rb") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)
walk(os.path.join(sys.argv[1], "records"))
"""

# The floor: the exported workbook's own cell values, written by openpyxl's write-only mode
# without any style, link or page setup (the values are read back from the export beforehand).
XLSX_FLOOR = """
import pickle, sys
from openpyxl import Workbook
with open(sys.argv[1], "rb") as handle:
    sheets = pickle.load(handle)
book = Workbook(write_only=True)
for title, rows in sheets:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
book.save(sys.argv[2])
"""


# The dashboard of `wenming serve`, as a running server answers it: the app is built and asked
# once (the server's first page), then each page is timed; prints the median seconds.
DASHBOARD = """
import statistics, sys, time
from pathlib import Path
from wenming.web.app import Settings, create_app
client = create_app(Settings(Path(sys.argv[1]))).test_client()
url = "/?year=" + sys.argv[2]
assert client.get(url).status_code == 200
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    response = client.get(url)
    times.append(time.perf_counter() - start)
    assert response.status_code == 200
print(statistics.median(times))
"""


@dataclass
class Timing:
    seconds: float
    peak_mb: float


def run(argv: list[str], env: dict[str, str]) -> Timing:
    """Run once; wall time and the child's peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0 and os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(
            f"failed: {' '.join(argv)}\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return Timing(elapsed, usage.ru_maxrss / 1024)


def median(
    argv: list[str], env: dict[str, str], runs: int, before: Callable[[], None] | None = None
) -> Timing:
    timings = []
    for _ in range(runs):
        if before:
            before()
        timings.append(run(argv, env))
    return Timing(statistics.median(t.seconds for t in timings), max(t.peak_mb for t in timings))


def ledger(size: int) -> Path:
    root = LEDGERS / f"{size}"
    if not (root / "plan").is_dir():
        print(f"生成 {size} 条记录的台账……", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
        generate(root, size, seed=size)
        old = time.time() - 3600  # the cache never trusts files changed in the last seconds
        for path in root.rglob("*"):
            os.utime(path, (old, old))
    return root


def workbook_values(path: Path, dump: Path) -> None:
    """Every sheet's cell values, pickled for the floor to write again."""
    import pickle

    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheets = [(s.title, [list(r) for r in s.iter_rows(values_only=True)]) for s in book.worksheets]
    with dump.open("wb") as handle:
        pickle.dump(sheets, handle)


class Report:
    """The table of results, printed a row at a time as each measurement finishes."""

    def __init__(self) -> None:
        self.ok = True
        print(
            f"{'记录数':>8}  {'项目':<28}{'秒':>8}{'峰值MB':>9}  {'基线':<12}{'倍数':>7}{'目标':>7}  结果",
            flush=True,
        )

    def add(self, size: str, what: str, timing: Timing, base: str = "", base_time: float | None = None,
            target: float | None = None) -> None:  # fmt: skip
        ratio = timing.seconds / base_time if base_time else None
        verdict = ""
        if target is not None:
            passed = ratio <= target if ratio is not None else timing.seconds <= target
            self.ok &= passed
            verdict = "达标" if passed else "未达标"
        print(
            f"{size:>8}  {what:<28}{timing.seconds:>8.3f}{timing.peak_mb:>9.0f}  {base:<12}"
            f"{(f'{ratio:.2f}' if ratio is not None else ''):>7}"
            f"{(f'{target:g}' if target is not None else ''):>7}  {verdict}",
            flush=True,
        )


def bench_size(size: int, runs: int, report: Report, env: dict[str, str]) -> None:
    root = ledger(size)
    cache = Path(env["WENMING_CACHE_DIR"])
    wenming = [sys.executable, "-m", "wenming", "--repo", str(root)]
    label = f"{size:,}"

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    raw = median([sys.executable, "-c", RAW_READ, str(root)], env, runs)
    parse = median([sys.executable, "-c", PARSE_ONLY, str(root)], env, runs)
    report.add(label, "基线：读取全部文件", raw)
    report.add(label, "基线：仅解析 YAML", parse)
    check = median([*wenming, "check"], env, runs, before=clear_cache)
    report.add(
        label,
        "check（冷，无缓存）",
        check,
        "仅解析",
        parse.seconds,
        1.5 if size == 20_000 else None,
    )
    # status reports one plan year and reads only that year's records; time it on the latest.
    status_argv = [*wenming, "status", "--year", str(YEARS[-1])]
    run(status_argv, env)
    status = median(status_argv, env, runs)
    target = 2.0 if size in (20_000, 100_000) else None
    report.add(label, "status（热）", status, "读取全部", raw.seconds, target)
    if size == 100_000:
        report.add(
            label, "status 峰值内存（MB）", Timing(status.peak_mb, status.peak_mb), target=500
        )
    edited = sorted((root / "records" / str(YEARS[-1])).glob("*.yaml"))[size // 7]

    def touch_one() -> None:
        edited.write_bytes(edited.read_bytes())

    after_edit = median(status_argv, env, runs, before=touch_one)
    report.add(label, "status（改动一条记录后）", after_edit, "status 热", status.seconds)
    if _has_serve(env):
        run(status_argv, env)  # the cache as a warm status leaves it, the one the page uses
        page = dashboard(root, env, runs)
        report.add(
            label,
            "serve 进度页（热）",
            page,
            "status 热",
            status.seconds,
            2.0 if size == 20_000 else None,
        )
    if size == 20_000:
        bench_records(root, runs, report, env, status.seconds)
    if shutil.which("true") and _has_export(env):
        with tempfile.TemporaryDirectory() as scratch:
            book = Path(scratch) / "台账.xlsx"
            run([*wenming, "export", "-o", str(book)], env)
            export = median([*wenming, "export", "-o", str(book)], env, runs)
            values = Path(scratch) / "values.pickle"
            workbook_values(book, values)
            floor = median(
                [sys.executable, "-c", XLSX_FLOOR, str(values), str(Path(scratch) / "floor.xlsx")],
                env,
                runs,
            )
        report.add(label, "基线：openpyxl 只写值", floor)
        report.add(
            label,
            "export xlsx（热）",
            export,
            "xlsx 基线",
            floor.seconds,
            2.0 if size == 20_000 else None,
        )
        if size == 100_000:
            report.add(
                label, "export 峰值内存（MB）", Timing(export.peak_mb, export.peak_mb), target=1024
            )


def dashboard(root: Path, env: dict[str, str], runs: int) -> Timing:
    """The dashboard page's time in a running server (median of `runs`) and the peak memory."""
    process = subprocess.Popen(
        [sys.executable, "-c", DASHBOARD, str(root), str(YEARS[-1]), str(runs)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    assert process.stdout is not None and process.stderr is not None
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: dashboard\n{process.stderr.read().decode()}")
    return Timing(float(process.stdout.read().decode().split()[-1]), usage.ru_maxrss / 1024)


def _has_serve(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import wenming.web.app"], env=env, capture_output=True
    )
    return probe.returncode == 0


GIT_ENV = {
    "GIT_AUTHOR_NAME": "基准测试", "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "基准测试", "GIT_COMMITTER_EMAIL": "bench@example.org",
}  # fmt: skip


def committed(root: Path) -> None:
    """Make the generated ledger a git repository once (the record commands commit)."""
    if (root / ".git").is_dir():
        return
    print("把台账提交到 git（只做一次）……", file=sys.stderr)
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "基准台账"]):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True)


def bench_records(
    root: Path, runs: int, report: Report, env: dict[str, str], status: float
) -> None:
    """The record lifecycle, warm, each step on a record of its own run: add, show, list, edit,
    rm. Each within 2x a warm `status` (git's own commit time included)."""
    committed(root)
    env = {**env, **GIT_ENV}
    wenming = [sys.executable, "-m", "wenming", "--repo", str(root)]
    year = str(YEARS[-1])
    run([*wenming, "list", "--year", year], env)  # warm the tables list reads
    steps: dict[str, list[Timing]] = {name: [] for name in ("add", "show", "list", "edit", "rm")}
    for number in range(runs):
        title = f"基准测试活动{number}"
        add = [*wenming, "add", "--yes", "--task", "2", "--date", f"{year}-06-0{number + 1}",
               "--type", "支委会", "--title", title, "--unit", "第一党支部"]  # fmt: skip
        steps["add"].append(run(add, env))
        record = _newest(root)
        steps["show"].append(run([*wenming, "show", record], env))
        steps["list"].append(run([*wenming, "list", "--year", year], env))
        steps["edit"].append(run([*wenming, "edit", record, "--place", "三楼会议室"], env))
        steps["rm"].append(run([*wenming, "rm", record, "--yes"], env))
    for name, timings in steps.items():
        timing = Timing(
            statistics.median(t.seconds for t in timings), max(t.peak_mb for t in timings)
        )
        report.add(f"{20_000:,}", f"{name}（热）", timing, "status 热", status, 2.0)


def _newest(root: Path) -> str:
    """The id of the record the last commit added."""
    out = subprocess.run(
        ["git", "-C", str(root), "-c", "core.quotepath=false", "show", "--name-only",
         "--format=", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (path,) = [line for line in out.splitlines() if line.endswith(".yaml")]
    return Path(path).stem


def _has_export(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "wenming", "export", "--help"], env=env, capture_output=True
    )
    return probe.returncode == 0


def bench_startup(runs: int, report: Report, env: dict[str, str]) -> None:
    help_time = median([sys.executable, "-m", "wenming", "--help"], env, runs)
    report.add("示例", "wenming --help 启动", help_time, target=0.3)
    example = [
        sys.executable,
        "-m",
        "wenming",
        "--repo",
        str(EXAMPLE),
        "status",
        "--as-of",
        "2022-12-31",
    ]
    run(example, env)
    report.add("示例", "wenming status（示例台账）", median(example, env, runs), target=0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description="wenming 基准测试：与同一次运行中的基线比较")
    parser.add_argument("--sizes", default="1000,20000,100000", help="记录数，逗号分隔")
    parser.add_argument("--runs", type=int, default=3, help="每项运行次数（取中位数）")
    args = parser.parse_args()
    report = Report()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "WENMING_CACHE_DIR": cache, "NO_COLOR": "1"}
        # As users run it: Python keeps compiled bytecode between runs.
        for name in ("WENMING_DEBUG", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        bench_startup(args.runs, report, env)
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(size, args.runs, report, env)
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
