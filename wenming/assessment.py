"""The 测评体系 a unit is scored by and the negative-list incidents, as frozen data; no I/O.

Apart from model.py so that the commands that never score (a warm `status` above all) do not
pay for building these classes at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .errors import Source
from .model import Evidence

# How inspectors gather the data for one 测评内容; 材料审核 is judged on the ledger's evidence.
METHODS = ("材料审核", "实地考察", "问卷调查", "网络测评", "听取汇报")
MATERIALS = "材料审核"
Effect = Literal["veto", "deduct"]
EFFECT_NAMES: dict[str, str] = {"veto": "一票否决", "deduct": "扣分"}


@dataclass(frozen=True)
class Criterion:
    """One 测评内容: its points, how it is judged, and the plan's tasks or requirements that
    evidence it (`"6.3"` a whole task, `"6.3/支委会"` one named requirement of it)."""

    id: str
    text: str
    source: Source
    points: float | None = None  # None: not yet filled in (a placeholder)
    method: str = MATERIALS
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentItem:
    """One 测评项目 with its points and its 测评内容."""

    id: str
    name: str
    source: Source
    points: float | None = None
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class NegativeItem:
    """One entry of the 负面清单: what vetoes or cuts the score, and how far back it looks."""

    id: str
    name: str
    source: Source
    effect: Effect = "veto"
    points: float = 0.0  # deducted per incident, when the effect is `deduct`
    look_back_months: int = 12


@dataclass(frozen=True)
class Assessment:
    """A 测评体系 the unit is scored by: items, their contents, and the negative list."""

    name: str  # the file's stem under assessment/
    title: str
    source: Source
    total: float | None = None
    reference: str = ""
    items: tuple[AssessmentItem, ...] = ()
    negative_list: tuple[NegativeItem, ...] = ()


@dataclass(frozen=True)
class Incident:
    """A negative-list event that happened, kept like a record under incidents/<year>/."""

    id: str
    year: int  # from the folder incidents/<year>/
    date: date
    negative: str  # the NegativeItem id
    title: str
    unit: str
    source: Source
    summary: str = ""
    evidence: tuple[Evidence, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, key: str) -> Source:
        return Source(self.source.path, self.lines.get(key, self.source.line))
