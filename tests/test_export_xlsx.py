"""The 台账 workbook read back with openpyxl and python-calamine: sheets, values, links, print."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from wenming.export import prepare, write_xlsx
from wenming.export.rows import evidence_number
from wenming.ledger import load, records_of
from wenming.status import evaluate

FORMULA_TITLE = '=HYPERLINK("http://x","y")'
LONG_SUMMARY = "很长的内容摘要。" * 5000  # 40,000 characters, beyond one Excel cell
PHOTO = "records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png"

MEETING = """\
schema_version: 1
date: 2022-04-12
tasks: ["2"]
type: 支委会
title: '=HYPERLINK("http://x","y")'
unit: 机关党委
place: "@会议室"
participants: 5
extra:
  主持人: 张某某
  议题: [学习, 部署]
summary: "会议纪要\\a含有响铃字符"
evidence:
  - file: records/2022/20220412-meeting-00ab/通知-1.txt
    kind: 通知
    caption: "-通知说明以减号开头"
"""

LONG = f"""\
schema_version: 1
date: 2022-09-10
tasks: ["7.2", "7.1"]
type: 征文
title: 中秋征文
unit: 团委
summary: {LONG_SUMMARY}
"""


def add_records(root: Path) -> None:
    folder = root / "records" / "2022"
    (folder / "20220412-meeting-00ab.yaml").write_text(MEETING, encoding="utf-8")
    (folder / "20220412-meeting-00ab").mkdir()
    (folder / "20220412-meeting-00ab" / "通知-1.txt").write_text("通知", encoding="utf-8")
    (folder / "20220910-中秋征文-7c1e.yaml").write_text(LONG, encoding="utf-8")


@pytest.fixture
def ledger(mini_ledger: Path) -> Path:
    add_records(mini_ledger)
    return mini_ledger


def export(root: Path, out: Path, **filters: object) -> Path:
    prepared = prepare(root, year=2022, as_of=filters.pop("as_of", date(2022, 12, 31)), **filters)  # type: ignore[arg-type]
    return write_xlsx(prepared, out)


def rows_of(ws: object) -> list[tuple[object, ...]]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_sheets_and_headers(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    assert book.sheetnames == ["封面", "台账总表", "活动记录", "佐证材料目录", "量化指标", "长文本"]
    index = rows_of(book["台账总表"])
    assert index[1] == (
        "序号", "编号", "创建内容", "工作任务", "牵头单位", "配合单位", "工作要求",
        "完成情况", "活动次数", "佐证材料", "备注",
    )  # fmt: skip
    assert rows_of(book["活动记录"])[1][:8] == (
        "序号", "日期", "编号", "活动类型", "活动名称", "组织单位", "地点", "参与人数",
    )  # fmt: skip
    assert "志愿服务时长（小时）" in rows_of(book["活动记录"])[1]
    assert rows_of(book["佐证材料目录"])[1] == (
        "序号", "材料编号", "对应编号", "材料类型", "题名/说明", "形成日期", "地点",
        "关联活动", "存放位置", "sha256",
    )  # fmt: skip


def test_index_has_every_task_with_the_status_engines_state(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    rows = rows_of(book["台账总表"])[2:]
    banners = [r[0] for r in rows if r[1] is None]
    assert banners == ["（一）完善创建工作机制", "（二）加强队伍建设", "（七）践行志愿服务担当"]
    tasks = [r for r in rows if r[1] is not None]
    ledger_data = load(ledger)
    plan = ledger_data.plans[2022]
    progress = evaluate(plan, records_of(ledger_data, plan), date(2022, 12, 31))
    assert [r[1] for r in tasks] == ["1", "2", "7.1", "7.2"]
    for row, task in zip(tasks, progress.tasks, strict=True):
        assert str(row[7]).split("：")[0] == task.state.value
    seven_one = tasks[2]
    assert seven_one[2] == "持续做好志愿服务工作"
    assert seven_one[3] == "努力达到年平均参与服务超过25小时。"
    assert seven_one[4] == "团委"
    assert seven_one[5] == "各同创单位、机关党委"
    assert "注册志愿者年人均服务时长超过25小时" in seven_one[6]
    assert seven_one[8] == 2  # the 学雷锋 record and the 征文 record that also names 7.1
    assert seven_one[9].startswith("共 2 件")


def test_activity_log_lists_every_record_and_every_field(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    rows = rows_of(book["活动记录"])
    head, body = rows[1], rows[2:]
    assert [r[4] for r in body] == ["学雷锋志愿服务进社区", FORMULA_TITLE, "中秋征文"]
    first = dict(zip(head, body[0], strict=True))
    assert first["日期"].date() == date(2022, 3, 5)
    assert first["编号"] == "7.1"
    assert first["组织单位"] == "团委"
    assert first["地点"] == "幸福路社区"
    assert first["参与人数"] == 12
    assert first["志愿服务时长（小时）"] == 36
    assert first["内容摘要"] == "团委组织青年志愿者到幸福路社区开展环境整治。"
    assert first["佐证材料编号"] == "7.1-0305-0001-01\n7.1-0305-0001-02"
    assert first["记录文件"] == "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
    meeting = dict(zip(head, body[1], strict=True))
    assert meeting["其他信息"] == "主持人：张某某\n议题：学习、部署"
    assert meeting["编号"] == "2"
    assert meeting["地点"] == "@会议室"


def test_catalogue_numbers_links_and_hashes(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, ledger / "台账.xlsx"))
    ws = book["佐证材料目录"]
    numbers = [ws.cell(row, 2).value for row in range(3, ws.max_row + 1)]
    assert numbers == ["2-0412-00ab-01", "7.1-0305-0001-01", "7.1-0305-0001-02"]
    assert ws.cell(4, 9).value == PHOTO
    assert ws.cell(4, 9).hyperlink is None  # plain text, so it wraps when printed
    assert ws.cell(4, 2).hyperlink.target == PHOTO  # relative: the workbook sits in the ledger root
    assert (
        ws.cell(4, 10).value == "b1ff9c8ea3a780bad09b346c423d2d0e46815926879b18e841d928376a946640"
    )
    assert ws.cell(4, 5).value == "2022年3月5日，青年志愿者在幸福路社区清理小广告"
    assert ws.cell(5, 2).hyperlink.target == "https://example.org/news/1"
    assert ws.cell(5, 4).value == "新闻报道"


def test_links_are_relative_to_where_the_workbook_is_written(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "台账.xlsx"
    ws = openpyxl.load_workbook(export(ledger, out))["佐证材料目录"]
    target = ws.cell(4, 2).hyperlink.target
    assert target == "../ledger/" + PHOTO
    assert (out.parent / target).resolve() == (ledger / PHOTO).resolve()


def test_numbers_are_stable_across_exports_and_filters(ledger: Path, tmp_path: Path) -> None:
    first = openpyxl.load_workbook(export(ledger, tmp_path / "a.xlsx"))["佐证材料目录"]
    before = {first.cell(r, 5).value: first.cell(r, 2).value for r in range(3, first.max_row + 1)}
    extra = ledger / "records" / "2022" / "20220301-早一条-9999.yaml"
    extra.write_text(
        'schema_version: 1\ndate: 2022-03-01\ntasks: ["7.1"]\ntype: 志愿服务\ntitle: 早一条\n'
        "unit: 团委\nevidence:\n  - url: https://example.org/2\n    kind: 新闻报道\n    caption: 新的\n",
        encoding="utf-8",
    )
    second = openpyxl.load_workbook(export(ledger, tmp_path / "b.xlsx"))["佐证材料目录"]
    after = {second.cell(r, 5).value: second.cell(r, 2).value for r in range(3, second.max_row + 1)}
    assert after.pop("新的") == "7.1-0301-9999-01"
    assert after == before
    only = openpyxl.load_workbook(export(ledger, tmp_path / "c.xlsx", section="2"))["佐证材料目录"]
    assert [only.cell(r, 2).value for r in range(3, only.max_row + 1)] == ["2-0412-00ab-01"]


def test_evidence_number_scheme() -> None:
    records = records_of(load(Path(__file__).parent / "cases" / "ledger"), _plan())
    assert evidence_number(records[0], 3) == "7.1-0305-0001-03"


def _plan():  # type: ignore[no-untyped-def]
    return load(Path(__file__).parent / "cases" / "ledger").plans[2022]


def test_formula_text_stays_text(ledger: Path, tmp_path: Path) -> None:
    path = export(ledger, tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(path)["活动记录"]["E4"]
    assert cell.value == FORMULA_TITLE
    assert cell.data_type == "s"
    assert cell.quotePrefix
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("活动记录").to_python()
    assert calamine[3][4] == FORMULA_TITLE
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode("utf-8")
    catalogue = openpyxl.load_workbook(path)["佐证材料目录"]
    assert catalogue["E3"].value == "-通知说明以减号开头"
    assert catalogue["E3"].data_type == "s"


def test_rejected_characters_are_replaced_and_long_text_kept_whole(
    ledger: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    log = book["活动记录"]
    head = [c.value for c in log[2]]
    summary = head.index("内容摘要") + 1
    assert log.cell(4, summary).value == "会议纪要\ufffd含有响铃字符"
    cut = log.cell(5, summary).value
    assert cut.startswith("很长的内容摘要。") and cut.endswith("见“长文本”表）")
    assert len(cut) <= 32_767
    rest = rows_of(book["长文本"])[2:]
    assert {r[0] for r in rest} == {f"活动记录!{log.cell(5, summary).column_letter}5"}
    assert "".join(r[2] for r in sorted(rest, key=lambda r: r[1])) == LONG_SUMMARY


def test_print_setup(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    for name in ("台账总表", "活动记录", "佐证材料目录", "量化指标"):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$2:$2"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:{ws.cell(2, ws.max_column).column_letter}{ws.max_row}"
        body = ws.cell(ws.max_row, 2)
        assert body.font.name == "宋体"
        assert body.border.left.style == "thin" and body.border.bottom.style == "thin"
        assert body.alignment.wrap_text
        assert ws.column_dimensions["D"].width >= 9
    assert book["台账总表"].column_dimensions["D"].width == 42


def test_calamine_reads_the_same_key_cells(ledger: Path, tmp_path: Path) -> None:
    path = export(ledger, tmp_path / "t.xlsx")
    mine = openpyxl.load_workbook(path)
    other = CalamineWorkbook.from_path(str(path))
    assert other.sheet_names == mine.sheetnames
    for name in ("台账总表", "活动记录", "佐证材料目录", "量化指标"):
        theirs = other.get_sheet_by_name(name).to_python()
        ours = rows_of(mine[name])
        assert len(theirs) == len(ours)
        for r, row in enumerate(ours):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    assert theirs[r][c] == value, (name, r, c)
                elif isinstance(value, (int, float)):
                    assert float(theirs[r][c]) == pytest.approx(value), (name, r, c)


def test_metrics_sheet(ledger: Path, tmp_path: Path) -> None:
    rows = rows_of(openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))["量化指标"])
    head, body = rows[1], rows[2:]
    assert len(body) == 1
    metric = dict(zip(head, body[0], strict=True))
    assert metric["编号"] == "7.1"
    assert metric["指标"] == "注册志愿者年人均服务时长"
    assert metric["目标值"] == "> 25"
    assert metric["实际值"] == pytest.approx(3.6)  # 36 hours / 10 registered volunteers
    assert metric["单位"] == "小时"
    assert metric["结果"] == "未达标"


def test_cover_names_the_git_commit(git_ledger: Path, tmp_path: Path) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=git_ledger, capture_output=True, text=True
    ).stdout.strip()
    rows = rows_of(openpyxl.load_workbook(export(git_ledger, tmp_path / "t.xlsx"))["封面"])
    assert rows[0][0] == "测试局2022年文明单位创建工作台账"
    cover = {r[0]: r[1] for r in rows[2:]}
    assert cover["台账版本（git 提交）"] == head
    assert cover["创建单位"] == "测试局"
    assert cover["活动记录"] == "1 条"
    assert cover["佐证材料"] == "2 件"
    assert re.fullmatch(r"4 项（.+）", cover["工作任务"])
    assert cover["志愿服务时长"] == "36 小时"


def test_rejected_characters_match_openpyxl() -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from wenming.export.xlsx import clean_text

    for code in range(0x3000):
        char = chr(code)
        assert (clean_text(char) != char) == bool(ILLEGAL_CHARACTERS_RE.match(char)), hex(code)
