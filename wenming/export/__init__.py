"""Export writers: a plan's arranged rows become a workbook, a page or a hand-over zip."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..atomic import replacing
from .redact import mask
from .rows import NUMBERING_NOTE, EvidenceRow, Filters, LedgerExport, default_name

TEMPLATES = ("ledger", "summary")
EVIDENCE_FOLDER = "佐证材料"
LINK_SCHEMES = ("http://", "https://", "ftp://", "mailto:")
Tick = Callable[[int], None]


@dataclass(frozen=True)
class Prepared:
    """The rows to export and how many errors the ledger had when they were read."""

    data: LedgerExport
    root: Path
    errors: int
    redacted: bool = False


def relative_links(prepared: Prepared, folder: Path) -> dict[str, str]:
    """材料编号 → href: evidence files relative to `folder` (where the output sits), or the URL."""
    links = {}
    base = folder.resolve()
    for item in prepared.data.evidence:
        if prepared.redacted and item.origin and mask(item.origin) != item.origin:
            continue  # the real file's name holds a personal number: shown as plain text only
        if item.origin:
            target = (prepared.root / item.origin).resolve()
            try:
                links[item.number] = Path(os.path.relpath(target, base)).as_posix()
            except ValueError:  # another drive on Windows: no relative path exists
                links[item.number] = target.as_uri()
        elif item.url and safe_url(item.url):
            links[item.number] = item.url
    return links


def ledger_places(data: LedgerExport) -> dict[str, str]:
    """材料编号 → 存放位置 in the ledger: the file's path, or the web address."""
    return {e.number: e.file or e.url or "" for e in data.evidence}


def bundle_path(item: EvidenceRow) -> str:
    """Where an evidence file sits inside a bundle: a folder named by its 材料编号."""
    # A masked name (139****5678) cannot be a file name on Windows, where `*` is reserved.
    return f"{EVIDENCE_FOLDER}/{item.number}/{item.name.replace('*', 'x')}"


def bundle_places(data: LedgerExport) -> dict[str, str]:
    """材料编号 → 存放位置 inside a bundle: the file's path there, or the web address."""
    return {e.number: bundle_path(e) if e.file else e.url or "" for e in data.evidence}


def bundle_links(data: LedgerExport) -> dict[str, str]:
    """材料编号 → href inside a bundle: the file's path there, or a safe web address."""
    links = {}
    for item in data.evidence:
        if item.file:
            links[item.number] = bundle_path(item)
        elif item.url and safe_url(item.url):
            links[item.number] = item.url
    return links


def safe_url(url: str) -> bool:
    """Only ordinary web links become clickable; `javascript:` and the like stay plain text."""
    return url.strip().lower().startswith(LINK_SCHEMES)


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that replaces it only when writing succeeded."""
    try:
        with replacing(path) as temp:
            yield temp
    except BaseException as exc:
        _discard_writers(exc)
        raise


def _discard_writers(exc: BaseException) -> None:
    """Drop what a failed write left open, now and quietly.

    A workbook writer leaves its zip archive open when a write fails (a full disk): its
    finaliser retries the write later and prints tracebacks after our message.
    """
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        chained: BaseException | None = exc
        while chained is not None:  # finished frames still hold the writers, causes' too
            traceback.clear_frames(chained.__traceback__)
            chained = chained.__cause__ or chained.__context__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_xlsx(prepared: Prepared, path: Path, tick: Tick | None = None) -> Path:
    from .xlsx import write_workbook

    links = relative_links(prepared, path.parent)
    with _atomic(path) as temp:
        write_workbook(
            prepared.data, temp, links, ledger_places(prepared.data), (NUMBERING_NOTE,), tick
        )
    return path


def write_text(prepared: Prepared, path: Path, fmt: str, template: str) -> Path:
    from .html import render

    links = relative_links(prepared, path.parent)
    text = render(prepared.data, prepared.root, template, fmt, links, ledger_places(prepared.data))
    with _atomic(path) as temp:
        temp.write_text(text, encoding="utf-8")
    return path


def write_bundle(prepared: Prepared, path: Path, tick: Tick | None = None) -> Path:
    from .bundle import write_zip

    with _atomic(path) as temp:
        write_zip(prepared, temp, tick)
    return path


def rows_total(prepared: Prepared, bundle: bool = False) -> int:
    """How many steps a progress bar counts: activity and evidence rows, plus files zipped."""
    data = prepared.data
    files = sum(1 for e in data.evidence if e.file) if bundle else 0
    return len(data.activities) + len(data.evidence) + files


__all__ = [
    "EVIDENCE_FOLDER",
    "NUMBERING_NOTE",
    "TEMPLATES",
    "Filters",
    "LedgerExport",
    "Prepared",
    "default_name",
    "rows_total",
    "write_bundle",
    "write_text",
    "write_xlsx",
]
