"""Where an export may be written: never over the ledger's own data, git's files or a device."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import git
from .errors import WenmingError
from .ledger import PLAN_DIR, RECORDS_DIR

_HINT = "换一个输出路径，如 -o 台账-2022.xlsx（之前导出的文件可以直接覆盖）"
_KINDS = (
    (stat.S_ISDIR, "文件夹"),
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "设备"),
    (stat.S_ISBLK, "设备"),
    (stat.S_ISSOCK, "套接字"),
)


def check_output(root: Path, path: Path) -> None:
    """Refuse an export target whose replacement would destroy something; a new path or an
    earlier export (an untracked regular file outside plan/ and records/) is fine."""
    reason = _not_a_file(path) or _ledger_reason(root, path)
    if reason:
        raise WenmingError(f"不能导出到“{path}”：{reason}", _HINT)


def _not_a_file(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode  # follows a symlink: what it points to is what counts
    except FileNotFoundError:
        return "这是指向不存在位置的符号链接" if path.is_symlink() else None
    except OSError as exc:
        return f"无法查看这个位置（{exc.strerror}）"
    for test, kind in _KINDS:
        if test(mode):
            return f"这是一个{kind}，不是普通文件，导出会把它替换掉"
    return None if stat.S_ISREG(mode) else "这不是普通文件"


def _lexical(path: Path) -> Path:
    """The absolute path as written, `..` folded but symlinks not followed."""
    return Path(os.path.normpath(path.absolute()))


def _ledger_reason(root: Path, path: Path) -> str | None:
    # Both the path as written and where it leads: a symlink must not smuggle a write in.
    lexical, resolved = _lexical(path), path.resolve()
    git_folder = git.git_dir(root)
    for target in dict.fromkeys((lexical, resolved)):
        # Folded case: on Windows and macOS `Records/` and `.GIT/` are the same folders.
        parts = [part.casefold() for part in target.parts]
        if ".git" in parts or (git_folder and target.is_relative_to(git_folder)):
            return "这是 git 仓库内部（.git/）的文件，覆盖会损坏台账的版本历史"
        for base in dict.fromkeys((_lexical(root), root.resolve())):
            if not target.is_relative_to(base):
                continue
            rel = target.relative_to(base)
            if rel.parts and rel.parts[0].casefold() in (PLAN_DIR, RECORDS_DIR):
                return (
                    f"{PLAN_DIR}/ 和 {RECORDS_DIR}/ 中只放计划、记录和佐证材料，"
                    "导出文件会覆盖或混入台账数据"
                )
            if target.exists() and git.tracked(base, rel.as_posix()):
                return "这是台账中已提交到 git 的文件，导出会覆盖它"
    return None
