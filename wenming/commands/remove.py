"""`rm`: take a record back — its file and its evidence folder — and commit the removal."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..ledger import RECORDS_DIR
from ..model import Record
from .commit import Committed, commit
from .records import locate


@dataclass(frozen=True)
class Removal:
    """A record about to be removed, and every ledger path that goes with it."""

    record: Record
    paths: tuple[str, ...]  # the record file first, then its evidence files

    @property
    def message(self) -> str:
        return f"删除记录：{self.record.date.isoformat()} {self.record.title}（{'、'.join(self.record.tasks)}）"


@dataclass(frozen=True)
class RemoveResult:
    """What was removed, and its commit (None when asked not to commit)."""

    removal: Removal
    committed: Committed | None


def plan_removal(root: Path, fragment: str) -> Removal:
    """The record named by `fragment` (its id or a unique piece of it) and its files."""
    record = locate(root, fragment)
    folder = root / RECORDS_DIR / str(record.year) / record.id
    evidence = (
        sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if not p.is_dir())
        if folder.is_dir() and not folder.is_symlink()
        else []
    )
    return Removal(record, (record.path, *evidence))


def remove(
    root: Path, removal: Removal, *, commit_it: bool = True, author: str | None = None
) -> RemoveResult:
    """Delete the record file, then its evidence folder, and commit exactly those paths.

    The record goes first: if anything stops half-way, what is left is an evidence folder no
    record names, which `check` reports as a leftover with the command that removes it.
    """
    record = removal.record
    (root / record.path).unlink(missing_ok=True)
    folder = root / RECORDS_DIR / str(record.year) / record.id
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    committed = commit(root, removal.paths, removal.message, author) if commit_it else None
    return RemoveResult(removal, committed)
