"""`wenming edit`: by options and in an editor, re-checked, renamed with its evidence, committed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import Cli, git

from wenming.cli import edit as edit_command
from wenming.commands.edit import Changes, apply_edit, edit_text, open_record, plan_edit
from wenming.errors import WenmingError
from wenming.ledger import load

STEM = "20220305-学雷锋志愿服务进社区-0001"
RECORD = f"records/2022/{STEM}.yaml"
PHOTO = f"records/2022/{STEM}/照片-1.png"


def _committed(root: Path) -> list[str]:
    out = git(
        root,
        "-c",
        "core.quotepath=false",
        "show",
        "--no-renames",
        "--name-only",
        "--format=",
        "HEAD",
    )
    return sorted(out.split())


def _subject(root: Path) -> str:
    return git(root, "log", "-1", "--format=%s").strip()


def _only(root: Path) -> str:
    """The one record file of the test ledger, whatever its name now."""
    (found,) = (root / "records/2022").glob("*.yaml")
    return found.relative_to(root).as_posix()


def test_edit_by_options_commits_only_the_record(cli: Cli, git_ledger: Path) -> None:
    (git_ledger / "other.txt").write_text("别的改动", encoding="utf-8")
    result = cli(
        "edit", "0001", "--place", "幸福路社区广场", "--participants", "15", repo=git_ledger
    )
    assert result.exit_code == 0, result.output
    assert "地点：幸福路社区 → 幸福路社区广场" in result.stdout
    assert "人数：12 → 15" in result.stdout
    record = load(git_ledger).records[0]
    assert (record.place, record.participants, record.id) == ("幸福路社区广场", 15, STEM)
    assert _committed(git_ledger) == [RECORD]
    assert _subject(git_ledger) == "修改记录：2022-03-05 学雷锋志愿服务进社区（7.1）"
    assert "?? other.txt" in git(git_ledger, "status", "--porcelain")
    assert cli("check", repo=git_ledger).exit_code == 0


def test_a_new_date_renames_the_record_and_its_evidence_folder(cli: Cli, git_ledger: Path) -> None:
    result = cli("edit", "0001", "--date", "3月6日", repo=git_ledger)
    assert result.exit_code == 0, result.output
    stem = "20220306-学雷锋志愿服务进社区-0001"
    new_record, new_photo = f"records/2022/{stem}.yaml", f"records/2022/{stem}/照片-1.png"
    assert not (git_ledger / RECORD).exists() and not (git_ledger / "records/2022" / STEM).exists()
    assert (git_ledger / new_photo).is_file()
    assert _committed(git_ledger) == sorted([RECORD, PHOTO, new_record, new_photo])
    record = load(git_ledger).records[0]
    assert record.date.isoformat() == "2022-03-06"
    assert record.evidence[0].file == new_photo
    assert git(git_ledger, "status", "--porcelain") == ""
    assert cli("check", repo=git_ledger).exit_code == 0


def test_a_new_title_renames_and_keeps_the_ids_random_tail(cli: Cli, git_ledger: Path) -> None:
    result = cli("edit", "0001", "--title", "学雷锋 志愿服务/进社区", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert _only(git_ledger) == "records/2022/20220305-学雷锋-志愿服务-进社区-0001.yaml"
    assert cli("check", repo=git_ledger).exit_code == 0


def test_a_hand_named_record_keeps_its_name(cli: Cli, git_ledger: Path) -> None:
    git(git_ledger, "mv", RECORD, "records/2022/学雷锋.yaml")
    git(git_ledger, "commit", "-qm", "rename")
    assert cli("edit", "学雷锋", "--title", "学雷锋志愿服务", repo=git_ledger).exit_code == 0
    assert _only(git_ledger) == "records/2022/学雷锋.yaml"


def test_evidence_added_removed_and_recaptioned(cli: Cli, git_ledger: Path, tmp_path: Path) -> None:
    sign_in = tmp_path / "签到表.pdf"
    sign_in.write_bytes(b"%PDF-1.4 sign-in sheet")
    result = cli(
        "edit",
        "0001",
        "--add-evidence",
        f"{sign_in}|志愿者签到表",
        "--remove-evidence",
        "https://example.org/news/1",
        "--caption",
        "1=青年志愿者清理小广告",
        repo=git_ledger,
    )
    assert result.exit_code == 0, result.output
    assert "添加佐证材料：签到表 签到表.pdf（志愿者签到表）" in result.stdout
    assert "去掉佐证材料：新闻报道 https://example.org/news/1" in result.stdout
    record = load(git_ledger).records[0]
    assert [(e.kind, e.caption) for e in record.evidence] == [
        ("照片", "青年志愿者清理小广告"),
        ("签到表", "志愿者签到表"),
    ]
    added = f"records/2022/{STEM}/签到表.pdf"
    assert (git_ledger / added).read_bytes() == sign_in.read_bytes()
    assert _committed(git_ledger) == sorted([RECORD, added])
    assert cli("check", repo=git_ledger).exit_code == 0


def test_removing_a_file_deletes_it_in_the_same_commit(cli: Cli, git_ledger: Path) -> None:
    result = cli("edit", "0001", "--remove-evidence", "照片", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert not (git_ledger / PHOTO).exists()
    assert _committed(git_ledger) == sorted([RECORD, PHOTO])
    assert cli("check", repo=git_ledger).exit_code == 0  # no leftover folder


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--unit", "宣传部"], "组织单位“宣传部”不在计划的 units 中"),
        (["--type", "志愿活动"], "是不是“志愿服务”"),
        (["--task", "没有的任务"], "不在 2022 年计划中"),
        (["--date", "2023-01-05"], "没有 2023 年的计划"),
        (["--remove-evidence", "9"], "这条记录没有佐证材料“9”"),
        (["--figure", "服务人次=3"], "数值项“服务人次”不在计划的 figures 中"),
        (["--title", "  "], "标题不能为空"),
        (
            ["--add-evidence", "相片=x.jpg"],
            "--add-evidence 中的佐证材料类型“相片”不在计划的 evidence_kinds 中",
        ),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    cli: Cli, git_ledger: Path, options: list[str], message: str
) -> None:
    before = (git_ledger / RECORD).read_bytes()
    result = cli("edit", "0001", *options, repo=git_ledger)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert (git_ledger / RECORD).read_bytes() == before
    assert git(git_ledger, "status", "--porcelain") == ""


def test_a_figure_can_be_removed(cli: Cli, git_ledger: Path) -> None:
    assert cli("edit", "0001", "--figure", "志愿服务时长=", repo=git_ledger).exit_code == 0
    assert dict(load(git_ledger).records[0].figures) == {}


def test_nothing_to_change_writes_nothing(cli: Cli, git_ledger: Path) -> None:
    head = git(git_ledger, "rev-parse", "HEAD")
    result = cli("edit", "0001", "--place", "幸福路社区", repo=git_ledger)
    assert result.exit_code == 0 and "没有需要修改的内容" in result.stdout
    assert git(git_ledger, "rev-parse", "HEAD") == head


def test_dry_run_shows_the_new_text_and_writes_nothing(cli: Cli, git_ledger: Path) -> None:
    result = cli("edit", "0001", "--date", "2022-03-06", "--dry-run", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert "date: 2022-03-06" in result.stdout
    assert "records/2022/20220306-学雷锋志愿服务进社区-0001/照片-1.png" in result.stdout
    assert git(git_ledger, "status", "--porcelain") == ""


# ---------------------------------------------------------------- in the editor


@pytest.fixture
def editor() -> list[str]:
    """The texts the scripted editor was handed, in order."""
    return []


Step = Callable[[str], str] | None  # what the person does to the text; None: close unsaved


def _script(monkeypatch: pytest.MonkeyPatch, seen: list[str], steps: list[Step]) -> None:
    """Stand in for the person's editor: each opening applies the next step to the text."""

    def run(text: str) -> str | None:
        seen.append(text)
        step = steps.pop(0)
        return None if step is None else step(text)

    monkeypatch.setattr(edit_command, "run_editor", run)


def test_editor_saves_a_valid_change_with_comments_kept(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch, editor: list[str]
) -> None:
    _script(
        monkeypatch,
        editor,
        [lambda t: t.replace("place: 幸福路社区", "place: 幸福路社区  # 东门集合")],
    )
    result = cli("edit", "0001", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert "幸福路社区  # 东门集合" in (git_ledger / RECORD).read_text(encoding="utf-8")
    assert _committed(git_ledger) == [RECORD]


def test_editor_reopens_on_error_with_the_problems_until_valid(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch, editor: list[str]
) -> None:
    monkeypatch.setattr(edit_command, "stdin_is_terminal", lambda: True)
    _script(
        monkeypatch,
        editor,
        [
            lambda t: t.replace("unit: 团委", "unit: 宣传部"),
            lambda t: t.replace("unit: 宣传部", "unit: 团委").replace(
                "date: 2022-03-05", "date: 2022-03-07"
            ),
        ],
    )
    result = cli("edit", "0001", repo=git_ledger, input="y\n")
    assert result.exit_code == 0, result.output
    assert "第 6 行" in result.stderr and "宣传部" in result.stderr
    # The second time the editor holds the person's text and, below it, what was wrong.
    assert "unit: 宣传部" in editor[1] and edit_command.PROBLEMS_MARK in editor[1]
    text = _only(git_ledger)
    assert text == "records/2022/20220307-学雷锋志愿服务进社区-0001.yaml"
    saved = (git_ledger / text).read_text(encoding="utf-8")
    assert edit_command.PROBLEMS_MARK not in saved
    assert "20220307-学雷锋志愿服务进社区-0001/照片-1.png" in saved
    assert cli("check", repo=git_ledger).exit_code == 0


def test_editor_given_up_changes_nothing(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch, editor: list[str]
) -> None:
    monkeypatch.setattr(edit_command, "stdin_is_terminal", lambda: True)
    _script(monkeypatch, editor, [lambda t: t.replace("date: 2022-03-05", "date: 2022-02-30")])
    result = cli("edit", "0001", repo=git_ledger, input="n\n")
    assert result.exit_code == 130
    assert "已取消，未做任何修改" in result.stderr
    assert git(git_ledger, "status", "--porcelain") == ""


def test_editor_closed_without_saving_changes_nothing(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch, editor: list[str]
) -> None:
    _script(monkeypatch, editor, [None])
    result = cli("edit", "0001", repo=git_ledger)
    assert result.exit_code == 0 and "没有修改" in result.stdout
    assert git(git_ledger, "status", "--porcelain") == ""


def test_editor_in_a_script_reports_the_problems_and_exits_1(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch, editor: list[str]
) -> None:
    _script(monkeypatch, editor, [lambda t: t.replace("type: 学雷锋志愿服务", "type: 跳舞")])
    result = cli("edit", "0001", repo=git_ledger)
    assert result.exit_code == 1
    assert "活动类型“跳舞”" in result.stderr
    assert git(git_ledger, "status", "--porcelain") == ""


def test_a_real_editor_program_is_run(
    cli: Cli, git_ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$EDITOR is a program the person chose: here a shell script that edits the file in place."""
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nsed -i "s/^participants: 12/participants: 20/" "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    result = cli("edit", "0001", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert load(git_ledger).records[0].participants == 20


# ---------------------------------------------------------------- the use case


def test_the_use_case_reports_problems_as_data(git_ledger: Path) -> None:
    record, text = open_record(git_ledger, "0001")
    edit, problems = edit_text(git_ledger, record, text.replace("unit: 团委", "unit: 宣传部"))
    assert edit is None
    assert [(p.source.path, p.source.line, p.rule) for p in problems] == [
        (RECORD, 6, "unknown-unit")
    ]


def test_a_failed_commit_leaves_the_edit_on_disk_and_says_how_to_finish(
    cli: Cli, mini_ledger: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(mini_ledger, copy)
    result = cli("edit", "0001", "--date", "2022-03-06", repo=copy)
    assert result.exit_code == 1
    assert "但没有提交到 git" in result.stderr and "git -C" in result.stderr
    assert (copy / "records/2022/20220306-学雷锋志愿服务进社区-0001.yaml").is_file()


def test_a_rename_onto_an_existing_record_is_refused(git_ledger: Path) -> None:
    taken = git_ledger / "records/2022/20220306-学雷锋志愿服务进社区-0001.yaml"
    edit = plan_edit(git_ledger, "0001", Changes(date=date(2022, 3, 6)))
    taken.write_text("别人刚写的", encoding="utf-8")
    with pytest.raises(WenmingError, match="已经存在"):
        apply_edit(git_ledger, edit)
    assert (git_ledger / RECORD).is_file() and (git_ledger / PHOTO).is_file()
    assert taken.read_text(encoding="utf-8") == "别人刚写的"


def test_a_date_in_the_next_plan_year_moves_the_record_to_that_year(
    cli: Cli, git_ledger: Path
) -> None:
    plan = (git_ledger / "plan/2022.yaml").read_text(encoding="utf-8")
    (git_ledger / "plan/2023.yaml").write_text(plan.replace("2022", "2023"), encoding="utf-8")
    git(git_ledger, "add", "plan/2023.yaml")
    git(git_ledger, "commit", "-qm", "2023 plan")
    result = cli("edit", "0001", "--date", "2023-03-05", repo=git_ledger)
    assert result.exit_code == 0, result.output
    stem = "20230305-学雷锋志愿服务进社区-0001"
    assert (git_ledger / f"records/2023/{stem}.yaml").is_file()
    assert (git_ledger / f"records/2023/{stem}/照片-1.png").is_file()
    assert not (git_ledger / "records/2022" / STEM).exists()
    (record,) = load(git_ledger).records
    assert (record.year, record.evidence[0].file) == (2023, f"records/2023/{stem}/照片-1.png")
    assert cli("check", repo=git_ledger).exit_code == 0


def test_several_removals_name_items_as_the_record_stands(cli: Cli, git_ledger: Path) -> None:
    """Positions are those `show` printed, whatever is removed first."""
    result = cli(
        "edit", "0001", "--remove-evidence", "1", "--remove-evidence", "2", repo=git_ledger
    )
    assert result.exit_code == 0, result.output
    assert load(git_ledger).records[0].evidence == ()
    assert not (git_ledger / PHOTO).exists()


def test_the_number_of_participants_can_be_taken_out(cli: Cli, git_ledger: Path) -> None:
    result = cli("edit", "0001", "--no-participants", repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert "人数：12 → （空）" in result.stdout
    assert load(git_ledger).records[0].participants is None
    assert "participants" not in (git_ledger / RECORD).read_text(encoding="utf-8")
