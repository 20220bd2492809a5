"""Shell completion: the scripts, and names completed from the ledger as each shell asks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, Cli

BASH = shutil.which("bash")


def _env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WENMING_DEBUG"}
    return {**env, "NO_COLOR": "1", **more}


def _wenming(tmp_path: Path) -> Path:
    """A `wenming` program on PATH for the shell, running this checkout's interpreter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / "wenming"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wenming "$@"\n')
    program.chmod(0o755)
    return bin_dir


def bash_complete(tmp_path: Path, words: list[str], cwd: Path) -> list[str]:
    """What bash offers after sourcing `wenming completion bash`, as a person pressing Tab."""
    assert BASH is not None
    bin_dir = _wenming(tmp_path)
    words_text = " ".join(f"'{w}'" for w in words)
    script = (
        "source <(wenming completion bash)\n"
        f"COMP_WORDS=({words_text}); COMP_CWORD={len(words) - 1}\n"
        '_wenming_completion wenming\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        [BASH, "-c", script],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"),
        check=True,
        timeout=60,
    )
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


@needs_bash
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["wenming", "ed"], ["edit"]),
        (["wenming", "status", "7"], ["7.1", "7.2", "7.3"]),
        (["wenming", "add", "--task", "10."], ["10.1", "10.2", "10.3"]),
        (["wenming", "list", "--unit", "第"], ["第一党支部", "第二党支部", "第三党支部"]),
        (["wenming", "edit", "x", "--type", "支部"], ["支部党员大会"]),
        (["wenming", "status", "--section", "1"], ["1", "10", "11"]),
        (["wenming", "status", "--year", "20"], ["2022"]),
        (["wenming", "completion", ""], ["bash", "zsh", "fish"]),
    ],
)
def test_bash_completes_commands_and_ledger_names(
    tmp_path: Path, words: list[str], expected: list[str]
) -> None:
    assert bash_complete(tmp_path, words, REPO_ROOT) == expected


@needs_bash
def test_bash_completes_record_ids_newest_first(tmp_path: Path) -> None:
    offered = bash_complete(tmp_path, ["wenming", "show", "2022122"], REPO_ROOT)
    assert offered == [
        "20221228-2022年度文明职工评选-bfba",
        "20221227-2022年度文明科室评选-3c26",
        "20221223-2022年文明单位创建工作总结-83da",
        "20221220-第二党支部第二党小组12月党小组会-68a1",
    ]


@needs_bash
def test_completion_follows_repo_and_is_silent_outside_a_ledger(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert bash_complete(tmp_path, ["wenming", "status", "7"], outside) == []
    words = ["wenming", "--repo", str(REPO_ROOT), "status", "7"]
    assert bash_complete(tmp_path, words, outside) == ["7.1", "7.2", "7.3"]


@needs_bash
def test_a_broken_ledger_completes_nothing_and_prints_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "plan").mkdir(parents=True)
    (broken / "plan" / "2022.yaml").write_text("year: [\n", encoding="utf-8")
    assert bash_complete(tmp_path, ["wenming", "add", "--task", ""], broken) == []


def _protocol(shell: str, words: str, cword: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "wenming"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=_env(_WENMING_COMPLETE=f"{shell}_complete", COMP_WORDS=words, COMP_CWORD=cword),
        check=True,
        timeout=60,
    )
    return done.stdout


def test_zsh_and_fish_get_task_titles_as_descriptions() -> None:
    zsh = _protocol("zsh", "wenming add --task 7.", "3").splitlines()
    assert zsh[:3] == ["plain", "7.1", "持续做好志愿服务工作"]
    fish = _protocol("fish", "wenming add --task 7.", "7.").splitlines()
    assert fish[0] == "plain,7.1\t持续做好志愿服务工作"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(cli: Cli, shell: str) -> None:
    result = cli("completion", shell)
    assert result.exit_code == 0, result.output
    assert "_WENMING_COMPLETE" in result.stdout and "_wenming_completion" in result.stdout


def test_an_unknown_shell_is_a_usage_error_in_chinese(cli: Cli) -> None:
    result = cli("completion", "tcsh")
    assert result.exit_code == 2
    assert "“tcsh”不是可选的值" in result.stderr and "bash" in result.stderr
