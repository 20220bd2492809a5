"""Creating a new ledger (`wenming init`) from the starter files packaged beside this module."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import git
from ..documents import checked_plan
from ..errors import Problem, Severity, WenmingError
from ..ledger import MAX_PLAN_BYTES, PLAN_DIR, RECORDS_DIR
from ..model import Plan
from ..yamlio import load_file, parse_text

HERE = Path(__file__).parent
TEMPLATES = HERE.parent / "templates"  # packaged defaults, when the installed wenming has them
TEMPLATES_DIR = "templates"
KEEP = ".gitkeep"


@dataclass
class InitResult:
    root: Path
    year: int
    paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outcome: git.CommitOutcome | None = None


def starter_text(name: str, year: int) -> str:
    return (HERE / name).read_text(encoding="utf-8").replace("__YEAR__", str(year))


def _refuse(problems: list[Problem], what: str) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        shown = "\n".join(f"  {p.format()}" for p in errors[:20])
        raise WenmingError(
            f"{what}有错误，未创建台账：\n{shown}", "改正计划文件后重新运行 wenming init"
        )


def _checked_plan(data: object, problems: list[Problem], rel: str, what: str) -> Plan:
    plan, problems = checked_plan((data, problems), rel)
    _refuse(problems, what)
    if plan is None:  # pragma: no cover - parse_plan reports why whenever it returns None
        raise WenmingError(f"{what}无法读取")
    return plan


def _plan_text(plan_file: Path | None, year: int | None, today: date) -> tuple[int, str]:
    if plan_file is None:
        chosen = year or today.year
        text = starter_text("plan.yaml", chosen)
        rel = f"{PLAN_DIR}/{chosen}.yaml"
        _checked_plan(*parse_text(text, rel), rel, "示例计划")
        return chosen, text
    if not plan_file.is_file():
        raise WenmingError(f"计划文件“{plan_file}”不存在或不是文件")
    data, problems = load_file(plan_file, plan_file.name, MAX_PLAN_BYTES)
    plan = _checked_plan(data, problems, plan_file.name, f"计划文件 {plan_file.name} ")
    text = plan_file.read_text(encoding="utf-8-sig")
    if year is not None and plan.year != year:
        raise WenmingError(
            f"计划文件写的是 {plan.year} 年，与 --year {year} 不一致", "去掉 --year，或改正计划文件"
        )
    return plan.year, text


def _existing_ledger(root: Path) -> bool:
    return (root / PLAN_DIR).exists() or (root / RECORDS_DIR).exists()


def lay_out(
    root: Path, plan_file: Path | None = None, year: int | None = None, today: date | None = None
) -> InitResult:
    """Lay out a new ledger's files in `root` (the `init` use case then commits them)."""
    root = root.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise WenmingError(f"“{root}”是一个文件，不是文件夹")
    if _existing_ledger(root):
        raise WenmingError(
            f"“{root}”已经是台账（已有 {PLAN_DIR}/ 或 {RECORDS_DIR}/），不会覆盖",
            "换一个空文件夹，或直接在这个台账中工作；新一年的计划放到 plan/<年份>.yaml",
        )
    chosen, plan_text = _plan_text(plan_file, year, today or date.today())
    result = InitResult(root, chosen)
    files: dict[str, str] = {
        f"{PLAN_DIR}/{chosen}.yaml": plan_text,
        f"{RECORDS_DIR}/{KEEP}": "",
        ".gitignore": starter_text("gitignore.txt", chosen),
        "README.md": starter_text("README.md", chosen),
    }
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        if path.exists():
            result.notes.append(f"已有 {rel}，保留原文件")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        result.paths.append(rel)
    result.paths += _copy_templates(root, result.notes)
    return result


def _copy_templates(root: Path, notes: list[str]) -> list[str]:
    target = root / TEMPLATES_DIR
    target.mkdir(exist_ok=True)
    sources = sorted(p for p in TEMPLATES.rglob("*") if p.is_file()) if TEMPLATES.is_dir() else []
    sources = [p for p in sources if "__pycache__" not in p.parts and p.suffix != ".pyc"]
    copied: list[str] = []
    for source in sources:
        rel = source.relative_to(TEMPLATES).as_posix()
        dest = target / rel
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        copied.append(f"{TEMPLATES_DIR}/{rel}")
    if not copied:
        keep = target / KEEP
        if not keep.exists():
            keep.write_text("", encoding="utf-8")
            copied.append(f"{TEMPLATES_DIR}/{KEEP}")
        notes.append("这个版本的 wenming 没有附带导出模板，templates/ 暂为空")
    return copied


def install_hook(root: Path, notes: list[str]) -> None:
    hook = git.hook_path(root, "pre-commit")
    if hook.exists():
        notes.append(f"已有提交钩子 {hook}，没有覆盖；可在其中加入一行：wenming check")
        return
    hook.parent.mkdir(parents=True, exist_ok=True)
    text = (HERE / "pre-commit.sh").read_text(encoding="utf-8")
    hook.write_text(text.replace("__PYTHON__", sys.executable), encoding="utf-8", newline="\n")
    hook.chmod(0o755)
