"""A three-year ledger: the term side by side (`status --years`), a task renumbered between
years, records either side of New Year, and a plan year that is not a calendar year."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import CASES, Cli, git, make_tree

from wenming.commands.check import validate
from wenming.commands.term import term, year_range
from wenming.errors import WenmingError

ASSESSMENT = CASES / "score" / "测评.yaml"


def record(day: str, task: str, kind: str, title: str, unit: str, url: bool = False) -> str:
    text = (
        f'schema_version: 1\ndate: {day}\ntasks: ["{task}"]\ntype: {kind}\ntitle: {title}\n'
        f"unit: {unit}\n"
    )
    return text + ("evidence:\n  - url: https://example.org/x\n    kind: 新闻报道\n" if url else "")


@pytest.fixture
def term_ledger(git_ledger: Path) -> Path:
    """2020–2022: the mini plan each year, task 7.2 renumbered 7.3 in 2022, one assessment
    whose 2.1 links both numbers, records either side of New Year and a veto in 2021."""
    plan = (git_ledger / "plan" / "2022.yaml").read_text(encoding="utf-8")
    for year in (2020, 2021):
        text = plan.replace("2022", str(year))
        (git_ledger / "plan" / f"{year}.yaml").write_text(text, encoding="utf-8")
    renumbered = plan.replace('- id: "7.2"', '- id: "7.3"')
    (git_ledger / "plan" / "2022.yaml").write_text(renumbered, encoding="utf-8")
    links = 'links: ["7.1/学雷锋纪念日", "7.2"]'
    text = ASSESSMENT.read_text(encoding="utf-8")
    assert links in text
    text = text.replace(links, 'links: ["7.1/学雷锋纪念日", "7.2", "7.3"]')
    make_tree(
        git_ledger,
        {
            "assessment": {"测评.yaml": text},
            "records": {
                "2020": {
                    "20201230-支委会.yaml": record(
                        "2020-12-30", "2", "支委会", "十二月支委会", "机关党委"
                    )
                },
                "2021": {
                    "20210105-支委会.yaml": record(
                        "2021-01-05", "2", "支委会", "一月支委会", "机关党委"
                    ),
                    "20210504-征文.yaml": record(
                        "2021-05-04", "7.2", "征文", "五四征文", "团委", True
                    ),
                    "20210520-演讲.yaml": record(
                        "2021-05-20", "7.2", "演讲比赛", "演讲比赛", "团委", True
                    ),
                },
                "2022": {
                    "20220504-征文.yaml": record(
                        "2022-05-04", "7.3", "征文", "五四征文", "团委", True
                    )
                },
            },
            "incidents": {
                "2021": {
                    "20210601-事故.yaml": (
                        "schema_version: 1\ndate: 2021-06-01\nnegative: F1\n"
                        "title: 仓库失火\nunit: 创建办\n"
                    )
                }
            },
        },
    )
    git(git_ledger, "add", "-A")
    git(git_ledger, "commit", "-q", "-m", "three years")
    return git_ledger


def test_the_three_year_ledger_checks_clean(term_ledger: Path) -> None:
    # 7.3 exists only in 2022 and 7.2 only before: each link names a task of some year.
    assert validate(term_ledger) == []


def test_each_task_and_item_per_year(term_ledger: Path) -> None:
    result = term(term_ledger, "2020-2022", as_of=date(2022, 12, 31), today=date(2022, 12, 31))
    t = result.term
    assert [y.year for y in t.years] == [2020, 2021, 2022]
    rows = {row.task_id: row.states for row in t.tasks}
    assert list(rows) == ["1", "2", "7.1", "7.2", "7.3"]
    # The renumbered task: a row per number, absent (None) in the years that lack it.
    assert rows["7.2"][2] is None and rows["7.3"][:2] == (None, None)
    assert None not in rows["7.3"][2:] and None not in rows["7.2"][:2]
    # 2.1 (6 points, 材料审核) links 7.1's 3·5 activity, 7.2 and 7.3; a year counts what its
    # plan has. 2020: 0 of 3. 2021: 征文+演讲比赛 met, 1 of 3 → 2. 2022: 3·5 met, 1 of 3 → 2.
    (item,) = [i for i in t.items if i.name == "志愿服务活动"]
    assert item.scores == (0.0, 2.0, 2.0)
    scores = [y.score for y in t.years]
    assert all(s is not None for s in scores)
    assert [c.total for s in scores if s for c in s.items[1].criteria] == [3, 3, 3]
    # The 2021 fire is inside F1's 24 months seen from the ends of 2021 and 2022, not of 2020.
    assert [s.vetoed for s in scores if s] == [False, True, True]
    assert [(i.date, i.negative, i.effect) for i in t.incidents] == [
        (date(2021, 6, 1), "F1", "一票否决")
    ]


def test_continuity_counts_the_months_without_activity_each_year(term_ledger: Path) -> None:
    years = term(term_ledger, "2020-2022", today=date(2022, 6, 30)).term.years
    assert [(y.months, len(y.quiet_months)) for y in years] == [(12, 11), (12, 10), (6, 4)]
    assert years[0].quiet_runs == ("1月–11月",)
    assert years[1].quiet_runs == ("2月–4月", "6月–12月")
    # 2022 up to 30 June: March (the 3·5 activity) and May (the essays) were active.
    assert years[2].quiet_runs == ("1月–2月", "4月", "6月")


def test_status_years_shows_every_year_and_says_json(term_ledger: Path, cli: Cli) -> None:
    done = cli("status", "--years", "2020-2022", "--as-of", "2022-12-31", repo=term_ledger)
    assert done.exit_code == 0, done.output
    assert "2020–2022 年各任务的状态" in done.output
    assert "1月–11月" in done.output and "仓库失火" in done.output and "否决" in done.output
    data = json.loads(cli("status", "--years", "2020-2022", "--json", repo=term_ledger).output)
    assert [y["year"] for y in data["years"]] == [2020, 2021, 2022]
    assert data["tasks"][4] == {
        "task_id": "7.3",
        "title": "我们的节日与四类活动",
        "states": [None, None, data["tasks"][4]["states"][2]],
    }


def test_a_year_without_a_plan_is_named(term_ledger: Path, cli: Cli) -> None:
    done = cli("status", "--years", "2019-2021", repo=term_ledger)
    assert done.exit_code == 1
    assert "没有 2019 年的计划" in done.output and "wenming plan new" in done.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2020-2022", (2020, 2022)), ("2022", (2022, 2022)), ("2020～2022", (2020, 2022))],
)
def test_year_ranges(text: str, expected: tuple[int, int]) -> None:
    assert year_range(text) == expected


@pytest.mark.parametrize("text", ["2022-2020", "20-22", "2000-2020", "abc"])
def test_bad_year_ranges_are_refused(text: str) -> None:
    with pytest.raises(WenmingError):
        year_range(text)


def test_add_files_december_and_january_under_their_plans(term_ledger: Path, cli: Cli) -> None:
    for day in ("2021-12-28", "2022-01-04"):
        done = cli(
            "add", "--task", "2", "--date", day, "--type", "支委会", "--title", f"{day} 支委会",
            "--unit", "机关党委", repo=term_ledger,
        )  # fmt: skip
        assert done.exit_code == 0, done.output
    listed = git(
        term_ledger, "-c", "core.quotePath=false", "ls-files", "records/2021", "records/2022"
    )
    assert "records/2021/20211228-" in listed and "records/2022/20220104-" in listed
    assert validate(term_ledger) == []


def test_a_school_year_plan_takes_january_and_status_counts_it(git_ledger: Path, cli: Cli) -> None:
    path = git_ledger / "plan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "{start: 2022-01-01, end: 2022-12-31}", "{start: 2022-09-01, end: 2023-08-31}"
    )
    path.write_text(text.replace("by: 2022-03-31", "by: 2022-10-31"), encoding="utf-8")
    shutil.rmtree(git_ledger / "records" / "2022")
    git(git_ledger, "add", "-A")
    git(git_ledger, "commit", "-q", "-m", "school year")
    done = cli(
        "add", "--task", "2", "--date", "2023-01-10", "--type", "支委会", "--title", "一月支委会",
        "--unit", "机关党委", repo=git_ledger,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    (added,) = (git_ledger / "records" / "2022").glob("*.yaml")
    assert added.name.startswith("20230110-")
    years = term(git_ledger, "2022", today=date(2023, 8, 31)).term.years
    assert years[0].months == 12 and "2023年1月" not in years[0].quiet_months
    assert years[0].quiet_months[0] == "2022年9月"


def test_export_years_writes_the_review_workbook(
    term_ledger: Path, cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "复查.xlsx"
    done = cli(
        "export", "--years", "2020-2022", "--as-of", "2022-12-31", "-o", str(out), repo=term_ledger
    )
    assert done.exit_code == 0, done.output
    book = load_workbook(out)
    assert book.sheetnames == [
        "各年概况",
        "任务逐年",
        "测评项目逐年",
        "活动记录",
        "佐证材料目录",
        "负面事件",
    ]
    summary = {r[0]: list(r[1:]) for r in book["各年概况"].iter_rows(min_row=3, values_only=True)}
    assert summary["活动记录"] == [1, 3, 2]
    assert summary["佐证材料"] == [0, 2, 3]
    assert summary["无活动的月份"][0] == "11/12 个月：1月–11月"
    assert summary["自评分"] == [0, "否决", "否决"]
    assert summary["负面事件"] == ["无", "1 起", "无"]
    tasks = {r[0]: list(r[2:]) for r in book["任务逐年"].iter_rows(min_row=3, values_only=True)}
    assert tasks["7.2"][2] == "—" and tasks["7.3"][:2] == ["—", "—"]
    items = [list(r) for r in book["测评项目逐年"].iter_rows(min_row=3, values_only=True)]
    assert items[1] == ["2", "志愿服务活动", 6, 0, 2, 2]
    log = [r for r in book["活动记录"].iter_rows(min_row=3, values_only=True) if r[1]]
    assert [(r[0], r[2], r[6]) for r in log] == [
        (2020, "2-01", "十二月支委会"),
        (2021, "2-01", "一月支委会"),
        (2021, "7.2-01", "五四征文"),
        (2021, "7.2-02", "演讲比赛"),
        (2022, "7.1-01", "学雷锋志愿服务进社区"),
        (2022, "7.3-01", "五四征文"),
    ]
    catalogue = [r for r in book["佐证材料目录"].iter_rows(min_row=3, values_only=True) if r[1]]
    assert [(r[0], r[1]) for r in catalogue] == [
        (2021, "7.2-01-1"), (2021, "7.2-02-1"), (2022, "7.1-01-1"), (2022, "7.1-01-2"), (2022, "7.3-01-1"),
    ]  # fmt: skip
    incidents = list(book["负面事件"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3]) for r in incidents] == [("仓库失火", "一票否决")]


def test_export_years_refuses_other_formats(term_ledger: Path, cli: Cli) -> None:
    done = cli("export", "--years", "2020-2022", "--format", "html", repo=term_ledger)
    assert done.exit_code == 2 and "只导出 Excel" in done.output


def test_score_and_years_do_not_take_the_narrowing_options(term_ledger: Path, cli: Cli) -> None:
    done = cli("status", "--years", "2020-2022", "--unit", "团委", repo=term_ledger)
    assert done.exit_code == 2 and "--unit" in done.output
    done = cli("status", "--score", "7.1", "--year", "2022", repo=term_ledger)
    assert done.exit_code == 2 and "任务编号" in done.output
