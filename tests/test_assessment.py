"""The self-score against a 测评体系: scores worked out by hand, the negative list's look-back,
and `status --score` as the clerk sees it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import CASES, Cli, make_tree

from wenming.commands.check import validate
from wenming.commands.score import self_score
from wenming.errors import WenmingError
from wenming.scoring import months_before

ASSESSMENT = CASES / "score" / "测评.yaml"

LEADING_GROUP = """\
schema_version: 1
date: 2022-03-10
tasks: ["1"]
type: 成立领导小组
title: 成立精神文明建设领导小组
unit: 创建办
"""

ESSAYS = """\
schema_version: 1
date: 2022-05-04
tasks: ["7.2"]
type: 征文
title: 五四征文
unit: 团委
evidence:
  - url: https://example.org/essays
    kind: 新闻报道
"""


def incident(day: str, negative: str, title: str = "通报") -> str:
    return f"schema_version: 1\ndate: {day}\nnegative: {negative}\ntitle: {title}\nunit: 创建办\n"


@pytest.fixture
def scored(mini_ledger: Path) -> Path:
    """The mini ledger with the test assessment and two more records: the hand-worked case."""
    (mini_ledger / "assessment").mkdir()
    shutil.copy(ASSESSMENT, mini_ledger / "assessment" / ASSESSMENT.name)
    make_tree(
        mini_ledger / "records" / "2022",
        {"20220310-成立领导小组-0001.yaml": LEADING_GROUP, "20220504-五四征文-0001.yaml": ESSAYS},
    )
    return mini_ledger


def at(root: Path, day: date) -> dict[str, object]:
    return self_score(root, year=2022, as_of=day, today=day).score.to_dict()


def test_scores_match_the_hand_worked_case(scored: Path) -> None:
    assert validate(scored) == []
    result = self_score(scored, year=2022, as_of=date(2022, 12, 31), today=date(2022, 12, 31))
    score = result.score
    by_id = {c.id: c for item in score.items for c in item.criteria}
    # 1.1 (4 points, 材料审核, task 1): the deadline was kept, but the record has no evidence,
    # and materials count only with evidence: 0 of 1 met.
    assert (by_id["1.1"].met, by_id["1.1"].total, by_id["1.1"].score) == (0, 1, 0.0)
    # 1.2 (10 points, 实地考察, task 7.1): 36 h / 10 volunteers = 3.6 h, not over 25; the 3·5
    # activity was held: 1 of 2 met, 10 × 1/2 = 5.
    assert (by_id["1.2"].met, by_id["1.2"].total, by_id["1.2"].score) == (1, 2, 5.0)
    # 2.1 (6 points, 材料审核): 7.1's 学雷锋纪念日 met (the record has a photo); 7.2's
    # 征文+演讲比赛 not (no 演讲比赛) and its festivals not: 1 of 3, 6 × 1/3 = 2.
    assert (by_id["2.1"].met, by_id["2.1"].total, by_id["2.1"].score) == (1, 3, 2.0)
    assert [(i.name, i.points, i.score) for i in score.items] == [
        ("学雷锋活动", 14, 5.0),
        ("志愿服务活动", 6, 2.0),
    ]
    assert (score.maximum, score.earned, score.deducted, score.total) == (20, 7.0, 0, 7.0)
    assert score.uncovered == [] and not score.vetoed
    assert result.errors == 0


def test_materials_count_once_the_record_carries_evidence(scored: Path) -> None:
    path = scored / "records" / "2022" / "20220310-成立领导小组-0001.yaml"
    path.write_text(LEADING_GROUP + ESSAYS[ESSAYS.index("evidence:") :], encoding="utf-8")
    criteria = at(scored, date(2022, 12, 31))["items"][0]["criteria"]  # type: ignore[index]
    assert criteria[0]["score"] == 4.0


def test_a_content_no_task_covers_is_listed_and_earns_nothing(scored: Path) -> None:
    path = scored / "assessment" / ASSESSMENT.name
    text = path.read_text(encoding="utf-8").replace('links: ["1"]', "links: []")
    text = text.replace("negative_list:", '  - id: "3"\n    name: 文化体育活动\nnegative_list:')
    path.write_text(text, encoding="utf-8")
    score = self_score(scored, year=2022, as_of=date(2022, 12, 31), today=date(2022, 12, 31))
    gaps = score.score.uncovered
    assert gaps == [
        ("学雷锋活动", "1.1", "成立领导小组，有年度方案"),
        ("文化体育活动", "", "尚未写出测评内容"),
    ]
    assert score.score.items[0].criteria[0].score == 0.0
    assert score.score.placeholders == 1  # 文化体育活动 has no points yet


def test_a_veto_inside_the_look_back_zeroes_the_score(scored: Path) -> None:
    # F1 looks back 24 months: from 2022-12-31 that is after 2020-12-31.
    make_tree(scored / "incidents" / "2021", {"20210101-事故.yaml": incident("2021-01-01", "F1")})
    score = at(scored, date(2022, 12, 31))
    assert score["vetoed"] is True and score["total"] == 0.0 and score["earned"] == 7.0
    veto = score["negative_list"][0]  # type: ignore[index]
    assert [i["id"] for i in veto["inside"]] == ["20210101-事故"]


def test_a_veto_outside_the_look_back_has_no_effect(scored: Path) -> None:
    make_tree(scored / "incidents" / "2020", {"20201231-事故.yaml": incident("2020-12-31", "F1")})
    score = at(scored, date(2022, 12, 31))
    assert score["vetoed"] is False and score["total"] == 7.0
    veto = score["negative_list"][0]  # type: ignore[index]
    assert veto["inside"] == [] and [i["date"] for i in veto["earlier"]] == ["2020-12-31"]
    # Seen from earlier in the year, the same incident is still inside the 24 months.
    assert at(scored, date(2022, 6, 30))["vetoed"] is True


def test_deductions_add_up_per_incident_and_later_ones_do_not_count_yet(scored: Path) -> None:
    make_tree(
        scored / "incidents" / "2022",
        {
            "20220201-通报.yaml": incident("2022-02-01", "F2"),
            "20220901-通报.yaml": incident("2022-09-01", "F2"),
        },
    )
    assert validate(scored) == []
    assert at(scored, date(2022, 12, 31))["deducted"] == 4.0
    assert at(scored, date(2022, 12, 31))["total"] == 3.0
    assert at(scored, date(2022, 6, 30))["deducted"] == 2.0  # September's is after the day


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2022, 12, 31), 24) == date(2020, 12, 31)
    assert months_before(date(2022, 3, 31), 1) == date(2022, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2022, 1, 15), 13) == date(2020, 12, 15)


def test_an_incident_is_checked_like_a_record(scored: Path) -> None:
    bad = incident("2022-06-01", "F2").replace("创建办", "宣传科") + (
        "evidence:\n  - kind: 通知\n    file: incidents/2022/20220601-通报/通报.pdf\n"
        "    sha256: " + "a" * 64 + "\n"
    )
    make_tree(scored / "incidents" / "2022", {"20220601-通报.yaml": bad})
    problems = {(p.source.path, p.source.line, p.rule) for p in validate(scored)}
    path = "incidents/2022/20220601-通报.yaml"
    assert problems == {(path, 5, "unknown-unit"), (path, 7, "evidence-missing")}


def test_without_an_assessment_score_says_how_to_get_one(mini_ledger: Path) -> None:
    with pytest.raises(WenmingError, match="没有可用的测评体系") as caught:
        self_score(mini_ledger, year=2022)
    assert "wenming plan assessment" in caught.value.hint


def test_two_assessments_need_a_name(scored: Path) -> None:
    shutil.copy(ASSESSMENT, scored / "assessment" / "另一个.yaml")
    with pytest.raises(WenmingError, match="2 个测评体系"):
        self_score(scored, year=2022)
    chosen = self_score(scored, year=2022, assessment="另一个", today=date(2022, 12, 31))
    assert chosen.score.assessment == "另一个"
    with pytest.raises(WenmingError, match="没有名为“第三个”"):
        self_score(scored, year=2022, assessment="第三个")


def test_status_score_shows_the_table_and_json(scored: Path, cli: Cli) -> None:
    make_tree(scored / "incidents" / "2022", {"20220201-通报.yaml": incident("2022-02-01", "F2")})
    done = cli("status", "--score", "--as-of", "2022-12-31", "--year", "2022", repo=scored)
    assert done.exit_code == 0, done.output
    assert "学雷锋活动" in done.output and "扣 2 分（1 起）" in done.output
    assert "5 / 20 分，其中扣分 2" in done.output
    as_json = cli("status", "--score", "--json", "--as-of", "2022-12-31", repo=scored)
    data = json.loads(as_json.output)
    assert data["total"] == 5.0 and data["negative_list"][1]["deducted"] == 2.0


def test_status_score_with_a_broken_assessment_is_a_message_not_a_traceback(
    scored: Path, cli: Cli
) -> None:
    (scored / "assessment" / ASSESSMENT.name).write_text("title: [\n", encoding="utf-8")
    done = cli("status", "--score", repo=scored)
    assert done.exit_code == 1
    assert "没有可用的测评体系" in done.output


# The 13 测评项目 of 《全国文明单位测评体系（试行）》 (2012), as its 说明 lists them.
NATIONAL_2012 = [
    "学雷锋活动", "志愿服务活动", "道德讲堂建设", "学习型单位建设", "文明有礼培育",
    "勤俭节约活动", "道德经典诵读", "“我们的节日”活动", "文明风尚传播", "文化体育活动",
    "参与帮扶共建", "优质服务状况", "优美环境建设",
]  # fmt: skip


def test_plan_assessment_writes_and_commits_the_starter(git_ledger: Path, cli: Cli) -> None:
    from conftest import git

    from wenming.commands.score import assessment_ledger

    done = cli("plan", "assessment", repo=git_ledger)
    assert done.exit_code == 0, done.output
    rel = "assessment/全国文明单位测评体系-2012试行.yaml"
    assert git(
        git_ledger, "-c", "core.quotePath=false", "log", "-1", "--name-only", "--format="
    ).split() == [rel]
    assert git(git_ledger, "status", "--porcelain") == ""
    (starter,) = assessment_ledger(git_ledger).assessments
    assert [i.name for i in starter.items] == NATIONAL_2012
    assert starter.total == 100
    # Only checked points are filled in; the rest are placeholders `check` points at.
    assert [(i.name, i.points) for i in starter.items if i.points is not None] == [
        ("学雷锋活动", 14)
    ]
    problems = validate(git_ledger)
    assert {p.rule for p in problems} == {"placeholder-points"} and len(problems) == 12
    again = cli("plan", "assessment", repo=git_ledger)
    assert again.exit_code == 1 and "没有覆盖" in again.output


def test_export_adds_the_self_score_sheet(scored: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from wenming.commands.export import export

    make_tree(scored / "incidents" / "2022", {"20220201-通报.yaml": incident("2022-02-01", "F2")})
    out = tmp_path / "台账.xlsx"
    export(scored, output=out, year=2022, as_of=date(2022, 12, 31), today=date(2022, 12, 31))
    book = load_workbook(out)
    assert "自评表" in book.sheetnames
    rows = [list(r) for r in book["自评表"].iter_rows(min_row=2, values_only=True)]
    assert rows[0] == [
        "测评项目",
        "编号",
        "测评内容",
        "测评方法",
        "分值",
        "自评分",
        "达成",
        "材料编号",
    ]
    # 1.2 and 2.1 are evidenced by the 3·5 activity (7.1-01) and its two materials; 1.1's
    # record has none. 2.1 also links 7.2, whose 征文 is numbered 7.2-01 with one material.
    assert rows[1] == [
        "1 学雷锋活动",
        "1.1",
        "成立领导小组，有年度方案",
        "材料审核",
        4,
        0,
        "0/1",
        None,
    ]
    assert rows[2][1:] == [
        "1.2",
        "志愿服务时长与学雷锋纪念日活动",
        "实地考察",
        10,
        5,
        "1/2",
        "7.1-01-1～2",
    ]
    assert rows[3][1:6] == ["小计", None, None, 14, 5]
    assert rows[4][6:] == ["1/3", "7.1-01-1～2、7.2-01-1"]
    assert rows[6][0] == "负面清单"
    assert rows[8][0] == "F2" and rows[8][6] == "扣 2 分（1 起）"
    assert "20220201-通报.yaml" in rows[8][2]
    assert rows[9][0] == "2022 年自评分（截至 2022-12-31）：5 / 20 分，其中扣分 2"


def test_export_without_an_assessment_has_no_self_score_sheet(
    mini_ledger: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from wenming.commands.export import export

    out = tmp_path / "台账.xlsx"
    export(mini_ledger, output=out, year=2022, as_of=date(2022, 12, 31))
    assert "自评表" not in load_workbook(out).sheetnames


def test_an_incident_outside_a_year_folder_is_reported(scored: Path) -> None:
    make_tree(scored / "incidents", {"20220201-通报.yaml": incident("2022-02-01", "F2")})
    problems = [(p.source.path, p.rule) for p in validate(scored)]
    assert problems == [("incidents/20220201-通报.yaml", "record-location")]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_printable_ledger_has_the_self_score_too(
    scored: Path, tmp_path: Path, fmt: str
) -> None:
    from wenming.commands.export import export

    out = tmp_path / f"台账.{fmt}"
    export(
        scored, fmt=fmt, output=out, year=2022, as_of=date(2022, 12, 31), today=date(2022, 12, 31)
    )
    text = out.read_text(encoding="utf-8")
    assert "五、自评表（测试用测评体系）" in text
    assert "2022 年自评分（截至 2022-12-31）：7 / 20 分" in text
    plain = tmp_path / f"无.{fmt}"
    shutil.rmtree(scored / "assessment")
    export(scored, fmt=fmt, output=plain, year=2022, as_of=date(2022, 12, 31))
    assert "自评表" not in plain.read_text(encoding="utf-8")


BROKEN_ASSESSMENTS = [
    "",
    "~\n",
    "- a\n- b\n",
    "schema_version: 1\ntitle: x\nitems: 3\n",
    "schema_version: 1\ntitle: x\nitems:\n  - 5\n  - {id: [1], name: {a: 1}}\n",
    "schema_version: 1\ntitle: x\nitems:\n  - {id: '1', name: a, points: -3, criteria: {x: 1}}\n",
    "schema_version: 1\ntitle: x\nitems:\n  - id: '1'\n    name: a\n    criteria:\n"
    "      - {id: '1.1', text: t, points: 1e400, method: 目测, links: [[1], ~, 7.1]}\n",
    "schema_version: 1\ntitle: x\nitems: []\nnegative_list:\n"
    "  - {id: F1, name: n, effect: deduct, look_back_months: 0}\n"
    "  - {id: F2, name: n, effect: maybe, look_back_months: 12, points: 2}\n"
    "  - {id: F3, name: n, effect: deduct, look_back_months: 12}\n",
    "schema_version: 2\ntitle: x\nitems: []\n",
    "schema_version: 1\ntitle: x\nitems: []\ntotal: abc\nextra: 1\n",
]


@pytest.mark.parametrize("text", BROKEN_ASSESSMENTS)
def test_a_broken_assessment_is_problems_never_a_crash(
    mini_ledger: Path, cli: Cli, text: str
) -> None:
    from wenming.rules import RULES

    (mini_ledger / "assessment").mkdir()
    (mini_ledger / "assessment" / "坏.yaml").write_text(text, encoding="utf-8")
    problems = validate(mini_ledger)
    assert problems and {p.rule for p in problems} <= set(RULES)
    assert all(p.source.path == "assessment/坏.yaml" and p.message for p in problems)
    done = cli("status", "--score", "--year", "2022", repo=mini_ledger)
    assert done.exit_code in (0, 1) and "Traceback" not in done.output


def test_a_deduction_without_points_is_named(mini_ledger: Path) -> None:
    (mini_ledger / "assessment").mkdir()
    (mini_ledger / "assessment" / "a.yaml").write_text(BROKEN_ASSESSMENTS[7], encoding="utf-8")
    found = {(p.source.line, p.rule) for p in validate(mini_ledger)}
    # F1: no months to look back and, deducting, no points; F2: no such effect; F3: no points.
    assert found == {
        (5, "bad-number"),
        (5, "missing-field"),
        (6, "bad-value"),
        (7, "missing-field"),
    }


@pytest.fixture
def scored_git(git_ledger: Path) -> Path:
    from conftest import git

    (git_ledger / "assessment").mkdir()
    shutil.copy(ASSESSMENT, git_ledger / "assessment" / ASSESSMENT.name)
    git(git_ledger, "add", "-A")
    git(git_ledger, "commit", "-q", "-m", "assessment")
    return git_ledger


def test_wenming_incident_writes_checks_and_commits(
    scored_git: Path, cli: Cli, tmp_path: Path
) -> None:
    from conftest import git

    notice = tmp_path / "通报.pdf"
    notice.write_bytes(b"%PDF-1.4 notice")
    done = cli(
        "incident", "-n", "F2", "-d", "2022-06-01", "--title", "窗口服务被通报", "-u", "创建办",
        "--summary", "已整改", "--evidence", f"通知={notice}|市政务办通报", repo=scored_git,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    rel = "incidents/2022/20220601-窗口服务被通报"
    listed = git(scored_git, "-c", "core.quotePath=false", "log", "-1", "--name-only", "--format=")
    assert sorted(listed.split()) == [f"{rel}.yaml", f"{rel}/通报.pdf"]
    assert git(scored_git, "status", "--porcelain") == ""
    assert validate(scored_git) == []
    score = self_score(scored_git, year=2022, as_of=date(2022, 12, 31), today=date(2022, 12, 31))
    assert score.score.deducted == 2.0
    (entry,) = score.score.negatives[1].inside
    assert (entry.id, entry.path) == ("20220601-窗口服务被通报", f"{rel}.yaml")


def test_show_reviews_an_incident_like_a_record(scored_git: Path, cli: Cli, tmp_path: Path) -> None:
    notice = tmp_path / "通报.pdf"
    notice.write_bytes(b"%PDF-1.4 notice")
    done = cli(
        "incident", "-n", "F2", "-d", "2022-06-01", "--title", "窗口服务被通报", "-u", "创建办",
        "--evidence", f"通知={notice}|市政务办通报", repo=scored_git,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    shown = cli("show", "窗口服务", repo=scored_git)
    assert shown.exit_code == 0, shown.output
    assert "incidents/2022/20220601-窗口服务被通报.yaml" in shown.stdout
    assert "F2" in shown.stdout and "市政务办通报" in shown.stdout and "文件完好" in shown.stdout
    data = json.loads(cli("show", "窗口服务", "--json", repo=scored_git).stdout)
    assert (data["negative"], data["evidence"][0]["state"]) == ("F2", "ok")
    assert data["negative_name"] and data["effect"]
    (scored_git / "incidents/2022/20220601-窗口服务被通报/通报.pdf").write_bytes(b"changed")
    assert "文件已改动" in cli("show", "窗口服务", repo=scored_git).stdout
    # A fragment neither a record nor an incident holds is still the record's message.
    missing = cli("show", "没有这个", repo=scored_git)
    assert missing.exit_code == 1 and "没有编号含“没有这个”的记录" in missing.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("-n", "F9"), "负面清单中没有“F9”"),
        (("-u", "宣传科"), "单位“宣传科”不在 2022 年计划的 units 中"),
        (("-d", "2023-01-05"), "没有覆盖 2023-01-05 的计划"),
        (("--evidence", "通知=/nonexistent/通报.pdf"), "不存在"),
    ],
)
def test_wenming_incident_refuses_bad_input_and_writes_nothing(
    scored_git: Path, cli: Cli, change: tuple[str, str], message: str
) -> None:
    from conftest import git

    args = {"-n": "F2", "-d": "2022-06-01", "--title": "通报", "-u": "创建办"}
    args[change[0]] = change[1]
    done = cli("incident", *[x for pair in args.items() for x in pair], repo=scored_git)
    assert done.exit_code == 1 and message in done.output
    assert git(scored_git, "status", "--porcelain", "--untracked-files=all") == ""
