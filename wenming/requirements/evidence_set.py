"""`evidence_set`: every record (of the type) carries evidence of each listed kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import ActivityLike, EvidenceSetReq, Plan
from .base import Common, Context, Kind, Part, RequirementProgress, Todo, state

if TYPE_CHECKING:
    from ..errors import Problem
    from ..parse import _Reader
    from ..yamlio import YMap


def parse(r: _Reader, m: YMap, common: Common) -> EvidenceSetReq | None:
    kinds = r.texts(m, "kinds")
    return EvidenceSetReq(kinds=kinds, **common) if kinds else None


def check(plan: Plan, req: EvidenceSetReq) -> Iterator[Problem]:
    from ..vocabulary import unknown_kind

    for kind in req.kinds:
        if kind not in plan.evidence_kinds:
            yield unknown_kind(req.source, kind, plan)


def describe(req: EvidenceSetReq, plan: Plan) -> str:
    return f"{req.type or '活动'}记录佐证齐全（{'、'.join(req.kinds)}）"


def evaluate(ctx: Context, req: EvidenceSetReq) -> RequirementProgress:
    records = ctx.typed(req.type)
    lacking: list[tuple[ActivityLike, tuple[str, ...]]] = []
    for record in records:
        have = set(record.evidence_kinds)
        gap = tuple(k for k in req.kinds if k not in have)
        if gap:
            lacking.append((record, gap))
    complete = len(records) - len(lacking)
    met = bool(records) and not lacking
    if not records:
        reason = f"尚无{req.type or ''}记录"
    elif lacking:
        reason = f"{len(lacking)} 条记录缺少佐证材料"
    else:
        reason = f"{len(records)} 条记录佐证齐全"
    missing = tuple(f"{r.id}：缺 {'、'.join(gap)}" for r, gap in lacking)
    # Each record still lacking evidence on a line of its own; the complete ones together.
    parts = [
        Part(r.id, "missed" if ctx.ended else "open", (r.id,), f"缺 {'、'.join(gap)}")
        for r, gap in lacking
    ]
    short = {r.id for r, _ in lacking}
    if complete:
        ids = tuple(r.id for r in records if r.id not in short)
        parts.append(Part(f"佐证齐全的 {complete} 条记录", "met", ids))
    todo = tuple(Todo(r.id, record_id=r.id, kinds=gap) for r, gap in lacking)
    if not records:
        todo = (Todo(f"{req.type or '活动'}记录", date=ctx.as_of, type=req.type, kinds=req.kinds),)
    return RequirementProgress(
        kind=req.kind,
        label=describe(req, ctx.plan),
        state=state(met, ctx.ended and not met, bool(records)),
        met=met,
        done=complete,
        total=len(records),
        progress=f"{complete}/{len(records)} 条",
        missing=missing,
        reason=reason,
        todo=todo,
        parts=tuple(parts),
    )


KIND = Kind("evidence_set", EvidenceSetReq, ("kinds",), (), parse, check, evaluate, describe)
