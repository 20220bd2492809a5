"""`plan assessment`: put the packaged starter 测评体系 into the ledger and commit it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..atomic import publish
from ..errors import Severity, WenmingError
from ..ledger import ASSESSMENT_DIR
from ..parse_assessment import parse_assessment
from ..starter import starter_text
from ..yamlio import parse_text
from .commit import commit

STARTER_NAME = "全国文明单位测评体系-2012试行"


@dataclass(frozen=True)
class AssessmentNew:
    """Where the starter was written, how many points are left to fill in, and the commit."""

    path: str
    placeholders: int
    outcome: git.CommitOutcome


def new_assessment(root: Path, name: str = STARTER_NAME) -> AssessmentNew:
    """Write assessment/<name>.yaml from the starter (never over a file) and commit exactly it."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise WenmingError(f"“{name}”不能用作文件名", "名称里不要有 / 或 \\，也不要以 . 开头")
    rel = f"{ASSESSMENT_DIR}/{name}.yaml"
    text = starter_text("assessment.yaml", 0)
    data, problems = parse_text(text, rel)
    assessment, more = parse_assessment(data, rel, name)
    if assessment is None or any(p.severity is Severity.ERROR for p in problems + more):
        raise AssertionError("the packaged starter assessment does not parse")  # pragma: no cover
    (root / ASSESSMENT_DIR).mkdir(exist_ok=True)
    if not publish(root / rel, text):
        raise WenmingError(f"已有 {rel}，没有覆盖", "换一个名称（--name），或直接修改已有的文件")
    placeholders = sum(i.points is None for i in assessment.items)
    if not git.available() or not git.is_repository(root):
        reason = "找不到 git 程序" if not git.available() else "台账不在 git 仓库中"
        outcome = git.CommitOutcome(
            False, reason=reason, command=git.finish_command(root, [rel], _MESSAGE)
        )
        return AssessmentNew(rel, placeholders, outcome)
    return AssessmentNew(rel, placeholders, commit(root, [rel], _MESSAGE).outcome)


_MESSAGE = "加入起步测评体系（全国文明单位测评体系，2012 年试行）"
