"""Faults while writing, tried for real: full disks on export, signals during add, git states."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import git
from test_faults import ADD, record_files, tmpfs, wenming


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 KB filesystem: smaller than any workbook."""
    with tmpfs(tmp_path / "tiny", "8k") as disk:
        yield disk


@pytest.mark.parametrize(
    "how",
    [
        ("-f", "xlsx", "-o", "台账.xlsx"),
        ("-f", "html", "-o", "台账.html"),
        ("--bundle", "移交.zip"),
    ],
)
def test_disk_full_on_export_is_one_message(
    mini_ledger: Path, tiny_disk: Path, how: tuple[str, ...]
) -> None:
    *options, name = how
    done = wenming(mini_ledger, "export", *options, str(tiny_disk / name))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("错误：文件操作失败（磁盘空间不足）")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert len(done.stderr.splitlines()) == 2  # the message and its hint, nothing after
    assert list(tiny_disk.iterdir()) == []


# ---------------------------------------------------------------- interrupts


@pytest.fixture
def held_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose `git add` announces itself (file `started`) and then waits for `go`."""
    real = shutil.which("git")
    assert real
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = add ]; then\n'
        f"  touch '{tmp_path / 'started'}'\n"
        f"  while [ ! -e '{tmp_path / 'go'}' ]; do sleep 0.02; done\n"
        "fi\n"
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def _launch(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wenming", "--repo", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _wait_for(found: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not found():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        time.sleep(0.005)


def test_sigint_during_the_commit_lets_it_finish(
    git_ledger: Path, held_git: dict[str, str], tmp_path: Path
) -> None:
    process = _launch(git_ledger, held_git, *ADD, "--title", "提交时按了Ctrl-C")
    _wait_for((tmp_path / "started").exists, process)
    process.send_signal(signal.SIGINT)  # to wenming only: git carries on and commits
    (tmp_path / "go").touch()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "已提交" in out and "Traceback" not in err
    assert git(git_ledger, "log", "-1", "--format=%s").startswith("记录：2022-03-05 提交时按了")
    assert git(git_ledger, "status", "--porcelain") == ""


def test_ctrl_c_in_a_terminal_during_the_commit_says_what_is_on_disk(
    git_ledger: Path, held_git: dict[str, str], tmp_path: Path
) -> None:
    process = _launch(git_ledger, held_git, *ADD, "--title", "终端中按了Ctrl-C")
    _wait_for((tmp_path / "started").exists, process)
    os.killpg(process.pid, signal.SIGINT)  # the whole job, git included, as Ctrl-C does
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.startswith("已中断：记录已保存在 records/2022/20220305-终端中按了Ctrl-C-")
    assert "Traceback" not in err
    command = err.splitlines()[-1].strip()
    assert command.startswith("git -C ")
    assert not (git_ledger / ".git" / "index.lock").exists()
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    assert git(git_ledger, "status", "--porcelain") == ""
    assert git(git_ledger, "log", "-1", "--format=%s").startswith("记录：2022-03-05 终端中按了")


def _big_photo(tmp_path: Path) -> Path:
    photo = tmp_path / "现场照片.jpg"
    with photo.open("wb") as handle:
        for _ in range(96):
            handle.write(os.urandom(1 << 10) * 1024)  # 96 MB: copying it takes a moment
    return photo


def _parts(root: Path) -> list[Path]:
    return list((root / "records").rglob("*.part"))


def test_sigint_while_copying_evidence_writes_nothing(
    git_ledger: Path, held_git: dict[str, str], tmp_path: Path
) -> None:
    before = record_files(git_ledger)
    photo = _big_photo(tmp_path)
    process = _launch(git_ledger, held_git, *ADD, "--title", "复制时中断", "--evidence", str(photo))
    _wait_for(lambda: bool(_parts(git_ledger)), process)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == "已取消，未做任何修改"
    assert "错误" not in err
    assert not (tmp_path / "started").exists()  # it never reached git
    assert record_files(git_ledger) == before
    assert git(git_ledger, "status", "--porcelain", "--untracked-files=all") == ""


def test_add_after_a_killed_add_is_not_disturbed_by_its_leftovers(
    git_ledger: Path, tmp_path: Path
) -> None:
    photo = _big_photo(tmp_path)
    process = _launch(
        git_ledger, dict(os.environ), *ADD, "--title", "被强行结束", "--evidence", str(photo)
    )
    _wait_for(lambda: bool(_parts(git_ledger)), process)
    process.kill()
    process.communicate()
    leftover = _parts(git_ledger)[0].parent
    assert not leftover.with_suffix(".yaml").exists()
    # The check hook `wenming init` installs sees the leftovers too, and must let commits pass.
    hook = git_ledger / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m wenming check\n", encoding="utf-8")
    hook.chmod(0o755)
    small = tmp_path / "签到.pdf"
    small.write_bytes(b"sheet")
    for title in ("被强行结束", "之后的记录"):  # the same title too: a new id, no clash
        done = wenming(git_ledger, *ADD, "--title", title, "--evidence", str(small))
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    untracked = git(git_ledger, "-c", "core.quotepath=off", "status", "--porcelain")
    assert untracked.splitlines() == [f"?? {leftover.relative_to(git_ledger).as_posix()}/"]


# ---------------------------------------------------------------- git operations half-way


def _conflict(root: Path, operation: str) -> None:
    """Leave `operation` (merge, rebase, cherry-pick) stopped at a real conflict."""
    git(root, "checkout", "-q", "-b", "other")
    (root / "说明.txt").write_text("分支的版本\n", encoding="utf-8")
    git(root, "add", "说明.txt")
    git(root, "commit", "-q", "-m", "other")
    git(root, "checkout", "-q", "main")
    (root / "说明.txt").write_text("主线的版本\n", encoding="utf-8")
    git(root, "add", "说明.txt")
    git(root, "commit", "-q", "-m", "main")
    done = subprocess.run(
        ["git", operation, "other"], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "CONFLICT" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("operation", "name", "abort"),
    [
        ("merge", "合并（merge）", "git merge --abort"),
        ("rebase", "变基（rebase）", "git rebase --abort"),
        ("cherry-pick", "拣选（cherry-pick）", "git cherry-pick --abort"),
    ],
)
def test_an_operation_half_way_is_named_and_nothing_is_staged(
    git_ledger: Path, operation: str, name: str, abort: str
) -> None:
    _conflict(git_ledger, operation)
    done = wenming(git_ledger, *ADD, "--title", "合并中的记录")
    assert done.returncode == 1, done.stderr
    assert f"未完成的{name}" in done.stderr and abort in done.stderr
    assert "钩子" not in done.stderr and "Traceback" not in done.stderr
    staged = git(git_ledger, "-c", "core.quotepath=off", "diff", "--cached", "--name-only")
    assert "合并中的记录" not in staged  # not folded into the merge's own commit
    git(git_ledger, *abort.split()[1:])
    command = done.stderr.splitlines()[-1].strip()
    subprocess.run(command, shell=True, check=True, capture_output=True)
    assert git(git_ledger, "status", "--porcelain") == ""
    assert git(git_ledger, "log", "-1", "--format=%s").startswith("记录：2022-03-05 合并中的记录")
