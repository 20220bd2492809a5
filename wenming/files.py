"""Evidence files on disk: path safety, existence and sha256."""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20

FileState = Literal["ok", "missing", "not-file", "outside", "unreadable"]


@dataclass(frozen=True)
class FileFact:
    """What the disk says about one evidence path."""

    state: FileState
    sha256: str | None = None
    size: int = 0


def unsafe_reason(path: str) -> str | None:
    """Why a ledger-relative evidence path is not acceptable as written, or None."""
    if not path.strip():
        return "路径为空"
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return "是绝对路径"
    if "\\" in path:
        return "含有反斜杠“\\”（请用“/”分隔）"
    if ".." in PurePosixPath(path).parts:
        return "含有“..”"
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inspect(root: Path, rel: str, want_hash: bool = True) -> FileFact:
    """Look at `root/rel` without following it out of the ledger."""
    path = root / rel
    try:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            return FileFact("outside")
        info = path.lstat() if not path.is_symlink() else resolved.stat()
    except FileNotFoundError:
        return FileFact("missing")
    except OSError:
        return FileFact("unreadable")
    if not stat.S_ISREG(info.st_mode):
        return FileFact("not-file")
    if not want_hash:
        return FileFact("ok", None, info.st_size)
    try:
        return FileFact("ok", sha256_file(path), info.st_size)
    except OSError:
        return FileFact("unreadable", None, info.st_size)
