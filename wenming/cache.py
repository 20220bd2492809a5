"""The local load cache: parsed records and evidence hashes, keyed by each file's identity on disk."""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path
from stat import S_ISREG
from sys import intern
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from . import __version__
from .atomic import write_replacing
from .errors import Problem, Severity, Source
from .model import (
    Activity,
    Evidence,
    Fact,
    Figure,
    Guidance,
    Plan,
    Record,
    Requirement,
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
_FORMAT = f"10-{__version__}-{sys.version_info.major}.{sys.version_info.minor}"

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


# A table of 100,000 records is about 60 MB; anything far larger is not a table wenming wrote.
MAX_CACHE_BYTES = 1 << 30
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # binary: no line-end translation
_READ_FLAGS |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # POSIX only


def _read_regular(path: Path) -> bytes:
    """The bytes of a cache file: never through a symlink, never a FIFO or device, never huge."""
    fd = os.open(path, _READ_FLAGS)
    with open(fd, "rb") as handle:  # noqa: PTH123
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            raise ValueError("not a regular file of a sane size")
        return handle.read(info.st_size)


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
            data = memoryview(_read_regular(self.path))
            # The checksum proves the table is the one a run wrote: a damaged or edited row
            # would otherwise pass the checks below and fail later, on every run.
            if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "big"):
                raise ValueError("checksum mismatch")
            stored = marshal.loads(data[4:])
        except FileNotFoundError:
            return [], [], []
        except Exception as exc:  # a corrupt or foreign cache is rebuilt, never an error
            _debug("ignoring unreadable cache %s: %s", self.path, exc)
            return [], [], []
        if (
            not isinstance(stored, tuple)
            or len(stored) != 4
            or stored[0] != _FORMAT
            or not all(type(column) is list for column in stored[1:])
            or not len(stored[1]) == len(stored[2]) == len(stored[3])
            # Paths and keys are looked up and compared: anything else there would fail each run.
            or not all(type(rel) is str for rel in stored[1])
            or not all(type(key) is int for key in stored[2])
            or len(set(stored[1])) != len(stored[1])
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
        try:
            payload = marshal.dumps(data)
            # Atomic: a reader sees the old table or the new one, never half of one.
            write_replacing(self.path, zlib.crc32(payload).to_bytes(4, "big") + payload)
        except (OSError, ValueError) as exc:
            _debug("cache not saved to %s: %s", self.path, exc)


# ---------------------------------------------------------------- codecs
# Two tables share the file keys: "records" holds every field, "activities" only what progress
# needs, so that a warm `status` reads a small table and never unpacks titles and summaries.

RecordResult = tuple[Record | None, list[Problem]]
ActivityResult = tuple[Activity | None, list[Problem]]
PlanResult = tuple[Plan | None, list[Problem]]


def _problem_row(p: Problem) -> tuple[Any, ...]:
    return (p.source.path, p.source.line, p.rule, p.message, p.hint, p.severity.value)


def _problems(rows: list[tuple[Any, ...]]) -> list[Problem]:
    problems = [Problem(Source(r[0], r[1]), r[2], r[3], r[4], Severity(r[5])) for r in rows]
    if not all(map(_problem_ok, problems)):
        raise ValueError("malformed problem row")
    return problems


def _problem_ok(p: Problem) -> bool:
    return (
        type(p.source.path) is str
        and type(p.source.line) is int
        and type(p.rule) is str
        and type(p.message) is str
        and type(p.hint) is str
    )


# ---------------------------------------------------------------- validation
# A row is checked against the model's type hints before it is trusted: a row of the wrong
# shape would otherwise fail later, far from the cache, and on every run until the file changes.

Check = Callable[[Any], bool]
_CHECKS: dict[Any, Check] = {}


def conforms(value: Any, hint: Any) -> bool:
    """Whether `value` has the type `hint` describes, all the way down (the model's types only)."""
    check = _CHECKS.get(hint)
    if check is None:
        check = _CHECKS[hint] = _compile(hint)
    return check(value)


def _compile(hint: Any) -> Check:
    """A checker for one type hint, built once: rows are checked by the thousand."""
    if hint is Any or hint is object:
        return lambda v: True
    if hint is None or hint is type(None):
        return lambda v: v is None
    if hint is float:
        return lambda v: type(v) is float or type(v) is int
    if hint in (str, int, bool, date):
        return lambda v: type(v) is hint
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        return lambda v: v in args
    if origin is Union or origin is UnionType:
        options = [_compile(a) for a in args]
        return lambda v: any(check(v) for check in options)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _compile(args[0])
            return lambda v: type(v) is tuple and all(map(item, v))
        items = [_compile(a) for a in args]
        return lambda v: (
            type(v) is tuple
            and len(v) == len(items)
            and all(check(x) for check, x in zip(items, v, strict=True))
        )
    if origin in (dict, Mapping):
        key, value = _compile(args[0]), _compile(args[1])
        return lambda v: type(v) is dict and all(key(k) and value(x) for k, x in v.items())
    if isinstance(hint, type) and (is_dataclass(hint) or issubclass(hint, tuple)):
        fields_ = [(name, _compile(h)) for name, h in get_type_hints(hint).items()]
        return lambda v: type(v) is hint and all(check(getattr(v, n)) for n, check in fields_)
    raise TypeError(f"no check for {hint!r}")


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


_T = str, int, int, tuple, str, str, str, str, int, str, int, dict, dict, str, tuple, dict
_RECORD_TYPES = {_T, (*_T[:10], type(None), *_T[11:])}
_OPTIONAL = (str, type(None))
_EVIDENCE_TYPES = {
    (str, int, str, file, url, sha, made)
    for file in _OPTIONAL
    for url in _OPTIONAL
    for sha in _OPTIONAL
    for made in (int, type(None))  # the document's own date, as an ordinal
}


def _left_out(problems: list[Problem]) -> list[Problem]:
    """The problems of a file left out, which always say why."""
    if not problems:
        raise ValueError("a file left out without a problem")
    return problems


def decode_record(rel: str, row: tuple[Any, ...]) -> RecordResult:
    if row[0] is None:
        return None, _left_out(_problems(row[1]))
    # Checked field by field, but not deeper than the fields: this runs for every record.
    if (
        tuple(map(type, row[0])) not in _RECORD_TYPES
        or not all(type(t) is str for t in row[0][3])
        or not all(tuple(map(type, e)) in _EVIDENCE_TYPES for e in row[0][14])
    ):
        raise ValueError("malformed record row")
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
         tuple(intern(k) for k in a.evidence_kinds), a.title, a.place, a.evidence_count),
        rows,
    )  # fmt: skip


def decode_activity(rel: str, row: tuple[Any, ...]) -> ActivityResult:
    """The id and path are the file's own (`rel`), so the row does not repeat them."""
    a = row[0]
    if a is None:
        return None, _left_out(_problems(row[1]))
    activity = Activity(
        rel[rel.rfind("/") + 1 : -5], date.fromordinal(a[0]), a[1], a[2], a[3], a[4], a[5], a[6],
        rel, a[7], a[8], a[9],
    )  # fmt: skip
    # Read on every warm `status`: the outer types only (every row was written by encode_activity).
    if not (
        type(a[1]) is tuple
        and all(type(t) is str for t in a[1])
        and type(a[2]) is str
        and type(a[3]) is str
        and (a[4] is None or type(a[4]) is int)
        and type(a[5]) is dict
        and type(a[6]) is tuple
        and type(a[7]) is str
        and type(a[8]) is str
        and type(a[9]) is int
    ):
        raise ValueError("malformed activity row")
    return activity, _problems(row[1]) if row[1] else []


# A plan is a tree of the model's frozen classes. Each becomes a list `[class name, *fields]`
# (the model itself holds tuples and dicts, never lists, so a list is always such a node).
# The requirement classes are the members of `Requirement`, so a new kind is never missing here.
_PLAN_CLASSES = {
    cls.__name__: (cls, tuple(f.name for f in fields(cls)))
    for cls in (Plan, Section, Task, Guidance, Unit, Fact, Figure, Source, *get_args(Requirement))
}
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


# Plans decoded in this process, by their row's text: a roll-up reads hundreds of units that
# share one plan (a bureau's common plan), and rebuilding and checking it is most of a warm
# unit's time. Plans are frozen, so one object can serve every unit whose row is identical.
_DECODED_PLANS: dict[tuple[str, str], tuple[Plan | None, list[Problem], Festivals]] = {}
_DECODED_PLANS_MAX = 64


def decode_plan(rel: str, row: tuple[Any, ...]) -> tuple[Plan | None, list[Problem], Festivals]:
    # repr, not marshal: marshal's bytes depend on which strings are interned and shared.
    key = (rel, repr(row))
    if key in _DECODED_PLANS:
        plan, problems, days = _DECODED_PLANS[key]
        return plan, list(problems), {y: dict(d) for y, d in days.items()}
    days = {y: {n: date.fromordinal(o) for n, o in dates.items()} for y, dates in row[2].items()}
    plan = None if row[0] is None else _unpack(row[0])
    if not conforms(plan, Plan | None) or not conforms(days, Festivals):
        raise ValueError("malformed plan row")
    problems = _problems(row[1])
    if len(_DECODED_PLANS) >= _DECODED_PLANS_MAX:
        _DECODED_PLANS.clear()
    _DECODED_PLANS[key] = (plan, list(problems), {y: dict(d) for y, d in days.items()})
    return plan, problems, days


def encode_fact(fact: FileFact) -> tuple[Any, ...]:
    taken = None if fact.taken is None else fact.taken.toordinal()
    return (fact.state, fact.sha256, fact.size, taken)


def decode_fact(rel: str, row: tuple[Any, ...]) -> FileFact:
    from .files import FileFact

    state, sha256, size, taken = row
    if taken is not None and type(taken) is not int:
        raise ValueError("malformed evidence row")
    fact = FileFact(state, sha256, size, None if taken is None else date.fromordinal(taken))
    if not conforms(fact, FileFact):
        raise ValueError("malformed evidence row")
    return fact
