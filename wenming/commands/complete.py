"""Names a shell completes from the ledger: task ids, units, activity types, sections, years,
record ids; each with a short description where the shell shows one."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import WenmingError
from ..ledger import find_root, load_plans, record_files, record_id

What = Literal["task", "unit", "type", "section", "year", "record"]


def completions(
    repo: Path | None, what: What, incomplete: str, start: Path | None = None
) -> list[tuple[str, str]]:
    """(value, description) pairs for `what` that start with `incomplete`; nothing when no
    ledger is found. (A record id starts with its date: `2022-03<TAB>` offers March's.)"""
    try:
        root = find_root(repo, start or Path.cwd())
    except WenmingError:
        return []
    return [pair for pair in _names(root, what) if pair[0].startswith(incomplete)]


def _names(root: Path, what: What) -> list[tuple[str, str]]:
    if what == "record":
        ids = sorted((record_id(rel) for rel, _ in record_files(root)), reverse=True)
        return [(record, "") for record in ids]  # newest first: the likeliest to be meant
    plans = load_plans(root).plans
    names: dict[str, str] = {}
    for year in sorted(plans, reverse=True):  # the latest plan's words first
        plan = plans[year]
        if what == "task":
            pairs = [(task.id, task.title) for task in plan.tasks.values()]
        elif what == "unit":
            pairs = [(unit, "") for unit in plan.units]
        elif what == "type":
            pairs = [(name, "") for name in plan.activity_types]
        elif what == "section":
            pairs = [(section.id, section.title) for section in plan.sections]
        else:
            pairs = [(str(plan.year), plan.title)]
        for value, description in pairs:
            names.setdefault(value, description)
    return list(names.items())
