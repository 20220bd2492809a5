"""`fixed_date`: an activity within `window_days` of a day of the year (学雷锋纪念日 03-05)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..calendar import fixed_date_windows
from ..model import FixedDateReq, Plan
from .base import Common, Context, Kind, RequirementProgress, no_problems, window_progress

if TYPE_CHECKING:
    from ..parse import _Reader
    from ..yamlio import YMap

_MONTH_DAY = r"^(\d{1,2})-(\d{1,2})$"  # compiled (and kept by re) when first needed


def parse(r: _Reader, m: YMap, common: Common) -> FixedDateReq | None:
    raw = r.text(m, "date") or ""
    match = re.match(_MONTH_DAY, raw.strip())
    window = r.integer(m, "window_days", 0, 60) if "window_days" in m else 7
    month_day = (int(match.group(1)), int(match.group(2))) if match else None
    # 2000 is a leap year, so 02-29 is accepted here and clamped per plan year later.
    if month_day is None or not _valid_month_day(*month_day):
        r.error(
            m.line_of("date"), "invalid-date", f'固定日期“{raw}”无效，应写成 MM-DD，例如 "03-05"'
        )
        return None
    if window is None:
        return None
    return FixedDateReq(
        month=month_day[0], day=month_day[1], label=common["name"], window_days=window, **common
    )


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)
    except ValueError:
        return False
    return True


def describe(req: FixedDateReq, plan: Plan) -> str:
    name = req.label or req.name
    day = f"{req.month}月{req.day}日"
    head = f"{name}（{day}）" if name else day
    return f"{head}前后{req.window_days}天内有{req.type or '活动'}"


def evaluate(ctx: Context, req: FixedDateReq) -> RequirementProgress:
    found = fixed_date_windows(
        req.month, req.day, req.window_days, req.label or req.name, ctx.plan.start, ctx.plan.end
    )
    return window_progress(ctx, req.kind, describe(req, ctx.plan), req.type, found, "次")


KIND = Kind(
    "fixed_date", FixedDateReq, ("date",), ("window_days",), parse, no_problems, evaluate, describe
)
