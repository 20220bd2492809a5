"""Atomic writes: a file appears whole or not at all, and a record is never written over."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that replaces it only when the block completes."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".wenming-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        mask = os.umask(0)
        os.umask(mask)
        temp.chmod(0o666 & ~mask)  # mkstemp makes owner-only files; outputs are ordinary files
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)


def write_replacing(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8, lines ending in \\n) to `path`, replacing it atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as temp:
        temp.write_bytes(payload)


def publish(target: Path, text: str) -> bool:
    """Write `text` to `target` atomically and only if nothing is there yet; False if taken."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            target.hardlink_to(temporary)  # fails if the target exists: no overwrite, ever
        except FileExistsError:
            return False
        except OSError:  # no hard links here (e.g. FAT); rename refuses to replace on Windows
            if target.exists():
                return False
            temporary.rename(target)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
