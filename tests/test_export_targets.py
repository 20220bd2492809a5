"""`export -o` never replaces the ledger's own files, git's files, or anything but a regular file."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from conftest import Cli, git

PLAN = "plan/2022.yaml"
RECORD = "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"


@pytest.mark.parametrize(
    "rel",
    [
        RECORD,
        PLAN,
        ".git/config",
        ".git/HEAD",
        "records/2022/新导出.xlsx",
        "plan/台账.xlsx",
        "Records/2022/大小写不同.xlsx",  # the same folder on Windows and macOS
        "records/2022/../../plan/2022.yaml",
    ],
)
def test_ledger_and_git_files_are_refused(cli: Cli, git_ledger: Path, rel: str) -> None:
    target = git_ledger / rel
    before = target.read_bytes() if target.exists() else None
    result = cli("export", "-o", str(target), repo=git_ledger)
    assert result.exit_code == 1, result.output
    assert f"不能导出到“{target}”" in result.output
    assert (target.read_bytes() if target.exists() else None) == before
    assert git(git_ledger, "status", "--porcelain") == ""


def test_a_tracked_file_elsewhere_in_the_ledger_is_refused(cli: Cli, git_ledger: Path) -> None:
    (git_ledger / "说明.xlsx").write_text("已提交的文件", encoding="utf-8")
    git(git_ledger, "add", "说明.xlsx")
    git(git_ledger, "commit", "-q", "-m", "notes")
    result = cli("export", "-o", str(git_ledger / "说明.xlsx"), repo=git_ledger)
    assert result.exit_code == 1
    assert "已提交到 git 的文件" in result.output
    assert (git_ledger / "说明.xlsx").read_text(encoding="utf-8") == "已提交的文件"


def test_a_symlink_into_the_ledger_is_refused(cli: Cli, git_ledger: Path, tmp_path: Path) -> None:
    link = tmp_path / "看起来无害.yaml"
    link.symlink_to(git_ledger / PLAN)
    before = (git_ledger / PLAN).read_bytes()
    result = cli("export", "-f", "md", "-o", str(link), repo=git_ledger)
    assert result.exit_code == 1
    assert (git_ledger / PLAN).read_bytes() == before and link.is_symlink()


def test_bundle_target_is_checked_too(cli: Cli, git_ledger: Path) -> None:
    result = cli("export", "--bundle", str(git_ledger / ".git" / "x.zip"), repo=git_ledger)
    assert result.exit_code == 1 and "不能导出到" in result.output
    assert not (git_ledger / ".git" / "x.zip").exists()


def test_folders_fifos_and_devices_are_refused(cli: Cli, git_ledger: Path, tmp_path: Path) -> None:
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    link = tmp_path / "链接.xlsx"
    link.symlink_to(fifo)
    for target, kind in ((folder, "文件夹"), (fifo, "命名管道"), (link, "命名管道")):
        result = cli("export", "-o", str(target), repo=git_ledger)
        assert result.exit_code == 1, result.output
        assert kind in result.output
    assert folder.is_dir() and fifo.is_fifo() and link.is_symlink()
    result = cli("export", "-f", "md", "-o", "/dev/null", repo=git_ledger)
    assert result.exit_code == 1 and "设备" in result.output
    assert Path("/dev/null").is_char_device()


def test_an_earlier_export_is_overwritten(cli: Cli, git_ledger: Path) -> None:
    target = git_ledger / "台账-2022.xlsx"  # untracked, beside the plan: the usual place
    target.write_text("上次导出的旧文件", encoding="utf-8")
    result = cli("export", "-o", str(target), repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames[0] == "封面"
    result = cli("export", "-o", str(target), repo=git_ledger)
    assert result.exit_code == 0, result.output
