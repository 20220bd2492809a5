"""`plan import` refuses .docx zip bombs and DTDs before parsing, with a clear message."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import Cli
from test_planimport import _docx

from wenming.errors import WenmingError
from wenming.planimport import import_plan
from wenming.planimport.reader import MAX_PART_BYTES

DOCUMENT = "word/document.xml"


def _replace(source: Path, target: Path, name: str, chunks: Iterable[bytes]) -> Path:
    """A copy of the .docx `source` whose part `name` is written from `chunks`, streamed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != name:
                new.writestr(item, old.read(item))
        with new.open(name, "w", force_zip64=True) as part:
            for chunk in chunks:
                part.write(chunk)
    return target


def _document(tmp_path: Path) -> bytes:
    with zipfile.ZipFile(_docx(tmp_path / "原件.docx")) as original:
        return original.read(DOCUMENT)


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    document = _document(tmp_path)
    head, _, tail = document.rpartition(b"</w:body>")
    filler = b"<w:p/>" * 200_000  # 1.2 MB a chunk, compressing about a thousandfold
    chunks = [head, *([filler] * ((MAX_PART_BYTES * 2) // len(filler))), b"</w:body>", tail]
    bomb = _replace(tmp_path / "原件.docx", tmp_path / "炸弹.docx", DOCUMENT, chunks)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(WenmingError) as caught:
        import_plan(bomb)
    assert "“炸弹.docx”解压后过大" in caught.value.message


def test_a_highly_compressed_part_is_refused(tmp_path: Path) -> None:
    document = _document(tmp_path)
    head, _, tail = document.rpartition(b"</w:body>")
    chunks = [head, b"<w:p/>" * 500_000, b"</w:body>", tail]  # 3 MB from a few KB
    bomb = _replace(tmp_path / "原件.docx", tmp_path / "压缩.docx", DOCUMENT, chunks)
    with pytest.raises(WenmingError, match="解压后过大"):
        import_plan(bomb)


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b"<!DOCTYPE w>",
    ],
    ids=["entities", "external", "doctype"],
)
def test_a_dtd_is_refused(tmp_path: Path, prolog: bytes) -> None:
    document = _document(tmp_path)
    declaration, _, body = document.partition(b"?>")
    changed = declaration + b"?>" + prolog + body
    path = _replace(tmp_path / "原件.docx", tmp_path / "实体.docx", DOCUMENT, [changed])
    with pytest.raises(WenmingError) as caught:
        import_plan(path)
    assert "word/document.xml 含有 DTD 或实体声明" in caught.value.message


def test_a_dtd_in_utf16_is_refused(tmp_path: Path) -> None:
    document = _document(tmp_path).decode("utf-8")
    declaration, _, body = document.partition("?>")
    changed = declaration.replace("UTF-8", "UTF-16") + '?><!DOCTYPE w [<!ENTITY a "a">]>' + body
    data = changed.encode("utf-16")
    path = _replace(tmp_path / "原件.docx", tmp_path / "宽字符.docx", DOCUMENT, [data])
    with pytest.raises(WenmingError, match="DTD"):
        import_plan(path)


def test_broken_xml_is_not_a_docx(tmp_path: Path) -> None:
    _docx(tmp_path / "原件.docx")
    path = _replace(tmp_path / "原件.docx", tmp_path / "坏.docx", DOCUMENT, [b"<w:document"])
    with pytest.raises(WenmingError, match=r"不是有效的 \.docx"):
        import_plan(path)


def test_cli_exit_code(cli: Cli, tmp_path: Path) -> None:
    document = _document(tmp_path)
    path = _replace(
        tmp_path / "原件.docx", tmp_path / "实体.docx", DOCUMENT, [b"<!DOCTYPE w>" + document]
    )
    result = cli("plan", "import", str(path), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1, result.output
    assert "DTD" in result.output and not (tmp_path / "out.yaml").exists()
