"""`wenming plan import` on the seed plan and on plans written in other units' styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.errors import Severity, WenmingError
from wenming.model import EachOfReq, FestivalReq, MetricReq, Plan
from wenming.parse import parse_plan
from wenming.planimport import import_plan
from wenming.yamlio import load_file, parse_text

TESTS = Path(__file__).parent
SEED = TESTS / "data" / "plan-2022.txt"
CASES = TESTS / "cases" / "import"
TRANSCRIBED = TESTS.parent / "plan" / "2022.yaml"


def load_plan_text(text: str) -> Plan:
    data, problems = parse_text(text, "plan/2022.yaml")
    assert problems == []
    plan, problems = parse_plan(data, "plan/2022.yaml")
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert plan is not None
    return plan


@pytest.fixture(scope="module")
def seed() -> tuple[Plan, Plan]:
    result = import_plan(SEED)
    data, problems = load_file(TRANSCRIBED, "plan/2022.yaml")
    assert problems == []
    expected, problems = parse_plan(data, "plan/2022.yaml")
    assert expected is not None
    return load_plan_text(result.yaml), expected


def test_seed_has_the_same_tasks_and_sections(seed: tuple[Plan, Plan]) -> None:
    imported, expected = seed
    assert list(imported.tasks) == list(expected.tasks)
    assert len(imported.tasks) == 25
    assert [(s.id, s.title) for s in imported.sections] == [
        (s.id, s.title) for s in expected.sections
    ]


def _same_units(got: tuple[str, ...], want: tuple[str, ...], plan: Plan) -> bool:
    if len(got) != len(want):
        return False
    return all(plan.units[g].placeholder or g == w for g, w in zip(got, want, strict=True))


def test_seed_units_match_placeholders_aside(seed: tuple[Plan, Plan]) -> None:
    imported, expected = seed
    for task_id, task in imported.tasks.items():
        want = expected.tasks[task_id]
        assert _same_units(task.lead, want.lead, imported), task_id
        assert task.cooperating == want.cooperating, task_id
    assert imported.tasks["8.1"].lead[1] == "服务中心"
    assert imported.units["各同创单位"].kind == "collective"
    assert imported.units["机关各科室"].kind == "collective"
    masked = [u for u in imported.units.values() if u.placeholder]
    assert len(masked) == 32  # every **** of every responsibility line


def test_seed_requirements(seed: tuple[Plan, Plan]) -> None:
    imported, _ = seed
    metrics = {
        r.name: r
        for t in imported.tasks.values()
        for r in t.requirements
        if isinstance(r, MetricReq)
    }
    hours = metrics["注册志愿者年人均服务时长"]
    assert (hours.op, hours.target, hours.per_fact, hours.field) == (
        ">",
        25,
        "注册志愿者人数",
        "志愿服务时长",
    )
    assert imported.facts["注册志愿者人数"].value > 0  # status divides by it
    rate = next(r for r in imported.tasks["9.2"].requirements if isinstance(r, MetricReq))
    assert (rate.field, rate.op, rate.target, rate.unit) == ("普及率", ">=", 95, "%")
    (each,) = [r for r in imported.tasks["4"].requirements if isinstance(r, EachOfReq)]
    assert each.types == ("征文", "书画摄影", "歌咏比赛", "演讲比赛")
    (festival,) = [r for r in imported.tasks["8.1"].requirements if isinstance(r, FestivalReq)]
    assert set(festival.festivals) >= {"春节", "中秋"}
    assert not any(
        isinstance(r, FestivalReq)
        for tid, t in imported.tasks.items()
        if tid != "8.1"
        for r in t.requirements
    )


def test_seed_metadata_and_report() -> None:
    result = import_plan(SEED)
    plan = load_plan_text(result.yaml)
    assert plan.year == 2022
    assert [g.title for g in plan.guidance] == ["指导思想", "创建目标", "组织保障"]
    assert plan.guidance[2].text.startswith("（一）加强领导，强化责任。")
    assert plan.attachments == ("***2022年文明单位创建工作台账",)
    assert plan.preamble.startswith("2022年是党的二十大召开之年")
    assert plan.tasks["11"].text.splitlines()[1].startswith("围绕把家风建设")
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []
    assert {p.rule for p in result.problems} == {"placeholder-unit", "placeholder-fact"}
    report = result.report("plan-2022.txt")
    assert "任务 25 项" in report
    assert "第 70 行" in report  # the attachment's own text, after 附件：


def test_mixed_numbering_and_labels() -> None:
    result = import_plan(CASES / "mixed-numbering.txt")
    plan = load_plan_text(result.yaml)
    assert list(plan.tasks) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2"]
    assert [s.title for s in plan.sections] == ["加强组织领导", "开展志愿服务", "开展文明礼仪教育"]
    assert plan.tasks["1.1"].lead == ("校长办公室",) and plan.tasks["1.1"].cooperating == (
        "各年级组",
    )
    assert plan.tasks["1.2"].lead == ("政教处",)  # 责任科室：政教处责任领导：王校长
    assert "# 责任人：王校长" in result.yaml
    assert plan.tasks["2.1"].lead == ("团委",) and plan.tasks["2.1"].cooperating == ("各班级",)
    assert plan.tasks["2.2"].lead == ("保卫处",)
    assert plan.tasks["3.1"].lead == ("德育处",)
    assert plan.organisation == "***中学"
    kinds = {tid: [r.kind for r in t.requirements] for tid, t in plan.tasks.items()}
    assert kinds["1.1"] == ["deadline"] and kinds["1.2"] == ["count"] and kinds["3.1"] == ["count"]
    assert plan.tasks["1.1"].requirements[0].by.isoformat() == "2023-03-31"  # type: ignore[union-attr]
    # 3.2 names only a person: a placeholder lead and a report line with the line number.
    lead = plan.tasks["3.2"].lead[0]
    assert plan.units[lead].placeholder
    assert "第 20 行" in result.report("x") and "没有找到责任单位" in result.report("x")
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []


def test_label_styles() -> None:
    plan = load_plan_text(import_plan(CASES / "label-styles.txt").yaml)
    assert list(plan.tasks) == ["1.1", "1.2", "2.1", "2.2", "3"]
    assert plan.tasks["1.1"].lead == ("党办", "宣传科") and plan.tasks["1.1"].cooperating == (
        "各支部",
    )
    assert plan.tasks["2.1"].lead == ("办公室",)
    assert plan.tasks["2.2"].cooperating == ("机关各科室", "局属各单位")
    assert plan.units[plan.tasks["2.2"].lead[0]].placeholder
    deadlines = sorted(
        str(r.by) for t in plan.tasks.values() for r in t.requirements if r.kind == "deadline"
    )
    assert deadlines == ["2024-06-30", "2024-11-30"]
    (count,) = [r for r in plan.tasks["1.1"].requirements if r.kind == "count"]
    assert (count.per, count.min) == ("year", 2)
    (each,) = plan.tasks["3"].requirements
    assert isinstance(each, EachOfReq) and each.types == (
        "文艺汇演",
        "书画展览",
        "摄影比赛",
        "演讲比赛",
    )
    assert set(each.types) <= set(plan.activity_types)


def test_markdown() -> None:
    result = import_plan(CASES / "plan.md")
    plan = load_plan_text(result.yaml)
    assert plan.title == "2023年文明单位创建工作计划" and plan.organisation == "***局"
    assert list(plan.tasks) == ["1.1", "1.2", "2.1"]
    assert plan.sections[0].title == "思想道德建设"
    assert plan.tasks["1.1"].lead == ("宣传科",)
    assert plan.tasks["1.2"].lead == ("团委",) and plan.tasks["1.2"].cooperating == ("各支部",)
    assert plan.units[plan.tasks["2.1"].lead[0]].placeholder  # the **** survived markdown


def test_gbk_file() -> None:
    raw = (CASES / "gbk-plan.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    plan = load_plan_text(import_plan(CASES / "gbk-plan.txt").yaml)
    assert plan.title == "2023年精神文明建设工作计划"
    assert plan.tasks["1.1"].lead == ("党委办公室", "组织科")
    assert plan.tasks["1.1"].cooperating == ("各党支部",)
    assert any(isinstance(r, FestivalReq) for r in plan.tasks["2"].requirements)


def test_bom_and_odd_spaces(tmp_path: Path) -> None:
    text = "\ufeff2022年工作计划\n一、工作任务\n\u3000\u3000（一）开展学习。\n\u00a0\u00a0责任单位：办公室牵头，各科室配合\n"
    path = tmp_path / "计划.txt"
    path.write_text(text, encoding="utf-8")
    plan = load_plan_text(import_plan(path).yaml)
    assert plan.tasks["1"].lead == ("办公室",) and plan.tasks["1"].cooperating == ("各科室",)
    assert plan.tasks["1"].text == "开展学习。\n"


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("2023年文明单位创建工作任务分解表")
    document.add_paragraph("一、指导思想")
    document.add_paragraph("坚持高标准、严要求。")
    document.add_paragraph("二、工作任务")
    table = document.add_table(rows=1, cols=5)
    for cell, title in zip(
        table.rows[0].cells, ["序号", "项目", "具体任务", "牵头单位", "完成时限"], strict=True
    ):
        cell.text = title
    rows = [
        ["1", "组织建设", "成立创建领导小组", "办公室", "2023年3月底前"],
        ["2", "组织建设", "每月召开创建例会", "办公室、宣传科", "全年"],
        ["3", "志愿服务", "开展学雷锋志愿服务", "团委", "3月31日前"],
    ]
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("三、组织保障")
    document.add_paragraph("加强领导。")
    document.save(str(path))
    return path


def test_docx_with_a_task_table(tmp_path: Path) -> None:
    result = import_plan(_docx(tmp_path / "计划.docx"))
    plan = load_plan_text(result.yaml)
    assert [s.title for s in plan.sections] == ["组织建设", "志愿服务"]
    assert list(plan.tasks) == ["1.1", "1.2", "2.1"]
    assert plan.tasks["1.2"].lead == ("办公室", "宣传科")
    assert [r.kind for r in plan.tasks["1.1"].requirements] == ["deadline"]
    assert [r.kind for r in plan.tasks["1.2"].requirements] == ["count"]
    assert plan.guidance[0].title == "指导思想"
    assert "全年" in result.yaml  # not a date: kept as a comment for the clerk


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("旧格式.doc", b"\xd0\xcf\x11\xe0", "旧版 Word"),
        ("扫描件.pdf", b"%PDF-1.4", "不支持的文件类型"),
        ("坏文件.docx", b"not a zip", "不是有效的 .docx"),
        ("乱码.txt", b"\x81\x30\xff\xff\xfe\x00\x81", "无法识别"),
        ("空白.txt", b"\n \n", "没有文字"),
        ("无编号.txt", "2022年工作计划\n只有一段话。\n".encode(), "没有找到编号的工作条目"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WenmingError) as caught:
        import_plan(path)
    assert words in caught.value.message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(WenmingError, match="找不到文件"):
        import_plan(tmp_path / "没有.txt")
    with pytest.raises(WenmingError, match="文件夹"):
        import_plan(tmp_path)


def test_year_option_and_missing_year(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(
        "工作计划\n一、工作任务\n（一）开展学习。\n责任单位：办公室\n", encoding="utf-8"
    )
    with pytest.raises(WenmingError, match="年份"):
        import_plan(path)
    assert import_plan(path, 2025).year == 2025
