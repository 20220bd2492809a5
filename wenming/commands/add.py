"""`add`: check a new activity against its plan, write it with its evidence, and commit it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..dates import DateError, parse_loose
from ..errors import WenmingError
from ..ledger import load, load_plans, select_plan
from ..model import Ledger, Plan
from ..record import Draft, Prepared, commit_message, discard, prepare, write
from .commit import Committed, commit


@dataclass(frozen=True)
class AddResult:
    """The record as written, and its commit (None when asked not to commit)."""

    written: Prepared
    committed: Committed | None

    @property
    def message(self) -> str:
        return commit_message(self.written.record)


def ledger_and_plan(
    root: Path, year: int | None, day: date | None, today: date, use_cache: bool = True
) -> tuple[Ledger, Plan]:
    """The ledger's plans, and the plan a record of `day` belongs to (or `--year`'s).

    No record is read: logging one needs only its plan (a ledger of 20,000 records adds one as
    fast as a ledger of ten). Prompts that offer the last record's values read them apart.
    """
    ledger = load_plans(root, use_cache)
    return ledger, select_plan(ledger, year, day or today)


def with_records(root: Path, use_cache: bool = True) -> Ledger:
    """The whole ledger, for the prompts' defaults (the user's last record of the task)."""
    return load(root, use_cache)


def read_date(ledger: Ledger, year: int | None, text: str, today: date) -> date:
    """The `--date` text as a date; a year left out is the plan's (`--year`, the only one, or
    the one in use), and a date no plan covers is refused with how to make that year's plan."""
    in_use = select_plan(ledger, year, today)
    try:
        day = parse_loose(text, in_use.year)
    except DateError as exc:
        raise WenmingError(str(exc), f"例如 --date {in_use.year}-03-05") from None
    covered = any(p.start <= day <= p.end for p in ledger.plans.values())
    if year is None and not covered and day.year not in ledger.plans:
        last = max(ledger.plans)
        raise WenmingError(
            f"没有 {day.year} 年的计划，不能记录 {day.isoformat()} 的活动",
            f"先建立 {day.year} 年的计划：wenming plan new {day.year}（由 {last} 年的计划生成），"
            f"或 wenming plan import 计划文件.docx --year {day.year}；如果是日期写错了，改正 --date",
        )
    return day


def save(root: Path, plan: Plan, prepared: Prepared) -> Prepared:
    """Write the checked record and copy its evidence, never over anything already there."""
    return write(root, plan, prepared)


def commit_record(root: Path, written: Prepared, author: str | None = None) -> Committed:
    """Commit the record and its evidence files, and nothing else."""
    return commit(root, written.paths, commit_message(written.record), author)


def undo(root: Path, written: Prepared) -> None:
    """Remove a record written but not committed (the user stopped before the commit)."""
    discard(root, written)


def add(
    root: Path,
    plan: Plan,
    draft: Draft,
    *,
    commit_it: bool = True,
    record_id: str | None = None,
    author: str | None = None,
) -> AddResult:
    """`wenming add` in one step, for a front end that asks nothing in between."""
    written = save(root, plan, prepare(root, plan, draft, record_id))
    return AddResult(written, commit_record(root, written, author) if commit_it else None)
