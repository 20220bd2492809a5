"""`plan new`: next year's plan from an earlier one, checked, written and committed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..atomic import publish
from ..documents import checked_plan
from ..errors import Problem, Severity, WenmingError
from ..ledger import MAX_PLAN_BYTES, PLAN_DIR
from ..nextplan import roll_forward
from ..yamlio import YMap, load_file, parse_text
from .commit import commit

_YEAR_FILE = re.compile(r"^(\d{4})\.yaml$")


@dataclass(frozen=True)
class PlanNew:
    """The plan written, the one it came from, what is left to confirm, and the commit."""

    path: str
    source: str
    year: int
    facts: tuple[str, ...]  # flagged to confirm
    warnings: tuple[Problem, ...]
    outcome: git.CommitOutcome


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def _source_year(root: Path, year: int, source_year: int | None) -> int:
    folder = root / PLAN_DIR
    years = sorted(
        int(m.group(1))
        for p in (folder.iterdir() if folder.is_dir() else [])
        if (m := _YEAR_FILE.match(p.name))
    )
    if source_year is not None:
        if source_year not in years:
            raise WenmingError(
                f"没有 {PLAN_DIR}/{source_year}.yaml",
                "已有的计划年份：" + ("、".join(map(str, years)) or "无"),
            )
        return source_year
    earlier = [y for y in years if y < year]
    if not earlier:
        raise WenmingError(
            f"没有 {year} 年以前的计划可以沿用",
            "用 --from 年份 指定从哪一年的计划生成，或用 wenming plan import 导入计划文档",
        )
    return earlier[-1]


def plan_new(root: Path, year: int, source_year: int | None = None) -> PlanNew:
    """Write plan/<year>.yaml from plan/<source>.yaml (never over a file) and commit exactly it."""
    source = _source_year(root, year, source_year)
    if source == year:
        raise WenmingError(
            f"--from {source} 与新计划的年份相同", "写出要生成的新年份，如 wenming plan new 2023"
        )
    rel_from, rel = f"{PLAN_DIR}/{source}.yaml", f"{PLAN_DIR}/{year}.yaml"
    if (root / rel).exists():
        raise WenmingError(f"已有 {rel}，没有覆盖", "直接修改它；要重新生成，先把它删除或改名")
    data, problems = load_file(root / rel_from, rel_from, MAX_PLAN_BYTES)
    plan, problems = checked_plan((data, problems), rel_from)
    if plan is None or _errors(problems) or not isinstance(data, YMap):
        shown = "\n".join(f"  {p.format()}" for p in _errors(problems)[:10])
        raise WenmingError(
            f"{rel_from} 有错误，没有生成 {year} 年的计划：\n{shown}",
            f"先改正 {rel_from}（wenming check 列出全部问题）",
        )
    text = (root / rel_from).read_text(encoding="utf-8-sig")
    new_text = roll_forward(text, data, rel_from, source, year)
    new_plan, new_problems = checked_plan(parse_text(new_text, rel), rel)
    if new_plan is None or _errors(new_problems) or new_plan.year != year:  # pragma: no cover
        shown = "\n".join(f"  {p.format()}" for p in _errors(new_problems)[:10])
        raise WenmingError(
            f"生成的 {year} 年计划有错误，没有写入：\n{shown}",
            f"复制 {rel_from} 为 {rel} 后手工修改",
        )
    if not publish(root / rel, new_text):
        raise WenmingError(f"已有 {rel}，没有覆盖", "直接修改它")
    warnings = tuple(p for p in new_problems if p.severity is Severity.WARNING)
    message = f"{year} 年计划：由 {source} 年计划生成"
    if not git.available() or not git.is_repository(root):
        reason = "找不到 git 程序" if not git.available() else "台账不在 git 仓库中"
        outcome = git.CommitOutcome(
            False, reason=reason, command=git.finish_command(root, [rel], message)
        )
    else:
        outcome = commit(root, [rel], message).outcome
    return PlanNew(rel, rel_from, year, tuple(new_plan.facts), warnings, outcome)
