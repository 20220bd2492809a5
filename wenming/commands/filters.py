"""The unit, section and task a command is narrowed to, checked against the plan."""

from __future__ import annotations

from datetime import date

from ..errors import WenmingError
from ..model import Plan


def check_filters(
    plan: Plan,
    unit: str | None = None,
    section: str | None = None,
    task: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> None:
    """Refuse a unit, section or task the plan does not have (saying which it has), or a date
    range that ends before it starts."""
    if unit is not None and unit not in plan.units:
        raise WenmingError(f"计划中没有单位“{unit}”", "可选单位：" + "、".join(plan.units))
    if section is not None and section not in {s.id for s in plan.sections}:
        ids = "、".join(s.id for s in plan.sections)
        raise WenmingError(f"计划中没有板块“{section}”", f"板块编号：{ids}")
    if task is not None and task not in plan.tasks:
        raise WenmingError(f"计划中没有任务“{task}”", "运行 wenming status 查看全部任务编号")
    if start and end and start > end:
        raise WenmingError(
            f"起始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}", "检查 --from 和 --to"
        )
