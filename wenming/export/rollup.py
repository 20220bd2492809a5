"""The roll-up's exported tables: 汇总, 单位明细, 问题清单 and 任务对照, for the workbook and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..rollup import Matrix, UnitStatus

STATES = ("已完成", "进行中", "滞后", "未开展")
# A share's colour: green from GOOD up, amber from FAIR up, red below.
GOOD, FAIR = 0.8, 0.5


@dataclass(frozen=True)
class Cell:
    """A cell's value and, where it carries a judgement, its tone: good, fair, poor or muted."""

    value: object
    tone: str = ""


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook, one table of the page."""

    name: str  # the sheet's name
    heading: str
    columns: tuple[tuple[str, float, str], ...]  # header, width in characters, left | center
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class RollupExport:
    title: str
    as_of: date | None
    now: datetime
    idle_days: int
    tables: tuple[Table, ...]


def share_tone(share: float | None) -> str:
    if share is None:
        return "muted"
    return "good" if share >= GOOD else "fair" if share >= FAIR else "poor"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


STATE_TONES = {"已完成": "good", "进行中": "fair", "滞后": "poor", "未开展": "muted"}


def build(
    units: Sequence[UnitStatus],
    matrix: Matrix | None,
    now: datetime,
    as_of: date | None,
    idle_days: int,
    title: str = "文明单位创建工作汇总",
) -> RollupExport:
    """Every table of the roll-up export, from `roll-up status`'s rows."""
    tables = [_summary(units), _details(units, now), _issues(units, now, idle_days)]
    if matrix is not None and len(matrix.units) > 1:
        tables.append(_matrix(matrix))
    return RollupExport(title, as_of, now, idle_days, tuple(tables))


def _sections(units: Sequence[UnitStatus]) -> list[tuple[str, str]]:
    """Every section any unit's plan has, in the order they first appear."""
    seen: dict[tuple[str, str], None] = {}
    for unit in units:
        for section in unit.sections:
            seen.setdefault((section.id, section.title), None)
    return list(seen)


def _summary(units: Sequence[UnitStatus]) -> Table:
    sections = _sections(units)
    columns = (
        ("序号", 5, "center"), ("单位", 16, "left"), ("分组", 10, "left"), ("完成率", 8, "center"),
        *((f"{sid} {title}", 12, "center") for sid, title in sections),
    )  # fmt: skip
    table = Table(
        "汇总",
        "各单位创建任务完成率（按板块）",
        columns,
        note=f"完成率 = 已完成任务 ÷ 任务数；绿色 ≥ {GOOD:.0%}，黄色 ≥ {FAIR:.0%}，红色低于 {FAIR:.0%}；"
        "空白表示该单位的计划没有这一板块",
    )
    for seq, unit in enumerate(units, 1):
        if unit.failure:
            row = [Cell(seq), Cell(unit.name), Cell(unit.group), Cell("未读取", "poor")]
            table.rows.append(row + [Cell("") for _ in sections])
            continue
        own = {(s.id, s.title): s for s in unit.sections}
        cells = [
            Cell(seq),
            Cell(unit.name),
            Cell(unit.group),
            Cell(percent(unit.share), share_tone(unit.share)),
        ]
        for key in sections:
            part = own.get(key)
            if part is None:
                cells.append(Cell(""))
            else:
                share = part.done / part.total if part.total else None
                cells.append(
                    Cell(f"{percent(share)}（{part.done}/{part.total}）", share_tone(share))
                )
        table.rows.append(cells)
    return table


def _details(units: Sequence[UnitStatus], now: datetime) -> Table:
    columns = (
        ("序号", 5, "center"), ("单位", 16, "left"), ("分组", 10, "left"),
        ("计划年度", 7, "center"), ("统计日", 11, "center"), ("任务数", 6, "center"),
        *((name, 6, "center") for name in STATES), ("完成率", 7, "center"),
        ("记录数", 7, "center"), ("最近活动", 11, "center"), ("台账错误", 7, "center"),
        ("上次同步", 11, "center"), ("距今天数", 7, "center"), ("说明", 30, "left"),
    )  # fmt: skip
    table = Table("单位明细", "各单位创建进度明细", columns)
    for seq, unit in enumerate(units, 1):
        days = unit.days_since_sync(now)
        note = unit.failure or (f"上次同步失败：{unit.sync_failure}" if unit.sync_failure else "")
        counts = [Cell(unit.counts.get(s, 0) if not unit.failure else "", STATE_TONES[s] if s == "滞后" and unit.counts.get(s) else "") for s in STATES]  # fmt: skip
        table.rows.append([
            Cell(seq), Cell(unit.name), Cell(unit.group), Cell(unit.year or ""),
            Cell(unit.as_of or ""), Cell(unit.total if not unit.failure else ""), *counts,
            Cell(percent(unit.share), share_tone(unit.share)), Cell(unit.records),
            Cell(unit.last_activity or ""), Cell(unit.errors, "poor" if unit.errors else ""),
            Cell(unit.synced.date() if unit.synced else ""), Cell("" if days is None else days),
            Cell(note, "poor" if note else ""),
        ])  # fmt: skip
    return table


def _issues(units: Sequence[UnitStatus], now: datetime, idle_days: int) -> Table:
    columns = (
        ("序号", 5, "center"), ("单位", 16, "left"), ("分组", 10, "left"),
        ("问题", 12, "center"), ("说明", 60, "left"),
    )  # fmt: skip
    table = Table(
        "问题清单",
        "需要督促的单位",
        columns,
        note=f"包括：台账读不了或有错误、同步失败、有滞后的任务、{idle_days} 天以上没有新活动",
    )
    found: list[tuple[UnitStatus, str, str]] = []
    for unit in units:
        if unit.failure:
            found.append((unit, "无法读取", unit.failure))
        elif unit.errors:
            found.append(
                (
                    unit,
                    "台账错误",
                    f"台账有 {unit.errors} 个错误，请该单位运行 wenming check 并改正",
                )
            )
        if unit.sync_failure:
            found.append((unit, "同步失败", unit.sync_failure))
        late = [task for task, state in unit.states.items() if state == "滞后"]
        if late:
            found.append((unit, "任务滞后", f"{len(late)} 项：{'、'.join(late)}"))
        if not unit.failure and unit.as_of is not None:
            if unit.last_activity is None:
                found.append((unit, "没有活动", f"截至 {unit.as_of.isoformat()} 没有任何活动记录"))
            elif (unit.as_of - unit.last_activity).days > idle_days:
                idle = (unit.as_of - unit.last_activity).days
                found.append((unit, "长期无活动", f"最近一次活动在 {unit.last_activity.isoformat()}，已 {idle} 天没有新活动"))  # fmt: skip
    for seq, (unit, kind, text) in enumerate(found, 1):
        table.rows.append(
            [Cell(seq), Cell(unit.name), Cell(unit.group), Cell(kind, "poor"), Cell(text)]
        )
    return table


def _matrix(matrix: Matrix) -> Table:
    columns = (
        ("编号", 6, "center"), ("任务", 22, "left"), *((name, 6, "center") for name in STATES),
        *((unit, 8, "center") for unit in matrix.units),
    )  # fmt: skip
    note = "各单位使用同一份计划时，每项任务在各单位的状态"
    if matrix.left_out:
        note += f"；计划不同、未列入：{'、'.join(matrix.left_out)}"
    table = Table("任务对照", "任务 × 单位完成情况", columns, note=note)
    for task, title in matrix.tasks:
        states = matrix.states[task]
        counts = [Cell(sum(s == name for s in states.values())) for name in STATES]
        cells = [Cell(states[u], STATE_TONES.get(states[u], "")) for u in matrix.units]
        table.rows.append([Cell(task), Cell(title), *counts, *cells])
    return table
