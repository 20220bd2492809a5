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


def _common_start(one: str, other: str) -> int:
    """How many leading characters two names share."""
    for index, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return index
    return min(len(one), len(other))


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

    def _weight(self, word: str, name: str) -> float:
        """Shared characters, each counting less the more names have it (活动 says little)."""
        return sum(1 / len(self._by_char[c]) for c in set(word) & set(name))

    def likely(self, word: str) -> str | None:
        """The name `word` most likely means, or None.

        First the names difflib finds close (ratio at least SUGGESTION_CUTOFF); between equally
        close ones the one sharing the word's beginning and its rarer characters wins (志愿活动:
        志愿服务, not 读书活动). Failing that, a name sharing a run of two or more characters
        that few names have (开展学雷锋活动: 学雷锋志愿服务). Only `candidates` are compared.
        """
        if not word:
            return None
        scored: list[tuple[float, int, float, int, str]] = []
        for name in self.candidates(word):
            matcher = difflib.SequenceMatcher(None, name, word)
            block = matcher.find_longest_match(0, len(name), 0, len(word))
            prefix = _common_start(word, name)
            weight = self._weight(word, name)
            scored.append((matcher.ratio(), prefix, weight, block.size, name))
        close = [item for item in scored if item[0] >= SUGGESTION_CUTOFF]
        if close:
            return max(close, key=lambda item: (round(item[0], 9), item[1], item[2]))[4]
        shared = [item for item in scored if item[3] >= 2 and self._rare_run(word, item[4])]
        if shared:
            return max(shared, key=lambda item: (item[3], item[2], item[0]))[4]
        return None

    def _rare_run(self, word: str, name: str) -> bool:
        """Whether `word` and `name` share a run of 2+ characters found in at most 3 names."""
        matcher = difflib.SequenceMatcher(None, name, word)
        block = matcher.find_longest_match(0, len(name), 0, len(word))
        run = name[block.a : block.a + block.size]
        rarest = min((self._by_char.get(char, []) for char in set(run)), key=len)
        found = 0
        for index in rarest:  # stops at the fourth holder: a common run is no hint
            found += run in self.names[index]
            if found > 3:
                return False
        return True

    def hint(self, word: str) -> str:
        if word not in self._memo:
            found = self.likely(word)
            self._memo[word] = f"是不是“{found}”？" if found else ""
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
