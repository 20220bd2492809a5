"""`status --score`: the projected self-score of a plan year against the ledger's 测评体系."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..assessment import Assessment
from ..errors import Severity, WenmingError
from ..ledger import ASSESSMENT_DIR, load_assessments, scan
from ..model import Ledger, Plan
from ..progress import ProgressFactory
from ..scoring import Score, score


@dataclass(frozen=True)
class ScoreResult:
    """The score, the plan it was computed for, and how many errors may make it incomplete."""

    plan: Plan
    score: Score
    errors: int


def choose_assessment(assessments: list[Assessment], name: str | None) -> Assessment:
    """The assessment asked for by name, or the only one; refuse when that is ambiguous."""
    names = "、".join(a.name for a in assessments)
    if not assessments:
        raise WenmingError(
            f"台账中没有可用的测评体系（{ASSESSMENT_DIR}/*.yaml 缺失或有错误）",
            "运行 wenming plan assessment 写入随附的起步测评体系，按本地测评细则修改后再评分；"
            "有错误时运行 wenming check 查看",
        )
    if name is not None:
        for assessment in assessments:
            if assessment.name == name:
                return assessment
        raise WenmingError(f"没有名为“{name}”的测评体系", f"已有：{names}")
    if len(assessments) > 1:
        raise WenmingError(
            f"台账中有 {len(assessments)} 个测评体系：{names}",
            "用 --assessment 名称 指定按哪一个评分（名称是 assessment/ 下的文件名，不含 .yaml）",
        )
    return assessments[0]


def assessment_ledger(root: Path) -> Ledger:
    """The ledger's assessments and incidents alone (no records are read)."""
    return load_assessments(Ledger(root))


def self_score(
    root: Path,
    *,
    year: int | None = None,
    as_of: date | None = None,
    assessment: str | None = None,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> ScoreResult:
    """Score the plan year's activities against the chosen assessment at `as_of`."""
    today = today or date.today()
    snapshot = scan(root, year, today, use_cache, progress)
    found = assessment_ledger(root)
    chosen = choose_assessment(found.assessments, assessment)
    result = score(chosen, snapshot.plan, snapshot.activities, found.incidents, as_of or today)
    problems = snapshot.problems + found.problems
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return ScoreResult(snapshot.plan, result, errors)
