"""`roll-up export`: the roll-up as a workbook (汇总, 单位明细, 问题清单, 任务对照) or an HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import WenmingError
from ..progress import ProgressFactory
from .rollup_status import RollupStatus, rollup_status

FORMATS = ("xlsx", "html")
DEFAULT_IDLE_DAYS = 30


@dataclass(frozen=True)
class RollupExported:
    path: Path
    status: RollupStatus
    issues: int  # rows of 问题清单


def rollup_export(
    root: Path,
    output: Path | None = None,
    *,
    fmt: str | None = None,
    as_of: date | None = None,
    group: str | None = None,
    idle_days: int = DEFAULT_IDLE_DAYS,
    today: date | None = None,
    now: datetime | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> RollupExported:
    """Write the roll-up of the units (all, or one group) as of a day to `output`."""
    from ..atomic import replacing
    from ..export.rollup import build

    chosen = fmt or (output.suffix.lstrip(".").lower() if output is not None else "xlsx")
    if chosen not in FORMATS:
        raise WenmingError(f"不支持的导出格式“{chosen}”", "可选：xlsx（工作簿）、html（网页）")
    status = rollup_status(
        root, as_of=as_of, group=group, by_task=True, today=today, now=now,
        use_cache=use_cache, progress=progress,
    )  # fmt: skip
    target = output or root / f"汇总-{(as_of or today or date.today()).isoformat()}.{chosen}"
    if target.is_dir():
        raise WenmingError(f"{target} 是文件夹", "用 -o 指定一个文件名，如 -o 汇总.xlsx")
    title = "文明单位创建工作汇总" + (f"（{group}）" if group else "")
    data = build(status.units, status.matrix, status.now, as_of, idle_days, title)
    with replacing(target) as temp:
        if chosen == "xlsx":
            from ..export.xlsx import write_rollup

            write_rollup(data, temp)
        else:
            from ..export.html import render_rollup

            temp.write_text(render_rollup(data, root), encoding="utf-8")
    issues = next(len(t.rows) for t in data.tables if t.name == "问题清单")
    return RollupExported(target, status, issues)
