"""`wenming roll-up`: units' ledgers served by a real `git daemon` on loopback and file:// remotes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MINI_LEDGER, Cli, git

from wenming.commands import rollup_status as rollup_status_module
from wenming.commands.rollup_init import rollup_init
from wenming.commands.rollup_status import rollup_status
from wenming.commands.rollup_sync import sync
from wenming.errors import WenmingError
from wenming.rollup import parse_units

AS_OF = date(2022, 12, 31)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Daemon:
    """A `git daemon` serving the bare repositories under `base` on 127.0.0.1:`port`."""

    base: Path
    port: int

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"


@pytest.fixture
def daemon(tmp_path: Path, git_env: dict[str, str]) -> Iterator[Daemon]:
    base = tmp_path / "served"
    base.mkdir()
    port = _free_port()
    process = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={base}", f"--port={port}",
         "--listen=127.0.0.1", "--enable=receive-pack", "--reuseaddr", "--informative-errors",
         str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("git daemon did not start") from None
                time.sleep(0.05)
        yield Daemon(base, port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def make_ledger(where: Path, change: Callable[[Path], None] | None = None) -> Path:
    """A copy of the mini ledger, committed on `main`."""
    shutil.copytree(MINI_LEDGER, where)
    if change is not None:
        change(where)
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "init")
    return where


def serve(ledger: Path, bare: Path) -> Path:
    """`ledger` pushed to a new bare repository `bare` that allows partial clones."""
    git(ledger.parent, "clone", "-q", "--bare", str(ledger), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(bare, "config", "receive.denyNonFastForwards", "false")
    return bare


def write_units(root: Path, units: list[dict[str, str]]) -> None:
    lines = ["schema_version: 1", "units:"]
    for unit in units:
        lines.append(f"  - name: {unit['name']}")
        lines += [f"    {k}: {v}" for k, v in unit.items() if k != "name"]
    (root / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def rollup_dir(tmp_path: Path, git_env: dict[str, str]) -> Path:
    return rollup_init(tmp_path / "汇总").root


def test_init_makes_a_committed_folder_that_ignores_the_clones(rollup_dir: Path) -> None:
    assert git(rollup_dir, "ls-files").split() == [".gitignore", "units.yaml"]
    assert "/clones/" in (rollup_dir / ".gitignore").read_text(encoding="utf-8")
    assert parse_units(rollup_dir / "units.yaml") == ([], [])
    with pytest.raises(WenmingError, match="已经是汇总目录"):
        rollup_init(rollup_dir)


def test_sync_over_git_daemon_and_file_urls_reports_failures_without_stopping(
    daemon: Daemon, rollup_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    serve(make_ledger(tmp_path / "w" / "a"), daemon.base / "a.git")
    file_bare = serve(make_ledger(tmp_path / "w" / "b"), tmp_path / "b.git")
    dead = _free_port()  # nothing listens there: the server is down
    write_units(rollup_dir, [
        {"name": "甲局", "url": daemon.url("a.git"), "group": "城东区"},
        {"name": "乙局", "url": file_bare.as_uri(), "group": "城西区"},
        {"name": "丙局", "url": daemon.url("missing.git"), "group": "城西区"},
        {"name": "丁局", "url": f"git://127.0.0.1:{dead}/a.git", "group": "城西区"},
    ])  # fmt: skip
    result = sync(rollup_dir, jobs=4, timeout=30)
    by_name = {u.name: u for u in result.units}
    assert [u.name for u in result.units] == ["甲局", "乙局", "丙局", "丁局"]
    assert (by_name["甲局"].result, by_name["甲局"].added) == ("新建", 1)
    assert (by_name["乙局"].result, by_name["乙局"].added) == ("新建", 1)
    assert {u.name for u in result.failed} == {"丙局", "丁局"}
    assert "missing.git" in by_name["丙局"].reason or "not exported" in by_name["丙局"].reason
    assert "connect" in by_name["丁局"].reason.lower()
    assert not (rollup_dir / "clones" / "丙局").exists()  # no half-made clone is left
    # Only plans and record files are checked out, never the evidence (the photo).
    clone = rollup_dir / "clones" / "甲局"
    assert (clone / "plan" / "2022.yaml").is_file()
    assert len(list((clone / "records" / "2022").glob("*.yaml"))) == 1
    assert not list(clone.rglob("*.png"))
    # The clones stay out of the roll-up's own git.
    assert git(rollup_dir, "status", "--porcelain", "-uall") == " M units.yaml\n"

    again = cli("roll-up", "sync", "--dir", str(rollup_dir))
    assert again.exit_code == 1
    assert "2 个单位同步失败：丙局、丁局" in again.output
    assert "无变化" in again.output


def test_a_unit_that_never_answers_times_out(rollup_dir: Path, tmp_path: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections into the backlog and never answers
    file_bare = serve(make_ledger(tmp_path / "w" / "b"), tmp_path / "b.git")
    try:
        port = silent.getsockname()[1]
        write_units(rollup_dir, [
            {"name": "慢局", "url": f"git://127.0.0.1:{port}/x.git"},
            {"name": "乙局", "url": file_bare.as_uri()},
        ])  # fmt: skip
        started = time.monotonic()
        result = sync(rollup_dir, jobs=2, timeout=2)
        assert time.monotonic() - started < 20
    finally:
        silent.close()
    assert [(u.name, u.result) for u in result.units] == [("慢局", "失败"), ("乙局", "新建")]
    assert result.units[0].reason == "超时"


def test_a_pushed_record_shows_after_sync(
    daemon: Daemon, rollup_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    serve(make_ledger(tmp_path / "w" / "a"), daemon.base / "a.git")
    write_units(rollup_dir, [{"name": "甲局", "url": daemon.url("a.git")}])
    assert sync(rollup_dir).units[0].result == "新建"
    before = rollup_status(rollup_dir, as_of=AS_OF).units[0]
    assert (before.records, before.last_activity) == (1, date(2022, 3, 5))

    work = tmp_path / "unit-clone"
    git(tmp_path, "clone", "-q", daemon.url("a.git"), str(work))
    added = cli(
        "add", "-t", "7.1", "-d", "2022-09-20", "--type", "志愿服务", "--title", "敬老院志愿服务",
        "-u", "团委", repo=work,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    git(work, "push", "-q", "origin", "main")

    result = sync(rollup_dir)
    assert (result.units[0].result, result.units[0].added) == ("有更新", 1)
    after = rollup_status(rollup_dir, as_of=AS_OF).units[0]
    assert (after.records, after.last_activity) == (2, date(2022, 9, 20))
    assert sync(rollup_dir).units[0].result == "无变化"


def test_a_force_pushed_history_replaces_the_clone(rollup_dir: Path, tmp_path: Path) -> None:
    work = make_ledger(tmp_path / "w" / "a")
    bare = serve(work, tmp_path / "a.git")
    git(work, "remote", "add", "origin", str(bare))
    write_units(rollup_dir, [{"name": "甲局", "url": bare.as_uri()}])
    sync(rollup_dir)
    record = next((work / "records" / "2022").glob("*.yaml"))
    moved = record.with_name("20220601-换掉的记录-0002.yaml")
    text = record.read_text(encoding="utf-8").replace("2022-03-05", "2022-06-01")
    moved.write_text(text, encoding="utf-8")
    record.unlink()
    git(work, "add", "-A")
    git(work, "commit", "-q", "--amend", "-m", "rewritten")
    git(work, "push", "-q", "--force", "origin", "main")

    result = sync(rollup_dir)
    assert (result.units[0].result, result.units[0].added) == ("有更新", 1)
    clone = rollup_dir / "clones" / "甲局"
    assert git(clone, "rev-parse", "HEAD") == git(work, "rev-parse", "HEAD")
    assert git(clone, "status", "--porcelain") == ""
    assert sorted(p.name for p in (clone / "records" / "2022").glob("*.yaml")) == [moved.name]
    assert rollup_status(rollup_dir, as_of=AS_OF).units[0].last_activity == date(2022, 6, 1)


def _broken_record(root: Path) -> None:
    (root / "records" / "2022" / "20220401-坏记录-0009.yaml").write_text(
        "schema_version: 1\ndate: [2022-04-01\n", encoding="utf-8"
    )


def _broken_plan(root: Path) -> None:
    (root / "plan" / "2022.yaml").write_text("year: [\n", encoding="utf-8")


def _other_plan(root: Path) -> None:
    path = root / "plan" / "2022.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("三会一课", "三会一课制度"), encoding="utf-8"
    )


@pytest.fixture
def four_units(rollup_dir: Path, tmp_path: Path) -> Path:
    """Synced units: 甲 clean, 乙 with a broken record, 丙 with a broken plan, 丁 another plan."""
    units = []
    for name, group, change in (
        ("甲局", "城东区", None),
        ("乙局", "城东区", _broken_record),
        ("丙局", "城西区", _broken_plan),
        ("丁局", "城西区", _other_plan),
    ):
        bare = serve(make_ledger(tmp_path / "w" / name, change), tmp_path / f"{name}.git")
        units.append({"name": name, "url": bare.as_uri(), "group": group})
    write_units(rollup_dir, units)
    assert not sync(rollup_dir).failed
    return rollup_dir


def test_broken_ledgers_are_counted_not_fatal(four_units: Path) -> None:
    rows = {u.name: u for u in rollup_status(four_units, as_of=date(2022, 6, 30)).units}
    assert rows["甲局"].counts == {"滞后": 3, "未开展": 0, "进行中": 1, "已完成": 0}
    assert (rows["甲局"].errors, rows["甲局"].failure) == (0, "")
    # A broken record: its error is counted, the rest of the ledger still gives progress.
    assert rows["乙局"].errors == 1 and rows["乙局"].counts == rows["甲局"].counts
    # A broken plan: no progress, the reason and the error count.
    assert rows["丙局"].counts == {} and "计划" in rows["丙局"].failure
    assert rows["丙局"].errors == 1
    assert rows["甲局"].last_activity == date(2022, 3, 5)
    assert [(s.id, s.done, s.total) for s in rows["甲局"].sections] == [
        ("1", 0, 1), ("2", 0, 1), ("7", 0, 2),
    ]  # fmt: skip


def test_filters_sorting_and_the_task_matrix(four_units: Path) -> None:
    def names(**options: object) -> list[str]:
        return [u.name for u in rollup_status(four_units, as_of=AS_OF, **options).units]  # type: ignore[arg-type]

    assert names() == ["甲局", "乙局", "丙局", "丁局"]
    assert names(group="城西区") == ["丙局", "丁局"]
    assert names(state="有错误") == ["乙局", "丙局"]
    assert names(state="滞后") == ["甲局", "乙局", "丁局"]
    assert names(sort="错误") == ["丙局", "乙局", "甲局", "丁局"]  # unreadable first on a tie
    assert names(sort="名称")[0] == "丁局"  # by code point: 丁 U+4E01
    with pytest.raises(WenmingError, match="没有分组"):
        rollup_status(four_units, group="城北区")
    with pytest.raises(WenmingError, match="排序"):
        rollup_status(four_units, sort="大小")
    matrix = rollup_status(four_units, as_of=date(2022, 6, 30), by_task=True).matrix
    assert matrix is not None
    assert matrix.units == ("甲局", "乙局") and matrix.left_out == ("丁局",)
    assert [t for t, _title in matrix.tasks] == ["1", "2", "7.1", "7.2"]
    assert matrix.states["7.1"] == {"甲局": "进行中", "乙局": "进行中"}


def test_days_since_sync_and_json(four_units: Path, cli: Cli) -> None:
    later = datetime.now(timezone.utc) + timedelta(days=3, hours=1)
    rows = rollup_status(four_units, as_of=AS_OF, now=later).units
    assert {u.days_since_sync(later) for u in rows} == {3}
    shown = cli("roll-up", "status", "--dir", str(four_units), "--as-of", "2022-12-31", "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    first = data["units"][0]
    assert (first["name"], first["counts"]["滞后"], first["days_since_sync"]) == ("甲局", 4, 0)
    assert first["tasks"] == {"1": "滞后", "2": "滞后", "7.1": "滞后", "7.2": "滞后"}
    assert data["units"][2]["failure"] and data["units"][2]["counts"]["滞后"] == 0


def test_many_units_are_read_in_parallel_with_the_same_result(
    four_units: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = rollup_status(four_units, as_of=AS_OF)
    monkeypatch.setattr(rollup_status_module, "PARALLEL_FROM", 1)
    in_parallel = rollup_status(four_units, as_of=AS_OF, now=one_by_one.now)
    assert in_parallel == one_by_one


def test_a_unit_never_synced_is_reported_and_others_read(four_units: Path, tmp_path: Path) -> None:
    text = (four_units / "units.yaml").read_text(encoding="utf-8")
    (four_units / "units.yaml").write_text(
        text + "  - name: 新单位\n    url: file:///nowhere.git\n", encoding="utf-8"
    )
    rows = {u.name: u for u in rollup_status(four_units, as_of=AS_OF).units}
    assert "尚未同步" in rows["新单位"].failure
    assert rows["甲局"].total == 4


UNITS_PROBLEMS = """\
schema_version: 1
units:
  - name: 甲局
    url: file:///a.git
  - name: 甲局
    url: file:///b.git
  - name: 乙/局
    url: file:///c.git
  - url: file:///d.git
    colour: red
  - name: 戊局
    url: file:///e.git
    year: 二〇二二
  - 某单位
"""


def test_units_yaml_problems_come_with_their_lines(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "units.yaml").write_text(UNITS_PROBLEMS, encoding="utf-8")
    members, problems = parse_units(tmp_path / "units.yaml")
    assert [m.name for m in members] == ["甲局"]
    assert [(p.source.path, p.source.line, p.rule) for p in problems] == [
        ("units.yaml", 5, "duplicate-unit"),
        ("units.yaml", 7, "bad-value"),
        ("units.yaml", 10, "unknown-key"),
        ("units.yaml", 9, "missing-field"),
        ("units.yaml", 13, "wrong-type"),
        ("units.yaml", 14, "wrong-type"),
    ]
    shown = cli("roll-up", "status", "--dir", str(tmp_path))
    assert shown.exit_code == 1
    assert "units.yaml:5:" in shown.output and "Traceback" not in shown.output


def test_outside_a_rollup_folder_is_a_clear_error(tmp_path: Path, cli: Cli) -> None:
    shown = cli("roll-up", "status", "--dir", str(tmp_path))
    assert shown.exit_code == 1
    assert "不是汇总目录" in shown.output


def test_export_workbook_reads_back_with_colours_and_every_sheet(
    four_units: Path, cli: Cli
) -> None:
    from openpyxl import load_workbook

    target = four_units / "out.xlsx"
    shown = cli(
        "roll-up", "export", "--dir", str(four_units), "-o", str(target), "--as-of", "2022-06-30"
    )
    assert shown.exit_code == 0, shown.output
    book = load_workbook(target)
    assert book.sheetnames == ["汇总", "单位明细", "问题清单", "任务对照"]
    summary = book["汇总"]
    assert [c.value for c in summary[2]][:5] == [
        "序号",
        "单位",
        "分组",
        "完成率",
        "1 完善创建工作机制",
    ]
    rows = {r[1].value: r for r in summary.iter_rows(min_row=3) if r[1].value}
    assert rows["甲局"][3].value == "0%" and rows["丙局"][3].value == "未读取"
    assert rows["甲局"][4].fill.fgColor.rgb.endswith("FFC7CE")  # red: nothing done yet
    details = {r[1].value: [c.value for c in r] for r in book["单位明细"].iter_rows(min_row=3)}
    assert details["甲局"][5:10] == [4, 0, 1, 3, 0]  # tasks, 已完成, 进行中, 滞后, 未开展
    assert details["乙局"][13] == 1  # 台账错误
    issues = [(r[1].value, r[3].value) for r in book["问题清单"].iter_rows(min_row=3) if r[1].value]
    assert ("乙局", "台账错误") in issues and ("丙局", "无法读取") in issues
    assert ("甲局", "任务滞后") in issues
    matrix = book["任务对照"]
    assert [c.value for c in matrix[2]][-2:] == ["甲局", "乙局"]
    assert matrix[5][0].value == "7.1" and matrix[5][-1].value == "进行中"


def test_long_idle_units_are_listed(four_units: Path) -> None:
    from wenming.commands.rollup_export import rollup_export
    from wenming.export.rollup import build

    done = rollup_export(four_units, four_units / "a.html", as_of=AS_OF, idle_days=200)
    page = done.path.read_text(encoding="utf-8")
    assert "长期无活动" in page and "任务对照" in page and "<script" not in page
    status = done.status
    data = build(status.units, status.matrix, status.now, AS_OF, 400)
    issues = next(t for t in data.tables if t.name == "问题清单")
    assert all(row[3].value != "长期无活动" for row in issues.rows)


def test_html_escapes_what_units_yaml_holds(rollup_dir: Path, tmp_path: Path) -> None:
    from wenming.commands.rollup_export import rollup_export

    bare = serve(make_ledger(tmp_path / "w" / "a"), tmp_path / "a.git")
    write_units(rollup_dir, [{"name": "甲局", "url": bare.as_uri(), "group": "'<b>组</b>'"}])
    sync(rollup_dir)
    page = rollup_export(rollup_dir, rollup_dir / "a.html").path.read_text(encoding="utf-8")
    assert "&lt;b&gt;组&lt;/b&gt;" in page and "<b>组" not in page


def test_a_moved_repository_is_fetched_from_its_new_url(rollup_dir: Path, tmp_path: Path) -> None:
    bare = serve(make_ledger(tmp_path / "w" / "a"), tmp_path / "a.git")
    write_units(rollup_dir, [{"name": "甲局", "url": bare.as_uri()}])
    sync(rollup_dir)
    moved = bare.rename(tmp_path / "moved.git")
    assert sync(rollup_dir).units[0].result == "失败"
    write_units(rollup_dir, [{"name": "甲局", "url": moved.as_uri()}])
    assert sync(rollup_dir).units[0].result == "无变化"
    assert (
        git(rollup_dir / "clones" / "甲局", "remote", "get-url", "origin").strip() == moved.as_uri()
    )


def test_a_folder_in_the_way_of_a_clone_fails_that_unit_only(
    rollup_dir: Path, tmp_path: Path
) -> None:
    bare = serve(make_ledger(tmp_path / "w" / "a"), tmp_path / "a.git")
    write_units(
        rollup_dir, [{"name": "甲局", "url": bare.as_uri()}, {"name": "乙局", "url": bare.as_uri()}]
    )
    (rollup_dir / "clones" / "甲局").mkdir(parents=True)
    (rollup_dir / "clones" / "甲局" / "别的文件.txt").write_text("x", encoding="utf-8")
    result = sync(rollup_dir)
    assert [(u.name, u.result) for u in result.units] == [("甲局", "失败"), ("乙局", "新建")]
    assert "文件操作失败" in result.units[0].reason


def test_a_branch_and_a_year_can_be_chosen(rollup_dir: Path, tmp_path: Path) -> None:
    work = make_ledger(tmp_path / "w" / "a")
    git(work, "checkout", "-q", "-b", "审核版")
    (next((work / "records" / "2022").glob("*.yaml"))).unlink()
    git(work, "commit", "-q", "-am", "drop the record")
    git(work, "checkout", "-q", "main")
    bare = serve(work, tmp_path / "a.git")
    write_units(rollup_dir, [
        {"name": "默认分支", "url": bare.as_uri()},
        {"name": "审核分支", "url": bare.as_uri(), "branch": "审核版", "year": "2022"},
        {"name": "没有的年份", "url": bare.as_uri(), "year": "2023"},
    ])  # fmt: skip
    result = sync(rollup_dir)
    assert [(u.result, u.added) for u in result.units] == [("新建", 1), ("新建", 0), ("新建", 1)]
    rows = {u.name: u for u in rollup_status(rollup_dir, as_of=AS_OF).units}
    assert (rows["默认分支"].records, rows["审核分支"].records) == (1, 0)
    assert "没有 2023 年的计划" in rows["没有的年份"].failure
    assert git(rollup_dir / "clones" / "审核分支", "branch", "--show-current").strip() == "审核版"


def test_records_citing_tasks_the_plan_lacks_are_errors(rollup_dir: Path, tmp_path: Path) -> None:
    def cite_unknown_task(root: Path) -> None:
        record = next((root / "records" / "2022").glob("*.yaml"))
        text = record.read_text(encoding="utf-8").replace('tasks: ["7.1"]', 'tasks: ["7.1", "99"]')
        record.write_text(text, encoding="utf-8")

    bare = serve(make_ledger(tmp_path / "w" / "a", cite_unknown_task), tmp_path / "a.git")
    write_units(rollup_dir, [{"name": "甲局", "url": bare.as_uri()}])
    sync(rollup_dir)
    (row,) = rollup_status(rollup_dir, as_of=date(2022, 6, 30)).units
    assert (row.errors, row.records, row.counts["进行中"]) == (1, 1, 1)


def test_cli_init_then_bad_options_are_usage_errors(
    tmp_path: Path, git_env: dict[str, str], cli: Cli
) -> None:
    made = cli("roll-up", "init", str(tmp_path / "新汇总"))
    assert made.exit_code == 0, made.output
    assert (tmp_path / "新汇总" / "units.yaml").is_file()
    folder = str(tmp_path / "新汇总")
    for option, value in (("--status", "进度"), ("--sort", "大小")):
        shown = cli("roll-up", "status", "--dir", folder, option, value)
        assert shown.exit_code == 2 and option in shown.output
    empty = cli("roll-up", "status", "--dir", folder, "--json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["units"] == []
    again = cli("roll-up", "init", folder)
    assert again.exit_code == 1 and "已经是汇总目录" in again.output


def test_sections_view_lists_each_units_share_by_section(four_units: Path, cli: Cli) -> None:
    shown = cli(
        "roll-up", "status", "--dir", str(four_units), "--sections", "--as-of", "2022-12-31"
    )
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    header = next(line for line in lines if "合计" in line)
    assert header.split() == ["单位", "合计", "1", "2", "7"]
    assert next(line for line in lines if "甲局" in line).split() == ["甲局", "0", "0", "0", "0"]
    assert "未读取" in next(line for line in lines if "丙局" in line)
    assert "7  践行志愿服务担当" in lines
