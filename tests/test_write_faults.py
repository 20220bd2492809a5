"""Faults while writing, tried for real: full disks on export, signals during add, git states."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_faults import _mount, wenming


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 KB filesystem: smaller than any workbook."""
    disk = tmp_path / "tiny"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", "size=8k", "tmpfs", str(disk))
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_disk_full_on_export_is_one_message(mini_ledger: Path, tiny_disk: Path, fmt: str) -> None:
    done = wenming(mini_ledger, "export", "-f", fmt, "-o", str(tiny_disk / f"台账.{fmt}"))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("错误：文件操作失败（磁盘空间不足）")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert len(done.stderr.splitlines()) == 2  # the message and its hint, nothing after
    assert list(tiny_disk.iterdir()) == []
