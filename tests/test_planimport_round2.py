"""`plan import` on plans in eight more styles, checked against tests/data/plans-round2/expected.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from wenming.errors import Severity
from wenming.model import (
    CountReq,
    DeadlineReq,
    EachOfReq,
    FestivalReq,
    MetricReq,
    Plan,
    Requirement,
)
from wenming.parse import parse_plan
from wenming.planimport import ImportResult, import_plan
from wenming.planimport.build import build
from wenming.planimport.reader import Line, read_document
from wenming.yamlio import parse_text

ROUND2 = Path(__file__).parent / "data" / "plans-round2"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (ROUND2 / "expected.yaml").read_text(encoding="utf-8")
)
_AUTO = re.compile(r"^\[(\d)\]\s*")
# Level 0 shows 一、, level 1 （一）, level 2 1. — the way Word numbers a Chinese plan.
_LEVELS = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(source: Path, target: Path) -> Path:
    """A .docx from a fixture's text: `[N] text` is numbered by Word at level N, `|…|` a table row."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    lines = [ln for ln in source.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    num_id = 0
    if any(_AUTO.match(ln) for ln in lines):
        numbering = document.part.numbering_part.element
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
            for i, (fmt, text) in enumerate(_LEVELS)
        )
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">{levels}</w:abstractNum>'
            ),
        )
        num_id = 90
        numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="90"/></w:num>'
            )
        )
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
            rows.clear()

    for line in lines:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush()
        auto = _AUTO.match(line)
        paragraph = document.add_paragraph(line[auto.end() :] if auto else line)
        if auto:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{auto.group(1)}"/>'
                    f'<w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
    flush()
    document.save(str(target))
    return target


def imported(name: str, tmp_path: Path) -> ImportResult:
    source = ROUND2 / name
    if name.endswith(".docx.txt"):
        source = make_docx(source, tmp_path / name.removesuffix(".txt"))
    return import_plan(source)


def load(text: str) -> Plan:
    data, problems = parse_text(text, "plan/x.yaml")
    assert problems == []
    plan, problems = parse_plan(data, "plan/x.yaml")
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert plan is not None
    return plan


def summary(req: Requirement) -> str:
    if isinstance(req, DeadlineReq):
        return f"deadline {req.by}"
    if isinstance(req, CountReq):
        return f"count {req.per} {req.min}"
    if isinstance(req, MetricReq):
        return f"metric {req.field} {req.op} {req.target:g} {req.unit}"
    if isinstance(req, FestivalReq):
        return "festival " + " ".join(req.festivals)
    if isinstance(req, EachOfReq):
        return "each_of " + " ".join(req.types)
    return req.kind


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_task_lead_and_requirement(name: str, tmp_path: Path) -> None:
    want = EXPECTED[name]
    result = imported(name, tmp_path)
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []
    plan = load(result.yaml)
    assert (plan.title, plan.organisation) == (want["title"], want["organisation"])
    assert [g.title for g in plan.guidance] == want["guidance"]
    assert list(plan.tasks) == list(want["tasks"])  # every task, none invented
    for task_id, task in plan.tasks.items():
        expected = want["tasks"][task_id]
        lead = ["?" if plan.units[u].placeholder else u for u in task.lead]
        assert lead == expected["lead"], task_id
        assert list(task.cooperating) == expected.get("co", []), task_id
        assert sorted(summary(r) for r in task.requirements) == sorted(expected["req"]), task_id
        if "title" in expected:
            assert task.title == expected["title"], task_id


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_report_lists_every_unplaced_phrase(name: str, tmp_path: Path) -> None:
    want = EXPECTED[name]["unplaced"]
    report = imported(name, tmp_path).report(name).splitlines()
    for where, phrase in want:
        assert any(ln.startswith(f"  {where}：") and phrase in ln for ln in report), (where, phrase)
    if want:
        assert f"未能导入或需要核对的内容 {len(want)} 处：" in report  # and nothing else
        assert "全部内容均已归入。" not in report
    else:
        assert report[-1] == "全部内容均已归入。", report


def lines(text: str) -> list[Line]:
    return [Line(i, t, f"第 {i} 行") for i, t in enumerate(text.splitlines(), 1)]


def test_item_numbers_from_100_up_are_items() -> None:
    items = "\n".join(f"{n}、开展第{n}项创建活动。责任单位：办公室" for n in range(1, 121))
    plan = build(lines(f"2023年创建工作计划\n一、工作任务\n（一）任务清单\n{items}"))
    assert [t.id for t in plan.tasks] == [f"1.{n}" for n in range(1, 121)]
    assert all(t.lead == ["办公室"] for t in plan.tasks)


def test_a_deadline_doubt_quotes_the_label_the_source_used() -> None:
    plan = build(lines("2023年工作计划\n一、工作任务\n（一）开展学习。\n时间要求：长期坚持"))
    (task,) = plan.tasks
    assert any(c.startswith("未定：“时间要求：长期坚持”") for c in task.comments)


@pytest.mark.parametrize(
    ("text", "festivals"),
    [
        ("结合春节、清明节、端午节、中秋节开展活动", ["春节", "清明", "端午", "中秋"]),
        ("结合春节、中秋等节日开展活动", ["春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳"]),
        ("利用传统节日开展活动", ["春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳"]),
        ("开展“我们的节日·端午”活动", ["端午"]),
    ],
)
def test_a_festival_list_is_kept_as_written(text: str, festivals: list[str]) -> None:
    plan = build(lines(f"2023年工作计划\n一、工作任务\n（一）{text}。责任单位：办公室"))
    (req,) = [r for r in plan.tasks[0].requirements if r.fields["kind"] == "festival"]
    assert req.fields["festivals"] == festivals


def test_a_task_table_without_headings_is_one_section(tmp_path: Path) -> None:
    source = tmp_path / "任务表.docx.txt"
    source.write_text(
        "2023年文明单位创建工作任务清单\n"
        "| 2023年创建任务表 |  |  |  |\n"
        "| 序号 | 工作任务 | 责任单位 | 工作标准 |\n"
        "| 1 | 开展道德讲堂活动 | 工会 | 全员参加 |\n"
        "| 2 | 每季度开展一次志愿服务 | 团委 |  |\n",
        encoding="utf-8",
    )
    plan = load(import_plan(make_docx(source, tmp_path / "任务表.docx")).yaml)
    assert [(s.id, s.title) for s in plan.sections] == [("1", "工作任务")]
    assert [(t, task.lead) for t, task in plan.tasks.items()] == [
        ("1.1", ("工会",)),
        ("1.2", ("团委",)),
    ]
    assert plan.tasks["1.1"].text == "开展道德讲堂活动\n工作标准：全员参加\n"  # no cell is lost


def test_numbering_from_a_list_style_and_a_restarted_list(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("2023年文明单位创建工作计划")
    document.add_paragraph("一、工作任务")
    document.add_paragraph("开展学习。责任单位：办公室", style="List Number")
    document.add_paragraph("开展志愿服务。责任单位：团委", style="List Number")
    document.add_paragraph("二、工作任务")
    numbering = document.part.numbering_part.element
    # A second list on the same definition (List Number's), restarting at 1 as Word writes it.
    abstract = numbering.num_having_numId(5).abstractNumId.val
    numbering.append(
        parse_xml(
            f'<w:num xmlns:w="{_W}" w:numId="77"><w:abstractNumId w:val="{abstract}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    paragraph = document.add_paragraph("开展文明餐桌行动。责任单位：工会", style="List Number")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr>')
    )
    document.save(str(tmp_path / "计划.docx"))
    assert [ln.text for ln in read_document(tmp_path / "计划.docx")] == [
        "2023年文明单位创建工作计划",
        "一、工作任务",
        "1.开展学习。责任单位：办公室",
        "2.开展志愿服务。责任单位：团委",
        "二、工作任务",
        "1.开展文明餐桌行动。责任单位：工会",
    ]


@pytest.mark.parametrize(
    ("head", "title", "organisation"),
    [
        (
            "中共某某县委宣传部关于印发《2023年文明单位创建工作要点》的通知",
            "2023年文明单位创建工作要点",
            "中共某某县委宣传部",
        ),
        (
            "某某市林业局关于印发2023年文明单位\n创建工作方案的通知",
            "2023年文明单位创建工作方案",
            "某某市林业局",
        ),
        ("关于印发《2023年文明创建工作计划》的通知", "2023年文明创建工作计划", "待填写"),
    ],
)
def test_a_notice_gives_the_title_and_issuer(head: str, title: str, organisation: str) -> None:
    plan = build(
        lines(
            f"{head}\n各科室：\n现将计划印发给你们，请认真贯彻执行。\n某某局\n2023年3月1日\n附件\n"
            f"{title}\n为推进创建，制定本方案。\n一、工作任务\n（一）开展学习。责任单位：办公室"
        )
    )
    assert (plan.title, plan.organisation) == (title, organisation)
    assert plan.preamble == "为推进创建，制定本方案。"
    assert plan.header_comments[1] == "通知原文：现将计划印发给你们，请认真贯彻执行。"


def test_labels_inside_a_paragraph_and_on_a_section_heading() -> None:
    plan = build(
        lines(
            "2023年工作计划\n一、工作任务\n"
            "（一）思想道德建设（宣传科牵头，各支部配合）\n"
            "1、开展道德讲堂。\n"
            "2、开展诚信教育活动责任单位：办公室完成时间：2023年6月底前\n"
            "（二）明确责任单位：各科室要落实到人。责任单位：人事科\n"
            "（三）【责任单位：团委】开展志愿服务。"
        )
    )
    leads = {t.id: (t.lead, t.cooperating) for t in plan.tasks}
    assert leads == {
        "1.1": (["宣传科"], ["各支部"]),
        "1.2": (["办公室"], []),
        "2": (["人事科"], []),
        "3": (["团委"], []),
    }
    assert plan.tasks[-1].title == "开展志愿服务"
    assert plan.sections[0].title == "思想道德建设"
    assert [str(r.fields["by"]) for r in plan.tasks[1].requirements] == ["2023-06-30"]


def test_markdown_shows_its_own_list_numbers(tmp_path: Path) -> None:
    path = tmp_path / "计划.md"
    path.write_text(
        "# 2023年工作计划\n\n## 一、工作任务\n\n### （一）学习\n\n"
        "1. 开展学习。责任单位：办公室\n1. 开展讲座。责任单位：工会\n"
        "   1. 讲座一\n   1. 讲座二\n1. 开展志愿服务。责任单位：团委\n\n"
        "### （二）宣传\n\n1. 更新宣传栏。责任单位：宣传科\n",
        encoding="utf-8",
    )
    plan = load(import_plan(path).yaml)
    assert list(plan.tasks) == ["1.1", "1.2", "1.3", "2.1"]
    assert plan.tasks["1.2"].text == "开展讲座。\n（1）讲座一\n（2）讲座二\n"


def test_organisation_with_a_responsible_unit_is_a_section() -> None:
    plan = build(
        lines(
            "2023年工作计划\n一、活动目的\n提升素养。责任单位：办公室\n"
            "二、活动主题\n传承文化。\n"
            "三、加强组织领导\n1、成立创建领导小组。责任单位：办公室\n"
            "四、开展志愿服务\n1、开展学雷锋活动。责任单位：团委\n"
            "五、组织保障\n加强督查。"
        )
    )
    assert [t.id for t in plan.tasks] == ["3.1", "4.1"]
    assert [g[0] for g in plan.guidance] == ["活动目的", "活动主题", "组织保障"]


@pytest.mark.parametrize("heading", ["具体做法", "主要举措", "创建活动安排", "重点任务"])
def test_task_part_headings_after_guidance(heading: str) -> None:
    plan = build(
        lines(
            f"2023年创建方案\n一、创建背景\n近年来成效明显。\n二、{heading}\n"
            "（一）开展学习。责任单位：办公室\n（二）开展志愿服务。责任单位：团委\n"
            "三、工作要求\n务求实效。"
        )
    )
    assert [(t.id, t.lead) for t in plan.tasks] == [("1", ["办公室"]), ("2", ["团委"])]
    assert [g[0] for g in plan.guidance] == ["创建背景", "工作要求"]
    assert plan.unplaced == []


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (3, "decimal", "3"),
        (3, "chineseCounting", "三"),
        (12, "chineseCountingThousand", "十二"),
        (2, "decimalEnclosedCircle", "②"),
        (2, "decimalEnclosedParen", "⑵"),
        (2, "ideographTraditional", "乙"),
        (2, "lowerLetter", "b"),
    ],
)
def test_word_number_formats(n: int, fmt: str, shown: str) -> None:
    from wenming.planimport.reader import _format_number

    assert _format_number(n, fmt) == shown


def test_several_task_headings_are_sections() -> None:
    plan = build(
        lines(
            "2023年创建方案\n一、思想道德建设任务\n（一）开展学习。责任单位：办公室\n"
            "（二）开展讲座。责任单位：工会\n二、志愿服务任务\n（一）开展学雷锋活动。责任单位：团委"
        )
    )
    assert [t.id for t in plan.tasks] == ["1.1", "1.2", "2.1"]
    assert plan.unplaced == []


@pytest.mark.parametrize(
    ("item", "lead", "reqs", "doubt"),
    [
        ("开展窗口创建。责任股室：政务服务股", ["政务服务股"], [], ""),
        ("开展结对共建。责任单位：各村（社区）", ["各村（社区）"], [], ""),
        ("开展主题活动，全年至少开展4次。责任单位：文化站", ["文化站"], ["count year 4"], ""),
        (
            "开展主题活动，每个节日至少开展1次。责任单位：文化站",
            ["文化站"],
            [],
            "每个节日至少开展1次",
        ),
        ("开展结对帮扶，参与人数不少于30人。责任单位：工会", ["工会"], [], "不少于30人"),
        ("每年编发简报不少于12期。责任单位：办公室", ["办公室"], ["count year 12"], ""),
        ("每月报送信息不少于2篇。责任单位：办公室", ["办公室"], [], "每月报送信息不少于2篇"),
        ("上、下半年各开展一次安全检查。责任单位：办公室", ["办公室"], ["count half 1"], ""),
        ("每两周开展一次卫生大扫除。责任单位：办公室", ["办公室"], [], "每两周开展一次"),
    ],
)
def test_labels_counts_and_doubts(item: str, lead: list[str], reqs: list[str], doubt: str) -> None:
    plan = build(lines(f"2023年工作计划\n一、工作任务\n（一）{item}"))
    (task,) = plan.tasks
    assert task.lead == lead
    assert [
        f"{r.fields['kind']} {r.fields.get('per')} {r.fields.get('min')}" for r in task.requirements
    ] == reqs
    assert [u.phrase for u in plan.unplaced] == ([doubt] if doubt else [])


@pytest.mark.parametrize(
    ("duty", "lead", "cooperating"),
    [
        ("工会；各科室配合", ["工会"], ["各科室"]),
        ("办公室，团委、工会配合", ["办公室"], ["团委", "工会"]),
        ("办公室牵头，团委、工会配合", ["办公室"], ["团委", "工会"]),
        ("团委、工会配合", ["?"], ["团委", "工会"]),
    ],
)
def test_who_leads_when_only_cooperation_is_marked(
    duty: str, lead: list[str], cooperating: list[str]
) -> None:
    plan = build(lines(f"2023年工作计划\n一、工作任务\n（一）开展活动。\n责任单位：{duty}"))
    (task,) = plan.tasks
    units = {u.name: u for u in plan.units}
    assert ["?" if units[u].placeholder else u for u in task.lead] == lead
    assert task.cooperating == cooperating


def test_a_percentage_that_is_not_a_rate_is_reported() -> None:
    plan = build(
        lines("2023年工作计划\n一、工作任务\n（一）注册志愿者占职工总数比例达到15%。责任单位：团委")
    )
    assert plan.tasks[0].requirements == []
    assert [u.phrase for u in plan.unplaced] == ["注册志愿者占职工总数比例达到15%"]
    plan = build(
        lines(
            "2023年工作计划\n一、工作任务\n（一）通过开展多种形式的宣传教育活动确保群众满意率达到98%。责任单位：团委"
        )
    )
    assert [r.fields["kind"] for r in plan.tasks[0].requirements] == ["metric"]
    assert plan.unplaced == []


def test_a_part_with_a_responsible_unit_outside_the_task_part_is_reported() -> None:
    plan = build(
        lines(
            "2023年工作计划\n一、工作任务\n（一）开展学习。责任单位：办公室\n"
            "二、加强阵地建设\n1、更新宣传栏。责任单位：宣传科\n三、工作要求\n务求实效。"
        )
    )
    assert [t.id for t in plan.tasks] == ["1"]
    assert [g[0] for g in plan.guidance] == ["加强阵地建设", "工作要求"]
    assert [(u.line.where, u.phrase) for u in plan.unplaced] == [("第 4 行", "加强阵地建设")]


def test_a_loop_of_based_on_styles_does_not_hang(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    first = document.styles.add_style("甲", WD_STYLE_TYPE.PARAGRAPH)
    second = document.styles.add_style("乙", WD_STYLE_TYPE.PARAGRAPH)
    first.base_style = second
    second.base_style = first
    document.add_paragraph("2023年工作计划")
    document.add_paragraph("一、开展学习。责任单位：办公室", style="甲")
    document.save(str(tmp_path / "计划.docx"))
    assert [ln.text for ln in read_document(tmp_path / "计划.docx")][
        -1
    ] == "一、开展学习。责任单位：办公室"


def test_odd_items_still_give_a_valid_plan(tmp_path: Path) -> None:
    path = tmp_path / "计划.txt"
    path.write_text(
        "2023年工作计划\n一、工作任务\n（一）理论武装\n1、。开展理论学习。责任单位：办公室\n"
        "2、责任单位：工会\n（二）。\n附件\n正文",
        encoding="utf-8",
    )
    result = import_plan(path)
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []
    assert [(t.id, t.title, t.text) for t in result.plan.tasks] == [
        ("1.1", "开展理论学习", "。开展理论学习。"),
        ("1.2", "责任单位：工会", "责任单位：工会"),
        ("2", "章节 2", "。"),
    ]
    assert result.plan.attachments == []


@pytest.mark.parametrize(
    ("text", "per_fact"),
    [
        ("组织注册志愿者参与志愿服务，努力达到年平均参与服务超过25小时", "注册志愿者人数"),
        ("注册志愿者年人均服务时长不少于20小时", "注册志愿者人数"),
        ("全年志愿服务时长不少于600小时", None),
        ("单位每年志愿服务时长达到300小时", None),
    ],
)
def test_volunteer_hours_are_per_volunteer_only_when_the_plan_says_so(
    text: str, per_fact: str | None
) -> None:
    from wenming.planimport.requirements import targets

    (found,), _ = targets(text)
    assert found.fields.get("per_fact") == per_fact
    assert found.fields["field"] == "志愿服务时长"


def test_parts_above_the_chinese_headings_are_read_as_numbering() -> None:
    from wenming.planimport.outline import parse_marker

    marker = parse_marker("第二部分 工作任务")
    assert marker is not None and (marker.style, marker.number, marker.rest) == (
        "第一部分",
        2,
        "工作任务",
    )
    assert parse_marker("第3章：保障措施") is not None
    assert parse_marker("第二部分") is None  # a bare part number is no heading


def test_a_responsibility_in_brackets_is_not_part_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "方案.txt"
    path.write_text(
        "某某县卫健局2025年文明单位创建实施方案\n"
        "一、重点任务\n"
        "（一）思想政治建设\n"
        "1. 每月召开一次党组理论学习中心组学习会（牵头：办公室；配合：各股室）\n"
        "2. 结合传统节日开展“我们的节日”活动（工会负责）\n",
        encoding="utf-8",
    )
    plan = load(import_plan(path).yaml)
    first, second = plan.tasks.values()
    assert (first.title, first.lead, first.cooperating) == (
        "每月召开一次党组理论学习中心组学习会",
        ("办公室",),
        ("各股室",),
    )
    assert (second.title, second.lead) == ("结合传统节日开展“我们的节日”活动", ("工会",))
    assert "（牵头：办公室；配合：各股室）" in first.text  # the text keeps what was written
