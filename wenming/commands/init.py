"""`init`: lay out a new ledger, make it a git repository with its check hook, and commit it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import git
from ..starter import InitResult, install_hook, lay_out
from .commit import commit


def init(
    root: Path, plan_file: Path | None = None, year: int | None = None, today: date | None = None
) -> InitResult:
    """`wenming init`: the files, the repository, the pre-commit hook and the first commit."""
    result = lay_out(root, plan_file, year, today)
    root = result.root
    message = f"初始化台账（{result.year} 年）"
    if not git.available():
        result.outcome = git.CommitOutcome(
            False,
            reason="找不到 git 程序（PATH 中没有 git），台账没有放进 git 仓库",
            command=f"git init {root} && " + git.finish_command(root, result.paths, message),
        )
        return result
    if not git.is_repository(root):
        git.init_repository(root)
    install_hook(root, result.notes)
    result.outcome = commit(root, result.paths, message).outcome
    return result
