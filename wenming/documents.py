"""One plan or record document, read the way `wenming check` reads it: parsed, then checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checks import check_plan, check_record
from .errors import Problem
from .files import FileFact
from .model import Plan, Record
from .parse import parse_plan, parse_record

Parsed = tuple[Any, list[Problem]]  # what yamlio.parse_text and yamlio.load_file return


def checked_plan(parsed: Parsed, rel: str) -> tuple[Plan | None, list[Problem]]:
    """A plan from its YAML, with every problem `check` would report on the plan alone."""
    data, problems = parsed
    if data is None and problems:
        return None, problems
    plan, more = parse_plan(data, rel)
    problems = problems + more
    if plan is not None:
        problems += list(check_plan(plan))
    return plan, problems


def checked_record(
    parsed: Parsed, rel: str, record_id: str, plan: Plan, files: Mapping[str, FileFact]
) -> tuple[Record | None, list[Problem]]:
    """A record from its YAML, checked against its plan and the facts of its evidence files."""
    data, problems = parsed
    if data is None and problems:
        return None, problems
    record, more = parse_record(data, rel, record_id, plan.year)
    problems = problems + more
    if record is not None:
        problems += list(check_record(record, plan, files))
    return record, problems
