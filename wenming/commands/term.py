"""`status --years`: the state of every year of a term, side by side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import Severity, WenmingError
from ..ledger import scan
from ..model import Activity, Plan
from ..progress import ProgressFactory
from ..term import Term, across
from .score import assessment_ledger, choose_assessment

_RANGE = re.compile(r"^\s*(\d{4})\s*(?:[-~～至到]\s*(\d{4}))?\s*$")
MAX_TERM_YEARS = 10


def year_range(text: str) -> tuple[int, int]:
    """`2020-2022` (or a single `2022`) as (first, last)."""
    match = _RANGE.match(text)
    if not match:
        raise WenmingError(f"“{text}”不是年份范围", "写成 2020-2022，或单独一个年份如 2022")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise WenmingError(f"年份范围 {text} 的结束早于开始", "写成 2020-2022")
    if last - first >= MAX_TERM_YEARS:
        raise WenmingError(f"年份范围 {text} 超过 {MAX_TERM_YEARS} 年", "一个测评周期通常是 3 年")
    return first, last


@dataclass(frozen=True)
class TermResult:
    plans: tuple[Plan, ...]
    term: Term
    activities: dict[int, list[Activity]]
    errors: int


def term(
    root: Path,
    years: str,
    *,
    as_of: date | None = None,
    assessment: str | None = None,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> TermResult:
    """Every plan year of the range at `as_of` (each clamped into its period)."""
    first, last = year_range(years)
    today = today or date.today()
    plans: list[Plan] = []
    activities: dict[int, list[Activity]] = {}
    available: list[int] = []
    missing: list[int] = []
    errors = 0
    for year in range(first, last + 1):
        try:
            shot = scan(root, year, today, use_cache, progress)
        except WenmingError:
            missing.append(year)
            continue
        available = sorted(shot.plans)
        plans.append(shot.plan)
        activities[year] = shot.activities
        errors += sum(p.severity is Severity.ERROR for p in shot.problems)
    if missing:
        raise WenmingError(
            f"没有 {'、'.join(map(str, missing))} 年的计划",
            "已有的计划年份："
            + ("、".join(map(str, available)) or "见 plan/ 文件夹")
            + "；可用 wenming plan new 年份 由上一年的计划生成",
        )
    found = assessment_ledger(root)
    chosen = (
        choose_assessment(found.assessments, assessment)
        if found.assessments or assessment is not None
        else None
    )
    errors += sum(p.severity is Severity.ERROR for p in found.problems)
    result = across(plans, activities, as_of or today, chosen, found.incidents)
    return TermResult(tuple(plans), result, activities, errors)
