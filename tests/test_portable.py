"""What keeps wenming working on Windows: a cross-platform commit lock and a GBK console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import git
from filelock import FileLock
from test_faults import ADD


def gbk_wenming(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI as on a Chinese Windows console: output encoded as GBK."""
    return subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(root), *args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "gbk", **env},
        check=False,
    )


def test_a_gbk_console_shows_what_it_cannot_encode_as_question_marks(git_ledger: Path) -> None:
    done = gbk_wenming(git_ledger, *ADD, "--title", "志愿服务😀进社区\ufffd")
    out, err = done.stdout.decode("gbk"), done.stderr.decode("gbk")
    assert done.returncode == 0, err
    assert "已提交" in out and "志愿服务?进社区?" in out
    assert git(git_ledger, "status", "--porcelain") == ""
    assert "志愿服务😀进社区\ufffd" in git(git_ledger, "log", "-1", "--format=%s")

    record = next((git_ledger / "records" / "2022").glob("*0001.yaml"))
    record.write_text(
        record.read_text(encoding="utf-8").replace("unit: 团委", "unit: 团委😀"), encoding="utf-8"
    )
    done = gbk_wenming(git_ledger, "check")
    err = (done.stdout + done.stderr).decode("gbk")
    assert done.returncode == 1, err
    assert "组织单位“团委?”不在计划的 units 中" in err and "内部错误" not in err


def test_a_held_commit_lock_is_waited_for_then_reported(git_ledger: Path) -> None:
    lock = FileLock(git_ledger / ".git" / "wenming-commit.lock")
    with lock:
        done = subprocess.run(
            [sys.executable, "-m", "wenming", "--repo", str(git_ledger), *ADD, "--title", "等锁"],
            capture_output=True,
            text=True,
            env={**os.environ, "WENMING_GIT_LOCK_WAIT": "0.5"},
            check=False,
        )
    assert done.returncode == 1, done.stderr
    assert "另一个 wenming 进程正在提交" in done.stderr
    command = done.stderr.splitlines()[-1].strip()
    subprocess.run(command, shell=True, check=True, capture_output=True)
    assert git(git_ledger, "status", "--porcelain") == ""


def test_the_finish_command_quotes_for_the_shell_at_hand() -> None:
    from wenming.git import shell_quote

    assert shell_quote("records/2022/活动 记录.yaml", windows=False) == (
        "'records/2022/活动 记录.yaml'"
    )
    assert shell_quote(r"D:\台账\records\活动 记录.yaml", windows=True) == (
        r'"D:\台账\records\活动 记录.yaml"'
    )
    assert shell_quote("记录：2022-03-05", windows=True) == "记录：2022-03-05"
