"""`wenming check` end to end: exit codes, output formats, ledger discovery and the error boundary."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from wenming.cli import app

CASES = Path(__file__).parent / "cases"


def test_clean_ledger_exits_zero(cli: Any, mini_ledger: Path) -> None:
    result = cli("check", repo=mini_ledger)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "检查通过" in result.stderr


def test_problems_are_listed_one_per_line_with_path_line_and_rule(
    cli: Any, mini_ledger: Path
) -> None:
    shutil.copy(CASES / "records/invalid-date.yaml", mini_ledger / "records/2022/a.yaml")
    shutil.copy(CASES / "records/unknown-unit.yaml", mini_ledger / "records/2022/b.yaml")
    result = cli("check", repo=mini_ledger)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    assert lines == [
        "records/2022/a.yaml:3: 错误：日期“2022-02-30”不存在（2022年没有2月30日）（invalid-date）",
        "records/2022/b.yaml:7: 错误：组织单位“机关党支部”不在计划的 units 中（unknown-unit）",
    ]
    assert "  提示：是不是“机关党委”？" in result.stdout
    assert "共 2 个错误、0 个警告" in result.stderr


def test_json_format_is_the_problems_as_data(cli: Any, mini_ledger: Path) -> None:
    shutil.copy(CASES / "records/unknown-task.yaml", mini_ledger / "records/2022/a.yaml")
    result = cli("check", "--format", "json", repo=mini_ledger)
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert problem["path"] == "records/2022/a.yaml"
    assert problem["line"] == 4
    assert problem["rule"] == "unknown-task"
    assert problem["severity"] == "error"


def test_warnings_do_not_fail_the_check(cli: Any, mini_ledger: Path) -> None:
    shutil.copy(CASES / "plans/placeholder-unit.yaml", mini_ledger / "plan/2022.yaml")
    result = cli("check", repo=mini_ledger)
    assert result.exit_code == 0
    assert "警告：" in result.stdout


def test_ledger_is_found_from_a_subfolder(
    cli: Any, mini_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_ledger / "records/2022")
    monkeypatch.delenv("WENMING_REPO", raising=False)
    assert cli("check").exit_code == 0


def test_ledger_from_environment(
    cli: Any, mini_ledger: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WENMING_REPO", str(mini_ledger))
    assert cli("check").exit_code == 0


def test_outside_a_ledger_is_one_line_and_exit_one(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WENMING_REPO", raising=False)
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：当前目录")
    assert "Traceback" not in result.output


def test_repo_option_pointing_elsewhere(cli: Any, tmp_path: Path) -> None:
    result = cli("check", repo=tmp_path)
    assert result.exit_code == 1
    assert "不是台账目录" in result.stderr


def test_bad_usage_exits_two_in_chinese(cli: Any, mini_ledger: Path) -> None:
    result = cli("check", "--formt", "json", repo=mini_ledger)
    assert result.exit_code == 2
    assert "没有这个选项：--formt" in result.stderr
    assert "是不是 --format" in result.stderr
    unknown = cli("chek", repo=mini_ledger)
    assert unknown.exit_code == 2
    assert "没有这个命令：chek" in unknown.stderr


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, (*prefix, name))
    return paths


def test_help_is_chinese_for_every_command(cli: Any) -> None:
    paths = _command_paths(get_command(app))
    assert ("check",) in paths
    for path in paths:
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        assert "用法：" in result.stdout, path
        assert "显示本帮助并退出" in result.stdout, path
        assert "Show this message" not in result.stdout, path
        assert "Usage:" not in result.stdout, path
        for english in ("TEXT", "INTEGER", "PATH", "[default", "[required]", "Options", "Commands"):
            assert english not in result.stdout, (path, english)


def test_help_shows_argument_help_value_names_and_notes(cli: Any) -> None:
    status = cli("status", "--help").stdout
    assert "用法： wenming status [选项] [任务编号]" in status
    assert "只看这一项任务的全部细节" in status
    plan = cli("plan", "import", "--help").stdout
    assert "计划文件：.docx、.txt 或 .md [必填]" in plan
    assert "整数 1949–2200" in plan
    check = cli("check", "--help").stdout
    assert "text|json" in check and "[默认：text]" in check
    top = cli("--help").stdout
    assert "[环境变量：WENMING_REPO]" in top
    assert top.index("add ") < top.index("check ") < top.index("status ") < top.index("plan ")


def test_a_bare_command_shows_its_help_and_no_error(cli: Any) -> None:
    for path in ((), ("plan",)):
        result = cli(*path)
        assert result.exit_code == 2
        assert "用法：" in result.stdout
        assert "错误" not in result.stderr


def test_python_dash_m_runs_the_cli(mini_ledger: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wenming", "--repo", str(mini_ledger), "check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "检查通过" in done.stderr


def test_an_internal_error_is_one_line_without_traceback(
    cli: Any, mini_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wenming.commands.check

    def broken(*args: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.delenv("WENMING_DEBUG")
    monkeypatch.setattr(wenming.commands.check, "validate", broken)
    result = cli("check", repo=mini_ledger)
    assert result.exit_code == 70
    assert result.stderr.startswith("错误：内部错误：RuntimeError: boom")
    assert "Traceback" not in result.output


def test_bad_option_values_are_explained_in_chinese(cli: Any, mini_ledger: Path) -> None:
    as_of = cli("status", "--as-of", "2022/13/1", repo=mini_ledger)
    assert as_of.exit_code == 2
    assert as_of.stderr.startswith("错误：--as-of 的值无效：日期“2022/13/1”不存在")
    choice = cli("export", "--format", "pdf", repo=mini_ledger)
    assert choice.exit_code == 2 and "“pdf”不是可选的值" in choice.stderr
    number = cli("status", "--year", "二零二二", repo=mini_ledger)
    assert number.exit_code == 2 and "“二零二二”不是整数" in number.stderr
