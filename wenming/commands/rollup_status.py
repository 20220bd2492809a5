"""`roll-up status`: every unit's progress from its synced clone, and the units side by side."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import Severity, WenmingError
from ..model import Snapshot
from ..progress import ProgressFactory, no_progress
from ..rollup import (
    Matrix,
    Member,
    Rollup,
    SectionShare,
    UnitStatus,
    read_rollup,
    read_sync_log,
    synced_at,
)
from ..status import STATE_ORDER, State

# Below this many units, starting worker processes costs more than it saves.
PARALLEL_FROM = 8
MAX_WORKERS = 8
ERRORS = "有错误"  # the --status value for units whose ledger has errors or cannot be read
SORTS = {
    "顺序": "order",
    "名称": "name",
    "完成率": "share",
    "滞后": "late",
    "最近活动": "last",
    "错误": "errors",
    "分组": "group",
}


@dataclass(frozen=True)
class RollupStatus:
    root: Path
    now: datetime
    units: tuple[UnitStatus, ...]  # the units asked for, sorted
    everyone: int  # units in units.yaml
    matrix: Matrix | None = None

    @property
    def shared_plan(self) -> bool:
        """True when every readable unit reads the same tasks."""
        return len({u.plan_key for u in self.units if not u.failure}) == 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(timespec="seconds"),
            "units": [u.to_dict(self.now) for u in self.units],
            "matrix": self.matrix.to_dict() if self.matrix else None,
        }


def rollup_status(
    root: Path,
    *,
    as_of: date | None = None,
    group: str | None = None,
    state: str | None = None,
    sort: str = "顺序",
    by_task: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> RollupStatus:
    """Read every unit's clone as `wenming status` would and put them side by side."""
    rollup = read_rollup(root)
    if sort not in SORTS:
        raise WenmingError(f"不能按“{sort}”排序", f"可选：{'、'.join(SORTS)}")
    if state is not None and state not in {s.value for s in State} | {ERRORS}:
        choices = "、".join([*(s.value for s in State), ERRORS])
        raise WenmingError(f"“{state}”不是可选的状态", f"可选：{choices}")
    members = list(rollup.members)
    if group is not None:
        groups = sorted({m.group for m in members if m.group})
        if group not in groups:
            raise WenmingError(
                f"units.yaml 中没有分组“{group}”", f"已有的分组：{'、'.join(groups) or '（无）'}"
            )
        members = [m for m in members if m.group == group]
    now = now or datetime.now(timezone.utc)
    today = today or date.today()
    rows = read_units(rollup, members, as_of, today, use_cache, progress)
    if state == ERRORS:
        rows = [u for u in rows if u.errors or u.failure]
    elif state is not None:
        rows = [u for u in rows if u.counts.get(state, 0)]
    if SORTS[sort] != "order":  # units.yaml's order is the default
        rows.sort(key=_SORT_KEYS[SORTS[sort]])
    matrix = task_matrix(rows) if by_task else None
    return RollupStatus(root, now, tuple(rows), len(rollup.members), matrix)


# Ties keep units.yaml's order (the sort is stable).
_SORT_KEYS: dict[str, Any] = {
    "name": lambda u: u.name,
    "group": lambda u: u.group,
    "share": lambda u: (u.share is None, -(u.share or 0)),
    "late": lambda u: -u.counts.get(State.LATE.value, 0),
    "last": lambda u: (u.last_activity is None, -(u.last_activity or date.min).toordinal()),
    "errors": lambda u: (-u.errors, not u.failure),
}


def read_units(
    rollup: Rollup,
    members: Sequence[Member],
    as_of: date | None,
    today: date,
    use_cache: bool,
    progress: ProgressFactory | None = None,
) -> list[UnitStatus]:
    """Each member's status from its clone, in parallel processes when there are many."""
    log = read_sync_log(rollup.root)
    jobs = [
        (m.name, m.group, str(rollup.clone_of(m)), m.year, as_of, today, use_cache) for m in members
    ]
    rows: list[UnitStatus] = []
    with (progress or no_progress)(len(jobs), "读取各单位台账") as tick:
        if len(jobs) < PARALLEL_FROM:
            for job in jobs:
                rows.append(unit_status(*job))
                if tick:
                    tick(1)
        else:
            from concurrent.futures import ProcessPoolExecutor

            workers = min(MAX_WORKERS, os.cpu_count() or 1)
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for row in pool.map(
                    _unit_status_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))
                ):
                    rows.append(row)
                    if tick:
                        tick(1)
    out = []
    for row in rows:
        entry = log.get(row.name, {})
        failure = entry.get("reason", "") if entry.get("result") == "失败" else ""
        out.append(_with_sync(row, synced_at(entry), str(failure)))
    return out


def _with_sync(row: UnitStatus, synced: datetime | None, failure: str) -> UnitStatus:
    from dataclasses import replace

    return replace(row, synced=synced, sync_failure=failure)


def _unit_status_job(job: tuple[Any, ...]) -> UnitStatus:
    return unit_status(*job)


def unit_status(
    name: str,
    group: str,
    clone: str,
    year: int | None,
    as_of: date | None,
    today: date,
    use_cache: bool,
) -> UnitStatus:
    """One unit's row; a ledger that cannot be read gives a row saying why, never an exception."""
    from ..ledger import PLAN_DIR, scan
    from ..status import evaluate

    root = Path(clone)
    if not (root / ".git").is_dir():
        return UnitStatus(name, group, failure="尚未同步（运行 wenming roll-up sync）")
    if not (root / PLAN_DIR).is_dir():
        return UnitStatus(name, group, failure=f"仓库中没有 {PLAN_DIR}/ 文件夹，不是 wenming 台账")
    try:
        snapshot = scan(root, year, today, use_cache)
    except WenmingError as exc:
        from ..ledger import load

        # No usable plan: count the ledger's errors the way `wenming check` reads them.
        problems = load(root, use_cache).problems
        errors = sum(p.severity is Severity.ERROR for p in problems)
        return UnitStatus(name, group, failure=exc.message, errors=errors)
    plan = snapshot.plan
    progress = evaluate(plan, snapshot.activities, as_of or today)
    counts = Counter(t.state.value for t in progress.tasks)
    sections = []
    for section in plan.sections:
        ids = {t.id for t in section.tasks}
        done = sum(t.state is State.DONE for t in progress.tasks if t.task_id in ids)
        sections.append(SectionShare(section.id, section.title, done, len(ids)))
    dates = [a.date for a in snapshot.activities if a.date <= progress.as_of]
    return UnitStatus(
        name,
        group,
        plan.year,
        progress.as_of,
        {s.value: counts.get(s.value, 0) for s in STATE_ORDER},
        tuple(sections),
        max(dates) if dates else None,
        len(snapshot.activities),
        _errors(snapshot),
        states={t.task_id: t.state.value for t in progress.tasks},
        plan_key=tuple((t.task_id, t.title) for t in progress.tasks),
    )


def _errors(snapshot: Snapshot) -> int:
    """Errors in reading the plan and the year's records, the plan's own cross-references, and
    records citing tasks the plan lacks (they count towards nothing): what a unit must fix first.
    Evidence files are not fetched, so their checks are left to the unit's `wenming check`."""
    from ..checks import check_plan

    plan = snapshot.plan
    problems = [*snapshot.problems, *check_plan(plan)]
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors + sum(t not in plan.tasks for a in snapshot.activities for t in a.tasks)


def task_matrix(rows: Sequence[UnitStatus]) -> Matrix | None:
    """The task-by-unit matrix over the plan most readable units share; None if none is read."""
    readable = [u for u in rows if not u.failure]
    if not readable:
        return None
    key, _n = Counter(u.plan_key for u in readable).most_common(1)[0]
    sharing = [u for u in readable if u.plan_key == key]
    states = {task: {u.name: u.states[task] for u in sharing} for task, _title in key}
    left_out = tuple(u.name for u in readable if u.plan_key != key)
    return Matrix(key, tuple(u.name for u in sharing), states, left_out)
