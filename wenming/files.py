"""Evidence files on disk: path safety, existence and sha256."""

from __future__ import annotations

import errno
import hashlib
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Literal

_DRIVE = re.compile(r"^[A-Za-z]:")
# No file name needs these; NUL cannot even be passed to the operating system. U+FFFD is what
# `printable_path` puts in their place, so a path shown that way is still refused.
_CONTROL = re.compile("[\x00-\x1f\x7f\ufffd-\uffff]")
_CHUNK = 1 << 20

FileState = Literal["ok", "missing", "not-file", "outside", "in-git", "unreadable"]


@dataclass(frozen=True)
class FileFact:
    """What the disk says about one evidence path."""

    state: FileState
    sha256: str | None = None
    size: int = 0
    taken: date | None = None  # a photo's EXIF date (wenming.photos), filled in by the ledger


def printable_path(path: str) -> str:
    """The path with control characters replaced by U+FFFD: safe to print, export and resolve."""
    return _CONTROL.sub("\ufffd", path)


def unsafe_reason(path: str) -> str | None:
    """Why a ledger-relative evidence path is not acceptable as written, or None."""
    if not path.strip():
        return "路径为空"
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return "是绝对路径"
    if "\\" in path:
        return "含有反斜杠“\\”（请用“/”分隔）"
    if _CONTROL.search(path):
        return "含有控制字符或无法识别的字符（显示为 �）"
    parts = PurePosixPath(path).parts
    if ".." in parts:
        return "含有“..”"
    if parts and parts[0].lower() == ".git":
        return "位于 git 的内部文件夹 .git/ 中"
    return None


def _in_git(resolved: Path, root: Path) -> bool:
    """Whether a resolved path lies in the ledger's .git folder (reached through a link)."""
    parts = resolved.relative_to(root).parts
    return bool(parts) and parts[0].lower() == ".git"


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
        real_root = root.resolve()
        if not resolved.is_relative_to(real_root):
            return FileFact("outside")
        if _in_git(resolved, real_root):
            return FileFact("in-git")
        info = path.lstat() if not path.is_symlink() else resolved.stat()
    except FileNotFoundError:
        return FileFact("missing")
    except RuntimeError:  # Path.resolve() on a symlink loop (Python < 3.13)
        return FileFact("not-file")
    except OSError as exc:
        return FileFact("not-file" if exc.errno == errno.ELOOP else "unreadable")
    except ValueError:  # a character the operating system cannot take in a path
        return FileFact("unreadable")
    if not stat.S_ISREG(info.st_mode):
        return FileFact("not-file")
    if not want_hash:
        return FileFact("ok", None, info.st_size)
    try:
        return FileFact("ok", sha256_file(path), info.st_size)
    except OSError:
        return FileFact("unreadable", None, info.st_size)
