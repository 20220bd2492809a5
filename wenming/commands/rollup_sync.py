"""`roll-up sync`: clone or fetch every unit's ledger, a few at a time, and say how each went."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import git
from ..errors import WenmingError
from ..progress import ProgressFactory, no_progress
from ..rollup import Member, read_rollup, read_sync_log, write_sync_log

DEFAULT_JOBS = 8
DEFAULT_TIMEOUT = 120.0  # seconds per unit


@dataclass(frozen=True)
class UnitSync:
    """How one unit's sync went: 新建 (first clone), 有更新, 无变化 or 失败 (with git's reason)."""

    name: str
    group: str
    result: str
    added: int = 0
    commit: str | None = None
    reason: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.result == FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "result": self.result,
            "added": self.added,
            "commit": self.commit,
            "reason": self.reason,
        }


CLONED, UPDATED, UNCHANGED, FAILED = "新建", "有更新", "无变化", "失败"


@dataclass(frozen=True)
class SyncResult:
    root: Path
    units: tuple[UnitSync, ...]  # in units.yaml's order

    @property
    def failed(self) -> tuple[UnitSync, ...]:
        return tuple(u for u in self.units if u.failed)


def sync(
    root: Path,
    *,
    jobs: int = DEFAULT_JOBS,
    timeout: float = DEFAULT_TIMEOUT,
    only: Sequence[str] = (),
    group: str | None = None,
    progress: ProgressFactory | None = None,
) -> SyncResult:
    """Clone or fetch the units (all, or those named / in `group`); one failing stops no other."""
    if not git.available():
        raise WenmingError("找不到 git 程序（PATH 中没有 git）", "安装 git 后再运行")
    rollup = read_rollup(root)
    members = _chosen(rollup.members, only, group)
    log = read_sync_log(root)
    outcomes: dict[str, UnitSync] = {}
    with (
        (progress or no_progress)(len(members), "同步各单位台账") as tick,
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        # Threads suffice: each waits on its git processes, which do the work.
        futures = {
            pool.submit(_one, m, rollup.clone_of(m), timeout, log.get(m.name, {}).get("url")): m
            for m in members
        }
        for future in as_completed(futures):
            done = future.result()
            outcomes[done.name] = done
            if tick:
                tick(1)
    units = tuple(outcomes[m.name] for m in members)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    urls = {m.name: m.url for m in members}
    for unit in units:
        entry = log.setdefault(unit.name, {})
        entry["tried"] = now
        entry["result"] = unit.result
        entry["reason"] = unit.reason
        if not unit.failed:
            entry["synced"] = now
            entry["commit"] = unit.commit
            entry["url"] = urls[unit.name]
    write_sync_log(root, log)
    return SyncResult(root, units)


def _chosen(members: Sequence[Member], only: Sequence[str], group: str | None) -> list[Member]:
    names = {m.name for m in members}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise WenmingError(
            f"units.yaml 中没有这些单位：{'、'.join(unknown)}",
            "单位名称要与 units.yaml 中的 name 完全一致",
        )
    chosen = [m for m in members if (not only or m.name in only)]
    if group is not None:
        groups = sorted({m.group for m in members if m.group})
        if group not in groups:
            raise WenmingError(
                f"units.yaml 中没有分组“{group}”", f"已有的分组：{'、'.join(groups) or '（无）'}"
            )
        chosen = [m for m in chosen if m.group == group]
    return chosen


def _one(member: Member, folder: Path, timeout: float, known_url: object) -> UnitSync:
    import time

    started = time.monotonic()
    known = known_url if isinstance(known_url, str) else None
    done = git.sync_clone(member.url, folder, member.branch, timeout, known)
    seconds = time.monotonic() - started
    if not done.ok:
        return UnitSync(member.name, member.group, FAILED, reason=done.reason, seconds=seconds)
    result = CLONED if done.before is None else UNCHANGED if done.before == done.after else UPDATED
    return UnitSync(member.name, member.group, result, done.added, done.after, seconds=seconds)
