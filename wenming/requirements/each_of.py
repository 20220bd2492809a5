"""`each_of`: at least one activity of each listed type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import EachOfReq, Plan
from .base import Common, Context, Kind, Part, RequirementProgress, Todo, listing, state

if TYPE_CHECKING:
    from ..errors import Problem
    from ..parse import _Reader
    from ..yamlio import YMap


def parse(r: _Reader, m: YMap, common: Common) -> EachOfReq | None:
    types = r.texts(m, "types")
    return EachOfReq(types=types, **common) if types else None


def check(plan: Plan, req: EachOfReq) -> Iterator[Problem]:
    from ..vocabulary import unknown_type

    for name in req.types:
        if name not in plan.activity_types:
            yield unknown_type(req.source, name, plan)


def describe(req: EachOfReq, plan: Plan) -> str:
    return "开展" + "、".join(req.types) + "（每类至少1次）"


def evaluate(ctx: Context, req: EachOfReq) -> RequirementProgress:
    by_type = {t: tuple(r.id for r in ctx.records if r.type == t) for t in req.types}
    missing = tuple(t for t in req.types if not by_type[t])
    done = len(req.types) - len(missing)
    met = not missing
    reason = "各类均已开展" if met else f"尚缺 {listing(missing, '类')}"
    open_state = "missed" if ctx.ended else "open"
    return RequirementProgress(
        kind=req.kind,
        label=describe(req, ctx.plan),
        state=state(met, ctx.ended, done > 0),
        met=met,
        done=done,
        total=len(req.types),
        progress=f"{done}/{len(req.types)} 类",
        missing=missing,
        reason=reason,
        todo=tuple(Todo(t, date=ctx.as_of, type=t) for t in missing),
        parts=tuple(Part(t, "met" if ids else open_state, ids) for t, ids in by_type.items()),
    )


KIND = Kind("each_of", EachOfReq, ("types",), (), parse, check, evaluate, describe)
