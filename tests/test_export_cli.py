"""`wenming export` end to end: outputs, options, filters, bundle, and the repository's ledger."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import REPO_ROOT, Cli
from python_calamine import CalamineWorkbook

PHOTO = "records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png"


def sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_default_output_in_the_current_folder(
    cli: Cli, mini_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", repo=mini_ledger)
    assert result.exit_code == 0, result.output
    assert "已导出：台账-2022.xlsx（4 项任务、1 条活动记录、2 件佐证材料" in result.output
    assert openpyxl.load_workbook(tmp_path / "台账-2022.xlsx").sheetnames[0] == "封面"
    result = cli("export", "--template", "summary", repo=mini_ledger)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "创建工作总结-2022.md").read_text(encoding="utf-8").startswith("# 测试局")
    result = cli("export", "-f", "html", repo=mini_ledger)
    assert (tmp_path / "台账-2022.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_filters(cli: Cli, mini_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    assert cli("export", "--section", "7", "-o", str(out), repo=mini_ledger).exit_code == 0
    assert [r[1] for r in sheet(out, "台账总表")[2:] if r[1]] == ["7.1", "7.2"]
    assert cli("export", "--unit", "机关党委", "-o", str(out), repo=mini_ledger).exit_code == 0
    assert [r[1] for r in sheet(out, "台账总表")[2:] if r[1]] == ["2", "7.1"]  # lead, cooperating
    assert len(sheet(out, "活动记录")) == 2  # the one record is 团委's
    assert cli("export", "--from", "2022-03-06", "-o", str(out), repo=mini_ledger).exit_code == 0
    assert len(sheet(out, "活动记录")) == 2
    assert cli("export", "--to", "2022/3/5", "-o", str(out), repo=mini_ledger).exit_code == 0
    assert len(sheet(out, "活动记录")) == 3
    result = cli("export", "--as-of", "2022-03-01", "-o", str(out), repo=mini_ledger)
    assert result.exit_code == 0
    assert "统计截至 2022-03-01" in result.output
    assert len(sheet(out, "活动记录")) == 2
    assert ("统计截至", "2022-03-01", None, None) in sheet(out, "封面")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--section", "9"], 1, "计划中没有板块“9”"),
        (["--unit", "外单位"], 1, "计划中没有单位“外单位”"),
        (["--from", "2022-05-01", "--to", "2022-04-01"], 1, "晚于结束日期"),
        (["--as-of", "昨天"], 2, "无法识别日期"),
        (["--format", "pdf"], 2, "--format"),
        (["--template", "summary", "--format", "xlsx"], 1, "只能导出为 html 或 md"),
        (["--bundle", "x.zip", "--format", "html"], 2, "--bundle"),
        (["--template", "nope", "--format", "html"], 1, "找不到模板 nope.html.j2"),
        (["--year", "2030"], 1, "没有 2030 年的计划"),
    ],
)
def test_bad_options(
    cli: Cli,
    mini_ledger: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", *args, repo=mini_ledger)
    assert result.exit_code == code
    assert words in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.xlsx"))


def _hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]+)"', html)


def test_bundle_stands_alone(cli: Cli, mini_ledger: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "移交.zip"
    result = cli("export", "--bundle", str(zipped), repo=mini_ledger)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as archive:
        names = set(archive.namelist())
        assert names == {
            "台账-2022.xlsx", "台账-2022.html", "index.html", "佐证材料/7.1-01-1/照片-1.png",
        }  # fmt: skip
        assert archive.read("佐证材料/7.1-01-1/照片-1.png") == (mini_ledger / PHOTO).read_bytes()
        archive.extractall(tmp_path / "open")
    opened = tmp_path / "open"
    ws = openpyxl.load_workbook(opened / "台账-2022.xlsx")["佐证材料目录"]
    assert ws["B3"].value == "7.1-01-1"
    assert ws["B3"].hyperlink.target.replace("\\", "/") == "佐证材料/7.1-01-1/照片-1.png"
    assert ws["I3"].value == "佐证材料/7.1-01-1/照片-1.png"  # 存放位置: where it is in the zip
    for row in range(3, ws.max_row + 1):
        place, link = ws.cell(row, 9).value, ws.cell(row, 2).hyperlink
        assert place.startswith("https://") or (opened / place).is_file(), place
        assert link is not None
        target = link.target.replace("\\", "/")  # Excel writes relative links with “\\”
        assert target.startswith("https://") or (opened / target).is_file()
    index = (opened / "index.html").read_text(encoding="utf-8")
    assert ">7.1-01-1</a>" in index and ">7.1-01-2</a>" in index
    for page in ("index.html", "台账-2022.html"):
        for href in _hrefs((opened / page).read_text(encoding="utf-8")):
            assert href.startswith("https://") or (opened / href).is_file(), (page, href)


def test_redact_masks_id_and_mobile_numbers_everywhere(
    cli: Cli, mini_ledger: Path, tmp_path: Path
) -> None:
    identity, mobile = "11010519491231002X", "13912345678"
    folder = mini_ledger / "records" / "2022"
    evidence = folder / "20220310-走访-00cd"
    evidence.mkdir()
    (evidence / f"慰问{mobile}.txt").write_text("名单", encoding="utf-8")
    digest = hashlib.sha256("名单".encode()).hexdigest()
    (folder / "20220310-走访-00cd.yaml").write_text(
        f'schema_version: 1\ndate: 2022-03-10\ntasks: ["7.1"]\ntype: 志愿服务\n'
        f"title: 走访困难户（联系电话{mobile}）\nunit: 团委\nplace: 身份证号{identity}家中\n"
        f"summary: 户主身份证 {identity}，手机 {mobile}。\n"
        f"extra: {{联系人: 张某某 {mobile}}}\n"
        f"evidence:\n  - file: records/2022/20220310-走访-00cd/慰问{mobile}.txt\n"
        f"    kind: 其他\n    caption: 户主 {identity}\n    sha256: {digest}\n",
        encoding="utf-8",
    )
    outputs = {
        "t.xlsx": ["-o", str(tmp_path / "t.xlsx")],
        "t.html": ["-f", "html", "-o", str(tmp_path / "t.html")],
        "t.md": ["-f", "md", "-o", str(tmp_path / "t.md")],
        "s.md": ["-t", "summary", "-o", str(tmp_path / "s.md")],
        "b.zip": ["--bundle", str(tmp_path / "b.zip")],
    }

    def texts(name: str) -> str:
        """Every byte of an output as text: zip members' names and contents, unpacked."""
        path = tmp_path / name
        if not zipfile.is_zipfile(path):
            return path.read_text(encoding="utf-8")
        with zipfile.ZipFile(path) as archive:
            parts = list(archive.namelist())
            for member in archive.namelist():
                data = archive.read(member)
                if zipfile.is_zipfile(io.BytesIO(data)):
                    with zipfile.ZipFile(io.BytesIO(data)) as inner:
                        parts += [
                            inner.read(m).decode("utf-8", "replace") for m in inner.namelist()
                        ]
                elif not member.startswith("佐证材料/"):
                    parts.append(data.decode("utf-8", "replace"))
            return "\n".join(parts)

    for name, args in outputs.items():
        assert cli("export", *args, repo=mini_ledger).exit_code == 0
        assert identity in texts(name) or mobile in texts(name), name  # present unless redacted
        result = cli("export", *args, "--redact", repo=mini_ledger)
        assert result.exit_code == 0, result.output
        text = texts(name).replace("\\*", "*")  # Markdown escapes the mask's stars
        assert identity not in text and mobile not in text, name
        assert "110***********002X" in text or "139****5678" in text, name
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        # In file names the mask is “x”: Windows reserves “*”.
        assert "佐证材料/7.1-02-1/慰问139xxxx5678.txt" in archive.namelist()
        assert archive.read("佐证材料/7.1-02-1/慰问139xxxx5678.txt").decode() == "名单"


def test_bundle_refuses_missing_evidence(cli: Cli, mini_ledger: Path, tmp_path: Path) -> None:
    (mini_ledger / PHOTO).unlink()
    zipped = tmp_path / "移交.zip"
    result = cli("export", "--bundle", str(zipped), repo=mini_ledger)
    assert result.exit_code == 1
    assert "7.1-01-1" in result.output and "不存在" in result.output
    assert not zipped.exists()


def test_repository_ledger_matches_status(cli: Cli, tmp_path: Path) -> None:
    """This repository's own ledger: 25 tasks with `wenming status` states, every record and item."""
    out = tmp_path / "台账.xlsx"
    result = cli("export", "--as-of", "2022-12-31", "-o", str(out), repo=REPO_ROOT)
    assert result.exit_code == 0, result.output
    status = json.loads(cli("status", "--as-of", "2022-12-31", "--json", repo=REPO_ROOT).output)
    book = CalamineWorkbook.from_path(str(out))
    index = [r for r in book.get_sheet_by_name("台账总表").to_python()[2:] if r[1] != ""]
    assert len(index) == 25
    assert [(r[1], str(r[7]).split("：")[0]) for r in index] == [
        (t["task_id"], t["state"]) for t in status["tasks"]
    ]
    records = sorted(p.stem for p in (REPO_ROOT / "records" / "2022").glob("*.yaml"))
    log = book.get_sheet_by_name("活动记录").to_python()[2:]
    assert len(log) == len(records)
    assert len({r[1] for r in log}) == len(records)  # every 活动编号 is unique
    catalogue = book.get_sheet_by_name("佐证材料目录").to_python()[2:]
    items = sum(
        (REPO_ROOT / "records" / "2022" / f"{stem}.yaml").read_text(encoding="utf-8").count("kind:")
        for stem in records
    )
    assert len(catalogue) == items
    assert len({r[1] for r in catalogue}) == items  # every 材料编号 is unique
    assert all(re.fullmatch(r"\d+(\.\d+)?-\d{2,}-\d+", str(r[1])) for r in catalogue)
    for row in index:  # a task's row lists its own materials; others only as “另见”
        for line in str(row[9]).split("\n")[1:]:
            if not line.startswith("另见"):
                assert line.startswith(f"{row[1]}-"), (row[1], line)


def test_material_numbers_agree_across_every_output(cli: Cli, tmp_path: Path) -> None:
    """The repository's ledger: workbook, HTML, Markdown and bundle carry the same numbers."""
    day = ("--as-of", "2022-12-31")
    for fmt in ("xlsx", "html", "md"):
        out = str(tmp_path / f"t.{fmt}")
        assert cli("export", *day, "-f", fmt, "-o", out, repo=REPO_ROOT).exit_code == 0
    assert cli("export", *day, "--bundle", str(tmp_path / "b.zip"), repo=REPO_ROOT).exit_code == 0
    catalogue = sheet(tmp_path / "t.xlsx", "佐证材料目录")[2:]
    numbers = [str(r[1]) for r in catalogue]
    assert len(numbers) > 400 and len(set(numbers)) == len(numbers)
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr id="m-([^"]+)">', html) == numbers
    markdown = (tmp_path / "t.md").read_text(encoding="utf-8")
    section = markdown.split("## 三、佐证材料目录")[1].split("## 四")[0]
    assert re.findall(r"^\| ([\d.]+-\d+-\d+) \|", section, re.M) == numbers
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        folders = {n.split("/")[1] for n in archive.namelist() if n.startswith("佐证材料/")}
        index = archive.read("index.html").decode("utf-8")
    with_files = {str(r[1]) for r in catalogue if not str(r[8]).startswith("http")}
    assert folders == with_files
    assert set(re.findall(r">([\d.]+-\d+-\d+)</a>", index)) == set(numbers)
    log = sheet(tmp_path / "t.xlsx", "活动记录")[2:]
    activities = {str(r[1]) for r in log}
    assert {n.rsplit("-", 1)[0] for n in numbers} <= activities
