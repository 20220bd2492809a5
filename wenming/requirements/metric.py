"""`metric`: a figure aggregated over the records, per fact if given, compared with a target."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast, get_args

from ..errors import Problem
from ..model import BUILTIN_METRIC_FIELDS, ActivityLike, Aggregate, MetricReq, Operator, Plan
from .base import OP_WORDS, Common, Context, Kind, Part, RequirementProgress, Todo, number, state

if TYPE_CHECKING:
    from ..parse import _Reader
    from ..yamlio import YMap


def parse(r: _Reader, m: YMap, common: Common) -> MetricReq | None:
    from ..model import MAX_FIGURE

    aggregate = r.choice(m, "aggregate", get_args(Aggregate), None)
    op = r.choice(m, "op", get_args(Operator), None)
    target = r.number(m, "target", -MAX_FIGURE, MAX_FIGURE)
    field = r.text(m, "field", required=True)
    if not (aggregate and op and field) or target is None:
        return None
    return MetricReq(
        field=field,
        aggregate=cast(Aggregate, aggregate),
        op=cast(Operator, op),
        target=target,
        unit=r.text(m, "unit") or "",
        per_fact=r.text(m, "per_fact"),
        **common,
    )


def check(plan: Plan, req: MetricReq) -> Iterator[Problem]:
    from ..vocabulary import did_you_mean

    if req.per_fact is not None and req.per_fact not in plan.facts:
        yield Problem(
            req.source,
            "unknown-fact",
            f"指标引用的事实“{req.per_fact}”不在 facts 中",
            did_you_mean(req.per_fact, plan.facts)
            or "在 facts 中添加它，例如 注册志愿者人数: {value: 60, unit: 人}",
        )
    if req.field not in plan.figures and req.field not in BUILTIN_METRIC_FIELDS:
        yield Problem(
            req.source,
            "unknown-figure",
            f"指标引用的数值项“{req.field}”不在 figures 中",
            did_you_mean(req.field, [*plan.figures, *BUILTIN_METRIC_FIELDS])
            or "在 figures 中声明它，或使用 participants（参与人数）、records（记录数）",
        )


def describe(req: MetricReq, plan: Plan) -> str:
    name = req.name or req.field
    target = f"{number(req.target)}{req.unit}"
    return f"{name}{OP_WORDS[req.op]}{target}"


def _compare(op: str, actual: float, target: float) -> bool:
    if op == ">":
        return actual > target
    if op == ">=":
        return actual >= target
    if op == "<":
        return actual < target
    if op == "<=":
        return actual <= target
    return math.isclose(actual, target)


def _values(records: list[ActivityLike], field: str) -> list[tuple[str, float]]:
    """Each record reporting `field`, with its value (a record counts 1 for `records`)."""
    if field == "records":
        return [(r.id, 1.0) for r in records]
    if field == "participants":
        return [(r.id, float(r.participants)) for r in records if r.participants is not None]
    return [(r.id, float(r.figures[field])) for r in records if field in r.figures]


def _aggregate(values: list[float], how: str) -> float | None:
    if how == "count":
        return float(len(values))
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "mean":
        return sum(values) / len(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return values[-1]  # latest: records are in date order


def evaluate(ctx: Context, req: MetricReq) -> RequirementProgress:
    reported = _values(ctx.typed(req.type), req.field)
    values = [value for _, value in reported]
    raw = _aggregate(values, req.aggregate)
    divisor = 1.0
    problem = ""
    if req.per_fact is not None:
        fact = ctx.plan.facts.get(req.per_fact)
        if fact is None or fact.value == 0:
            problem = f"计划中缺少事实数据“{req.per_fact}”或其值为 0"
        else:
            divisor = fact.value
    actual = None if raw is None or problem else raw / divisor
    met = actual is not None and _compare(req.op, actual, req.target)
    shown = "—" if actual is None else number(actual)
    progress = f"{shown}/{number(req.target)} {req.unit}".rstrip()
    if problem:
        reason = problem
    elif met:
        reason = f"实际 {shown}{req.unit}，已达到目标"
    elif actual is None:
        reason = "尚无数据"
    else:
        reason = f"实际 {shown}{req.unit}，目标{OP_WORDS[req.op]}{number(req.target)}{req.unit}"
    todo = () if met or problem else (_todo(ctx, req, values, divisor),)
    return RequirementProgress(
        kind=req.kind,
        label=describe(req, ctx.plan),
        state=state(met, ctx.ended, bool(values)),
        met=met,
        done=actual if actual is not None else 0.0,
        total=req.target,
        progress=progress,
        missing=() if met else (f"{req.name or req.field} 差距",),
        reason=reason,
        actual=actual,
        target=req.target,
        op=req.op,
        unit=req.unit,
        todo=todo,
        raw=raw,
        divisor=divisor if req.per_fact is not None and not problem else None,
        parts=tuple(
            Part(record_id, "met", (record_id,), f"{number(value)}{req.unit}")
            for record_id, value in reported
        )
        if req.field != "records"
        else (Part(f"{len(reported)} 条记录", "met", tuple(i for i, _ in reported)),),
    )


def _todo(ctx: Context, req: MetricReq, values: list[float], divisor: float) -> Todo:
    """A record that would lift the metric to its target, when one record can."""
    goal = req.target * divisor
    strict = req.op == ">"
    amount: float | None = None
    if req.aggregate == "sum":
        amount = goal - sum(values)
    elif req.aggregate in ("latest", "max"):
        amount = goal
    elif req.aggregate == "mean":
        amount = goal * (len(values) + 1) - sum(values)
    if amount is not None:
        amount = math.floor(amount) + 1 if strict else math.ceil(amount)
        amount = max(amount, 0)
    figure = None if req.field == "records" else req.field
    what = f"{req.name or req.field}未达到目标"
    return Todo(
        what,
        date=ctx.as_of,
        type=req.type or _usual_type(ctx, req.field),
        figure=figure,
        amount=amount,
    )


def _usual_type(ctx: Context, field: str) -> str | None:
    """The activity type most often reporting `field` in the task's records, to suggest for more."""
    types = [
        r.type for r in ctx.records if field in ("records", "participants") or field in r.figures
    ]
    return max(dict.fromkeys(types), key=types.count) if types else None


KIND = Kind(
    "metric",
    MetricReq,
    ("field", "aggregate", "op", "target"),
    ("unit", "per_fact"),
    parse,
    check,
    evaluate,
    describe,
)
