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
from typing import Any, Generic, TypeVar

from . import __version__
from .errors import Problem, Severity, Source
from .files import FileFact
from .model import Evidence, Record

log = logging.getLogger("wenming.cache")

CACHE_ENV = "WENMING_CACHE_DIR"
# Files changed this recently may change again within the same mtime tick; they are never trusted.
RACY_SECONDS = 2.0
_FORMAT = f"2-{__version__}-{sys.version_info.major}.{sys.version_info.minor}"

FileKey = tuple[int, int, int, int]
T = TypeVar("T")


def file_key(stat: os.stat_result) -> FileKey:
    """Size, mtime, ctime and inode: any edit, replacement or rename-over changes one of them."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def cache_dir(root: Path) -> Path:
    """Outside the ledger, per user: never committed, never merged, never planted by a clone."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "wenming" / digest


class Codec(Generic[T]):
    """How one table's values become marshal-able rows and back (marshal runs no code on load)."""

    def __init__(self, encode: Callable[[T], Any], decode: Callable[[Any], T]) -> None:
        self.encode = encode
        self.decode = decode


class Cache(Generic[T]):
    """One table of `relative path -> (file key, row)`, read once and saved atomically."""

    def __init__(self, root: Path, name: str, codec: Codec[T], enabled: bool = True) -> None:
        self.enabled = enabled
        self.codec = codec
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

    def get(self, rel: str, key: FileKey) -> T | None:
        if not self.enabled:
            return None
        hit = self.old.get(rel)
        if hit is not None and hit[0] == key:
            try:
                value = self.codec.decode(hit[1])
            except Exception as exc:  # a damaged row is a miss
                log.debug("ignoring cache row %s: %s", rel, exc)
            else:
                self.new[rel] = hit
                return value
        self.misses += 1
        return None

    def put(self, rel: str, key: FileKey, value: T) -> None:
        if self.enabled and key[1] < self._racy_after:
            self.new[rel] = (key, self.codec.encode(value))

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

RecordResult = tuple[Record | None, list[Problem]]


def _problem_row(p: Problem) -> tuple[Any, ...]:
    return (p.source.path, p.source.line, p.rule, p.message, p.hint, p.severity.value)


def _problem(row: tuple[Any, ...]) -> Problem:
    return Problem(Source(row[0], row[1]), row[2], row[3], row[4], Severity(row[5]))


def _evidence_row(e: Evidence) -> tuple[Any, ...]:
    return (e.kind, e.source.line, e.caption, e.file, e.url, e.sha256)


def _record_row(r: Record) -> tuple[Any, ...]:
    return (
        r.id, r.year, r.date.toordinal(), r.tasks, r.type, r.title, r.unit, r.source.path,
        r.source.line, r.place, r.participants, dict(r.figures), dict(r.extra), r.summary,
        tuple(_evidence_row(e) for e in r.evidence), dict(r.lines),
    )  # fmt: skip


def _record(row: tuple[Any, ...]) -> Record:
    (record_id, year, day, tasks, kind, title, unit, path, line, place, participants, figures,
     extra, summary, evidence, lines) = row  # fmt: skip
    return Record(
        id=record_id,
        year=year,
        date=date.fromordinal(day),
        tasks=tasks,
        type=kind,
        title=title,
        unit=unit,
        source=Source(path, line),
        place=place,
        participants=participants,
        figures=figures,
        extra=extra,
        summary=summary,
        evidence=tuple(
            Evidence(e[0], Source(path, e[1]), e[2], e[3], e[4], e[5]) for e in evidence
        ),
        lines=lines,
    )


def _encode_result(result: RecordResult) -> tuple[Any, ...]:
    record, problems = result
    return (None if record is None else _record_row(record), [_problem_row(p) for p in problems])


def _decode_result(row: tuple[Any, ...]) -> RecordResult:
    return (None if row[0] is None else _record(row[0]), [_problem(p) for p in row[1]])


RECORDS: Codec[RecordResult] = Codec(_encode_result, _decode_result)
EVIDENCE: Codec[FileFact] = Codec(
    lambda fact: (fact.state, fact.sha256, fact.size), lambda row: FileFact(*row)
)
