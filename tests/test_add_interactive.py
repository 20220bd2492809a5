"""`wenming add` at a terminal: prompts in Chinese, choices from the plan, defaults, confirmation."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import Cli, git

import wenming.cli.add as add_command
from wenming.commands.check import validate
from wenming.errors import Severity
from wenming.files import sha256_file
from wenming.ledger import load

TITLE = "学雷锋志愿服务进社区"


@pytest.fixture
def ledger(
    fresh_ledger: Path, tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of a fresh 2022 ledger, with `add` convinced it runs at a terminal."""
    root = tmp_path / "台账"
    shutil.copytree(fresh_ledger, root, symlinks=True)
    monkeypatch.setattr(add_command, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(add_command, "today", lambda: date(2022, 3, 5))
    return root


def answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def changed(root: Path) -> list[str]:
    return git(
        root, "-c", "core.quotepath=false", "show", "--name-only", "--format=", "HEAD"
    ).split()


def clean(root: Path) -> bool:
    return not [p for p in validate(root) if p.severity is Severity.ERROR]


def test_everything_by_prompts(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"photo bytes")
    before = commits(ledger)
    result = cli(
        "add",
        repo=ledger,
        input=answers(
            "志愿",  # task by a part of its title
            "2022年3月5日",
            "学雷锋",  # activity type by a part of its name
            TITLE,
            "",  # unit: the task's lead unit by default
            "幸福路社区",
            "36",
            "108",
            "清理小广告",
            str(photo),
            "",  # kind: inferred 照片
            "2022年3月5日，志愿者在幸福路社区清理小广告",
            "",  # no more evidence
            "y",
        ),
    )
    assert result.exit_code == 0, result.output
    assert "任务（输入编号，或标题中的几个字）" in result.output
    assert "已选：3.1 常态化开展志愿服务" in result.output
    assert "确认写入并提交？" in result.output
    (rec,) = load(ledger).records
    assert rec.tasks == ("3.1",)
    assert rec.date == date(2022, 3, 5)
    assert (rec.type, rec.title, rec.unit, rec.place) == (
        "学雷锋志愿服务",
        TITLE,
        "团委",
        "幸福路社区",
    )
    assert rec.participants == 36
    assert rec.figures == {"志愿服务时长": 108}
    assert rec.summary == "清理小广告\n"
    (item,) = rec.evidence
    assert item.kind == "照片"
    assert item.caption == "2022年3月5日，志愿者在幸福路社区清理小广告"
    assert item.file is not None
    assert item.sha256 == sha256_file(photo) == sha256_file(ledger / item.file)
    assert commits(ledger) == before + 1
    assert sorted(changed(ledger)) == sorted([rec.source.path, item.file])
    assert clean(ledger)


def test_only_missing_fields_are_asked(cli: Cli, ledger: Path) -> None:
    result = cli(
        "add", "--task", "3.1", "--type", "学雷锋志愿服务", "--unit", "团委", "--date", "2022-03-05",
        repo=ledger,
        input=answers(TITLE, "", "", "", "", "", "y"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "任务（" not in result.output
    assert "活动日期" not in result.output
    assert "活动标题" in result.output
    (rec,) = load(ledger).records
    assert (rec.title, rec.place, rec.participants, rec.figures) == (TITLE, "", None, {})
    assert clean(ledger)


def test_defaults_come_from_the_previous_record_of_the_task(cli: Cli, ledger: Path) -> None:
    first = cli(
        "add", "-t", "3.1", "-d", "2022-04-01", "--type", "志愿服务", "--title", "第一次",
        "-u", "工会", "--place", "文化广场", "-n", "20", "--hours", "40",
        repo=ledger,
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    result = cli(
        "add",
        repo=ledger,
        input=answers("3.1", "2022-06-01", "", "第二次", "", "", "", "", "", "", "y"),
    )
    assert result.exit_code == 0, result.output
    assert "默认值取自您在本任务的最近一条记录：2022-04-01 第一次" in result.output
    second = next(r for r in load(ledger).records if r.title == "第二次")
    assert (second.type, second.unit, second.place, second.participants) == (
        "志愿服务",
        "工会",
        "文化广场",
        20,
    )


def test_wrong_answers_are_asked_again_and_declining_writes_nothing(
    cli: Cli, ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(add_command, "today", lambda: date(2030, 5, 1))
    before = commits(ledger)
    result = cli(
        "add",
        repo=ledger,
        input=answers(
            "没有这个任务",
            "3.1",
            "明天",  # not a date
            "",  # default: today clamped into the plan period
            "服务",  # ambiguous
            "志愿服务",
            "标题",
            "不存在的单位",
            "工会",
            "",
            "",
            "",
            "",
            str(tmp_path / "不存在.jpg"),
            "",
            "n",
        ),
    )
    assert result.exit_code != 0
    assert "没有符合“没有这个任务”的任务" in result.output
    assert "无法识别日期“明天”" in result.output
    assert "[2022-12-31]" in result.output
    assert "有 2 项符合：学雷锋志愿服务、志愿服务" in result.output
    assert "没有符合“不存在的单位”的组织单位" in result.output
    assert "找不到文件" in result.output
    assert "date: 2022-12-31" in result.output
    assert "已取消" in result.output
    assert load(ledger).records == []
    assert commits(ledger) == before
    assert git(ledger, "status", "--porcelain") == ""


def test_yes_skips_the_confirmation(cli: Cli, ledger: Path) -> None:
    result = cli(
        "add", "-t", "1", "-d", "2022-02-01", "--type", "成立领导小组", "-u", "创建办", "-y",
        "--place", "会议室", "-n", "9", "--summary", "成立",
        repo=ledger,
        input=answers("成立创建工作领导小组", ""),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "活动标题" in result.output
    assert "确认写入" not in result.output
    (rec,) = load(ledger).records
    assert rec.title == "成立创建工作领导小组"


def test_find_tasks_prefers_titles_over_texts(fresh_ledger: Path) -> None:
    from wenming.record import find_tasks

    plan = load(fresh_ledger).plans[2022]
    assert [t.id for t in find_tasks(plan, "3.1")] == ["3.1"]
    assert [t.id for t in find_tasks(plan, "三会一课")] == ["2.1"]
    assert [t.id for t in find_tasks(plan, "25小时")] == ["3.1"]  # only in the task's text
    assert find_tasks(plan, "") == []
    assert find_tasks(plan, "没有的") == []


def test_the_users_own_record_wins_over_a_newer_one_by_someone_else(
    cli: Cli, ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = cli(
        "add", "-t", "3.1", "-d", "2022-04-01", "--type", "志愿服务", "--title", "我的记录",
        "-u", "工会", "--place", "文化广场", repo=ledger,
    )  # fmt: skip
    assert mine.exit_code == 0, mine.output
    with monkeypatch.context() as other:
        other.setenv("GIT_AUTHOR_NAME", "另一位联络员")
        other.setenv("GIT_AUTHOR_EMAIL", "other@example.org")
        theirs = cli(
            "add", "-t", "3.1", "-d", "2022-05-01", "--type", "学雷锋志愿服务", "--title", "别人的",
            "-u", "团委", "--place", "幸福路社区", repo=ledger,
        )  # fmt: skip
        assert theirs.exit_code == 0, theirs.output
    result = cli(
        "add",
        repo=ledger,
        input=answers("3.1", "2022-06-01", "", "第三次", "", "", "", "", "", "", "y"),
    )
    assert result.exit_code == 0, result.output
    assert "默认值取自您在本任务的最近一条记录：2022-04-01 我的记录" in result.output
    third = next(r for r in load(ledger).records if r.title == "第三次")
    assert (third.type, third.unit, third.place) == ("志愿服务", "工会", "文化广场")


def test_bad_options_are_checked_first_and_asked_again(cli: Cli, ledger: Path) -> None:
    """issue 15: a task, type or unit not in the plan is said at once and asked again."""
    result = cli(
        "add", "--task", "义诊", "--type", "志愿活动", "--unit", "不存在的科室",
        "--date", "3.5", "--title", TITLE,
        repo=ledger,
        input=answers("3.1", "志愿服务", "团委", "", "", "", "", "", "y"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("任务编号“义诊”不在 2022 年计划中") < out.index("任务（输入编号")
    assert "3.1    常态化开展志愿服务" in out
    assert "活动类型“志愿活动”不在计划的 activity_types 中（是不是“志愿服务”？）" in out
    assert "组织单位“不存在的科室”不在计划的 units 中" in out
    assert "活动日期" not in out  # 3.5 is 2022-03-05 in the 2022 plan
    (rec,) = load(ledger).records
    assert (rec.tasks, rec.date, rec.type, rec.unit) == (
        ("3.1",),
        date(2022, 3, 5),
        "志愿服务",
        "团委",
    )


def test_an_unknown_evidence_kind_is_asked_again_as_a_file(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"photo")
    result = cli(
        "add", *("-t", "3.1", "-d", "2022-03-05", "--type", "志愿服务", "--title", TITLE),
        *("-u", "团委", "--evidence", f"相片={photo}"),
        repo=ledger,
        input=answers("", "", "", "", str(photo), "", "", "", "y"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "佐证材料类型“相片”不在计划的 evidence_kinds 中（是不是“照片”？）" in result.output
    (rec,) = load(ledger).records
    assert [e.kind for e in rec.evidence] == ["照片"], result.output


def test_declining_says_cancelled_on_its_own_line_not_as_an_error(cli: Cli, ledger: Path) -> None:
    result = cli(
        "add", "--task", "3.1", "--type", "志愿服务", "--unit", "团委", "--date", "2022-03-05",
        repo=ledger,
        input=answers(TITLE, "", "", "", "", "", "n"),
    )  # fmt: skip
    assert result.exit_code == 130
    assert "已取消，未做任何修改" in result.output.splitlines()
    assert "错误" not in result.output
    assert load(ledger).records == []


def test_stopping_at_a_prompt_says_cancelled_on_a_new_line(cli: Cli, ledger: Path) -> None:
    """Ctrl-C (here: the end of input) at a prompt leaves the cursor after it."""
    result = cli("add", "--task", "3.1", repo=ledger, input="")
    assert result.exit_code == 130
    assert "已取消，未做任何修改" in result.output.splitlines()
    assert "错误" not in result.output


def test_an_unknown_figure_name_is_picked_again_from_the_plan(cli: Cli, ledger: Path) -> None:
    result = cli(
        "add", *("-t", "3.1", "-d", "2022-03-05", "--type", "志愿服务", "--title", TITLE),
        *("-u", "团委", "--figure", "服务时长=12"),
        repo=ledger,
        input=answers("志愿服务时长", "", "", "", "", "y"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "数值项“服务时长”不在计划的 figures 中（是不是“志愿服务时长”？）" in result.output
    (rec,) = load(ledger).records
    assert rec.figures == {"志愿服务时长": 12}
