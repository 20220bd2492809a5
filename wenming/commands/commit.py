"""Committing what a use case wrote: the one place `add` and `init` commit, and say how it went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import git


@dataclass(frozen=True)
class Committed:
    """A commit's outcome, and whether it landed on no branch (a detached HEAD)."""

    outcome: git.CommitOutcome
    detached: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome.ok


def commit(root: Path, paths: Sequence[str], message: str, author: str | None = None) -> Committed:
    """Commit exactly `paths`, leaving the user's other changes as they are; `author`
    ("Name <email>") when someone other than git's configured user did the work."""
    outcome = git.commit_paths(root, paths, message, author)
    return Committed(outcome, outcome.ok and git.detached(root))
