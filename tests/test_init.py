"""`wenming init`: the new ledger's layout, its first commit and hook, and what it refuses."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import MINI_LEDGER, REPO_ROOT, Cli, git

import wenming.starter as starter
from wenming.commands.check import validate
from wenming.commands.init import init
from wenming.errors import Severity
from wenming.ledger import load


def files_of(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    )


def committed(root: Path) -> list[str]:
    return sorted(git(root, "-c", "core.quotepath=false", "ls-files").split())


def test_init_creates_a_committed_ledger_that_checks_clean(
    cli: Cli, tmp_path: Path, git_env: dict[str, str]
) -> None:
    root = tmp_path / "新台账"
    result = cli("init", str(root), "--year", "2024")
    assert result.exit_code == 0, result.output
    assert "已建立 git 仓库并提交" in result.output
    files = files_of(root)
    for expected in ("plan/2024.yaml", "records/.gitkeep", ".gitignore", "README.md"):
        assert expected in files
    assert any(f.startswith("templates/") for f in files)
    assert committed(root) == files  # everything is in the first commit
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(root, "log", "-1", "--format=%s %an").strip() == "初始化台账（2024 年） 测试员"
    assert git(root, "status", "--porcelain") == ""
    assert ".wenming-cache/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "2024" in readme and "wenming add" in readme
    assert load(root).plans[2024].start.year == 2024
    assert [p for p in validate(root) if p.severity is Severity.ERROR] == []
    assert validate(root) == []
    hook = root / ".git" / "hooks" / "pre-commit"
    assert hook.stat().st_mode & stat.S_IXUSR
    assert "wenming check" in hook.read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2000, 2024, 2031])
def test_starter_plan_passes_check_in_any_year(tmp_path: Path, year: int) -> None:
    root = tmp_path / "ledger"
    (root / "plan").mkdir(parents=True)
    (root / "plan" / f"{year}.yaml").write_text(
        starter.starter_text("plan.yaml", year), encoding="utf-8"
    )
    assert validate(root) == []
    assert load(root).plans[year].tasks


def test_the_hook_rejects_a_broken_record(tmp_path: Path, git_env: dict[str, str]) -> None:
    root = init(tmp_path / "ledger", year=2022).root
    bad = root / "records" / "2022" / "20220101-坏记录-0000.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("schema_version: 1\ndate: 2022-01-01\n", encoding="utf-8")
    git(root, "add", "--", str(bad))
    done = subprocess.run(
        ["git", "commit", "-q", "-m", "bad"], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "缺少必填项" in done.stdout + done.stderr
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"


def test_init_refuses_an_existing_ledger(
    cli: Cli, mini_ledger: Path, git_env: dict[str, str]
) -> None:
    before = files_of(mini_ledger)
    result = cli("init", str(mini_ledger))
    assert result.exit_code == 1
    assert "已经是台账" in result.output
    assert files_of(mini_ledger) == before
    assert not (mini_ledger / ".git").exists()


def test_init_in_the_current_folder(
    cli: Cli, tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--year", "2022")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan" / "2022.yaml").is_file()


def test_init_from_a_plan_file(cli: Cli, tmp_path: Path, git_env: dict[str, str]) -> None:
    source = MINI_LEDGER / "plan" / "2022.yaml"
    result = cli("init", str(tmp_path / "l"), "--plan", str(source))
    assert result.exit_code == 0, result.output
    copied = tmp_path / "l" / "plan" / "2022.yaml"
    assert copied.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_init_refuses_a_broken_plan_file(cli: Cli, tmp_path: Path, git_env: dict[str, str]) -> None:
    broken = tmp_path / "计划.yaml"
    text = (MINI_LEDGER / "plan" / "2022.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("lead: [创建办]", "lead: [不存在的单位]"), encoding="utf-8")
    result = cli("init", str(tmp_path / "l"), "--plan", str(broken))
    assert result.exit_code == 1
    assert "不存在的单位" in result.output
    assert not (tmp_path / "l").exists()


def test_init_refuses_a_plan_of_another_year(
    cli: Cli, tmp_path: Path, git_env: dict[str, str]
) -> None:
    source = MINI_LEDGER / "plan" / "2022.yaml"
    result = cli("init", str(tmp_path / "l"), "--plan", str(source), "--year", "2023")
    assert result.exit_code == 1
    assert "2022 年" in result.output
    assert not (tmp_path / "l").exists()


def test_without_packaged_templates_the_folder_is_kept(
    tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(starter, "TEMPLATES", tmp_path / "no-such-folder")
    result = init(tmp_path / "l", year=2022)
    assert (result.root / "templates" / ".gitkeep").is_file()
    assert "templates/.gitkeep" in committed(result.root)
    assert any("模板" in note for note in result.notes)


def test_packaged_templates_are_copied(
    tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "packaged"
    (templates / "sub").mkdir(parents=True)
    (templates / "ledger.html.j2").write_text("<html>{{ plan.title }}</html>\n", encoding="utf-8")
    (templates / "sub" / "row.md.j2").write_text("| {{ task.id }} |\n", encoding="utf-8")
    monkeypatch.setattr(starter, "TEMPLATES", templates)
    root = init(tmp_path / "l", year=2022).root
    assert (root / "templates" / "sub" / "row.md.j2").read_text(
        encoding="utf-8"
    ) == "| {{ task.id }} |\n"
    assert "templates/ledger.html.j2" in committed(root)


def test_init_without_identity_keeps_the_files_and_says_how_to_finish(
    cli: Cli, tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.delenv("EMAIL", raising=False)
    root = tmp_path / "l"
    result = cli("init", str(root), "--year", "2022")
    assert result.exit_code == 1
    assert "user.name" in result.output
    assert (root / "plan" / "2022.yaml").is_file()
    command = result.output.split("完成提交：\n")[1].strip().splitlines()[0]
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b",
        "GIT_COMMITTER_NAME": "a",
    }
    env["GIT_COMMITTER_EMAIL"] = "a@b"
    subprocess.run(command, shell=True, check=True, cwd="/", env=env, capture_output=True)
    assert git(root, "status", "--porcelain") == ""


def test_init_without_git_keeps_the_files(
    cli: Cli, tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = cli("init", str(tmp_path / "l"), "--year", "2022")
    assert result.exit_code == 1
    assert "找不到 git" in result.output
    assert "git init" in result.output
    assert (tmp_path / "l" / "README.md").is_file()


def test_pre_commit_framework_hook_definition() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "wenming-check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["entry"] == "wenming check"


def test_starter_files_are_in_the_package() -> None:
    names = {p.name for p in Path(starter.__file__).parent.iterdir()}
    assert {"plan.yaml", "README.md", "gitignore.txt", "pre-commit.sh"} <= names


def test_exported_files_are_ignored_by_git(
    cli: Cli, fresh_ledger: Path, tmp_path: Path, git_env: dict[str, str]
) -> None:
    """issue 15: exports written into the ledger's folder do not show as changes to commit."""
    root = tmp_path / "台账"
    shutil.copytree(fresh_ledger, root, symlinks=True)
    for args in (
        ["-o", str(root / "台账-2022.xlsx")],
        ["-f", "html", "-o", str(root / "台账-2022.html")],
        ["-f", "md", "-o", str(root / "台账-2022.md")],
        ["-f", "md", "-t", "summary", "-o", str(root / "创建工作总结-2022.md")],
        ["--bundle", str(root / "台账移交.zip")],
    ):
        result = cli("export", "--year", "2022", *args, repo=root)
        assert result.exit_code == 0, result.output
    (root / "exports").mkdir()
    (root / "exports" / "台账.xlsx").write_bytes(b"x")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
