"""Turning an assessment file (测评体系) or an incident file into model objects, with lines."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from .assessment import (
    METHODS,
    Assessment,
    AssessmentItem,
    Criterion,
    Incident,
    NegativeItem,
)
from .errors import Problem, Source
from .parse import _empty, _evidence, _Reader
from .yamlio import YMap

MAX_POINTS = 1000.0
MAX_LOOK_BACK_MONTHS = 120

_ASSESSMENT_REQUIRED = ("schema_version", "title", "items")
_ASSESSMENT_OPTIONAL = ("total", "reference", "negative_list")
_ITEM_REQUIRED = ("id", "name")
_ITEM_OPTIONAL = ("points", "criteria", "note")
_CRITERION_REQUIRED = ("id", "text")
_CRITERION_OPTIONAL = ("points", "method", "links", "note")
_NEGATIVE_REQUIRED = ("id", "name", "effect", "look_back_months")
_NEGATIVE_OPTIONAL = ("points", "note")
INCIDENT_REQUIRED = ("schema_version", "date", "negative", "title", "unit")
INCIDENT_OPTIONAL = ("summary", "evidence")


def _points(r: _Reader, m: YMap) -> float | None:
    """Points as written; a missing or empty `points` is a placeholder the unit fills in."""
    return r.number(m, "points", 0, MAX_POINTS) if m.get("points") is not None else None


def parse_assessment(data: Any, rel: str, name: str) -> tuple[Assessment | None, list[Problem]]:
    if data is None:
        return None, [_empty(rel, "empty-plan", "测评体系文件")]
    r = _Reader(rel)
    m = r.mapping(data, 1, "测评体系文件")
    if m is None:
        return None, r.problems
    complete = r.keys(m, _ASSESSMENT_REQUIRED, _ASSESSMENT_OPTIONAL, "测评体系")
    r.schema(m)
    items = tuple(
        item for line, i in r.items(m, "items", "items") if (item := _item(r, line, i)) is not None
    )
    negatives = tuple(
        entry
        for line, n in r.items(m, "negative_list", "negative_list")
        if (entry := _negative(r, line, n)) is not None
    )
    total = r.number(m, "total", 0, MAX_POINTS) if m.get("total") is not None else None
    assessment = Assessment(
        name=name,
        title=r.text(m, "title", required=True) or "",
        source=Source(rel, m.line),
        total=total,
        reference=r.text(m, "reference") or "",
        items=items,
        negative_list=negatives,
    )
    return (assessment if complete else None), r.problems


def _item(r: _Reader, line: int, m: YMap) -> AssessmentItem | None:
    if not r.keys(m, _ITEM_REQUIRED, _ITEM_OPTIONAL, "测评项目"):
        return None
    ident, name = r.ident(m, "id"), r.text(m, "name", required=True)
    if not ident or not name:
        return None
    criteria = tuple(
        c for cl, cm in r.items(m, "criteria", "criteria") if (c := _criterion(r, cl, cm))
    )
    return AssessmentItem(ident, name, Source(r.rel, line), _points(r, m), criteria)


def _criterion(r: _Reader, line: int, m: YMap) -> Criterion | None:
    if not r.keys(m, _CRITERION_REQUIRED, _CRITERION_OPTIONAL, "测评内容"):
        return None
    ident, text = r.ident(m, "id"), r.text(m, "text", required=True)
    if not ident or not text:
        return None
    method = r.choice(m, "method", METHODS, METHODS[0])
    links = r.texts(m, "links", ids=True)
    return Criterion(ident, text, Source(r.rel, line), _points(r, m), method, links)


def _negative(r: _Reader, line: int, m: YMap) -> NegativeItem | None:
    if not r.keys(m, _NEGATIVE_REQUIRED, _NEGATIVE_OPTIONAL, "负面清单"):
        return None
    ident, name = r.ident(m, "id"), r.text(m, "name", required=True)
    effect = r.choice(m, "effect", ("veto", "deduct"), None)
    months = r.integer(m, "look_back_months", 1, MAX_LOOK_BACK_MONTHS)
    points = _points(r, m)
    if effect == "deduct" and points is None and "points" not in m:
        r.error(
            m.line, "missing-field", f"负面清单“{name}”扣分却没有写“points”", "添加“points: 扣几分”"
        )
        return None
    if not ident or not name or effect is None or months is None:
        return None
    return NegativeItem(ident, name, Source(r.rel, line), cast(Any, effect), points or 0.0, months)


def parse_incident(
    data: Any, rel: str, incident_id: str, year: int
) -> tuple[Incident | None, list[Problem]]:
    if data is None:
        return None, [_empty(rel, "empty-record", "负面事件记录")]
    r = _Reader(rel)
    m = r.mapping(data, 1, "负面事件记录")
    if m is None:
        return None, r.problems
    complete = r.keys(m, INCIDENT_REQUIRED, INCIDENT_OPTIONAL, "负面事件记录")
    r.schema(m)
    day = r.date(m, "date")
    negative = r.ident(m, "negative")
    title = r.text(m, "title", required=True)
    unit = r.text(m, "unit", required=True)
    evidence = tuple(_evidence(r, line, e) for line, e in r.items(m, "evidence", "evidence"))
    incident = Incident(
        id=incident_id,
        year=year,
        date=day or date.min,
        negative=negative or "",
        title=title or "",
        unit=unit or "",
        source=Source(rel, m.line),
        summary=r.text(m, "summary") or "",
        evidence=evidence,
        lines=dict(m.key_lines),
    )
    ok = complete and day is not None and bool(negative and title and unit)
    return (incident if ok else None), r.problems
