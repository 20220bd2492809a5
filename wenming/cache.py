"""The local load cache: parsed records and evidence hashes, keyed by each file's identity on disk."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import __version__

log = logging.getLogger("wenming.cache")

CACHE_ENV = "WENMING_CACHE_DIR"
# Files changed this recently may change again within the same mtime tick; they are never trusted.
RACY_SECONDS = 2.0
_FORMAT = f"1-{__version__}-{sys.version_info.major}.{sys.version_info.minor}"

FileKey = tuple[int, int, int, int]


def file_key(stat: os.stat_result) -> FileKey:
    """Size, mtime, ctime and inode: any edit, replacement or rename-over changes one of them."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def cache_dir(root: Path) -> Path:
    """Outside the ledger, per user: never committed, never merged, never planted by a clone."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "wenming" / digest


class Cache:
    """One table of `relative path -> (file key, value)`, loaded once and saved atomically."""

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = cache_dir(root) / f"{name}.pickle"
        self.old: dict[str, tuple[FileKey, Any]] = self._read() if enabled else {}
        self.new: dict[str, tuple[FileKey, Any]] = {}
        self.misses = 0
        self._racy_after = (time.time() - RACY_SECONDS) * 1e9

    def _read(self) -> dict[str, tuple[FileKey, Any]]:
        try:
            with self.path.open("rb") as handle:
                stored = pickle.load(handle)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a corrupt or foreign cache is rebuilt, never an error
            log.debug("ignoring unreadable cache %s: %s", self.path, exc)
            return {}
        if not isinstance(stored, dict) or stored.get("format") != _FORMAT:
            log.debug("ignoring cache %s of another format", self.path)
            return {}
        entries = stored.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, rel: str, key: FileKey) -> Any | None:
        if not self.enabled:
            return None
        hit = self.old.get(rel)
        if hit is not None and hit[0] == key:
            self.new[rel] = hit
            return hit[1]
        self.misses += 1
        return None

    def put(self, rel: str, key: FileKey, value: Any) -> None:
        if self.enabled and key[1] < self._racy_after:
            self.new[rel] = (key, value)

    def save(self) -> None:
        """Write the entries seen in this run (so deleted files drop out), if anything changed."""
        if not self.enabled or (self.misses == 0 and self.new.keys() == self.old.keys()):
            return
        temp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(
                    {"format": _FORMAT, "entries": self.new}, handle, pickle.HIGHEST_PROTOCOL
                )
            Path(temp).replace(self.path)  # atomic: a reader sees the old or the new table
        except OSError as exc:
            log.debug("cache not saved to %s: %s", self.path, exc)
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
