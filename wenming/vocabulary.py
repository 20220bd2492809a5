"""The names a plan defines (units, activity types, evidence kinds, facts): the “是不是……” hint
for a misspelt one, and the problems that report an unknown type or kind."""

from __future__ import annotations

import difflib
import heapq
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from .errors import Problem, Source
from .model import Plan

SUGGESTION_CUTOFF = 0.5
SUGGESTION_CANDIDATES = 40  # names compared in full per distinct unknown word, at most


class Suggestions:
    """“是不是……” hints from a list of known names, bounded in work however long the list.

    Each distinct word is judged once. Only names sharing the most characters with it, and of a
    length that could reach the cutoff, are compared in full: a plan of 30,000 units and
    hundreds of records naming the same unknown unit cost one small comparison, not millions.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self._by_char: dict[str, list[int]] = defaultdict(list)
        for index, name in enumerate(self.names):
            for char in set(name):
                self._by_char[char].append(index)
        self._memo: dict[str, str] = {}

    def candidates(self, word: str) -> list[str]:
        """The names worth comparing with `word`, at most SUGGESTION_CANDIDATES of them."""
        shared: Counter[int] = Counter()
        for char in set(word):
            shared.update(self._by_char.get(char, ()))
        # difflib's ratio is 2·matches / total length: under 0.5 when one is 3× the other.
        low, high = len(word) / 3, len(word) * 3
        fitting = (i for i in shared if low <= len(self.names[i]) <= high)
        best = heapq.nlargest(SUGGESTION_CANDIDATES, fitting, key=shared.__getitem__)
        return [self.names[i] for i in best]

    def hint(self, word: str) -> str:
        if word not in self._memo:
            close = difflib.get_close_matches(
                word, self.candidates(word), n=1, cutoff=SUGGESTION_CUTOFF
            )
            self._memo[word] = f"是不是“{close[0]}”？" if close else ""
        return self._memo[word]


# The plan's name lists are the same objects for every record checked: one index each. The
# entry keeps its list alive, so no other object can take its id while it is cached.
_SUGGESTIONS: dict[int, tuple[Collection[str], Suggestions]] = {}
_SUGGESTIONS_KEPT = 32


def suggestions(choices: Collection[str]) -> Suggestions:
    cached = _SUGGESTIONS.get(id(choices))
    if cached is not None and cached[0] is choices:
        return cached[1]
    if len(_SUGGESTIONS) >= _SUGGESTIONS_KEPT:
        _SUGGESTIONS.clear()
    made = Suggestions(choices)
    _SUGGESTIONS[id(choices)] = (choices, made)
    return made


def did_you_mean(word: str, choices: Collection[str]) -> str:
    return suggestions(choices).hint(word)


def listing(choices: Iterable[str], limit: int = 12) -> str:
    items = list(choices)
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 项" if len(items) > limit else "")


def unknown_kind(source: Source, kind: str, plan: Plan) -> Problem:
    return Problem(
        source,
        "unknown-evidence-kind",
        f"佐证材料类型“{kind}”不在 evidence_kinds 中",
        did_you_mean(kind, plan.evidence_kinds) + f"可用：{listing(plan.evidence_kinds)}",
    )


def unknown_type(source: Source, name: str, plan: Plan) -> Problem:
    return Problem(
        source,
        "unknown-activity-type",
        f"活动类型“{name}”不在计划的 activity_types 中",
        did_you_mean(name, plan.activity_types)
        or f"在 plan/{plan.year}.yaml 的 activity_types 中添加它",
    )
