"""Naming a record: its whole id or any unique fragment of it, for every command that takes one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..errors import WenmingError
from ..model import Record

CANDIDATES_SHOWN = 10


def find_record(records: Iterable[Record], fragment: str) -> Record:
    """The record whose id is `fragment`, or the only one whose id contains it.

    No match, or several, is a `WenmingError` that says what to do (and lists the candidates).
    """
    wanted = fragment.strip()
    if not wanted:
        raise WenmingError("没有给出记录编号", "运行 wenming list 查看记录编号")
    pool = list(records)
    for record in pool:
        if record.id == wanted:
            return record
    matches = sorted((r for r in pool if wanted in r.id), key=lambda r: (r.date, r.id))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise WenmingError(
            f"没有编号含“{wanted}”的记录", "运行 wenming list 查看记录编号，或用 --text 按标题查找"
        )
    raise WenmingError(
        f"编号含“{wanted}”的记录有 {len(matches)} 条，请写得更完整一些",
        candidates(matches),
    )


def candidates(matches: Sequence[Record]) -> str:
    """Up to CANDIDATES_SHOWN records, one a line: id, date and title."""
    lines = [f"{r.id}（{r.date.isoformat()}）{r.title}" for r in matches[:CANDIDATES_SHOWN]]
    if len(matches) > CANDIDATES_SHOWN:
        lines.append(f"……等 {len(matches)} 条")
    return "可能是：\n    " + "\n    ".join(lines)


def short_ids(ids: Iterable[str]) -> dict[str, str]:
    """Each id's shortest tail that no other id contains (its last “-” part, grown leftwards one
    character at a time while another id holds it), else the id itself.

    A short id is a fragment `find_record` resolves to the same record.
    """
    every = list(dict.fromkeys(ids))
    tails = {record_id: record_id.rpartition("-")[2] or record_id for record_id in every}
    lengths = {len(t) for t in tails.values()}
    # How many ids hold each piece of a tail's length: linear in the ids, not quadratic.
    holders: Counter[str] = Counter()
    for record_id in every:
        for size in lengths:
            holders.update({record_id[i : i + size] for i in range(len(record_id) - size + 1)})
    joined = "\n".join(every)
    short = {}
    for record_id, tail in tails.items():
        size = len(tail)
        # Rare: a tail some other id holds too. Grow it (occurrences bound the ids holding it).
        while size < len(record_id) and (
            holders[tail] > 1 if size == len(tail) else joined.count(record_id[-size:]) > 1
        ):
            size += 1
        short[record_id] = record_id[-size:]
    return short
