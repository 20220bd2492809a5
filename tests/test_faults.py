"""Disk and git faults, and concurrency, each tried for real: a clear message, the right exit, nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import git

from wenming.commands.check import validate
from wenming.ledger import load

ADD = ("add", "--task", "7.1", "--date", "2022-03-05", "--type", "学雷锋志愿服务", "--unit", "团委")


def wenming(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wenming", "--repo", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "WENMING_GIT_LOCK_WAIT": "300"},
    )


def record_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "records").rglob("*") if p.is_file())


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mounting needs privileges this machine does not give: {done.stderr.strip()}")


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A filesystem of `size` mounted on `folder` for the block, unmounted after it."""
    folder.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KB filesystem: room for a ledger and its repository, not for a large photo."""
    with tmpfs(tmp_path / "disk", "400k") as disk:
        yield disk


def _repository(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")


def test_disk_full_writes_nothing_and_says_so(
    mini_ledger: Path, small_disk: Path, tmp_path: Path, git_env: dict[str, str]
) -> None:
    root = small_disk / "ledger"
    shutil.copytree(mini_ledger, root)
    _repository(root)
    big = tmp_path / "现场照片.jpg"
    big.write_bytes(os.urandom(1_000_000))
    before = record_files(root)
    done = wenming(root, *ADD, "--title", "磁盘已满时的记录", "--evidence", str(big))
    assert done.returncode == 1, done.stderr
    assert "磁盘空间不足" in done.stderr
    assert "Traceback" not in done.stderr
    assert record_files(root) == before
    assert git(root, "status", "--porcelain") == ""
    assert validate(root, use_cache=False) == []


def test_read_only_records_folder(git_ledger: Path) -> None:
    records = git_ledger / "records"
    _mount("--bind", str(records), str(records))
    try:
        _mount("-o", "remount,bind,ro", str(records))
        before = record_files(git_ledger)
        done = wenming(git_ledger, *ADD, "--title", "只读时的记录")
        assert done.returncode == 1
        assert "文件系统是只读的" in done.stderr
        assert "Traceback" not in done.stderr
        assert record_files(git_ledger) == before
    finally:
        subprocess.run(["umount", "-l", str(records)], check=False)
    assert git(git_ledger, "status", "--porcelain") == ""


def test_detached_head_commits_and_warns(git_ledger: Path) -> None:
    git(git_ledger, "checkout", "-q", "--detach")
    done = wenming(git_ledger, *ADD, "--title", "分离状态下的记录")
    assert done.returncode == 0, done.stderr
    assert "分离的 HEAD" in done.stderr and "switch -c" in done.stderr
    assert git(git_ledger, "log", "-1", "--format=%s").startswith(
        "记录：2022-03-05 分离状态下的记录"
    )
    assert git(git_ledger, "status", "--porcelain") == ""


@pytest.mark.parametrize("round_", [1, 2])
def test_sixteen_adds_at_once(git_ledger: Path, round_: int) -> None:
    commits = int(git(git_ledger, "rev-list", "--count", "HEAD"))
    processes = [
        start(git_ledger, *ADD, "--title", "同时登记", "--participants", str(n)) for n in range(16)
    ]
    outputs = [p.communicate() for p in processes]
    assert [p.returncode for p in processes] == [0] * 16, outputs
    ledger = load(git_ledger, use_cache=False)
    added = [r.participants for r in ledger.records if r.title == "同时登记"]
    assert sorted(n for n in added if n is not None) == list(range(16))
    assert len(added) == 16
    assert int(git(git_ledger, "rev-list", "--count", "HEAD")) == commits + 16
    for n in range(16):
        changed = git(
            git_ledger, "-c", "core.quotepath=off", "show", "--name-only", "--format=", f"HEAD~{n}"
        ).split()
        assert len(changed) == 1 and changed[0].endswith(".yaml")
    assert git(git_ledger, "status", "--porcelain") == ""


def test_status_and_export_while_records_are_added(git_ledger: Path, tmp_path: Path) -> None:
    adding = [start(git_ledger, *ADD, "--title", f"并发{n}") for n in range(8)]
    readers = []
    for n in range(4):
        readers.append(start(git_ledger, "status", "--json", "--as-of", "2022-12-31"))
        readers.append(start(git_ledger, "export", "-o", str(tmp_path / f"台账{n}.xlsx")))
        readers.append(start(git_ledger, "check"))
    for process in readers:
        out, err = process.communicate()
        assert process.returncode == 0, err
        assert "Traceback" not in err
        if isinstance(process.args, list) and process.args[-3:-1] == ["--json", "--as-of"]:
            assert len(json.loads(out)["tasks"]) == 4
    assert [p.wait() for p in adding] == [0] * 8
    assert len(load(git_ledger, use_cache=False).records) == 9
