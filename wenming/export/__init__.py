"""Export writers: a plan's arranged rows become a workbook, a page or a hand-over zip."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..atomic import replacing
from ..progress import Tick
from .links import EVIDENCE_FOLDER, Arranged, ledger_places, relative_links
from .rows import NUMBERING_NOTE, Filters, LedgerExport, TermExport, default_name


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


def write_xlsx(arranged: Arranged, path: Path, tick: Tick | None = None) -> Path:
    from .xlsx import write_workbook

    links = relative_links(arranged, path.parent)
    with _atomic(path) as temp:
        write_workbook(
            arranged.data, temp, links, ledger_places(arranged.data), (NUMBERING_NOTE,), tick
        )
    return path


def write_term_xlsx(data: TermExport, root: Path, path: Path, tick: Tick | None = None) -> Path:
    """The 复查 workbook over a term, links relative to where it is written."""
    from .xlsx import write_term_workbook

    years = [Arranged(year, root, 0) for year in data.years]
    links = [relative_links(a, path.parent) for a in years]
    places = [ledger_places(year) for year in data.years]
    with _atomic(path) as temp:
        write_term_workbook(data, temp, links, places, tick)
    return path


def write_text(arranged: Arranged, path: Path, fmt: str, template: str) -> Path:
    from .html import render

    links = relative_links(arranged, path.parent)
    text = render(arranged.data, arranged.root, template, fmt, links, ledger_places(arranged.data))
    with _atomic(path) as temp:
        temp.write_text(text, encoding="utf-8")
    return path


def write_bundle(arranged: Arranged, path: Path, tick: Tick | None = None) -> Path:
    from .bundle import write_zip

    with _atomic(path) as temp:
        write_zip(arranged, temp, tick)
    return path


def rows_total(arranged: Arranged, bundle: bool = False) -> int:
    """How many steps a progress bar counts: activity and evidence rows, plus files zipped."""
    data = arranged.data
    files = sum(1 for e in data.evidence if e.file) if bundle else 0
    return len(data.activities) + len(data.evidence) + files


__all__ = [
    "EVIDENCE_FOLDER",
    "NUMBERING_NOTE",
    "Arranged",
    "Filters",
    "LedgerExport",
    "TermExport",
    "default_name",
    "rows_total",
    "write_bundle",
    "write_term_xlsx",
    "write_text",
    "write_xlsx",
]
