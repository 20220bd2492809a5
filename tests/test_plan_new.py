"""`wenming plan new`: next year's plan from this year's, dates moved, facts flagged, committed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import Cli, git

from wenming.calendar import festival_dates
from wenming.commands.check import validate
from wenming.commands.plan_new import plan_new
from wenming.errors import Source, WenmingError
from wenming.ledger import load
from wenming.model import DeadlineReq, Plan, Task
from wenming.nextplan import shift


def _plain_task(task: Task) -> Task:
    """A task without where it was written or its deadline's date: what must carry over."""
    reqs = tuple(
        replace(r, source=Source(""), by=date.min)
        if isinstance(r, DeadlineReq)
        else replace(r, source=Source(""))
        for r in task.requirements
    )
    return replace(task, source=Source(""), requirements=reqs)


def _tasks(plan: Plan) -> list[Task]:
    return [_plain_task(t) for t in plan.tasks.values()]


def test_plan_new_moves_the_dates_keeps_the_rest_and_commits_it(git_ledger: Path, cli: Cli) -> None:
    done = cli("plan", "new", "2023", repo=git_ledger)
    assert done.exit_code == 0, done.output
    assert "注册志愿者人数" in done.output
    listed = git(git_ledger, "-c", "core.quotePath=false", "log", "-1", "--name-only", "--format=")
    assert listed.split() == ["plan/2023.yaml"]
    assert git(git_ledger, "status", "--porcelain") == ""
    plans = load(git_ledger).plans
    old, new = plans[2022], plans[2023]
    assert (new.start, new.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert new.title == "2023年文明单位创建工作计划（测试用）"
    (deadline,) = new.tasks["1"].requirements
    assert isinstance(deadline, DeadlineReq) and deadline.by == date(2023, 3, 31)
    assert _tasks(new) == _tasks(old)
    assert new.units.keys() == old.units.keys()
    assert new.activity_types.keys() == old.activity_types.keys()
    assert {n: (f.value, f.placeholder) for n, f in new.facts.items()} == {
        "注册志愿者人数": (10, True)
    }
    # Comments stay: the plan's own first line is still there, under wenming's note.
    text = (git_ledger / "plan" / "2023.yaml").read_text(encoding="utf-8")
    assert "# A small plan for tests" in text and text.startswith("# 由 wenming plan new")
    # The only thing `check` has to say is to confirm the carried-over fact.
    problems = [(p.source.path, p.rule) for p in validate(git_ledger)]
    assert problems == [("plan/2023.yaml", "placeholder-fact")]


def test_round_trip_over_two_years_recomputes_the_festivals(git_ledger: Path) -> None:
    plan_new(git_ledger, 2023)
    plan_new(git_ledger, 2024)  # from 2023, the latest earlier plan
    plans = load(git_ledger).plans
    assert _tasks(plans[2024]) == _tasks(plans[2022])
    assert (plans[2024].start, plans[2024].end) == (date(2024, 1, 1), date(2024, 12, 31))
    # Festivals are not written in the plan: each year's come from the lunar calendar.
    spring = [festival_dates(year)["春节"] for year in (2022, 2023, 2024)]
    assert spring == [date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10)]
    from wenming.commands.status import status

    festival = status(git_ledger, year=2024, as_of=date(2024, 12, 31)).progress.tasks[3]
    assert festival.task_id == "7.2"
    assert "2024-02-10" in " ".join(
        t.what for r in festival.requirements if r.kind == "festival" for t in r.todo
    )


def test_a_school_year_plan_moves_whole_and_29_february_becomes_the_28th(
    git_ledger: Path,
) -> None:
    path = git_ledger / "plan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "{start: 2022-01-01, end: 2022-12-31}", "{start: 2023-07-01, end: 2024-06-30}"
    )
    text = text.replace("year: 2022", "year: 2023").replace("by: 2022-03-31", "by: 2024-02-29")
    text = text.replace(
        "  注册志愿者人数: {value: 10, unit: 人}", "  注册志愿者人数:\n    value: 10\n    unit: 人"
    )
    (git_ledger / "records" / "2022").rename(git_ledger / "records" / "2023")
    path.unlink()
    (git_ledger / "plan" / "2023.yaml").write_text(text, encoding="utf-8")
    git(git_ledger, "add", "-A")
    git(git_ledger, "commit", "-q", "-m", "school year")
    plan_new(git_ledger, 2024)
    new = load(git_ledger).plans[2024]
    assert (new.start, new.end) == (date(2024, 7, 1), date(2025, 6, 30))
    (deadline,) = new.tasks["1"].requirements
    assert isinstance(deadline, DeadlineReq) and deadline.by == date(2025, 2, 28)
    assert new.facts["注册志愿者人数"].placeholder  # block style: a line of its own
    assert "    placeholder: true\n    value: 10" in (git_ledger / "plan" / "2024.yaml").read_text(
        encoding="utf-8"
    )


def test_shift_keeps_the_day() -> None:
    assert shift(date(2022, 3, 31), 1) == date(2023, 3, 31)
    assert shift(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert shift(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_plan_new_refuses_what_it_cannot_do(git_ledger: Path, cli: Cli) -> None:
    with pytest.raises(WenmingError, match="没有 2021 年以前的计划"):
        plan_new(git_ledger, 2021)
    with pytest.raises(WenmingError, match=r"没有 plan/2019\.yaml"):
        plan_new(git_ledger, 2023, 2019)
    plan_new(git_ledger, 2023)
    refused = cli("plan", "new", "2023", repo=git_ledger)
    assert refused.exit_code == 1 and "没有覆盖" in refused.output
    broken = git_ledger / "plan" / "2023.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("year: 2023", "year: [2023"), encoding="utf-8"
    )
    refused = cli("plan", "new", "2024", repo=git_ledger)
    assert refused.exit_code == 1 and "plan/2023.yaml 有错误" in refused.output
    assert not (git_ledger / "plan" / "2024.yaml").exists()


def test_without_git_the_plan_is_written_and_the_command_given(mini_ledger: Path) -> None:
    done = plan_new(mini_ledger, 2023)
    assert (mini_ledger / "plan" / "2023.yaml").is_file()
    assert not done.outcome.ok and "git" in done.outcome.command
