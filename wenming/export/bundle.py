"""The hand-over zip: the workbook plus every evidence file in a folder named by its 材料编号."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from ..errors import WenmingError
from ..files import inspect, unsafe_reason
from ..progress import Tick
from .links import EVIDENCE_FOLDER, Arranged, bundle_links, bundle_path, bundle_places
from .rows import NUMBERING_NOTE, default_name

_STATES = {
    "missing": "不存在",
    "not-file": "不是文件",
    "outside": "指向台账以外",
    "in-git": "在 .git/ 内",
    "unreadable": "无法读取",
}


def _check_files(arranged: Arranged) -> None:
    """Refuse before writing anything when an evidence file cannot go into the bundle."""
    bad = []
    for item in arranged.data.evidence:
        if not item.origin:
            continue
        reason = unsafe_reason(item.origin)
        if reason is None:
            fact = inspect(arranged.root, item.origin, want_hash=False)
            reason = None if fact.state == "ok" else _STATES.get(fact.state, fact.state)
        if reason:
            bad.append(f"{item.number} {item.file}（{reason}）")
    if bad:
        more = f" 等 {len(bad)} 个" if len(bad) > 3 else ""
        raise WenmingError(
            "以下佐证材料文件无法打包：" + "；".join(bad[:3]) + more,
            "运行 wenming check 查看并补齐文件后再打包",
        )


def write_zip(arranged: Arranged, path: Path, tick: Tick | None = None) -> None:
    """The bundle stands alone: every place and link in its workbook and pages is inside it."""
    from .html import render
    from .xlsx import write_workbook

    _check_files(arranged)
    data = arranged.data
    tick = tick or (lambda n: None)
    links = bundle_links(data)
    with tempfile.TemporaryDirectory(prefix="wenming-") as scratch:
        book = Path(scratch) / "台账.xlsx"
        note = (
            "佐证材料",
            f"文件在压缩包的“{EVIDENCE_FOLDER}/材料编号/”文件夹中，与本表材料编号一一对应；"
            "压缩包根目录的 index.html 列出全部材料。",
        )
        places = bundle_places(data)
        write_workbook(data, book, links, places, (NUMBERING_NOTE, note), tick)
        pages = {
            name: render(data, arranged.root, template, "html", links, places)
            for name, template in (
                ("index.html", "index"),
                (default_name(data, "html", "ledger"), "ledger"),
            )
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(book, default_name(data, "xlsx", "ledger"))
            for name, text in pages.items():
                archive.writestr(name, text)
            for item in data.evidence:
                if item.origin:
                    archive.write(arranged.root / item.origin, bundle_path(item))
                    tick(1)
