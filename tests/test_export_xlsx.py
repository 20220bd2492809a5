"""The 台账 workbook read back with openpyxl and python-calamine: sheets, values, links, print."""

from __future__ import annotations

import itertools
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from wenming.commands.export import arrange
from wenming.export import write_xlsx
from wenming.export.rows import activity_numbers, compact_numbers
from wenming.export.xlsx import (
    LINE_HEIGHT,
    TASK_COLUMNS,
    line_count,
    page_capacity,
    row_height,
)
from wenming.ledger import load, records_of
from wenming.model import Plan
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
    date: 2022-04-08
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
    arranged = arrange(root, year=2022, as_of=filters.pop("as_of", date(2022, 12, 31)), **filters)  # type: ignore[arg-type]
    return write_xlsx(arranged, out)


def rows_of(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_sheets_and_headers(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    assert book.sheetnames == [
        "封面", "台账总表", "活动记录", "佐证材料目录", "量化指标", "校验", "长文本",
    ]  # fmt: skip
    index = rows_of(book["台账总表"])
    assert index[1] == (
        "序号", "编号", "创建内容", "工作任务", "牵头单位", "配合单位", "工作要求",
        "完成情况", "活动次数", "佐证材料", "备注",
    )  # fmt: skip
    log_head = rows_of(book["活动记录"])[1]
    assert log_head[:9] == (
        "序号", "活动编号", "日期", "对应编号", "活动类型", "活动名称", "组织单位", "地点",
        "参与人数",
    )  # fmt: skip
    assert "志愿服务时长（小时）" in log_head
    assert log_head[-3:] == ("内容摘要", "其他信息", "佐证材料编号")  # no file paths
    assert rows_of(book["佐证材料目录"])[1] == (
        "序号", "材料编号", "对应编号", "材料类型", "题名/说明", "形成日期", "地点",
        "关联活动", "存放位置",
    )  # fmt: skip
    assert rows_of(book["校验"])[1] == ("序号", "材料编号", "存放位置", "sha256")


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
    assert seven_one[9] == "共 2 件\n7.1-01-1～2"
    assert seven_one[7].count("\n") == 2  # the task's state, then each of its two requirements
    for row in tasks:
        if len(plan.tasks[str(row[1])].requirements) <= 1:
            assert "\n" not in row[7], row  # one requirement: its state is said once


def test_activity_log_lists_every_record_and_every_field(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))
    rows = rows_of(book["活动记录"])
    head, body = rows[1], rows[2:]
    assert [r[5] for r in body] == ["学雷锋志愿服务进社区", FORMULA_TITLE, "中秋征文"]
    first = dict(zip(head, body[0], strict=True))
    assert first["活动编号"] == "7.1-01"
    assert first["日期"].date() == date(2022, 3, 5)
    assert first["对应编号"] == "7.1"
    assert first["组织单位"] == "团委"
    assert first["地点"] == "幸福路社区"
    assert first["参与人数"] == 12
    assert first["志愿服务时长（小时）"] == 36
    assert first["内容摘要"] == "团委组织青年志愿者到幸福路社区开展环境整治。"
    assert first["佐证材料编号"] == "7.1-01-1～2"
    assert not any("records/" in str(value) for row in body for value in row)
    meeting = dict(zip(head, body[1], strict=True))
    assert meeting["其他信息"] == "主持人：张某某\n议题：学习、部署"
    assert meeting["对应编号"] == "2"
    assert meeting["活动编号"] == "2-01"
    assert dict(zip(head, body[2], strict=True))["活动编号"] == "7.2-01"  # its first task
    assert meeting["地点"] == "@会议室"


def test_catalogue_numbers_links_and_hashes(ledger: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(ledger, ledger / "台账.xlsx"))
    ws = book["佐证材料目录"]
    numbers = [ws.cell(row, 2).value for row in range(3, ws.max_row + 1)]
    assert numbers == ["2-01-1", "7.1-01-1", "7.1-01-2"]
    assert ws.cell(4, 9).value == PHOTO
    assert ws.cell(4, 9).hyperlink is None  # plain text, so it wraps when printed
    # Relative, as Excel writes it (with backslashes): the workbook sits in the ledger root.
    assert ws.cell(4, 2).hyperlink.target == PHOTO.replace("/", "\\")
    assert ws.cell(4, 5).value == "2022年3月5日，青年志愿者在幸福路社区清理小广告"
    assert ws.cell(5, 2).hyperlink.target == "https://example.org/news/1"
    assert ws.cell(5, 4).value == "新闻报道"
    assert ws.cell(3, 6).value.date() == date(2022, 4, 8)  # the notice's own date
    assert ws.cell(4, 6).value.date() == date(2022, 3, 5)  # else the activity's
    check = openpyxl.load_workbook(ledger / "台账.xlsx")["校验"]
    sums = {check.cell(r, 2).value: check.cell(r, 4).value for r in range(3, check.max_row + 1)}
    assert sums["7.1-01-1"] == "b1ff9c8ea3a780bad09b346c423d2d0e46815926879b18e841d928376a946640"


def test_links_are_relative_to_where_the_workbook_is_written(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "台账.xlsx"
    ws = openpyxl.load_workbook(export(ledger, out))["佐证材料目录"]
    target = ws.cell(4, 2).hyperlink.target.replace("\\", "/")
    assert target == "../ledger/" + PHOTO
    assert (out.parent / target).resolve() == (ledger / PHOTO).resolve()


def _numbers(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["佐证材料目录"]
    return {ws.cell(r, 5).value: ws.cell(r, 2).value for r in range(3, ws.max_row + 1)}


def test_numbers_follow_the_date_order_within_each_task(ledger: Path, tmp_path: Path) -> None:
    before = _numbers(export(ledger, tmp_path / "a.xlsx"))
    later = ledger / "records" / "2022" / "20221201-晚一条-9999.yaml"
    later.write_text(
        'schema_version: 1\ndate: 2022-12-01\ntasks: ["7.1"]\ntype: 志愿服务\ntitle: 晚一条\n'
        "unit: 团委\nevidence:\n  - url: https://example.org/2\n    kind: 新闻报道\n    caption: 新的\n",
        encoding="utf-8",
    )
    after = _numbers(export(ledger, tmp_path / "b.xlsx"))
    assert after.pop("新的") == "7.1-02-1"  # the task's second activity by date
    assert after == before  # a later activity leaves earlier numbers as they were


def test_filters_never_change_a_number(ledger: Path, tmp_path: Path) -> None:
    full = _numbers(export(ledger, tmp_path / "a.xlsx"))
    for filters in ({"section": "2"}, {"unit": "团委"}, {"start": date(2022, 4, 1)}):
        part = _numbers(export(ledger, tmp_path / "b.xlsx", **filters))
        assert part and all(full[caption] == number for caption, number in part.items()), filters


def test_activity_numbers_and_their_compact_form() -> None:
    records = records_of(load(Path(__file__).parent / "cases" / "ledger"), _plan())
    assert activity_numbers(records) == {records[0].id: "7.1-01"}
    assert compact_numbers(["7.1-01-1", "7.1-01-2", "7.1-01-3", "7.1-02-1", "2-10-2"]) == (
        "7.1-01-1～3\n7.1-02-1\n2-10-2"
    )


def _plan() -> Plan:
    return load(Path(__file__).parent / "cases" / "ledger").plans[2022]


def test_formula_text_stays_text(ledger: Path, tmp_path: Path) -> None:
    path = export(ledger, tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(path)["活动记录"]["F4"]
    assert cell.value == FORMULA_TITLE
    assert cell.data_type == "s"
    assert cell.quotePrefix
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("活动记录").to_python()
    assert calamine[3][5] == FORMULA_TITLE
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
    for name in ("台账总表", "活动记录", "佐证材料目录", "量化指标", "校验"):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"
        assert ws.page_setup.fitToWidth in (None, 1)  # absent means 1, the file format's default
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$2:$2"
        last = ws.cell(2, ws.max_column).column_letter
        assert ws.print_area == f"'{name}'!$A$1:${last}${ws.max_row}"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        # The footer line (9pt, about 0.2 in) fits between its position and the body.
        assert ws.page_margins.bottom - ws.page_margins.footer >= 0.4
        assert ws.page_margins.top - ws.page_margins.header >= 0.25
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:{last}{ws.max_row}"
        body = ws.cell(ws.max_row, 2)
        assert body.font.name == "宋体"
        assert body.border.left.style == "thin" and body.border.bottom.style == "thin"
        assert body.alignment.wrap_text
    # 42 characters as Excel shows the width; the file adds the cell padding (5 px of 7).
    assert book["台账总表"].column_dimensions["D"].width == pytest.approx(42 + 5 / 7, abs=0.01)
    assert book["封面"].page_setup.orientation == "portrait"


def test_rows_are_as_tall_as_their_wrapped_text(ledger: Path, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))["台账总表"]
    for row in range(3, ws.max_row + 1):
        if ws.cell(row, 2).value is None:
            continue  # a section banner
        lines = max(
            line_count(str(ws.cell(row, c).value or ""), column.pixels)
            for c, column in enumerate(TASK_COLUMNS, 1)
        )
        assert ws.row_dimensions[row].height == row_height(lines), row
        assert row_height(lines) > (lines - 0.1) * LINE_HEIGHT


def test_line_estimate_counts_cjk_as_wide_and_wraps() -> None:
    column = TASK_COLUMNS[3].pixels  # 工作任务: about 22 CJK characters a line
    assert line_count("中" * 20, column) == 1
    assert line_count("中" * 60, column) == 3
    assert line_count("a" * 30, column) == 1  # Latin letters are half as wide
    assert line_count("一\n二\n三", column) == 3


def test_a_section_heading_never_ends_a_page(tmp_path: Path) -> None:
    from wenming.export.xlsx import _Book, _Sheet

    book = _Book(tmp_path / "t.xlsx")
    sheet = _Sheet(book, "台账总表", TASK_COLUMNS, "总表")
    for section in range(40):  # sections of one to three rows, some tall
        sheet.banner(f"（{section}）板块")
        for row in range(section % 3 + 1):
            text = "很长的工作任务说明。" * (5 + 7 * ((section + row) % 4))
            sheet.append([row, f"{section}.{row}", "任务", text, "", "", "", "", 0, "", ""])
    sheet.finish()
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["台账总表"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 5
    for row in breaks:
        assert ws.cell(row, 2).value is not None, f"a banner on row {row} ends a page"
    # No page holds more than a page of rows: its own and the repeated header row.
    capacity = page_capacity(TASK_COLUMNS)
    for first, last in itertools.pairwise([0, *breaks, ws.max_row]):
        height = sum(ws.row_dimensions[r].height for r in range(first + 1, last + 1))
        header = 0 if first == 0 else ws.row_dimensions[2].height
        assert height + header <= capacity + 0.01


def test_metrics_sheet_shows_the_working(ledger: Path, tmp_path: Path) -> None:
    rows = rows_of(openpyxl.load_workbook(export(ledger, tmp_path / "t.xlsx"))["量化指标"])
    head, body = rows[1], rows[2:]
    assert len(body) == 1
    metric = dict(zip(head, body[0], strict=True))
    assert metric["编号"] == "7.1"
    assert metric["指标"] == "注册志愿者年人均服务时长"
    assert metric["计算过程"] == (
        "志愿服务时长合计 36 小时 ÷ 注册志愿者人数 10 人 = 3.6 小时；目标：超过 25 小时"
    )
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
    cover = {r[0]: r[1] for r in rows[2:] if r and r[0]}
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


def test_cover_sign_off_from_the_plan_and_options(ledger: Path, tmp_path: Path) -> None:
    plan = ledger / "plan" / "2022.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8") + "sign_off: {preparer: 李某某, phone: 0551-1234567}\n",
        encoding="utf-8",
    )
    arranged = arrange(
        ledger, year=2022, as_of=date(2022, 12, 31), sign_off={"审核人": "王某某", "填报日期": ""}
    )
    rows = rows_of(openpyxl.load_workbook(write_xlsx(arranged, tmp_path / "t.xlsx"))["封面"])
    signed = {
        row[i]: row[i + 1] or ""
        for row in rows
        for i in range(0, len(row) - 1, 2)
        if str(row[i]).endswith("：")
    }
    cells = [value for row in rows for value in row]
    assert signed["填报单位："] == "测试局"
    assert signed["填报人："] == "李某某"
    assert signed["审核人："] == "王某某"
    assert signed["联系电话："] == "0551-1234567"
    assert signed["填报日期："] == ""  # a blank line to sign by hand
    assert "（单位盖章）" in cells


def test_sign_off_in_the_plan_is_checked(mini_ledger: Path) -> None:
    from wenming.commands.check import validate

    plan = mini_ledger / "plan" / "2022.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8") + "sign_off: {preparer: 李某某, boss: 王某某}\n",
        encoding="utf-8",
    )
    assert [(p.source.path, p.rule) for p in validate(mini_ledger)] == [
        ("plan/2022.yaml", "unknown-key")
    ]
