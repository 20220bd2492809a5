"""`check`: load the ledger, look at every evidence file and apply every rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..checks import check_ledger
from ..errors import Problem, Severity
from ..ledger import inspect_evidence, load
from ..progress import ProgressFactory


@dataclass(frozen=True)
class CheckResult:
    """Every problem the ledger has, in report order."""

    root: Path
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check(
    root: Path, use_cache: bool = True, progress: ProgressFactory | None = None
) -> CheckResult:
    """`wenming check`: the problems of the plans, every record and every evidence file."""
    return CheckResult(root, validate(root, use_cache, progress))


def validate(
    root: Path, use_cache: bool = True, progress: ProgressFactory | None = None
) -> list[Problem]:
    """The problems alone, as `check` reports them."""
    ledger = load(root, use_cache, progress)
    return check_ledger(ledger, inspect_evidence(ledger, use_cache))
