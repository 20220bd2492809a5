"""`add` refuses characters XML cannot hold, in every field, before writing anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli, git

ADD = ("add", "--task", "7.1", "--date", "2022-03-05", "--type", "学雷锋志愿服务", "--unit", "团委")
BAD = ["\x00", "\x1b", "\x08", "\x0c", "\x7f", "\ufffe", "\uffff", "\udcff"]


def _records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*"))


@pytest.mark.parametrize("char", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--title", "标{}题", "标题（--title）"),
        ("--place", "地{}点", "地点（--place）"),
        ("--summary", "简介\n第二{}行", "简介（--summary）"),
        ("--extra", "主讲人=王{}某", "其他信息“主讲人”（--extra）"),
        ("--extra", "主讲{}人=王", "其他信息的名称（--extra）"),
        ("--link", "https://example.org/{}x", "网址（--link）"),
        ("--link", "https://example.org/|报{}道", "网页佐证“https://example.org/”的说明（--link）"),
        ("--evidence", "PHOTO|说{}明", "佐证材料“照片.jpg”的说明（--evidence）"),
    ],
)
def test_unstorable_characters_are_refused(
    cli: Cli, git_ledger: Path, tmp_path: Path, char: str, option: str, value: str, field: str
) -> None:
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"photo")
    given = value.format(char).replace("PHOTO", str(photo))
    before = _records(git_ledger)
    title = () if option == "--title" else ("--title", "正常的标题")
    result = cli(*ADD, *title, option, given, repo=git_ledger)
    assert result.exit_code == 1, result.output
    refused = f"错误：{field}中有 XML 和 Excel 不能保存的字符 U+{ord(char):04X}，未写入任何文件"
    # A URL with white space in it (form feed) is already refused as not a URL.
    assert refused in result.output or (char.isspace() and "网址" in result.output)
    assert _records(git_ledger) == before
    assert git(git_ledger, "status", "--porcelain") == ""


@pytest.mark.parametrize("char", ["\x1b", "\ufffe"])
def test_an_evidence_file_name_with_them_is_refused(
    cli: Cli, git_ledger: Path, tmp_path: Path, char: str
) -> None:
    photo = tmp_path / f"照片{char}.jpg"
    photo.write_bytes(b"photo")
    before = _records(git_ledger)
    result = cli(*ADD, "--title", "标题", "--evidence", str(photo), repo=git_ledger)
    assert result.exit_code == 1, result.output
    assert "佐证材料的文件名（--evidence）中有 XML 和 Excel 不能保存的字符" in result.output
    assert _records(git_ledger) == before


def test_tabs_newlines_and_windows_line_ends_are_kept(cli: Cli, git_ledger: Path) -> None:
    result = cli(
        *ADD, "--title", "标题\t带制表符", "--summary", "第一行\r\n第二行\r第三行", repo=git_ledger
    )
    assert result.exit_code == 0, result.output
    [record] = list((git_ledger / "records").rglob("*标题-带制表符*.yaml"))
    text = record.read_text(encoding="utf-8")
    assert "title: 标题 带制表符" in text and "第一行\n  第二行\n  第三行" in text
