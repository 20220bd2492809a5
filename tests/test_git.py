"""The git module against real repositories: head, identity, path-limited commits and failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import git

from wenming import git as wgit

MESSAGE = "记录：2022-03-05 测试（7.1）"


def _status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def _changed(root: Path, rev: str = "HEAD") -> list[str]:
    return git(root, "-c", "core.quotepath=false", "show", "--name-only", "--format=", rev).split()


def _new_file(root: Path, rel: str = "records/2022/新记录.yaml") -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("title: 新记录\n", encoding="utf-8")
    return rel


def test_head_commit_outside_git_is_none(tmp_path: Path) -> None:
    assert wgit.head_commit(tmp_path) is None


def test_head_commit_before_first_commit_is_none(tmp_path: Path, git_env: dict[str, str]) -> None:
    git(tmp_path, "init", "-q")
    assert wgit.head_commit(tmp_path) is None


def test_head_commit_is_the_short_hash(git_ledger: Path) -> None:
    assert wgit.head_commit(git_ledger) == git(git_ledger, "rev-parse", "--short", "HEAD").strip()


def test_head_commit_without_git_on_path(
    git_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert wgit.head_commit(git_ledger) is None


def test_commit_paths_commits_only_those_paths(git_ledger: Path) -> None:
    (git_ledger / "staged.txt").write_text("staged\n", encoding="utf-8")
    git(git_ledger, "add", "staged.txt")
    plan = git_ledger / "plan" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "# 用户自己的修改\n", encoding="utf-8")
    before = _status(git_ledger)
    rel = _new_file(git_ledger)

    outcome = wgit.commit_paths(git_ledger, [rel], MESSAGE)

    assert outcome.ok, outcome.reason
    assert outcome.commit == wgit.head_commit(git_ledger)
    assert _changed(git_ledger) == [rel]
    assert git(git_ledger, "log", "-1", "--format=%s%n%an <%ae>").splitlines() == [
        MESSAGE,
        "测试员 <tester@example.org>",
    ]
    assert _status(git_ledger) == before  # the user's staged and modified files as they were


def test_identity_unset_is_refused(git_ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.delenv("EMAIL", raising=False)
    git(git_ledger, "config", "--unset", "user.name")
    git(git_ledger, "config", "--unset", "user.email")
    head = wgit.head_commit(git_ledger)
    rel = _new_file(git_ledger)

    outcome = wgit.commit_paths(git_ledger, [rel], MESSAGE)

    assert not outcome.ok
    assert "user.name" in outcome.reason
    assert wgit.head_commit(git_ledger) == head


def test_not_a_repository(mini_ledger: Path, git_env: dict[str, str]) -> None:
    rel = _new_file(mini_ledger)
    outcome = wgit.commit_paths(mini_ledger, [rel], MESSAGE)
    assert not outcome.ok
    assert "不是 git 仓库" in outcome.reason
    assert rel in outcome.command


def test_git_missing(git_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rel = _new_file(git_ledger)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    outcome = wgit.commit_paths(git_ledger, [rel], MESSAGE)
    assert not outcome.ok
    assert "找不到 git" in outcome.reason


def test_held_index_lock_gives_up_after_retrying(
    git_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(wgit.LOCK_WAIT_ENV, "0.3")
    (git_ledger / ".git" / "index.lock").write_text("", encoding="utf-8")
    head = wgit.head_commit(git_ledger)
    rel = _new_file(git_ledger)

    outcome = wgit.commit_paths(git_ledger, [rel], MESSAGE)

    assert not outcome.ok
    assert "index.lock" in outcome.reason
    assert wgit.head_commit(git_ledger) == head


def _rejecting_hook(root: Path) -> Path:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'rejected by test hook' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    return hook


def test_hook_rejection_then_the_printed_command_finishes(git_ledger: Path) -> None:
    hook = _rejecting_hook(git_ledger)
    head = wgit.head_commit(git_ledger)
    rel = _new_file(git_ledger)

    outcome = wgit.commit_paths(git_ledger, [rel], MESSAGE)

    assert not outcome.ok
    assert "rejected by test hook" in outcome.reason
    assert wgit.head_commit(git_ledger) == head
    hook.unlink()
    subprocess.run(outcome.command, shell=True, check=True, cwd="/")
    assert git(git_ledger, "log", "-1", "--format=%s").strip() == MESSAGE
    assert _changed(git_ledger) == [rel]


def test_identity_reads_env_before_config(
    git_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "环境变量")
    assert wgit.identity(git_ledger) == ("环境变量", "tester@example.org")
