"""HTML and Markdown exports: ledger content, escaping, thumbnails, summary, ledger overrides."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from wenming.commands.export import arrange
from wenming.errors import WenmingError
from wenming.export import write_text
from wenming.export.html import md_cell

SCRIPT_TITLE = "<script>alert(1)</script>活动"
RECORD = f"""\
schema_version: 1
date: 2022-09-10
tasks: ["7.2"]
type: 征文
title: "{SCRIPT_TITLE}"
unit: 团委
place: 团委 | 会议室
participants: 30
summary: 征文活动
"""


@pytest.fixture
def ledger(mini_ledger: Path) -> Path:
    path = mini_ledger / "records" / "2022" / "20220910-征文-77aa.yaml"
    path.write_text(RECORD, encoding="utf-8")
    return mini_ledger


def render(root: Path, out: Path, fmt: str = "html", template: str = "ledger") -> str:
    arranged = arrange(root, year=2022, as_of=date(2022, 12, 31))
    return write_text(arranged, out, fmt, template).read_text(encoding="utf-8")


def test_html_ledger_shows_tasks_records_and_evidence(ledger: Path) -> None:
    page = render(ledger, ledger / "台账.html")
    for text in ("测试局2022年文明单位创建工作台账", "成立领导小组", "三会一课", "持续做好志愿服务工作",
                 "学雷锋志愿服务进社区", "幸福路社区", "7.1-01-1", "7.1-01-2",
                 "2022年3月5日，青年志愿者在幸福路社区清理小广告", "注册志愿者年人均服务时长",
                 "（七）践行志愿服务担当"):  # fmt: skip
        assert text in page, text
    assert (
        '<a href="records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png">7.1-01-1</a>' in page
    )
    assert (
        '<img class="thumb" src="records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png"'
        in page
    )
    assert '<a href="https://example.org/news/1">7.1-01-2</a>' in page
    assert "@page { size: A4 landscape" in page
    assert "break-before: page" in page


def test_html_columns_are_fixed_and_tokens_unbroken(ledger: Path) -> None:
    page = render(ledger, ledger / "台账.html")
    assert "table-layout: fixed" in page
    assert "line-break: strict" in page  # no line starts with ，。、；：？！）
    assert "word-break: break-all" not in page
    # Every 总表 section's table has the same columns.
    groups = re.findall(r"<h3>.*?</h3>\s*<table>\s*(<colgroup>.*?</colgroup>)", page, re.S)
    assert len(groups) == 3 and len(set(groups)) == 1
    assert '<td class="c nb">2022-03-05</td>' in page
    assert '<td class="c nb"><a href="https://example.org/news/1">7.1-01-2</a></td>' in page
    assert '<span class="nb">7.1-01-1～2</span>' in page
    # A unit is never split, nor does the separator start a line.
    assert "<span>各同创单位、</span><span>机关党委</span>" in page


def test_html_escapes_record_text(ledger: Path) -> None:
    page = render(ledger, ledger / "台账.html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;活动" in page


def test_markdown_ledger_escapes_and_keeps_tables_whole(ledger: Path) -> None:
    page = render(ledger, ledger / "台账.md", "md")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;活动" in page
    assert "团委 \\| 会议室" in page
    row = next(
        line for line in page.splitlines() if "学雷锋志愿服务进社区" in line and "| 1 |" in line
    )
    assert row.startswith("| 1 | 7.1-01 | 2022-03-05 | 7.1 |")
    assert "[records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png](<records/" in page
    assert md_cell("一行\n两行 | 竖线") == "一行<br>两行 \\| 竖线"


def test_summary_drafts_from_the_ledger_figures(ledger: Path) -> None:
    text = render(ledger, ledger / "总结.md", "md", "summary")
    assert text.startswith("# 测试局2022年文明单位创建工作总结（草稿）")
    assert "全年共开展各类活动2次，参与42人次，志愿服务时长累计36小时" in text
    assert "### （七）践行志愿服务担当" in text
    assert "开展活动2次，参与42人次" in text
    assert "3月5日学雷锋志愿服务进社区" in text
    assert "量化指标“注册志愿者年人均服务时长”" in text and "未达标" in text
    assert "## 二、存在的不足" in text
    assert "尚未开展" in text or "未达到要求" in text  # reasons read as sentences
    assert "等 " not in text.split("## 二、存在的不足")[1]  # no clipped status listing
    html = render(ledger, ledger / "总结.html", "html", "summary")
    assert "<h3>（七）践行志愿服务担当</h3>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_ledger_templates_override_the_packaged_ones(ledger: Path) -> None:
    before = render(ledger, ledger / "a.html")
    (ledger / "templates").mkdir()
    (ledger / "templates" / "ledger.html.j2").write_text(
        '{% extends "default/ledger.html.j2" %}\n'
        "{% block cover %}<h1>本单位自定义封面：{{ title }}</h1>{% endblock %}\n",
        encoding="utf-8",
    )
    after = render(ledger, ledger / "b.html")
    assert after != before
    assert "<h1>本单位自定义封面：测试局2022年文明单位创建工作台账</h1>" in after
    assert "创建单位</th>" not in after  # the packaged cover block is replaced
    assert "学雷锋志愿服务进社区" in after  # the rest still comes from the packaged template
    (ledger / "templates" / "summary.md.j2").write_text(
        "共{{ activities|length }}次\n", encoding="utf-8"
    )
    assert render(ledger, ledger / "s.md", "md", "summary") == "共2次\n"


def test_undefined_variables_and_missing_templates_are_user_errors(ledger: Path) -> None:
    (ledger / "templates").mkdir()
    (ledger / "templates" / "ledger.md.j2").write_text(
        "第一行\n{{ no_such_thing }}\n", encoding="utf-8"
    )
    with pytest.raises(WenmingError) as caught:
        render(ledger, ledger / "x.md", "md")
    assert "ledger.md.j2:2" in caught.value.message
    assert not (ledger / "x.md").exists()
    with pytest.raises(WenmingError) as missing:
        render(ledger, ledger / "x.html", "html", "nope")
    assert "nope.html.j2" in missing.value.message
    assert "summary.md.j2" in missing.value.hint


def test_summary_section_totals_add_up_to_the_year(ledger: Path) -> None:
    both = ledger / "records" / "2022" / "20220920-跨板块-88aa.yaml"
    both.write_text(
        'schema_version: 1\ndate: 2022-09-20\ntasks: ["2", "7.1"]\ntype: 支委会\n'
        "title: 跨板块活动\nunit: 团委\nparticipants: 100\n",
        encoding="utf-8",
    )
    text = render(ledger, ledger / "总结.md", "md", "summary")
    overall = re.search(r"全年共开展各类活动(\d+)次，参与(\d+)人次", text)
    assert overall is not None
    sections = re.findall(r"本板块共\d+项任务，已完成\d+项；开展活动(\d+)次，参与(\d+)人次", text)
    assert sum(int(a) for a, _ in sections) == int(overall.group(1)) == 3
    assert sum(int(p) for _, p in sections) == int(overall.group(2)) == 142
    assert "同一活动不重复计算" in text
