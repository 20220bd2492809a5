"""`count`: at least `min` activities in every month, quarter, half or year of the plan."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast, get_args

from ..calendar import Span, periods
from ..model import PERIOD_NAMES, CountReq, Period, Plan
from .base import (
    Common,
    Context,
    Kind,
    Part,
    RequirementProgress,
    Todo,
    listing,
    no_problems,
    part_state,
    state,
)

if TYPE_CHECKING:
    from ..parse import _Reader
    from ..yamlio import YMap

_EVERY = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}


def parse(r: _Reader, m: YMap, common: Common) -> CountReq | None:
    per = r.choice(m, "per", get_args(Period), None)
    minimum = r.integer(m, "min", 1, 10_000) if "min" in m else 1
    return CountReq(per=cast(Period, per), min=minimum, **common) if per and minimum else None


def describe(req: CountReq, plan: Plan) -> str:
    return f"{req.type or '活动'}{_EVERY[req.per]}至少{req.min}次"


def evaluate(ctx: Context, req: CountReq) -> RequirementProgress:
    records = ctx.typed(req.type)
    spans = periods(req.per, ctx.plan.start, ctx.plan.end)
    met_spans: list[Span] = []
    missed: list[Span] = []
    current: Span | None = None
    parts: list[Part] = []
    for span in spans:
        ids = tuple(r.id for r in records if r.date in span)
        n = len(ids)
        note = f"{n}/{req.min} 次" if req.min > 1 else ""
        parts.append(
            Part(span.label, part_state(n >= req.min, span.start, span.end, ctx.as_of), ids, note)
        )
        if n >= req.min:
            met_spans.append(span)
        elif span.end <= ctx.as_of:
            missed.append(span)
        elif span.start <= ctx.as_of:
            current = span
    met = len(met_spans) == len(spans)
    unit = PERIOD_NAMES[req.per]
    progress = f"{len(met_spans)}/{len(spans)} {unit}"
    if met:
        reason = f"{len(spans)} 个{unit}均已达到" if len(spans) > 1 else "已达到"
    elif missed:
        reason = f"{listing([s.label for s in missed], '个' + unit)} 未达到"
    elif current is not None:
        reason = f"本{unit}（{current.label}）尚未达到"
    else:
        reason = f"已达到 {len(met_spans)} 个{unit}"
    todo = [Todo(s.label, date=_inside(s, ctx.as_of), type=req.type) for s in missed]
    if current is not None:
        todo.append(Todo(current.label, date=ctx.as_of, type=req.type))
    return RequirementProgress(
        kind=req.kind,
        label=describe(req, ctx.plan),
        state=state(met, bool(missed), bool(met_spans)),
        met=met,
        done=len(met_spans),
        total=len(spans),
        progress=progress,
        missing=tuple(s.label for s in missed),
        reason=reason,
        todo=tuple(todo),
        parts=tuple(parts),
    )


def _inside(span: Span, as_of: date) -> date:
    """A sensible date for a record that fills a past period: its 15th, or its middle."""
    day = (
        date(span.start.year, span.start.month, 15)
        if span.end.month == span.start.month
        else span.middle
    )
    return min(max(day, span.start), span.end, as_of)


KIND = Kind("count", CountReq, ("per",), ("min",), parse, no_problems, evaluate, describe)
