"""The local load cache: parsed records and evidence hashes, keyed by each file's identity on disk."""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .errors import Problem, Severity, Source
from .model import (
    Activity,
    CountReq,
    DeadlineReq,
    EachOfReq,
    Evidence,
    EvidenceSetReq,
    Fact,
    FestivalReq,
    Figure,
    FixedDateReq,
    Guidance,
    MetricReq,
    Plan,
    Record,
    Section,
    Task,
    Unit,
)

if TYPE_CHECKING:
    from .files import FileFact

# logging, tempfile and hashlib are imported only where used: every command reads the cache,
# and a warm `status` should not pay for modules it needs only when something goes wrong.

CACHE_ENV = "WENMING_CACHE_DIR"
# Files changed this recently may change again within the same mtime tick; they are never trusted.
RACY_SECONDS = 2.0
_FORMAT = f"7-{__version__}-{sys.version_info.major}.{sys.version_info.minor}"

FileKey = int
T = TypeVar("T")


def file_key(stat: os.stat_result) -> FileKey:
    """Size, mtime, ctime and inode in one number: any edit, replacement or rename-over changes it."""
    return hash((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))


def cache_dir(root: Path) -> Path:
    """Outside the ledger, per user: never committed, never merged, never planted by a clone."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    resolved = root.resolve()
    # The folder's name for people, a checksum of its whole path to tell same-named ledgers apart.
    name = f"{resolved.name or 'root'}-{zlib.crc32(str(resolved).encode()):08x}"
    return Path(base) / "wenming" / name


def _debug(message: str, *args: object) -> None:
    import logging

    logging.getLogger("wenming.cache").debug(message, *args)


class Cache:
    """One table of rows, one per file and stored with that file's key; read once, saved atomically.

    On disk it is three parallel lists (paths, keys, rows) of plain marshal data: loading runs no
    code, and when a run finds exactly the files of the last one, comparing two lists proves every
    row fresh without a lookup per file.
    """

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = cache_dir(root) / f"{name}.marshal"
        self._rels, self._keys, self._rows = self._read() if enabled else ([], [], [])
        self._index: dict[str, int] | None = None
        # The table as this run leaves it, in the order files were met; None: unchanged from disk.
        self._new: dict[str, tuple[FileKey, Any]] | None = {}
        self._changed = False
        self._racy_after = (time.time() - RACY_SECONDS) * 1e9

    def _read(self) -> tuple[list[str], list[FileKey], list[Any]]:
        try:
            stored = marshal.loads(self.path.read_bytes())
        except FileNotFoundError:
            return [], [], []
        except Exception as exc:  # a corrupt or foreign cache is rebuilt, never an error
            _debug("ignoring unreadable cache %s: %s", self.path, exc)
            return [], [], []
        if (
            not isinstance(stored, tuple)
            or len(stored) != 4
            or stored[0] != _FORMAT
            or not all(isinstance(column, list) for column in stored[1:])
            or not len(stored[1]) == len(stored[2]) == len(stored[3])
        ):
            _debug("ignoring cache %s of another format", self.path)
            return [], [], []
        return stored[1], stored[2], stored[3]

    def _old_row(self, rel: str, key: FileKey | None) -> Any:
        if self._index is None:
            self._index = {rel: i for i, rel in enumerate(self._rels)}
        i = self._index.get(rel)
        return self._rows[i] if i is not None and self._keys[i] == key else None

    def _table(self) -> dict[str, tuple[FileKey, Any]]:
        if self._new is None:
            self._new = dict(zip(self._rels, zip(self._keys, self._rows, strict=True), strict=True))
        return self._new

    def lookup(
        self, rels: list[str], keys: list[FileKey | None], decode: Callable[[str, Any], T]
    ) -> list[T | None]:
        """Each file's decoded row, in order; None where the file is new or changed or its row
        damaged. The files not passed here drop out of the table when it is saved."""
        if not self.enabled:
            return [None] * len(rels)
        same = keys == self._keys and rels == self._rels
        if same:
            self._new = None
            rows = self._rows
        else:
            self._new = {}
            rows = [self._old_row(rel, key) for rel, key in zip(rels, keys, strict=True)]
        results: list[T | None] = []
        for rel, key, row in zip(rels, keys, rows, strict=True):
            value = None
            if row is not None:
                try:
                    value = decode(rel, row)
                except Exception as exc:
                    _debug("ignoring cache row %s: %s", rel, exc)
                    row = None
            if row is None:
                self._changed = True
                if key is not None:
                    self._table()[rel] = (key, None)  # holds the file's place for `put`
            elif not same and key is not None and self._new is not None:
                self._new[rel] = (key, row)
            results.append(value)
        if len(rels) != len(self._rels):
            self._changed = True
        return results

    def get(self, rel: str, key: FileKey, decode: Callable[[str, Any], T]) -> T | None:
        """The decoded row for one unchanged file, or None (a damaged row counts as a miss)."""
        if not self.enabled:
            return None
        row = self._old_row(rel, key)
        if row is not None:
            try:
                value = decode(rel, row)
            except Exception as exc:
                _debug("ignoring cache row %s: %s", rel, exc)
            else:
                self._table()[rel] = (key, row)
                return value
        self._changed = True
        return None

    def put(self, rel: str, key: FileKey, mtime_ns: int, row: Any) -> None:
        """Store a file's new row, unless the file changed too recently to be told apart later."""
        if self.enabled and mtime_ns < self._racy_after:
            self._table()[rel] = (key, row)
            self._changed = True

    def save(self) -> None:
        """Write the rows of the files seen in this run, if anything changed since the last."""
        table = self._new
        if not self.enabled or table is None:
            return
        if not self._changed and len(table) == len(self._rels):
            return
        kept = [(rel, key, row) for rel, (key, row) in table.items() if row is not None]
        data = (_FORMAT, [k[0] for k in kept], [k[1] for k in kept], [k[2] for k in kept])
        temp: str | None = None
        try:
            import tempfile

            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(data))
            Path(temp).replace(self.path)  # atomic: a reader sees the old or the new table
        except (OSError, ValueError) as exc:
            _debug("cache not saved to %s: %s", self.path, exc)
            if temp is not None:
                Path(temp).unlink(missing_ok=True)


# ---------------------------------------------------------------- codecs
# Two tables share the file keys: "records" holds every field, "activities" only what progress
# needs, so that a warm `status` reads a small table and never unpacks titles and summaries.

RecordResult = tuple[Record | None, list[Problem]]
ActivityResult = tuple[Activity | None, list[Problem]]
PlanResult = tuple[Plan | None, list[Problem]]


def _problem_row(p: Problem) -> tuple[Any, ...]:
    return (p.source.path, p.source.line, p.rule, p.message, p.hint, p.severity.value)


def _problems(rows: list[tuple[Any, ...]]) -> list[Problem]:
    return [Problem(Source(r[0], r[1]), r[2], r[3], r[4], Severity(r[5])) for r in rows]


def encode_record(result: RecordResult) -> tuple[Any, ...]:
    r, problems = result
    rows = [_problem_row(p) for p in problems]
    if r is None:
        return (None, rows)
    evidence = tuple(
        (e.kind, e.source.line, e.caption, e.file, e.url, e.sha256,
         e.date.toordinal() if e.date else None)
        for e in r.evidence
    )  # fmt: skip
    return (
        (r.id, r.year, r.date.toordinal(), r.tasks, r.type, r.title, r.unit, r.source.path,
         r.source.line, r.place, r.participants, dict(r.figures), dict(r.extra), r.summary,
         evidence, dict(r.lines)),
        rows,
    )  # fmt: skip


def decode_record(rel: str, row: tuple[Any, ...]) -> RecordResult:
    if row[0] is None:
        return None, _problems(row[1])
    (record_id, year, day, tasks, kind, title, unit, path, line, place, participants, figures,
     extra, summary, evidence, lines) = row[0]  # fmt: skip
    record = Record(
        record_id, year, date.fromordinal(day), tasks, kind, title, unit, Source(path, line),
        place, participants, figures, extra, summary,
        tuple([_evidence(path, e) for e in evidence]),
        lines,
    )  # fmt: skip
    return record, _problems(row[1]) if row[1] else []


def _evidence(path: str, e: tuple[Any, ...]) -> Evidence:
    made = date.fromordinal(e[6]) if e[6] is not None else None
    return Evidence(e[0], Source(path, e[1]), e[2], e[3], e[4], e[5], made)


def encode_activity(result: RecordResult) -> tuple[Any, ...]:
    record, problems = result
    rows = [_problem_row(p) for p in problems]
    if record is None:
        return (None, rows)
    # Interned, the same type, unit or kind is one object: marshal then writes it once.
    a = record.activity
    return (
        (a.date.toordinal(), tuple(intern(t) for t in a.tasks), intern(a.type), intern(a.unit),
         a.participants, {intern(k): v for k, v in a.figures.items()},
         tuple(intern(k) for k in a.evidence_kinds)),
        rows,
    )  # fmt: skip


def decode_activity(rel: str, row: tuple[Any, ...]) -> ActivityResult:
    """The id and path are the file's own (`rel`), so the row does not repeat them."""
    a = row[0]
    activity = None if a is None else Activity(
        rel[rel.rfind("/") + 1 : -5], date.fromordinal(a[0]), a[1], a[2], a[3], a[4], a[5], a[6], rel
    )  # fmt: skip
    return activity, _problems(row[1]) if row[1] else []


# A plan is a tree of the model's frozen classes. Each becomes a list `[class name, *fields]`
# (the model itself holds tuples and dicts, never lists, so a list is always such a node).
_PLAN_CLASSES = {
    cls.__name__: (cls, tuple(f.name for f in fields(cls)))
    for cls in (
        Plan, Section, Task, Guidance, Unit, Fact, Figure, Source, CountReq, EachOfReq,
        FestivalReq, FixedDateReq, DeadlineReq, MetricReq, EvidenceSetReq,
    )
}  # fmt: skip
_SCALARS = (str, int, float, bool, type(None))


def _pack(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, tuple):
        return tuple([_pack(v) for v in value])
    if isinstance(value, dict):
        return {k: _pack(v) for k, v in value.items()}
    if isinstance(value, date):
        return ["date", value.toordinal()]
    name = type(value).__name__
    if _PLAN_CLASSES.get(name, (None,))[0] is not type(value):
        raise TypeError(f"no cache encoding for {name}")
    return [name, *(_pack(getattr(value, f)) for f in _PLAN_CLASSES[name][1])]


def _unpack(value: Any) -> Any:
    if isinstance(value, list):
        if value[0] == "date":
            return date.fromordinal(value[1])
        cls, names = _PLAN_CLASSES[value[0]]
        if len(value) != len(names) + 1:
            raise ValueError(f"{value[0]} has {len(names)} fields, the row {len(value) - 1}")
        return cls(**{n: _unpack(v) for n, v in zip(names, value[1:], strict=True)})
    if isinstance(value, tuple):
        return tuple([_unpack(v) for v in value])
    if isinstance(value, dict):
        return {k: _unpack(v) for k, v in value.items()}
    return value


# A plan's row also keeps the festival dates it is judged by, so a warm run needs no lunar maths.
Festivals = dict[int, dict[str, date]]


def encode_plan(result: PlanResult, festivals: Festivals) -> tuple[Any, ...]:
    plan, problems = result
    days = {y: {n: d.toordinal() for n, d in dates.items()} for y, dates in festivals.items()}
    return (None if plan is None else _pack(plan), [_problem_row(p) for p in problems], days)


def decode_plan(rel: str, row: tuple[Any, ...]) -> tuple[Plan | None, list[Problem], Festivals]:
    days = {y: {n: date.fromordinal(o) for n, o in dates.items()} for y, dates in row[2].items()}
    return (None if row[0] is None else _unpack(row[0])), _problems(row[1]), days


def encode_fact(fact: FileFact) -> tuple[Any, ...]:
    return (fact.state, fact.sha256, fact.size)


def decode_fact(rel: str, row: tuple[Any, ...]) -> FileFact:
    from .files import FileFact

    return FileFact(*row)
