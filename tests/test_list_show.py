"""`wenming list` and `wenming show`, and naming a record by a fragment of its id."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO_ROOT, Cli
from rich.cells import cell_len

from wenming.commands.export import export
from wenming.commands.records import find_record, short_ids
from wenming.commands.records_list import list_records
from wenming.commands.show import show
from wenming.errors import WenmingError
from wenming.ledger import load

MEETING = "20220112-第一党支部1月支委会-4124"
SECOND = "20220216-第二党支部2月支委会-a1b2"
VOLUNTEER = "20220305-学雷锋志愿服务进社区-0001"
KINDS = ("通知", "签到表", "会议记录", "照片")


def add_record(
    root: Path,
    record_id: str,
    *,
    title: str,
    kinds: tuple[str, ...] = KINDS,
    unit: str = "机关党委",
    type_: str = "支委会",
    task: str = "2",
    summary: str = "",
    place: str = "",
    document_date: str | None = None,
) -> None:
    """A record of the mini plan with a real file for each kind of evidence."""
    folder = root / "records" / "2022" / record_id
    folder.mkdir(parents=True)
    lines = [
        "schema_version: 1",
        f"date: {record_id[:4]}-{record_id[4:6]}-{record_id[6:8]}",
        f'tasks: ["{task}"]',
        f"type: {type_}",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"unit: {unit}",
    ]
    if place:
        lines.append(f"place: {place}")
    if summary:
        lines.append(f"summary: {summary}")
    lines.append("evidence:")
    for position, kind in enumerate(kinds, 1):
        content = f"{record_id} {kind}".encode()
        (folder / f"{kind}-{position}.txt").write_bytes(content)
        lines += [
            f"  - file: records/2022/{record_id}/{kind}-{position}.txt",
            f"    kind: {kind}",
            f"    caption: {kind}（{title}）",
            f"    sha256: {hashlib.sha256(content).hexdigest()}",
        ]
        if document_date and position == 1:
            lines.append(f"    date: {document_date}")
    (root / "records" / "2022" / f"{record_id}.yaml").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


@pytest.fixture
def ledger(mini_ledger: Path) -> Path:
    """The mini ledger with two 支委会 records: the first lacks 签到表 and 照片."""
    add_record(
        mini_ledger,
        MEETING,
        title="第一党支部1月支委会",
        kinds=("通知", "会议记录"),
        summary="研究部署年度工作要点",
        place="党员活动室",
        document_date="2022-01-10",
    )
    add_record(mini_ledger, SECOND, title="第二党支部2月支委会", unit="创建办")
    return mini_ledger


def ids(root: Path, **options: object) -> list[str]:
    return [r.id for r in list_records(root, today=date(2022, 12, 31), **options).records]  # type: ignore[arg-type]


# Fragments


def test_a_record_is_found_by_its_id_or_any_unique_fragment(ledger: Path) -> None:
    records = load(ledger).records
    assert find_record(records, MEETING).id == MEETING
    assert find_record(records, "4124").id == MEETING
    assert find_record(records, "第一党支部1月").id == MEETING
    assert find_record(records, " 学雷锋 ").id == VOLUNTEER


def test_an_ambiguous_fragment_lists_the_candidates(ledger: Path) -> None:
    with pytest.raises(WenmingError) as caught:
        find_record(load(ledger).records, "支委会")
    assert "2 条" in caught.value.message
    assert f"{MEETING}（2022-01-12）第一党支部1月支委会" in caught.value.hint
    assert SECOND in caught.value.hint


def test_a_fragment_matching_nothing_points_to_list(ledger: Path) -> None:
    with pytest.raises(WenmingError) as caught:
        find_record(load(ledger).records, "义诊")
    assert "义诊" in caught.value.message
    assert "wenming list" in caught.value.hint


def test_an_ambiguous_fragment_lists_at_most_ten_candidates() -> None:
    records = load(REPO_ROOT).records
    with pytest.raises(WenmingError) as caught:
        find_record(records, "支委会")
    assert caught.value.hint.count("（2022-") == 10
    assert "……等" in caught.value.hint


def test_short_ids_are_unique_fragments_of_their_own_record() -> None:
    records = load(REPO_ROOT).records
    short = short_ids(r.id for r in records)
    assert len(set(short.values())) == len(records)
    for record in records:
        assert record.id.endswith(short[record.id])
        assert find_record(records, short[record.id]).id == record.id
    assert short["20220112-第一党支部1月支委会-4124"] == "4124"


def test_a_tail_another_id_contains_grows_until_unique() -> None:
    short = short_ids(["20220101-甲-ab12", "20220102-乙ab12-cd34", "20220103-丙-ab12"])
    assert short["20220102-乙ab12-cd34"] == "cd34"
    assert short["20220101-甲-ab12"] == "甲-ab12"
    assert short["20220103-丙-ab12"] == "丙-ab12"


# list: filters


def test_list_is_newest_first(ledger: Path) -> None:
    assert ids(ledger) == [VOLUNTEER, SECOND, MEETING]


def test_list_filters_by_task_unit_type_and_year(ledger: Path) -> None:
    assert ids(ledger, task="2") == [SECOND, MEETING]
    assert ids(ledger, task="7.1") == [VOLUNTEER]
    assert ids(ledger, unit="创建办") == [SECOND]
    assert ids(ledger, activity_type="学雷锋志愿服务") == [VOLUNTEER]
    assert ids(ledger, year=2022) == [VOLUNTEER, SECOND, MEETING]


def test_list_reads_the_plan_year_in_use_unless_asked_for_all(ledger: Path) -> None:
    plan = (ledger / "plan/2022.yaml").read_text(encoding="utf-8")
    (ledger / "plan/2023.yaml").write_text(plan.replace("2022", "2023"), encoding="utf-8")
    record = (ledger / f"records/2022/{SECOND}.yaml").read_text(encoding="utf-8")
    later = "20230216-第二党支部2月支委会-c3d4"
    (ledger / "records/2023").mkdir()
    (ledger / f"records/2023/{later}.yaml").write_text(
        record.replace("2022-02-16", "2023-02-16").replace("tasks: [", "tasks: [[["),
        encoding="utf-8",
    )
    (ledger / "records/2021").mkdir()  # a year no plan reads
    (ledger / "records/2021/20210101-x-0000.yaml").write_text("date: 2021-01-01\n")
    in_2022 = list_records(ledger, today=date(2022, 6, 1))
    assert [r.id for r in in_2022.records] == [VOLUNTEER, SECOND, MEETING]
    assert in_2022.years == (2022,) and in_2022.unplanned == ()
    assert ids(ledger, year=2023) == []  # the 2023 record has an error: not listed, counted
    assert list_records(ledger, year=2023).errors >= 1
    every = list_records(ledger, all_years=True, today=date(2022, 6, 1))
    assert every.years == (2022, 2023)
    assert every.unplanned == ("records/2021/",)
    assert [r.id for r in every.records] == [VOLUNTEER, SECOND, MEETING]


def test_list_rows_carry_title_place_and_evidence_count_from_the_table(ledger: Path) -> None:
    """The row comes from the per-year table `status` reads, warm or cold, cache or none."""
    for cached in (False, True, True):
        (row,) = [r for r in list_records(ledger, use_cache=cached).records if r.id == MEETING]
        assert (row.title, row.place, row.evidence) == ("第一党支部1月支委会", "党员活动室", 2)


def test_list_filters_by_dates(ledger: Path) -> None:
    assert ids(ledger, start=date(2022, 2, 1)) == [VOLUNTEER, SECOND]
    assert ids(ledger, end=date(2022, 2, 16)) == [SECOND, MEETING]
    assert ids(ledger, start=date(2022, 2, 1), end=date(2022, 3, 1)) == [SECOND]
    with pytest.raises(WenmingError, match="晚于"):
        ids(ledger, start=date(2022, 3, 1), end=date(2022, 2, 1))


def test_list_text_searches_title_summary_place_and_captions(ledger: Path) -> None:
    assert ids(ledger, text="第二党支部") == [SECOND]  # title
    assert ids(ledger, text="年度工作要点") == [MEETING]  # summary
    assert ids(ledger, text="幸福路社区") == [VOLUNTEER]  # place (and summary, caption)
    assert ids(ledger, text="市文明网") == [VOLUNTEER]  # caption only
    assert ids(ledger, text="HTTPS") == []  # addresses are not searched


def test_list_missing_evidence_follows_the_status_engine(ledger: Path) -> None:
    result = list_records(ledger, only_missing=True)
    assert [r.id for r in result.records] == [MEETING]
    assert result.records[0].missing == ("签到表", "照片")
    everything = {r.id: r for r in list_records(ledger).records}
    assert everything[SECOND].missing == ()
    # The 7.1 record has no evidence_set requirement: nothing is missing, whatever it holds.
    assert everything[VOLUNTEER].missing == ()


@pytest.mark.parametrize(
    ("option", "value", "message", "hint"),
    [
        ("task", "7.11", "计划中没有任务“7.11”", "是不是“7.1”？"),
        ("unit", "团", "计划中没有单位“团”", "是不是“团委”？"),
        ("activity_type", "志愿服", "计划中没有活动类型“志愿服”", "是不是“志愿服务”？"),
    ],
)
def test_list_refuses_names_the_plan_lacks(
    ledger: Path, option: str, value: str, message: str, hint: str
) -> None:
    with pytest.raises(WenmingError) as caught:
        list_records(ledger, **{option: value})  # type: ignore[arg-type]
    assert caught.value.message == message
    assert caught.value.hint == hint


def test_list_refuses_a_year_without_plan(ledger: Path) -> None:
    with pytest.raises(WenmingError, match="没有 2030 年的计划"):
        list_records(ledger, year=2030)


# list: the command


def test_list_json_is_the_use_case_data(ledger: Path, cli: Cli) -> None:
    result = cli("list", "--task", "2", "--json", repo=ledger)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == list_records(ledger, task="2").to_dict()
    assert [r["short_id"] for r in data["records"]] == ["a1b2", "4124"]
    assert data["records"][1]["missing"] == ["签到表", "照片"]


def test_list_cli_options_reach_the_use_case(ledger: Path, cli: Cli) -> None:
    def listed(*args: str) -> list[str]:
        result = cli("list", "--json", *args, repo=ledger)
        assert result.exit_code == 0, result.output
        return [r["id"] for r in json.loads(result.stdout)["records"]]

    assert listed("--from", "2022年2月1日", "--to", "2022.3.1") == [SECOND]
    assert listed("--missing-evidence") == [MEETING]
    assert listed("--unit", "创建办", "--type", "支委会", "--year", "2022") == [SECOND]
    assert listed("--text", "幸福路") == [VOLUNTEER]


def test_list_cli_errors_in_chinese(ledger: Path, cli: Cli) -> None:
    result = cli("list", "--unit", "团", repo=ledger)
    assert result.exit_code == 1
    assert "错误：计划中没有单位“团”" in result.stderr
    assert "是不是“团委”？" in result.stderr
    result = cli("list", "--from", "明天", repo=ledger)
    assert result.exit_code == 2
    assert "--from" in result.stderr


def test_list_table_marks_incomplete_evidence(ledger: Path, cli: Cli) -> None:
    result = cli("list", repo=ledger)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["日期", "编号", "任务", "类型", "标题", "单位", "材料"]
    meeting = next(line for line in lines if "4124" in line)
    assert meeting.startswith("2022-01-12  4124")
    assert meeting.rstrip().endswith("2 缺")
    assert "共 3 条记录" in result.stdout
    assert "“缺”表示" in result.stdout
    assert "没有符合条件的记录。" in cli("list", "--text", "无此词", repo=ledger).stdout


def run_wenming(*args: str, columns: int = 80) -> str:
    """The real program in a terminal of `columns` columns (Rich reads COLUMNS)."""
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-m", "wenming", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
    )
    return done.stdout


def test_list_fits_80_columns_and_never_cuts_date_or_id() -> None:
    output = run_wenming("--repo", str(REPO_ROOT), "list")
    lines = output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    records = load(REPO_ROOT).records
    short = short_ids(r.id for r in records)
    rows = [line for line in lines if line[:4].isdigit()]
    assert len(rows) == len(records)
    expected = sorted(records, key=lambda r: (r.date, r.id), reverse=True)
    for line, record in zip(rows, expected, strict=True):
        assert line.split()[0] == record.date.isoformat()
        assert line.split()[1] == short[record.id]
    assert any("…" in line for line in rows)  # long titles are shortened instead


def test_list_and_show_print_markup_in_a_title_as_text(ledger: Path) -> None:
    add_record(ledger, "20220401-标记-beef", title="[bold red]标记[/]响铃")
    output = run_wenming("--repo", str(ledger), "list", "--text", "标记", columns=120)
    assert "[bold red]标记[/]响铃" in output
    shown = run_wenming("--repo", str(ledger), "show", "beef", columns=120)
    assert "[bold red]标记[/]响铃" in shown


def test_list_table_shows_control_characters_as_replacement(ledger: Path) -> None:
    # A file holding a control character is refused by the reader (control-character), so the
    # table is given one directly: whatever reaches it is printed as text.
    from wenming.cli.list import records_table

    result = list_records(ledger)
    first = replace(result.records[0], title="[b]响\x07铃\x1b[31m", unit="团\x00委")
    text = "\n".join(records_table(replace(result, records=(first, *result.records[1:])), 80))
    assert "[b]响\ufffd铃\ufffd[31m" in text
    assert "团\ufffd委" in text
    assert not any(ch in text for ch in "\x00\x07\x1b")


# show


def test_show_numbers_equal_the_exported_catalogue(ledger: Path, tmp_path: Path) -> None:
    today = date(2022, 12, 31)
    exported = export(ledger, output=tmp_path / "台账.xlsx", today=today, use_cache=False)
    assert exported.path.exists()
    sheet = openpyxl.load_workbook(exported.path, read_only=True)["佐证材料目录"]
    rows = [
        [("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    head = next(i for i, row in enumerate(rows) if "材料编号" in row)
    number_col = rows[head].index("材料编号")
    caption_col = next(i for i, h in enumerate(rows[head]) if "说明" in h or "名称" in h)
    catalogue = {row[caption_col]: row[number_col] for row in rows[head + 1 :] if row[number_col]}
    checked = 0
    for record_id in (MEETING, SECOND, VOLUNTEER):
        for item in show(ledger, record_id, today=today).evidence:
            assert item.number is not None
            assert catalogue[item.caption] == item.number
            checked += 1
    assert checked == 2 + 4 + 2


def test_show_reports_fields_evidence_states_and_requirements(ledger: Path) -> None:
    (ledger / "records/2022" / MEETING / "会议记录-2.txt").write_bytes(b"changed")
    result = show(ledger, "第一党支部1月", today=date(2022, 12, 31))
    assert result.record.id == MEETING
    assert result.number == "2-01"
    items = [(e.number, e.kind, e.state, e.date) for e in result.evidence]
    assert items == [
        ("2-01-1", "通知", "ok", date(2022, 1, 10)),
        ("2-01-2", "会议记录", "changed", None),
    ]
    counted = [(c.task_id, c.requirement.kind, c.counted) for c in result.counts_toward]
    assert counted == [("2", "count", True), ("2", "evidence_set", True)]
    evidence_set = result.counts_toward[1].requirement
    assert evidence_set.state.value == "滞后"
    assert evidence_set.progress == "1/2 条"


def test_show_keeps_only_requirements_of_the_record_type(ledger: Path) -> None:
    result = show(ledger, "0001", today=date(2022, 12, 31))
    # Task 7.1: the metric has no type filter, the 学雷锋 fixed date matches the record's type.
    kinds = [(c.task_id, c.requirement.kind) for c in result.counts_toward]
    assert kinds == [("7.1", "metric"), ("7.1", "fixed_date")]
    states = {e.kind: e.state for e in result.evidence}
    assert states == {"照片": "ok", "新闻报道": "url"}
    (ledger / "records/2022" / VOLUNTEER / "照片-1.png").unlink()
    assert show(ledger, "0001").evidence[0].state == "missing"


def test_show_json_is_the_use_case_data(ledger: Path, cli: Cli) -> None:
    result = cli("show", "4124", "--as-of", "2022-12-31", "--json", repo=ledger)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == show(ledger, "4124", as_of=date(2022, 12, 31)).to_dict()
    assert data["id"] == MEETING
    assert [e["number"] for e in data["evidence"]] == ["2-01-1", "2-01-2"]


def test_show_cli_draws_the_record(ledger: Path, cli: Cli) -> None:
    result = cli("show", "4124", "--as-of", "2022-12-31", repo=ledger)
    assert result.exit_code == 0, result.output
    for text in (MEETING, "活动编号", "2-01-1", "2-01-2", "文件完好", "2022-01-10", "计入的要求"):
        assert text in result.stdout, text
    assert "三会一课" in result.stdout


def test_show_cli_ambiguous_and_unknown_ids(ledger: Path, cli: Cli) -> None:
    result = cli("show", "支委会", repo=ledger)
    assert result.exit_code == 1
    assert "有 2 条" in result.stderr
    assert MEETING in result.stderr and SECOND in result.stderr
    result = cli("show", "nothing", repo=ledger)
    assert result.exit_code == 1
    assert "wenming list" in result.stderr


def test_show_fits_80_columns_on_the_example_ledger() -> None:
    output = run_wenming("--repo", str(REPO_ROOT), "show", "4124")
    assert all(cell_len(line) <= 80 for line in output.splitlines())
    assert "20220112-第一党支部1月支委会-4124" in output
