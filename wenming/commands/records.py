"""Naming a record: its whole id or any unique fragment of it, for every command that takes one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from ..errors import Severity, WenmingError
from ..ledger import read_record, record_files
from ..ledger import record_id as id_of
from ..model import Record

CANDIDATES_SHOWN = 10


class NotFound(WenmingError):
    """No record's id holds the fragment (a command may then look for something else)."""


def find_record(records: Iterable[Record], fragment: str) -> Record:
    """The record whose id is `fragment`, or the only one whose id contains it.

    No match, or several, is a `WenmingError` that says what to do (and lists the candidates).
    """
    pool = {record.id: record for record in records}
    chosen = pick_id(pool, fragment, lambda ids: [pool[i] for i in ids])
    return pool[chosen]


def locate(root: Path, fragment: str) -> Record:
    """The record `fragment` names, reading only its own file (and, to list candidates, theirs):
    naming one record costs a folder listing, not a read of the whole ledger."""
    files = dict(record_files(root))  # rel -> year
    by_id = {id_of(rel): rel for rel in files}

    def read(ids: Sequence[str]) -> list[Record]:
        found = (read_record(root, by_id[i], files[by_id[i]])[0] for i in ids)
        return [record for record in found if record is not None]

    rel = by_id[pick_id(by_id, fragment, read)]
    record, problems = read_record(root, rel, files[rel])
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if record is None or errors:
        raise WenmingError(
            f"记录 {rel} 有错误，无法读取：\n"
            + "\n".join(f"  {p.source}：{p.message}" for p in errors),
            "先按 wenming check 的说明改正这个文件",
        )
    return record


def pick_id(
    ids: Collection[str], fragment: str, describe: Callable[[Sequence[str]], Sequence[Record]]
) -> str:
    """The id that is `fragment`, or the only one containing it; `describe` reads the records
    of a few candidate ids, for the message when several match."""
    wanted = fragment.strip()
    if not wanted:
        raise WenmingError("没有给出记录编号", "运行 wenming list 查看记录编号")
    if wanted in ids:
        return wanted
    matches = sorted(i for i in ids if wanted in i)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            f"没有编号含“{wanted}”的记录", "运行 wenming list 查看记录编号，或用 --text 按标题查找"
        )
    shown = sorted(describe(matches[:CANDIDATES_SHOWN]), key=lambda r: (r.date, r.id))
    raise WenmingError(
        f"编号含“{wanted}”的记录有 {len(matches)} 条，请写得更完整一些",
        candidates(shown, len(matches)),
    )


def candidates(matches: Sequence[Record], total: int | None = None) -> str:
    """Up to CANDIDATES_SHOWN records, one a line: id, date and title."""
    lines = [f"{r.id}（{r.date.isoformat()}）{r.title}" for r in matches[:CANDIDATES_SHOWN]]
    total = len(matches) if total is None else total
    if total > CANDIDATES_SHOWN:
        lines.append(f"……等 {total} 条")
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
