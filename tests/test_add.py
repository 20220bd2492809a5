"""`wenming add` with options: validation, evidence import, atomic writing, git and concurrency."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, git

from wenming import record as record_module
from wenming.checks import check_record
from wenming.commands.check import validate
from wenming.errors import Severity
from wenming.files import sha256_file
from wenming.ledger import MAX_RECORD_BYTES, load
from wenming.parse import parse_record
from wenming.yamlio import load_file

TITLE = "学雷锋志愿服务进社区"
BASE = (
    "add", "--task", "3.1", "--date", "2022-03-05", "--type", "学雷锋志愿服务",
    "--title", TITLE, "--unit", "团委",
)  # fmt: skip
VOLUNTEER = (
    "add",
    "-t",
    "7.1",
    "-d",
    "2022-03-06",
    "--type",
    "志愿服务",
    "--title",
    "t",
    "-u",
    "团委",
)
ID = re.compile(r"^\d{8}-[^/\\:*?\"<>|\s]{1,30}-[0-9a-f]{4}$")


@pytest.fixture
def ledger(fresh_ledger: Path, tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A fresh `wenming init` ledger for 2022, committed, with its check hook (a copy)."""
    root = tmp_path / "台账"
    shutil.copytree(fresh_ledger, root, symlinks=True)
    return root


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "素材" / "现场照片.jpg"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01")
    return path


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "素材" / "签到.pdf"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"%PDF-1.4 sign-in sheet")
    return path


def records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.yaml"))


def changed(root: Path, rev: str = "HEAD") -> list[str]:
    return git(root, "-c", "core.quotepath=false", "show", "--name-only", "--format=", rev).split()


def status(root: Path) -> str:
    return git(root, "-c", "core.quotepath=false", "status", "--porcelain", "--untracked-files=all")


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def errors(root: Path) -> list[Any]:
    return [p for p in validate(root) if p.severity is Severity.ERROR]


# ---------------------------------------------------------------- the happy path


def test_add_with_flags_writes_one_valid_record_and_one_commit(
    cli: Cli, ledger: Path, photo: Path, sheet: Path
) -> None:
    before = commits(ledger)
    result = cli(
        *BASE, "--place", "幸福路社区", "--participants", "36", "--hours", "108",
        "--summary", "组织青年志愿者清理小广告。\n共 36 人参加。",
        "--evidence", f"{photo}|2022年3月5日，志愿者在幸福路社区清理小广告",
        "--evidence", f"签到表={sheet}",
        "--link", "https://example.org/news/1|市文明网报道",
        "--extra", "带队领导=王某某",
        repo=ledger,
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    (path,) = records(ledger)
    assert ID.match(path.stem)
    assert path.stem.startswith(f"20220305-{TITLE}-")
    loaded = load(ledger)
    (rec,) = loaded.records
    assert rec.tasks == ("3.1",)
    assert (rec.type, rec.title, rec.unit, rec.place) == (
        "学雷锋志愿服务",
        TITLE,
        "团委",
        "幸福路社区",
    )
    assert rec.participants == 36
    assert rec.figures == {"志愿服务时长": 108}
    assert rec.extra == {"带队领导": "王某某"}
    assert rec.summary == "组织青年志愿者清理小广告。\n共 36 人参加。\n"
    kinds = [(e.kind, e.caption) for e in rec.evidence]
    assert kinds[0] == ("照片", "2022年3月5日，志愿者在幸福路社区清理小广告")
    assert kinds[1][0] == "签到表"
    assert kinds[2] == ("新闻报道", "市文明网报道")
    assert rec.evidence[2].url == "https://example.org/news/1"
    for item, source in zip(rec.evidence[:2], (photo, sheet), strict=True):
        assert item.file is not None
        assert item.file.startswith(f"records/2022/{path.stem}/")
        assert item.sha256 == sha256_file(source) == sha256_file(ledger / item.file)

    assert commits(ledger) == before + 1
    assert sorted(changed(ledger)) == sorted(
        [f"records/2022/{path.name}", *(e.file for e in rec.evidence if e.file)]
    )
    assert git(ledger, "log", "-1", "--format=%s").strip() == f"记录：2022-03-05 {TITLE}（3.1）"
    assert git(ledger, "log", "-1", "--format=%an").strip() == "测试员"
    assert status(ledger) == ""
    assert errors(ledger) == []


def test_written_yaml_round_trips_to_an_equal_record(ledger: Path, photo: Path) -> None:
    plan = load(ledger).plans[2022]
    draft = record_module.Draft(
        date=plan.start.replace(month=3, day=5),
        tasks=("3.1", "1"),
        type="学雷锋志愿服务",
        title='标题: 含"引号"、#号 与 yes',
        unit="团委",
        place="no",
        participants=0,
        figures={"志愿服务时长": 12.5},
        extra={"主讲人": "2022-03-05", "备注": "多行\n文字"},
        summary="第一行\n  缩进的第二行",
        evidence=(record_module.EvidenceSpec(photo, None, "说明"),),
        links=(record_module.LinkSpec("https://example.org/a?b=1&c=2", "截图", ""),),
    )
    prepared = record_module.prepare(ledger, plan, draft)
    written = record_module.write(ledger, plan, prepared)
    rel = written.rel
    data, problems = load_file(ledger / rel, rel, MAX_RECORD_BYTES)
    assert problems == []
    again, problems = parse_record(data, rel, written.record_id, 2022)
    assert problems == []
    assert again == written.record
    assert again is not None
    assert again.title == draft.title
    assert again.place == "no"
    assert again.extra == {"主讲人": "2022-03-05", "备注": "多行\n文字"}
    assert again.figures == {"志愿服务时长": 12.5}
    assert again.summary == "第一行\n  缩进的第二行\n"
    assert list(check_record(again, plan, {})) == []
    assert "\\u" not in (ledger / rel).read_text(encoding="utf-8")  # Chinese kept as is


def test_dry_run_prints_the_record_and_writes_nothing(cli: Cli, ledger: Path, photo: Path) -> None:
    before = status(ledger), commits(ledger)
    result = cli(*BASE, "--evidence", str(photo), "--dry-run", repo=ledger)
    assert result.exit_code == 0, result.output
    assert "title: 学雷锋志愿服务进社区" in result.output
    assert "sha256: " + sha256_file(photo) in result.output
    assert (status(ledger), commits(ledger)) == before
    assert records(ledger) == []


@pytest.mark.parametrize("spelling", ["2022-03-05", "2022/3/5", "2022.3.5", "2022年3月5日"])
def test_date_spellings(cli: Cli, ledger: Path, spelling: str) -> None:
    args = list(BASE)
    args[args.index("--date") + 1] = spelling
    result = cli(*args, "--dry-run", repo=ledger)
    assert result.exit_code == 0, result.output
    assert "date: 2022-03-05" in result.output


def test_no_commit_leaves_the_record_uncommitted(cli: Cli, ledger: Path) -> None:
    before = commits(ledger)
    result = cli(*BASE, "--no-commit", repo=ledger)
    assert result.exit_code == 0, result.output
    assert commits(ledger) == before
    (path,) = records(ledger)
    assert status(ledger).strip() == f"?? records/2022/{path.name}"
    assert path.name in result.output


def test_other_changes_of_the_user_stay_as_they_were(cli: Cli, ledger: Path) -> None:
    readme = ledger / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "用户的修改\n", encoding="utf-8")
    (ledger / "草稿.txt").write_text("暂存的草稿\n", encoding="utf-8")
    git(ledger, "add", "草稿.txt")
    before = status(ledger)
    result = cli(*BASE, repo=ledger)
    assert result.exit_code == 0, result.output
    assert status(ledger) == before
    assert len(changed(ledger)) == 1


# ---------------------------------------------------------------- bad input writes nothing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--task": "9.9"}, "任务编号“9.9”不在 2022 年计划中"),
        ({"--unit": "不存在的科室"}, "组织单位“不存在的科室”不在计划的 units 中"),
        ({"--type": "不存在的活动"}, "活动类型“不存在的活动”不在计划的 activity_types 中"),
        ({"--date": "2023-01-05", "--year": "2022"}, "不在 2022 年计划期间"),
        ({"--date": "2022-02-30"}, "不存在"),
        ({"--date": "三月五日"}, "无法识别日期"),
        ({"--year": "2030"}, "没有 2030 年的计划"),
        ({"--figure": "未声明=3"}, "数值项“未声明”不在计划的 figures 中"),
        ({"--figure": "志愿服务时长=很多"}, "不是数字"),
        ({"--link": "ftp://example.org/x"}, "网址“ftp://example.org/x”无效"),
        ({"--extra": "没有等号"}, "格式不对"),
    ],
)
def test_bad_input_is_refused_before_writing(
    cli: Cli, ledger: Path, change: dict[str, str], message: str
) -> None:
    args = list(BASE)
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    before = status(ledger), commits(ledger)
    result = cli(*args, repo=ledger)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert (status(ledger), commits(ledger)) == before


def test_hours_without_the_figure_in_the_plan(cli: Cli, git_ledger: Path) -> None:
    plan = git_ledger / "plan" / "2022.yaml"
    text = plan.read_text(encoding="utf-8").replace("figures:\n  志愿服务时长: {unit: 小时}\n", "")
    plan.write_text(text, encoding="utf-8")
    git(git_ledger, "commit", "-qam", "drop figure")
    args = list(VOLUNTEER)
    result = cli(*args, "--hours", "3", repo=git_ledger)
    assert result.exit_code == 1
    assert "没有声明数值项“志愿服务时长”" in result.output
    assert status(git_ledger) == ""


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "不存在.jpg", "不存在"),
        (lambda d: d, "是文件夹"),
        (lambda d: _write(d / "笔记.xyz"), "无法从文件名判断"),
    ],
)
def test_bad_evidence_is_refused_before_writing(
    cli: Cli, ledger: Path, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    folder = tmp_path / "材料"
    folder.mkdir()
    before = status(ledger), commits(ledger)
    result = cli(*BASE, "--evidence", str(make(folder)), repo=ledger)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert (status(ledger), commits(ledger)) == before


def _write(path: Path) -> Path:
    path.write_text("x", encoding="utf-8")
    return path


def test_explicit_kind_must_be_known(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    notes = _write(tmp_path / "笔记.xyz")
    ok = cli(*BASE, "--evidence", f"会议记录={notes}", "--dry-run", repo=ledger)
    assert ok.exit_code == 0, ok.output
    assert "kind: 会议记录" in ok.output


def test_evidence_through_a_symlinked_records_folder_is_refused(
    cli: Cli, ledger: Path, tmp_path: Path, photo: Path
) -> None:
    outside = tmp_path / "外面"
    outside.mkdir()
    (ledger / "records" / "2022").symlink_to(outside)
    result = cli(*BASE, "--evidence", str(photo), repo=ledger)
    assert result.exit_code == 1
    assert "台账之外" in result.output
    assert list(outside.iterdir()) == []


def test_missing_required_options_without_a_terminal(cli: Cli, ledger: Path) -> None:
    result = cli("add", "--task", "3.1", "--date", "2022-03-05", repo=ledger)
    assert result.exit_code == 2
    assert "--type、--title、--unit" in result.output
    assert records(ledger) == []


def test_large_files_are_imported_with_their_size(
    cli: Cli, ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_module, "LARGE_FILE", 1024)
    video = tmp_path / "活动视频.mp4"
    video.write_bytes(b"v" * 3 * 1024 * 1024)
    result = cli(*BASE, "--evidence", str(video), repo=ledger)
    assert result.exit_code == 0, result.output
    assert "较大（3.0 MB）" in result.output
    assert "kind: 视频" in next(iter(records(ledger))).read_text(encoding="utf-8")


# ---------------------------------------------------------------- names and ids


@pytest.mark.parametrize(
    "title",
    [
        '斜杠/反斜杠\\冒号:星号*问号?引号"小于<大于>竖线|',
        "第一行\n第二行\t制表",
        "长" * 240,
        "CON",
        "  ..  ",
    ],
)
def test_unsafe_titles_make_safe_ids(cli: Cli, ledger: Path, title: str) -> None:
    args = list(BASE)
    args[args.index("--title") + 1] = title
    result = cli(*args, "--no-commit", repo=ledger)
    assert result.exit_code == 0, result.output
    (path,) = records(ledger)
    assert ID.match(path.stem), path.stem
    assert path.parent == ledger / "records" / "2022"
    assert errors(ledger) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON.jpg", "_CON.jpg"),
        ("nul", "_nul"),
        ("a:b*c?.JPG", "a-b-c.jpg"),
        (".hidden.png", "hidden.png"),
        ("照片 1 (2).jpeg", "照片-1-(2).jpeg"),
        ("x" * 100 + ".pdf", "x" * 60 + ".pdf"),
    ],
)
def test_safe_file_names(name: str, expected: str) -> None:
    assert record_module.safe_file_name(name) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("签到表.jpg", "签到表"),
        ("IMG_0001.JPG", "照片"),
        ("会议纪要.docx", "会议纪要"),
        ("关于开展活动的通知.pdf", "通知"),
        ("活动.mp4", "视频"),
        ("data.bin", None),
    ],
)
def test_kind_inferred_from_the_name(name: str, kind: str | None) -> None:
    assert record_module.infer_kind(name) == kind


def test_same_name_evidence_files_get_distinct_names(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    first = _write_dir(tmp_path / "a" / "照片.jpg", b"1")
    second = _write_dir(tmp_path / "b" / "照片.jpg", b"2")
    result = cli(*BASE, "--evidence", str(first), "--evidence", str(second), repo=ledger)
    assert result.exit_code == 0, result.output
    (rec,) = load(ledger).records
    names = [Path(e.file or "").name for e in rec.evidence]
    assert names == ["照片.jpg", "照片-2.jpg"]
    assert errors(ledger) == []


def test_evidence_may_carry_its_own_date(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    notice = _write_dir(tmp_path / "a" / "通知.pdf", b"%PDF notice")
    result = cli(
        *BASE,
        "--evidence", f"通知@2022年3月1日={notice}|关于开展学雷锋活动的通知",
        "--link", "新闻报道@2022-03-07=https://example.org/news",
        repo=ledger,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (rec,) = load(ledger).records
    assert [(e.kind, e.date) for e in rec.evidence] == [
        ("通知", date(2022, 3, 1)),
        ("新闻报道", date(2022, 3, 7)),
    ]
    assert errors(ledger) == []


def test_a_bad_evidence_date_is_refused(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    notice = _write_dir(tmp_path / "a" / "通知.pdf", b"%PDF notice")
    result = cli(*BASE, "--evidence", f"通知@3月32日={notice}", repo=ledger)
    assert result.exit_code == 1
    assert "形成日期有误" in result.output
    assert records(ledger) == []


def _write_dir(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


def test_write_never_overwrites_an_existing_record(ledger: Path) -> None:
    plan = load(ledger).plans[2022]
    draft = record_module.Draft(
        date=plan.start, tasks=("1",), type="成立领导小组", title="成立", unit="创建办"
    )
    prepared = record_module.prepare(ledger, plan, draft, record_id="20220101-成立-0000")
    taken = ledger / "records" / "2022" / "20220101-成立-0000.yaml"
    taken.parent.mkdir(parents=True)
    taken.write_text("别人的记录\n", encoding="utf-8")
    written = record_module.write(ledger, plan, prepared)
    assert written.record_id != "20220101-成立-0000"
    assert taken.read_text(encoding="utf-8") == "别人的记录\n"
    assert (ledger / written.rel).is_file()


# ---------------------------------------------------------------- git failures keep the record


def _assert_kept_and_explained(result: Any, root: Path, before: int | None) -> None:
    assert result.exit_code == 1, result.output
    (path,) = records(root)
    assert f"记录已保存在 records/2022/{path.name}" in result.output
    assert "git -C" in result.output and "commit -m" in result.output
    if before is not None:
        assert commits(root) == before


def test_not_a_git_repository(cli: Cli, mini_ledger: Path, git_env: dict[str, str]) -> None:
    args = list(VOLUNTEER)
    result = cli(*args, repo=mini_ledger)
    assert result.exit_code == 1
    assert "不是 git 仓库" in result.output
    assert len(records(mini_ledger)) == 2


def test_git_missing_from_path(
    cli: Cli, ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = commits(ledger)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = cli(*BASE, repo=ledger)
    monkeypatch.undo()
    _assert_kept_and_explained(result, ledger, None)
    assert "找不到 git" in result.output
    assert commits(ledger) == before


def test_identity_unset(cli: Cli, ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = commits(ledger)
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.delenv("EMAIL", raising=False)
    result = cli(*BASE, repo=ledger)
    _assert_kept_and_explained(result, ledger, before)
    assert "user.name" in result.output


def test_index_lock_held(cli: Cli, ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = commits(ledger)
    monkeypatch.setenv("WENMING_GIT_LOCK_WAIT", "0.3")
    (ledger / ".git" / "index.lock").write_text("", encoding="utf-8")
    result = cli(*BASE, repo=ledger)
    _assert_kept_and_explained(result, ledger, before)
    assert "index.lock" in result.output


def test_hook_rejects_then_the_printed_command_finishes(cli: Cli, ledger: Path) -> None:
    before = commits(ledger)
    hook = ledger / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho '审核未通过' >&2\nexit 1\n", encoding="utf-8")
    result = cli(*BASE, repo=ledger)
    _assert_kept_and_explained(result, ledger, before)
    assert "审核未通过" in result.output
    command = result.output.split("完成提交：\n")[1].strip().splitlines()[0]
    hook.unlink()
    subprocess.run(command, shell=True, check=True, cwd="/")
    assert commits(ledger) == before + 1
    assert status(ledger) == ""


# ---------------------------------------------------------------- many writers


def _wenming(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "wenming", "--repo", str(root), *args]


def test_eight_adds_at_once_make_eight_records_and_eight_commits(
    ledger: Path, tmp_path: Path
) -> None:
    before = commits(ledger)
    processes = []
    for n in range(8):
        evidence = _write_dir(tmp_path / f"p{n}" / "照片.jpg", f"photo {n}".encode())
        args = [*BASE[1:], "--evidence", str(evidence), "--participants", str(n)]
        processes.append(
            subprocess.Popen(
                _wenming(ledger, "add", *args),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                # generous: the commits queue on index.lock while each hook runs a check
                env={**os.environ, "WENMING_GIT_LOCK_WAIT": "300"},
            )
        )
    outputs = [p.communicate() for p in processes]
    codes = [p.returncode for p in processes]
    assert codes == [0] * 8, outputs
    loaded = load(ledger)
    assert sorted(r.participants or 0 for r in loaded.records) == list(range(8))
    assert commits(ledger) == before + 8
    for n in range(8):
        assert len(changed(ledger, f"HEAD~{n}")) == 2  # the record and its photo, nothing else
    assert status(ledger) == ""
    assert errors(ledger) == []


def test_two_clones_adding_the_same_record_merge_without_conflict(
    ledger: Path, tmp_path: Path
) -> None:
    hub = tmp_path / "hub.git"
    git(tmp_path, "clone", "-q", "--bare", str(ledger), str(hub))
    clones = []
    for name in ("科室甲", "科室乙"):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(hub), str(clone))
        photo = _write_dir(tmp_path / f"{name}-材料" / "照片.jpg", name.encode())
        done = subprocess.run(
            _wenming(clone, "add", *BASE[1:], "--evidence", str(photo)),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        clones.append(clone)
    git(clones[0], "push", "-q", "origin", "HEAD")
    git(
        clones[1],
        "pull",
        "-q",
        "--no-rebase",
        "--no-edit",
        "origin",
        git(clones[1], "rev-parse", "--abbrev-ref", "HEAD").strip(),
    )
    git(clones[1], "push", "-q", "origin", "HEAD")
    merged = load(clones[1])
    assert len(merged.records) == 2
    assert len({r.id for r in merged.records}) == 2
    assert {r.title for r in merged.records} == {TITLE}
    assert errors(clones[1]) == []


# ---------------------------------------------------------------- options checked first (issue 15)


def test_a_task_by_a_fragment_of_its_title(cli: Cli, ledger: Path) -> None:
    args = list(BASE)
    args[args.index("3.1")] = "志愿服务"
    result = cli(*args, repo=ledger)
    assert result.exit_code == 0, result.output
    (rec,) = load(ledger).records
    assert rec.tasks == ("3.1",)


def test_an_unknown_task_lists_the_plans_ids_and_titles(cli: Cli, ledger: Path) -> None:
    args = list(BASE)
    args[args.index("3.1")] = "义诊"
    before = status(ledger), commits(ledger)
    result = cli(*args, repo=ledger)
    assert result.exit_code == 1
    assert "任务编号“义诊”不在 2022 年计划中" in result.output
    assert "3.1    常态化开展志愿服务" in result.output
    assert (status(ledger), commits(ledger)) == before


@pytest.mark.parametrize(
    "spelling", ["20220305", "3月5日", "3.5", "3/5", "2022年3月5号", "2022.3.5", "3月5号"]
)
def test_short_and_compact_date_spellings(cli: Cli, ledger: Path, spelling: str) -> None:
    args = list(BASE)
    args[args.index("2022-03-05")] = spelling
    result = cli(*args, repo=ledger)
    assert result.exit_code == 0, result.output
    (rec,) = load(ledger).records
    assert rec.date == date(2022, 3, 5)


def test_examples_use_the_plans_year(cli: Cli, ledger: Path) -> None:
    args = list(BASE)
    args[args.index("2022-03-05")] = "三月五日"
    result = cli(*args, repo=ledger)
    assert result.exit_code == 1
    assert "2022年3月5日" in result.output and "3月5日" in result.output


def test_a_date_in_a_year_without_a_plan_says_how_to_make_one(cli: Cli, ledger: Path) -> None:
    args = list(BASE)
    args[args.index("2022-03-05")] = "2024-03-05"
    before = status(ledger), commits(ledger)
    result = cli(*args, repo=ledger)
    assert result.exit_code == 1
    assert "没有 2024 年的计划" in result.output
    assert "wenming plan import" in result.output
    assert "wenming plan new 2024（由 2022 年的计划生成）" in result.output
    assert (status(ledger), commits(ledger)) == before


def test_an_unknown_evidence_kind_is_named_not_taken_for_a_path(
    cli: Cli, ledger: Path, photo: Path
) -> None:
    before = status(ledger), commits(ledger)
    result = cli(*BASE, "--evidence", f"相片={photo}", repo=ledger)
    assert result.exit_code == 1
    assert "佐证材料类型“相片”不在计划的 evidence_kinds 中（是不是“照片”？）" in result.output
    assert "不存在" not in result.output
    assert (status(ledger), commits(ledger)) == before


def test_a_path_with_an_equals_sign_is_still_a_path(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    odd = tmp_path / "照片=现场.jpg"
    odd.write_bytes(b"photo")
    result = cli(*BASE, "--evidence", str(odd), repo=ledger)
    assert result.exit_code == 0, result.output


def test_the_one_step_use_case_writes_and_commits(ledger: Path) -> None:
    """What a front end that asks nothing in between (a web form) calls."""
    from wenming.commands.add import add, ledger_and_plan

    _, plan = ledger_and_plan(ledger, None, date(2022, 3, 5), date(2022, 3, 5))
    draft = record_module.Draft(
        date=date(2022, 3, 5), tasks=("3.1",), type="学雷锋志愿服务", title=TITLE, unit="团委"
    )
    result = add(ledger, plan, draft)
    assert result.committed is not None and result.committed.ok
    assert changed(ledger) == [result.written.rel]
    assert result.message.startswith("记录：2022-03-05 学雷锋志愿服务进社区")
    unsaved = add(ledger, plan, draft, commit_it=False)
    assert unsaved.committed is None
    assert status(ledger).strip() == f"?? {unsaved.written.rel}"
