"""Hostile and damaged files met while loading: each is a problem with its path, never a hang,
a silent loss, a file read twice or from outside the ledger, or an internal error (exit 70)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wenming import cache
from wenming.commands.check import validate
from wenming.errors import Severity

RECORD = "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
EVIDENCE = "records/2022/20220305-学雷锋志愿服务进社区-0001"
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="FIFOs and /dev are Linux's")


def wenming(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real command in its own process: a hang fails the test instead of stalling it."""
    return subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if k != "WENMING_DEBUG"},
    )


def found(root: Path, use_cache: bool = True) -> set[tuple[str, int, str]]:
    return {(p.source.path, p.source.line, p.rule) for p in validate(root, use_cache)}


def status(root: Path) -> dict[str, object]:
    done = wenming(root, "status", "--as-of", "2022-12-31", "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def records_counted(root: Path) -> int:
    data = status(root)
    tasks = data["tasks"]
    assert isinstance(tasks, list)
    return sum(len(task["record_ids"]) for task in tasks)


def _age(root: Path) -> None:
    """Backdate every file so that the cache trusts it (fresh files are always re-read)."""
    old = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (old, old), follow_symlinks=False)


# ---------------------------------------------------------------- silent loss


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("", "empty-record", 0),
        ("# 只有一行注释\n", "empty-record", 0),
        ("~\n", "empty-record", 0),
        ("---\n", "empty-record", 0),
        ("schema_version: 1\ndate: 2022-03-06\ntasks: []\ntype: 志愿服务\ntitle: t\nunit: 团委\n",
         "missing-field", 3),
        ("schema_version: 1\ndate: 2022-03-06\ntasks:\ntype: 志愿服务\ntitle: t\nunit: 团委\n",
         "missing-field", 3),
        ("schema_version: 1\ndate:\ntasks: ['7.1']\ntype: 志愿服务\ntitle: t\nunit: 团委\n",
         "missing-field", 2),
    ],
    ids=["empty", "comment", "tilde", "bare-document", "tasks-empty-list", "tasks-null", "no-date"],
)  # fmt: skip
def test_a_truncated_record_is_an_error_not_a_silent_loss(
    mini_ledger: Path, text: str, rule: str, line: int
) -> None:
    (mini_ledger / "records/2022/20220306-截断的记录-0002.yaml").write_text(text, encoding="utf-8")
    assert found(mini_ledger) == {("records/2022/20220306-截断的记录-0002.yaml", line, rule)}
    done = wenming(mini_ledger, "check")
    assert done.returncode == 1
    assert f"（{rule}）" in done.stdout
    # status and export still run, and say that the ledger has an error.
    assert "1 个错误" in wenming(mini_ledger, "status").stderr


@pytest.mark.parametrize("text", ["", "# 计划\n", "~\n"])
def test_an_empty_plan_is_an_error(mini_ledger: Path, text: str) -> None:
    (mini_ledger / "plan/2022.yaml").write_text(text, encoding="utf-8")
    assert found(mini_ledger) == {("plan/2022.yaml", 0, "empty-plan")}
    assert wenming(mini_ledger, "check").returncode == 1


# ---------------------------------------------------------------- hangs and unbounded reads


@linux_only
@pytest.mark.parametrize("where", ["records/2022/20220306-管道-0002.yaml", "plan/2023.yaml"])
def test_a_fifo_in_place_of_a_file_is_refused_without_hanging(
    mini_ledger: Path, where: str
) -> None:
    os.mkfifo(mini_ledger / where)
    assert found(mini_ledger) == {(where, 0, "not-a-file")}
    for command in (("check",), ("status",), ("export", "-o", str(mini_ledger.parent / "x.xlsx"))):
        done = wenming(mini_ledger, *command, timeout=30)
        assert done.returncode == (1 if command == ("check",) else 0), done.stderr
        assert "Traceback" not in done.stderr


@linux_only
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_record_linked_to_a_device_or_fifo_is_refused(mini_ledger: Path, target: str) -> None:
    if target == "fifo":
        os.mkfifo(mini_ledger / "管道")
        target = str(mini_ledger / "管道")
    link = mini_ledger / "records/2022/20220306-设备-0002.yaml"
    link.symlink_to(target)
    assert found(mini_ledger) == {("records/2022/20220306-设备-0002.yaml", 0, "symlink")}
    assert wenming(mini_ledger, "status", timeout=30).returncode == 0


def test_a_record_linked_out_of_the_ledger_is_not_read(mini_ledger: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: 机密内容\n", encoding="utf-8")
    (mini_ledger / "records/2022/20220306-链接-0002.yaml").symlink_to(secret)
    (mini_ledger / "plan/2023.yaml").symlink_to(secret)
    problems = validate(mini_ledger)
    assert {(p.source.path, p.rule) for p in problems} == {
        ("records/2022/20220306-链接-0002.yaml", "symlink"),
        ("plan/2023.yaml", "symlink"),
    }
    done = wenming(mini_ledger, "check")
    assert done.returncode == 1 and "机密内容" not in done.stdout and "password" not in done.stdout


def test_a_symlinked_folder_in_records_is_never_descended(mini_ledger: Path) -> None:
    before = records_counted(mini_ledger)
    (mini_ledger / "records/2022/科室").symlink_to(".")
    (mini_ledger / "records/2022/外部").symlink_to(mini_ledger / "records")
    (mini_ledger / "records/2023").symlink_to("2022")
    assert found(mini_ledger) == {
        ("records/2022/科室", 0, "symlink"),
        ("records/2022/外部", 0, "symlink"),
        ("records/2023", 0, "symlink"),
    }
    assert records_counted(mini_ledger) == before == 1
    out = mini_ledger.parent / "out.xlsx"
    done = wenming(mini_ledger, "export", "-o", str(out))
    assert done.returncode == 0 and "1 条活动记录" in done.stdout


@pytest.mark.parametrize("folder", ["records", "plan"])
def test_a_symlinked_records_or_plan_folder_is_not_read(
    mini_ledger: Path, tmp_path: Path, folder: str
) -> None:
    shutil.move(mini_ledger / folder, tmp_path / folder)
    (mini_ledger / folder).symlink_to(tmp_path / folder)
    assert (folder, 0, "symlink") in found(mini_ledger)
    assert wenming(mini_ledger, "check").returncode == 1


@linux_only
@pytest.mark.parametrize("planted", ["fifo", "dev-zero", "symlink"])
def test_a_planted_cache_file_is_never_followed_or_hangs(mini_ledger: Path, planted: str) -> None:
    _age(mini_ledger)
    before = status(mini_ledger)
    tables = list(cache.cache_dir(mini_ledger).glob("*.marshal"))
    assert tables
    elsewhere = mini_ledger.parent / "elsewhere.marshal"
    for table in tables:
        elsewhere.write_bytes(table.read_bytes())
        table.unlink()
        if planted == "fifo":
            os.mkfifo(table)
        else:
            table.symlink_to("/dev/zero" if planted == "dev-zero" else elsewhere)
    started = time.monotonic()
    assert status(mini_ledger) == before
    assert time.monotonic() - started < 20
    assert all(t.is_file() and not t.is_symlink() for t in tables)  # replaced by real tables


# ---------------------------------------------------------------- evidence paths


def _point_evidence_at(root: Path, path: str) -> None:
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f"{EVIDENCE}/照片-1.png", path), encoding="utf-8")


def test_evidence_inside_dot_git_is_refused_and_not_bundled(mini_ledger: Path) -> None:
    (mini_ledger / ".git").mkdir()
    (mini_ledger / ".git/config").write_text("[core]\n", encoding="utf-8")
    (mini_ledger / EVIDENCE / "config").symlink_to("../../../.git/config")
    _point_evidence_at(mini_ledger, ".git/config")
    assert found(mini_ledger) == {(RECORD, 14, "evidence-path")}
    record = mini_ledger / RECORD
    record.write_text(
        record.read_text(encoding="utf-8").replace(".git/config", f"{EVIDENCE}/config"),
        encoding="utf-8",
    )
    assert found(mini_ledger) == {(RECORD, 14, "evidence-path")}
    bundle = mini_ledger.parent / "移交.zip"
    done = wenming(mini_ledger, "export", "--bundle", str(bundle))
    assert done.returncode == 1 and "config" in done.stderr  # refused, naming the file
    assert not bundle.exists()


def test_an_evidence_symlink_loop_is_a_problem(mini_ledger: Path) -> None:
    (mini_ledger / EVIDENCE / "a.png").symlink_to("b.png")
    (mini_ledger / EVIDENCE / "b.png").symlink_to("a.png")
    _point_evidence_at(mini_ledger, f"{EVIDENCE}/a.png")
    assert found(mini_ledger) == {(RECORD, 14, "evidence-path")}


def test_the_cache_never_hides_an_evidence_folder_moved_out_and_linked_back(
    mini_ledger: Path, tmp_path: Path
) -> None:
    _age(mini_ledger)
    assert found(mini_ledger) == set()  # warms the cache, the photo's hash included
    outside = tmp_path / "outside"
    shutil.move(mini_ledger / EVIDENCE, outside)
    (mini_ledger / EVIDENCE).symlink_to(outside)
    assert found(mini_ledger) == found(mini_ledger, use_cache=False)
    assert found(mini_ledger) == {(RECORD, 14, "evidence-path")}


# ---------------------------------------------------------------- leftovers


def test_leftovers_of_an_interrupted_add_are_warnings_with_the_command(mini_ledger: Path) -> None:
    orphan = mini_ledger / "records/2022/20220401-被中断的记录-abcd"
    orphan.mkdir()
    (orphan / ".照片.jpg.part").write_bytes(b"half a photo")
    (mini_ledger / "records/2022/.20220402-x-1234.yaml.0123abcd.tmp").write_text("schema")
    (mini_ledger / "records/2022/散落的照片.jpg").write_bytes(b"jpg")
    problems = [p for p in validate(mini_ledger) if p.rule == "leftover"]
    assert {(p.source.path, p.severity) for p in problems} == {
        ("records/2022/20220401-被中断的记录-abcd", Severity.WARNING),
        ("records/2022/.20220402-x-1234.yaml.0123abcd.tmp", Severity.WARNING),
        ("records/2022/散落的照片.jpg", Severity.WARNING),
    }
    assert any("rm -r 'records/2022/20220401-被中断的记录-abcd'" in p.hint for p in problems)
    done = wenming(mini_ledger, "check")
    assert done.returncode == 0 and "leftover" in done.stdout  # warnings only
    # A department's subfolder with records is not a leftover, nor is a record's own folder.
    (mini_ledger / "records/2022/团委").mkdir()
    shutil.move(mini_ledger / RECORD, mini_ledger / "records/2022/团委")
    paths = {p.source.path for p in validate(mini_ledger) if p.rule == "leftover"}
    assert "records/2022/团委" not in paths


def test_records_of_year_0000_are_problems_not_a_crash(mini_ledger: Path) -> None:
    (mini_ledger / "records/0000").mkdir()
    (mini_ledger / "records/0000/a.yaml").write_text("schema_version: 1\ntasks: ['1']\n")
    rules = {(path, rule) for path, _, rule in found(mini_ledger)}
    assert ("records/0000", "no-plan") in rules
    assert ("records/0000/a.yaml", "missing-field") in rules
