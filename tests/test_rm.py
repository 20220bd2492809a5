"""`wenming rm`: the record and its evidence go, in one commit of exactly those paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Cli, git

from wenming.cli import rm as rm_command

STEM = "20220305-学雷锋志愿服务进社区-0001"
RECORD = f"records/2022/{STEM}.yaml"
PHOTO = f"records/2022/{STEM}/照片-1.png"


def _committed_paths(root: Path) -> list[str]:
    out = git(root, "-c", "core.quotepath=false", "show", "--name-only", "--format=", "HEAD")
    return sorted(out.split())


def test_rm_removes_the_record_and_its_evidence_in_one_commit(cli: Cli, git_ledger: Path) -> None:
    (git_ledger / "other.txt").write_text("未提交的其他改动", encoding="utf-8")
    result = cli("rm", "0001", "--yes", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert not (git_ledger / RECORD).exists()
    assert not (git_ledger / "records/2022" / STEM).exists()
    assert _committed_paths(git_ledger) == sorted([RECORD, PHOTO])
    assert git(git_ledger, "log", "-1", "--format=%s").strip().startswith("删除记录：2022-03-05")
    assert "?? other.txt" in git(git_ledger, "status", "--porcelain")  # left alone
    assert cli("check", repo=git_ledger).exit_code == 0


def test_rm_asks_first_and_no_removes_nothing(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rm_command, "stdin_is_terminal", lambda: True)
    result = cli("rm", STEM, repo=git_ledger, input="n\n")
    assert result.exit_code == 130
    assert "已取消，未做任何修改" in result.stderr and "错误" not in result.stderr
    assert (git_ledger / RECORD).exists() and (git_ledger / PHOTO).exists()
    assert git(git_ledger, "status", "--porcelain") == ""


def test_rm_in_a_script_needs_yes(cli: Cli, git_ledger: Path) -> None:
    result = cli("rm", "0001", repo=git_ledger)
    assert result.exit_code == 1
    assert "--yes" in result.stderr
    assert (git_ledger / RECORD).exists()


def test_rm_of_an_unknown_record_changes_nothing(cli: Cli, git_ledger: Path) -> None:
    result = cli("rm", "没有这条", "--yes", repo=git_ledger)
    assert result.exit_code == 1
    assert "wenming list" in result.stderr
    assert git(git_ledger, "status", "--porcelain") == ""


def test_a_failed_commit_says_how_to_finish(cli: Cli, mini_ledger: Path, tmp_path: Path) -> None:
    """Outside git the files are removed and the message gives the command that commits it."""
    copy = tmp_path / "copy"
    shutil.copytree(mini_ledger, copy)
    result = cli("rm", "0001", "--yes", repo=copy)
    assert result.exit_code == 1
    assert "文件已删除，但没有提交到 git" in result.stderr and "git -C" in result.stderr
    assert not (copy / RECORD).exists()
