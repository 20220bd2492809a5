"""`wenming plan import`: a plan document (.txt, .md, .docx) turned into plan YAML and a report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_replacing
from ..errors import Problem, Severity, WenmingError
from .build import PlanOut, build
from .emit import emit
from .reader import read_document

__all__ = ["ImportResult", "import_plan", "write_plan"]

_KIND_NAMES = {
    "deadline": "截止日期", "count": "频次", "metric": "指标", "each_of": "活动类型清单",
    "festival": "节日", "fixed_date": "固定日期", "evidence_set": "佐证材料",
}  # fmt: skip


@dataclass
class ImportResult:
    plan: PlanOut
    yaml: str
    problems: list[Problem]  # what `wenming check` would say about the written plan

    @property
    def year(self) -> int:
        return self.plan.year

    def report(self, source: str) -> str:
        """The Chinese summary shown after an import."""
        plan = self.plan
        placeholders = sum(u.placeholder for u in plan.units)
        counts = plan.requirement_counts()
        kinds = "、".join(f"{_KIND_NAMES.get(k, k)} {n}" for k, n in counts.items())
        lines = [
            f"已读取“{source}”：{plan.year} 年计划《{plan.title}》",
            f"  章节 {len(plan.sections)} 个，任务 {len(plan.tasks)} 项："
            + "、".join(t.id for t in plan.tasks),
            f"  单位 {len(plan.units)} 个（其中占位名称 {placeholders} 个，需填写真实名称）",
            f"  读出要求 {sum(counts.values())} 条" + (f"（{kinds}）" if kinds else ""),
        ]
        if plan.facts:
            lines.append(f"  请在 facts 中填写：{'、'.join(plan.facts)}（暂记为 1）")
        if plan.unplaced:
            lines.append(f"未能导入或需要核对的内容 {len(plan.unplaced)} 处：")
            for item in plan.unplaced:
                said = item.phrase or item.line.text
                excerpt = said if len(said) <= 30 else said[:30] + "…"
                # Two lines, so that each fits an 80-column terminal.
                lines += [f"  {item.line.where}：{excerpt}", f"    {item.reason}"]
        else:
            lines.append("全部内容均已归入。")
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        if errors:  # a bug in the importer, not the user's fault; say so rather than hide it
            lines.append(
                f"注意：生成的计划仍有 {len(errors)} 个错误，请运行 wenming check 查看并修改："
            )
            lines += [f"  {p.message}" for p in errors[:10]]
        return "\n".join(lines)


def import_plan(path: Path, year: int | None = None) -> ImportResult:
    """Read and convert; nothing is written. User errors are WenmingError."""
    lines = read_document(path)
    plan = build(lines, year)
    text = emit(plan, path.name)
    return ImportResult(plan, text, self_check(text, plan.year))


def self_check(text: str, year: int) -> list[Problem]:
    """The problems `wenming check` would report on the plan alone."""
    from ..documents import checked_plan
    from ..yamlio import parse_text

    rel = f"plan/{year}.yaml"
    return checked_plan(parse_text(text, rel), rel)[1]


def write_plan(result: ImportResult, target: Path, force: bool = False) -> None:
    """Write atomically; an existing file is only replaced with force."""
    if target.exists() and not force:
        raise WenmingError(
            f"“{target}”已存在，未覆盖",
            "确认要替换时加 --force（旧文件若已提交到 git，可从历史中找回），或用 -o 写到别处",
        )
    if target.is_dir():
        raise WenmingError(f"“{target}”是文件夹", "用 -o 给出文件路径，例如 -o plan/2022.yaml")
    write_replacing(target, result.yaml)
