"""`plan import`: read a plan document (txt, md, docx) into plan YAML and write it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..planimport import ImportResult, import_plan, write_plan


@dataclass(frozen=True)
class PlanImport:
    """What was read from the document, and where it was written (None for a dry run)."""

    result: ImportResult
    target: Path | None


def plan_import(
    document: Path,
    *,
    year: int | None = None,
    target: Callable[[int], Path] | None = None,
    force: bool = False,
) -> PlanImport:
    """Read `document`; with `target` (the plan year → the file), write the plan YAML there.

    An existing file is replaced only with `force`.
    """
    result = import_plan(document, year)
    if target is None:
        return PlanImport(result, None)
    path = target(result.year)
    write_plan(result, path, force)
    return PlanImport(result, path)
