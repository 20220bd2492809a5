"""`wenming status` end to end on the mini ledger: views, JSON, exit codes and the to-do lines."""

from __future__ import annotations

import json
import shlex
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

from wenming.ledger import load, records_of
from wenming.status import evaluate


def progress_json(root: Path, as_of: str) -> dict[str, Any]:
    ledger = load(root)
    plan = ledger.plans[2022]
    return evaluate(plan, records_of(ledger, plan), date.fromisoformat(as_of)).to_dict()


def states(data: dict[str, Any]) -> dict[str, str]:
    return {t["task_id"]: t["state"] for t in data["tasks"]}


def test_json_is_exactly_what_the_library_returns(cli: Cli, mini_ledger: Path) -> None:
    result = cli("status", "--json", "--as-of", "2022-12-31", repo=mini_ledger)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == progress_json(mini_ledger, "2022-12-31")


def test_statuses_of_the_mini_ledger_early_and_late(cli: Cli, mini_ledger: Path) -> None:
    early = json.loads(cli("status", "--json", "--as-of", "2022/3/10", repo=mini_ledger).stdout)
    assert early["as_of"] == "2022-03-10"
    assert states(early) == {"1": "未开展", "2": "滞后", "7.1": "进行中", "7.2": "滞后"}
    late = json.loads(cli("status", "--json", "--as-of", "2022-12-31", repo=mini_ledger).stdout)
    assert states(late) == {"1": "滞后", "2": "滞后", "7.1": "滞后", "7.2": "滞后"}
    assert late["counts"] == {"已完成": 0, "进行中": 0, "滞后": 4, "未开展": 0}


def test_table_lists_every_task_without_colour(cli: Cli, mini_ledger: Path) -> None:
    result = cli("status", "--as-of", "2022-03-10", repo=mini_ledger)
    assert result.exit_code == 0
    out = result.stdout
    assert "\x1b[" not in out
    for needle in ("（一）", "（七）", "7.1", "持续做好志愿服务工作", "滞后", "截至 2022-03-10"):
        assert needle in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_views_filter_tasks(cli: Cli, mini_ledger: Path) -> None:
    by_unit = cli("status", "--unit", "机关党委", "--as-of", "2022-03-10", repo=mini_ledger).stdout
    assert "牵头" in by_unit and "配合" in by_unit and "成立领导小组" not in by_unit
    late = cli("status", "--status", "未开展", "--as-of", "2022-03-10", repo=mini_ledger).stdout
    assert "成立领导小组" in late and "三会一课" not in late
    section = cli("status", "--section", "7", "--json", repo=mini_ledger).stdout
    assert [t["task_id"] for t in json.loads(section)["tasks"]] == ["7.1", "7.2"]


def test_one_task_in_full(cli: Cli, mini_ledger: Path) -> None:
    out = cli("status", "7.1", "--as-of", "2022-12-31", repo=mini_ledger).stdout
    for needle in (
        "学雷锋纪念日",
        "注册志愿者年人均服务时长",
        "3.6/25 小时",
        "2022-03-05",
    ):
        assert needle in out


def test_timeline(cli: Cli, mini_ledger: Path) -> None:
    out = cli("status", "--timeline", repo=mini_ledger).stdout
    row = next(line for line in out.splitlines() if line.startswith("（七）"))
    assert row.split()[1:] == ["·", "·", "1"] + ["·"] * 9 + ["1"]


def test_fail_on_and_bad_usage(cli: Cli, mini_ledger: Path) -> None:
    assert cli("status", "--fail-on", "滞后", repo=mini_ledger).exit_code == 1
    assert cli("status", "--fail-on", "已完成", repo=mini_ledger).exit_code == 0
    assert cli("status", "--status", "很好", repo=mini_ledger).exit_code == 2
    assert cli("status", "--as-of", "明天", repo=mini_ledger).exit_code == 2
    missing = cli("status", "8.8", repo=mini_ledger)
    assert missing.exit_code == 1 and "8.8" in missing.stderr


def test_ledger_errors_still_evaluate_and_point_to_check(cli: Cli, mini_ledger: Path) -> None:
    (mini_ledger / "records" / "2022" / "20220101-坏记录-0000.yaml").write_text(
        "schema_version: 1\ndate: 2022-01-01\n", encoding="utf-8"
    )
    result = cli("status", "--json", repo=mini_ledger)
    assert result.exit_code == 0
    assert "注意：读取计划或 2022 年的记录时发现 4 个错误" in result.stderr
    assert "wenming check" in result.stderr
    assert len(json.loads(result.stdout)["tasks"]) == 4


def test_records_of_other_years_are_neither_read_nor_counted(cli: Cli, mini_ledger: Path) -> None:
    """Only records/<plan year>/ counts towards a plan, so status reads nothing else."""
    other = mini_ledger / "records" / "2021"
    other.mkdir()
    (other / "20210101-坏记录-0000.yaml").write_text("date: [\n", encoding="utf-8")
    result = cli("status", "--json", repo=mini_ledger)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert cli("check", repo=mini_ledger).exit_code == 1  # check still reads every year


def _commands(out: str) -> list[list[str]]:
    """The printed commands, each joined from its `\\`-continued lines."""
    joined = out.replace(" \\\n", " ")
    return [shlex.split(line.strip()) for line in joined.splitlines() if "wenming add" in line]


def _left_open(progress: dict[str, Any], as_of: str) -> set[tuple[str, str]]:
    """Gaps no command closes: windows over before --as-of, and a metric's remaining amount."""
    return {
        (t["task_id"], todo["what"])
        for t in progress["tasks"]
        for r in t["requirements"]
        for todo in r["todo"]
        if (todo["date"] and todo["date"] < as_of) or todo["figure"] is not None
    }


def _open_gaps(progress: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (t["task_id"], todo["what"])
        for t in progress["tasks"]
        for r in t["requirements"]
        if r["kind"] != "evidence_set" and not r["met"]
        for todo in r["todo"]
    }


def _flag(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


@pytest.mark.parametrize("as_of", ["2022-03-10", "2022-12-31"])
def test_each_todo_line_fills_its_gap(cli: Cli, mini_ledger: Path, as_of: str) -> None:
    before = cli("status", "--todo", "--as-of", as_of, repo=mini_ledger).stdout
    left_open = _left_open(progress_json(mini_ledger, as_of), as_of)
    commands = _commands(before)
    assert commands and all(c[:3] == ["wenming", "add", "--task"] for c in commands)
    gaps_before = sum(len(r["missing"]) for t in progress_json(mini_ledger, as_of)["tasks"]
                      for r in t["requirements"] if r["kind"] != "evidence_set")  # fmt: skip
    # Log each suggested record the way `wenming add` would write it.
    for n, argv in enumerate(commands):
        day = _flag(argv, "--date")
        type_ = _flag(argv, "--type") if "--type" in argv else "征文"
        figures = ""
        if "--figure" in argv:
            name, value = _flag(argv, "--figure").split("=")
            figures = f"figures:\n  {name}: {value}\n"
        stem = f"{day.replace('-', '')}-待办{n}-{n:04x}"
        (mini_ledger / "records" / "2022" / f"{stem}.yaml").write_text(
            f'schema_version: 1\ndate: {day}\ntasks: ["{_flag(argv, "--task")}"]\n'
            f"type: {type_}\ntitle: 待办{n}\nunit: {_flag(argv, '--unit')}\n{figures}",
            encoding="utf-8",
        )
    assert not load(mini_ledger).problems
    after = progress_json(mini_ledger, as_of)
    assert gaps_before > 0 and _open_gaps(after) <= left_open


def test_todo_commands_run_as_printed_and_close_their_gaps(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each printed line goes through the real `wenming add`; a person only types a title."""
    import wenming.cli.add as add_command

    monkeypatch.setattr(add_command, "stdin_is_terminal", lambda: True)
    as_of = "2022-12-31"
    left_open = _left_open(progress_json(git_ledger, as_of), as_of)
    commands = _commands(cli("status", "--todo", "--as-of", as_of, repo=git_ledger).stdout)
    assert len(commands) >= 4
    for n, argv in enumerate(commands):
        # Prompts a person still answers: the title (when not proposed), then Enter for the
        # optional fields and the confirmation.
        answers = ("" if "--title" in argv else f"补记活动{n}\n") + "\n" * 8
        result = cli(*argv[1:], repo=git_ledger, input=answers)
        assert result.exit_code == 0, (argv, result.output)
        assert "已提交" in result.stdout
    assert _open_gaps(progress_json(git_ledger, as_of)) <= left_open
    assert cli("check", repo=git_ledger).exit_code == 0


def test_ledger_text_never_drives_the_terminal(cli: Cli, mini_ledger: Path) -> None:
    """A title with an escape sequence or Rich markup is shown as text, not obeyed."""
    record = next((mini_ledger / "records" / "2022").glob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("title: 学雷锋志愿服务进社区", 'title: "学雷锋\\x1b[31m红[bold]粗[/bold]"'),
        encoding="utf-8",
    )
    plan = mini_ledger / "plan" / "2022.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "title: 持续做好志愿服务工作", 'title: "持续做好\\a志愿服务工作"'
        ),
        encoding="utf-8",
    )
    for args in (("status", "7.1"), ("status", "--todo"), ("status",)):
        result = cli(*args, "--as-of", "2022-12-31", repo=mini_ledger)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    detail = cli("status", "7.1", "--as-of", "2022-12-31", repo=mini_ledger).output
    assert "\ufffd[31m红[bold" in detail  # the escape shown as �, the markup as text


@pytest.mark.parametrize("columns", ["80", "60"])
def test_lead_units_are_never_cut_at_narrow_widths(columns: str, tmp_path: Path) -> None:
    """issue 15: at 80 columns every lead unit of the example ledger shows whole."""
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT
    from rich.cells import cell_len

    env = {**os.environ, "COLUMNS": columns, "LINES": "50"}
    env.pop("WENMING_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(REPO_ROOT), "status", "--year", "2022"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(cell_len(line.rstrip()) <= int(columns) for line in lines)
    cells = " ".join(lines)
    plan = load(REPO_ROOT, use_cache=False).plans[2022]
    for task in plan.tasks.values():
        for unit in task.lead:
            assert unit in cells, unit
    assert "、 …" not in result.stdout and "、…" not in result.stdout


def test_todo_at_80_columns_on_the_example_ledger(tmp_path: Path) -> None:
    """issue 15: commands on lines of their own, wrapped only between options; dates never
    before --as-of; a metric's gap in words; lead and cooperating units both named."""
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT
    from rich.cells import cell_len

    as_of = "2022-06-30"
    result = subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(REPO_ROOT), "status", "--todo",
         "--year", "2022", "--as-of", as_of],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, check=False,
        env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    command_lines = [line for line in out.splitlines() if line.startswith("      ")]
    assert command_lines and all(cell_len(line) <= 80 for line in command_lines)
    commands = _commands(out)
    assert commands
    for argv in commands:
        assert argv[:3] == ["wenming", "add", "--task"]
        assert "--figure" not in argv and "--participants" not in argv
        assert _flag(argv, "--date") >= as_of
    for line in out.splitlines():
        if "wenming add" in line:
            assert line.lstrip().startswith("wenming add")  # nothing before it on its line
    assert "志愿服务时长还差 381 小时" in out
    assert "牵头：团委　配合：各同创单位、机关各科室" in out
    assert "5月：已过" in out


def test_timeline_says_a_record_of_several_tasks_counts_once_for_each(
    cli: Cli, mini_ledger: Path
) -> None:
    out = cli("status", "--timeline", repo=mini_ledger).stdout
    assert "一条记录归入不同板块的几项任务时，每个板块各计一次" in out.replace("\n", "")


def test_one_task_lists_each_requirement_piece_with_its_records_at_80_columns(
    tmp_path: Path,
) -> None:
    """issue 15: every festival with its date and the record covering it, none cut; each month
    of a count with its records; a missed month said plainly."""
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT
    from rich.cells import cell_len

    def detail(task: str, as_of: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "wenming", "--repo", str(REPO_ROOT), "status", task,
             "--year", "2022", "--as-of", as_of],
            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, check=False,
            env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert all(cell_len(line) <= 80 for line in result.stdout.splitlines())
        return result.stdout

    festivals = detail("8.1", "2022-06-20")
    for name, day in (("春节", "2022-02-01"), ("元宵", "2022-02-15"), ("清明", "2022-04-05"),
                      ("端午", "2022-06-03"), ("七夕", "2022-08-04"), ("中秋", "2022-09-10"),
                      ("重阳", "2022-10-04")):  # fmt: skip
        assert f"{name}（{day}）" in festivals
    assert "√ 春节（2022-02-01） 01-28 迎春节写春联送祝福活动" in festivals
    assert "· 中秋（2022-09-10） 未到期" in festivals
    assert "等 7 项" not in festivals and "等 2 项" not in festivals
    meetings = detail("2", "2022-12-31")
    assert "× 5月  没有记录" in meetings
    assert "√ 4月  04-26 第一党支部第二党小组4月党小组会" in meetings
