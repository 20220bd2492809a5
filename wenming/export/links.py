"""Where each piece of evidence is and how an output links to it: in the ledger or in a bundle."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .redact import mask
from .rows import EvidenceRow, LedgerExport

EVIDENCE_FOLDER = "佐证材料"
LINK_SCHEMES = ("http://", "https://", "ftp://", "mailto:")


@dataclass(frozen=True)
class Arranged:
    """The rows to export and how many errors the ledger had when they were read."""

    data: LedgerExport
    root: Path
    errors: int
    redacted: bool = False


def relative_links(arranged: Arranged, folder: Path) -> dict[str, str]:
    """材料编号 → href: evidence files relative to `folder` (where the output sits), or the URL."""
    links = {}
    base = folder.resolve()
    for item in arranged.data.evidence:
        if arranged.redacted and item.origin and mask(item.origin) != item.origin:
            continue  # the real file's name holds a personal number: shown as plain text only
        if item.origin:
            target = (arranged.root / item.origin).resolve()
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
