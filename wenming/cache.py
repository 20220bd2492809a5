"""The local load cache: parsed records and evidence hashes, keyed by each file's identity on disk."""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from sys import intern
from typing import Any, TypeVar

from . import __version__
from .errors import Problem, Severity, Source
from .files import FileFact
from .model import Activity, Evidence, Record

log = logging.getLogger("wenming.cache")

CACHE_ENV = "WENMING_CACHE_DIR"
# Files changed this recently may change again within the same mtime tick; they are never trusted.
RACY_SECONDS = 2.0
_FORMAT = f"5-{__version__}-{sys.version_info.major}.{sys.version_info.minor}"

FileKey = int
T = TypeVar("T")


def file_key(stat: os.stat_result) -> FileKey:
    """Size, mtime, ctime and inode in one number: any edit, replacement or rename-over changes it."""
    return hash((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))


def cache_dir(root: Path) -> Path:
    """Outside the ledger, per user: never committed, never merged, never planted by a clone."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "wenming" / digest


class Cache:
    """One table of `relative path -> (file key, row)`, read once and saved atomically.

    Rows are plain marshal data (tuples, dicts, strings, numbers, bytes): loading one runs no code.
    """

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = cache_dir(root) / f"{name}.marshal"
        self.old: dict[str, tuple[FileKey, Any]] = self._read() if enabled else {}
        self.new: dict[str, tuple[FileKey, Any]] = {}
        self.misses = 0
        self._racy_after = (time.time() - RACY_SECONDS) * 1e9

    def _read(self) -> dict[str, tuple[FileKey, Any]]:
        try:
            stored = marshal.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a corrupt or foreign cache is rebuilt, never an error
            log.debug("ignoring unreadable cache %s: %s", self.path, exc)
            return {}
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != _FORMAT:
            log.debug("ignoring cache %s of another format", self.path)
            return {}
        return stored[1] if isinstance(stored[1], dict) else {}

    def get(self, rel: str, key: FileKey, decode: Callable[[str, Any], T]) -> T | None:
        """The decoded row for an unchanged file, or None (a damaged row counts as a miss)."""
        if not self.enabled:
            return None
        hit = self.old.get(rel)
        if hit is not None and hit[0] == key:
            try:
                value = decode(rel, hit[1])
            except Exception as exc:
                log.debug("ignoring cache row %s: %s", rel, exc)
            else:
                self.new[rel] = hit
                return value
        self.misses += 1
        return None

    def put(self, rel: str, key: FileKey, mtime_ns: int, row: Any) -> None:
        if self.enabled and mtime_ns < self._racy_after:
            self.new[rel] = (key, row)

    def refresh(self, rel: str, key: FileKey, mtime_ns: int, make_row: Callable[[], Any]) -> None:
        """Keep an up-to-date row without decoding it, or store a new one."""
        if not self.enabled:
            return
        hit = self.old.get(rel)
        if hit is not None and hit[0] == key:
            self.new[rel] = hit
        else:
            self.misses += 1
            self.put(rel, key, mtime_ns, make_row())

    def save(self) -> None:
        """Write the entries seen in this run (so deleted files drop out), if anything changed."""
        if not self.enabled or (self.misses == 0 and self.new.keys() == self.old.keys()):
            return
        temp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps((_FORMAT, self.new)))
            Path(temp).replace(self.path)  # atomic: a reader sees the old or the new table
        except (OSError, ValueError) as exc:
            log.debug("cache not saved to %s: %s", self.path, exc)
            if temp is not None:
                Path(temp).unlink(missing_ok=True)


# ---------------------------------------------------------------- codecs
# Two tables share the file keys: "records" holds every field, "activities" only what progress
# needs, so that a warm `status` reads a small table and never unpacks titles and summaries.

RecordResult = tuple[Record | None, list[Problem]]
ActivityResult = tuple[Activity | None, list[Problem]]


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
        (e.kind, e.source.line, e.caption, e.file, e.url, e.sha256) for e in r.evidence
    )
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
        tuple([Evidence(e[0], Source(path, e[1]), e[2], e[3], e[4], e[5]) for e in evidence]),
        lines,
    )  # fmt: skip
    return record, _problems(row[1]) if row[1] else []


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


def encode_fact(fact: FileFact) -> tuple[Any, ...]:
    return (fact.state, fact.sha256, fact.size)


def decode_fact(rel: str, row: tuple[Any, ...]) -> FileFact:
    return FileFact(*row)
