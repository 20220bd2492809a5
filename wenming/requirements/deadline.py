"""`deadline`: at least `min` activities on or before a date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import Problem
from ..model import DeadlineReq, Plan
from .base import Common, Context, Kind, Part, RequirementProgress, Todo, part_state, state

if TYPE_CHECKING:
    from ..parse import _Reader
    from ..yamlio import YMap


def parse(r: _Reader, m: YMap, common: Common) -> DeadlineReq | None:
    by = r.date(m, "by")
    minimum = r.integer(m, "min", 1, 10_000) if "min" in m else 1
    return DeadlineReq(by=by, min=minimum, **common) if by and minimum else None


def check(plan: Plan, req: DeadlineReq) -> Iterator[Problem]:
    if not plan.start <= req.by <= plan.end:
        yield Problem(
            req.source,
            "date-outside-period",
            f"截止日期 {req.by} 不在计划期间 {plan.start}～{plan.end} 内",
        )


def describe(req: DeadlineReq, plan: Plan) -> str:
    head = f"{req.name}：" if req.name else ""
    times = f"至少{req.min}次" if req.min > 1 else ""
    return f"{head}{req.by.isoformat()}前完成{req.type or '活动'}{times}"


def evaluate(ctx: Context, req: DeadlineReq) -> RequirementProgress:
    ids = tuple(r.id for r in ctx.typed(req.type) if r.date <= req.by)
    n = len(ids)
    met = n >= req.min
    late = not met and req.by <= ctx.as_of
    if met:
        reason = f"已于 {req.by.isoformat()} 前完成"
    elif late:
        reason = f"截止日期 {req.by.isoformat()} 已过，尚未完成"
    else:
        reason = f"须在 {req.by.isoformat()} 前完成"
    todo = (
        ()
        if met
        else (Todo(f"{req.by.isoformat()} 前", date=min(req.by, ctx.as_of), type=req.type),)
    )
    return RequirementProgress(
        kind=req.kind,
        label=describe(req, ctx.plan),
        state=state(met, late, n > 0),
        met=met,
        done=min(n, req.min),
        total=req.min,
        progress=f"{min(n, req.min)}/{req.min} 次",
        missing=() if met else (f"{req.by.isoformat()} 前",),
        reason=reason,
        todo=todo,
        parts=(
            Part(
                f"{req.by.isoformat()} 前",
                part_state(met, ctx.plan.start, req.by, ctx.as_of),
                ids,
                f"{n}/{req.min} 次" if req.min > 1 else "",
            ),
        ),
    )


KIND = Kind("deadline", DeadlineReq, ("by",), ("min",), parse, check, evaluate, describe)
