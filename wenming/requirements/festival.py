"""`festival`: an activity within `window_days` of each listed traditional festival."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..calendar import festival_windows
from ..errors import Problem
from ..model import FESTIVALS, FestivalReq, Plan
from .base import Common, Context, Kind, RequirementProgress, window_progress

if TYPE_CHECKING:
    from ..parse import _Reader
    from ..yamlio import YMap


def parse(r: _Reader, m: YMap, common: Common) -> FestivalReq | None:
    festivals = r.texts(m, "festivals")
    window = r.integer(m, "window_days", 0, 60) if "window_days" in m else 7
    if window is None:
        return None
    return FestivalReq(festivals=festivals, window_days=window, **common)


def check(plan: Plan, req: FestivalReq) -> Iterator[Problem]:
    for festival in req.festivals:
        if festival not in FESTIVALS:
            yield Problem(
                req.source,
                "unknown-festival",
                f"未知的节日“{festival}”",
                f"可用：{'、'.join(FESTIVALS)}",
            )


def describe(req: FestivalReq, plan: Plan) -> str:
    names = "、".join(req.festivals)
    kind = f"{req.type}" if req.type else "活动"
    return f"{names}前后{req.window_days}天内各有{kind}"


def evaluate(ctx: Context, req: FestivalReq) -> RequirementProgress:
    found = festival_windows(req.festivals, req.window_days, ctx.plan.start, ctx.plan.end)
    label = describe(req, ctx.plan)
    return window_progress(
        ctx, req.kind, label, req.type, found, "个节日", default_type="我们的节日"
    )


KIND = Kind(
    "festival", FestivalReq, ("festivals",), ("window_days",), parse, check, evaluate, describe
)
