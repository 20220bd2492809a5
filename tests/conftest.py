"""Shared fixtures: tiny ledgers from dicts, a copy of the test ledger, real git with a fixed author."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import Result
from typer.testing import CliRunner

from wenming.cli import app

CASES = Path(__file__).parent / "cases"
MINI_LEDGER = CASES / "ledger"
REPO_ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Let a bug's traceback reach pytest, and keep the load cache out of the user's home."""
    monkeypatch.setenv("WENMING_DEBUG", "1")
    monkeypatch.setenv("WENMING_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试员",
    "GIT_AUTHOR_EMAIL": "tester@example.org",
    "GIT_COMMITTER_NAME": "测试员",
    "GIT_COMMITTER_EMAIL": "tester@example.org",
    "GIT_AUTHOR_DATE": "2022-06-01T09:00:00+08:00",
    "GIT_COMMITTER_DATE": "2022-06-01T09:00:00+08:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}

Tree = Mapping[str, "str | bytes | Tree"]


def make_tree(root: Path, tree: Tree) -> Path:
    """Write a nested dict as files: str values as UTF-8 text, bytes as is, dicts as folders."""
    for name, content in tree.items():
        path = root / name
        if isinstance(content, Mapping):
            path.mkdir(parents=True, exist_ok=True)
            make_tree(path, content)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Tree], Path]:
    return lambda spec: make_tree(tmp_path, spec)


@pytest.fixture
def mini_ledger(tmp_path: Path) -> Path:
    """A copy of tests/cases/ledger: a four-task plan and one clean record with a real photo."""
    root = tmp_path / "ledger"
    shutil.copytree(MINI_LEDGER, root)
    return root


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A fixed git identity and no user/global config, for every git run in the test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    return dict(os.environ)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def git_ledger(mini_ledger: Path, git_env: dict[str, str]) -> Path:
    """The mini ledger as a git repository with one commit."""
    git(mini_ledger, "init", "-q", "-b", "main")
    git(mini_ledger, "config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    git(mini_ledger, "config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    git(mini_ledger, "add", "-A")
    git(mini_ledger, "commit", "-q", "-m", "init")
    return mini_ledger


@pytest.fixture(scope="session")
def fresh_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger made by `wenming init` for 2022 (with its check hook); copy it, never change it."""
    from wenming.commands.init import init

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        result = init(tmp_path_factory.mktemp("fresh") / "台账", year=2022)
    assert result.outcome is not None and result.outcome.ok, result.outcome
    return result.root


class Cli(Protocol):
    """The `cli` fixture: run `wenming ARGS` in-process."""

    def __call__(
        self, *args: str, repo: Path | None = None, input: str | None = None
    ) -> Result: ...


@pytest.fixture
def cli() -> Cli:
    """Run `wenming ARGS` in-process with --repo set to `repo` (when given)."""
    runner = CliRunner()

    def run(*args: str, repo: Path | None = None, input: str | None = None) -> Result:
        argv = (["--repo", str(repo)] if repo is not None else []) + list(args)
        return runner.invoke(app, argv, input=input, catch_exceptions=False)

    return run
