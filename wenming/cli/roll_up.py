"""`wenming roll-up`: many units' ledgers, each in its own git repository, in one view."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..progress import Tick
from .app import EXIT_PROBLEMS, Command, Group, command_app, date_option, report_error, use_cache

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..commands.rollup_status import RollupStatus
    from ..commands.rollup_sync import SyncResult
    from ..rollup import Matrix, UnitStatus

cli = command_app(cls=Group, name="roll-up", no_args_is_help=True)

Folder = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        "-C",
        help="汇总目录（含 units.yaml；默认从当前目录向上查找）",
        envvar="WENMING_ROLLUP",
        show_envvar=True,
    ),
]
GroupOption = Annotated[str | None, typer.Option("--group", "-g", help="只看这一分组的单位")]


def _root(folder: Path | None) -> Path:
    from ..rollup import find_rollup

    return find_rollup(folder, Path.cwd())


@cli.callback()
def roll_up() -> None:
    """汇总：同步多个单位的台账，统一查看进度、导出汇总表（每个单位的台账在它自己的 git 仓库中）。"""


@cli.command("init", cls=Command)
def init(
    folder: Annotated[
        Path,
        typer.Argument(metavar="目录", help="新建的汇总目录（默认当前目录）", show_default=False),
    ] = Path(),
) -> None:
    """新建汇总目录：units.yaml 示例、忽略克隆的 .gitignore，并建立 git 仓库。"""
    from ..commands.rollup_init import rollup_init

    done = rollup_init(folder)
    typer.echo(f"已建立汇总目录 {done.root}", err=True)
    if not done.outcome.ok:
        report_error(
            f"汇总目录的文件已创建，但没有提交到 git：{done.outcome.reason}",
            f"解决后运行以下命令完成提交：\n  {done.outcome.command}",
        )
    typer.echo(
        "下一步：在 units.yaml 中填写各单位的名称、git 地址和分组，然后运行 wenming roll-up sync。",
        err=True,
    )


@cli.command("sync", cls=Command)
def sync(
    folder: Folder = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="同时同步几个单位", min=1, max=64)] = 8,
    timeout: Annotated[
        float, typer.Option("--timeout", help="每个单位最多等待的秒数", min=1, max=86400)
    ] = 120,
    group: GroupOption = None,
    units: Annotated[
        list[str] | None,
        typer.Argument(metavar="单位", help="只同步这些单位（默认全部）", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出每个单位的结果")] = False,
) -> None:
    """克隆或拉取每个单位的台账：并行、每个单位限时，失败的单位不影响其他单位。

    只取计划和记录文件（浅克隆，不下载佐证材料）；对方改写了历史（强制推送）时，
    本地克隆直接换成新的历史，从不合并。有单位失败时退出码为 1，并列出失败原因。
    """
    from ..commands.rollup_sync import sync as run

    result = run(
        _root(folder), jobs=jobs, timeout=timeout, only=units or (), group=group,
        progress=_bar,
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps([u.to_dict() for u in result.units], ensure_ascii=False, indent=2))
    else:
        from ..terminal import console

        console().print(_sync_table(result))
    if result.failed:
        names = "、".join(u.name for u in result.failed)
        report_error(
            f"{len(result.failed)} 个单位同步失败：{names}",
            "按表中的原因处理（地址、网络、权限），再运行 wenming roll-up sync 单位名称 重试",
        )
        raise typer.Exit(EXIT_PROBLEMS)


@contextmanager
def _bar(total: int, label: str) -> Iterator[Tick | None]:
    """A bar even for a few units (each may take a while to fetch or read), on a terminal only."""
    import sys

    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as shown:
        task = shown.add_task(label, total=total)
        yield lambda n: shown.advance(task, n)


def _sync_table(result: SyncResult) -> RenderableType:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("单位", overflow="fold")
    table.add_column("分组", overflow="fold")
    table.add_column("结果", no_wrap=True)
    table.add_column("新记录", justify="right", no_wrap=True)
    table.add_column("说明", overflow="fold")
    for u in result.units:
        style = "red" if u.failed else "green" if u.added else ""
        note = u.reason if u.failed else (u.commit or "")[:10]
        table.add_row(_text(u.name), _text(u.group), f"[{style}]{u.result}[/]" if style else u.result,
                      str(u.added) if not u.failed else "", _text(note))  # fmt: skip
    counts = {
        r: sum(u.result == r for u in result.units) for r in ("新建", "有更新", "无变化", "失败")
    }
    table.caption = "，".join(f"{r} {n}" for r, n in counts.items() if n) or "units.yaml 中没有单位"
    return table


@cli.command("status", cls=Command)
def status(
    ctx: typer.Context,
    folder: Folder = None,
    group: GroupOption = None,
    only: Annotated[
        str | None,
        typer.Option(
            "--status", help="只看有该状态任务的单位：已完成、进行中、滞后、未开展，或 有错误"
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="排序：顺序（units.yaml 中的顺序）、名称、分组、完成率、滞后、最近活动、错误",
        ),
    ] = "顺序",
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天统计（默认今天）")] = None,
    by_task: Annotated[
        bool, typer.Option("--by-task", help="按任务对照各单位（各单位用同一份计划时）")
    ] = False,
    sections: Annotated[
        bool, typer.Option("--sections", help="按板块显示每个单位的完成率")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """每个单位一行：任务完成情况、完成率、最近活动日期、台账错误数、距上次同步的天数。

    读的是上次 wenming roll-up sync 取回的克隆；台账有错误的单位照样统计并标出错误数，
    读不了的单位写明原因，不影响其他单位。
    """
    from ..commands.rollup_status import ERRORS, SORTS, rollup_status
    from ..status import State

    states = [*(s.value for s in State), ERRORS]
    if only is not None and only not in states:
        raise typer.BadParameter(
            f"“{only}”不是状态，可选：{'、'.join(states)}", param_hint="--status"
        )
    if sort not in SORTS:
        raise typer.BadParameter(
            f"不能按“{sort}”排序，可选：{'、'.join(SORTS)}", param_hint="--sort"
        )
    result = rollup_status(
        _root(folder), as_of=date_option(as_of, "--as-of"), group=group, state=only,
        sort=sort, by_task=by_task, use_cache=use_cache(ctx), progress=_bar,
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from ..terminal import console

    out = console()
    if by_task:
        if result.matrix is None:
            typer.echo("没有可读取的单位台账，无法按任务对照。", err=True)
            return
        out.print(_matrix_table(result.matrix, out.width))
        return
    out.print(_sections_table(result) if sections else _status_table(result))
    for unit in result.units:
        if unit.failure:
            typer.echo(f"{unit.name}：未能读取台账：{unit.failure}", err=True)
        elif unit.sync_failure:
            typer.echo(
                f"{unit.name}：上次同步失败（显示的是之前取回的台账）：{unit.sync_failure}",
                err=True,
            )


def _share(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _text(value: str) -> str:
    """What a unit or git wrote, shown as it is: no Rich markup, no control characters."""
    from rich.markup import escape

    from ..errors import printable

    return escape(printable(value))


def _status_table(result: RollupStatus) -> RenderableType:
    """One row per unit under its group's heading; nine columns fit 80 terminal columns."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))
    longest = max((cell_len(u.name) for u in result.units), default=4)
    table.add_column("单位", overflow="fold", min_width=min(longest, 16))
    table.add_column("完成率", justify="right", no_wrap=True)
    for name in ("已完成", "进行中", "滞后", "未开展"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("最近活动", no_wrap=True)
    table.add_column("错误", justify="right", no_wrap=True)
    table.add_column("同步", justify="right", no_wrap=True)
    # Groups in the order they first come; within a group, the order asked for (--sort).
    groups: dict[str, list[UnitStatus]] = {}
    for unit in result.units:
        groups.setdefault(unit.group, []).append(unit)
    for group, units in groups.items():
        if group and len(groups) > 1:
            table.add_row(f"[bold]{_text(group)}[/]")
        for u in units:
            table.add_row(*_status_cells(u, result.now, indent=bool(group) and len(groups) > 1))
    as_of = {u.as_of for u in result.units if u.as_of}
    day = f"截至 {min(as_of).isoformat()}" if len(as_of) == 1 else "截至各自计划期内的统计日"
    shown = f"{len(result.units)} 个单位" + (
        f"（共 {result.everyone} 个）" if len(result.units) != result.everyone else ""
    )
    years = {u.year for u in result.units if u.year}
    plan = f"{years.pop()} 年计划，" if len(years) == 1 else ""
    table.caption = f"{shown}，{plan}{day}；完成率 = 已完成任务 ÷ 全部任务"
    return table


def _sections_table(result: RollupStatus) -> RenderableType:
    """Unit by section: each section's share done (in %), the sections' titles beneath."""
    from rich import box
    from rich.cells import cell_len
    from rich.console import Group as Lines
    from rich.table import Table

    titles: dict[str, str] = {}
    for unit in result.units:
        for part in unit.sections:
            titles.setdefault(part.id, part.title)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))
    longest = max((cell_len(u.name) for u in result.units), default=4)
    table.add_column("单位", overflow="fold", min_width=min(longest, 16))
    table.add_column("合计", justify="right", no_wrap=True)
    for section in titles:
        table.add_column(_text(section), justify="right", no_wrap=True)
    for u in result.units:
        if u.failure:
            table.add_row(_text(u.name), "[red]未读取[/]")
            continue
        own = {part.id: part for part in u.sections}
        cells = []
        for section in titles:
            found = own.get(section)
            share = found.done / found.total if found and found.total else None
            cells.append("" if found is None else _toned(share))
        table.add_row(_text(u.name), _toned(u.share), *cells)
    table.caption = "完成率（%）= 已完成任务 ÷ 任务数"
    legend = [f"{_text(sid)}  {_text(title)}" for sid, title in titles.items()]
    return Lines(table, "板块：", *legend)


def _toned(share: float | None) -> str:
    """A share in whole percent without the sign (the header says %), coloured as exported."""
    from ..export.rollup import share_tone

    colour = {"good": "green", "fair": "yellow", "poor": "red"}.get(share_tone(share), "dim")
    return f"[{colour}]{'—' if share is None else f'{share * 100:.0f}'}[/]"


def _status_cells(u: UnitStatus, now: datetime, indent: bool) -> list[str]:
    days = u.days_since_sync(now)
    synced = "—" if days is None else "今天" if days == 0 else f"{days}天前"
    if u.sync_failure:
        synced = f"[red]{synced}[/]"
    errors = f"[red]{u.errors}[/]" if u.errors else "0"
    name = ("  " if indent else "") + _text(u.name)
    if u.failure:
        return [name, "[red]未读取[/]", "", "", "", "", "", errors, synced]
    late = u.counts.get("滞后", 0)
    return [
        name, _share(u.share),
        *(str(u.counts.get(s, 0)) for s in ("已完成", "进行中")),
        f"[red]{late}[/]" if late else "0", str(u.counts.get("未开展", 0)),
        _day(u.last_activity, u.year), errors, synced,
    ]  # fmt: skip


def _day(day: date | None, year: int | None) -> str:
    """A date, without the year when it is the plan's (the table's caption gives it)."""
    if day is None:
        return "—"
    return f"{day.month:02d}-{day.day:02d}" if day.year == year else day.isoformat()


def _pack(names: list[str], width: int) -> str:
    """Names joined by 、, starting a new line rather than cutting a name at `width` cells."""
    from rich.cells import cell_len

    lines: list[str] = []
    for name in names:
        if lines and cell_len(lines[-1]) + 2 + cell_len(name) <= width:  # 、 is two cells
            lines[-1] += "、" + name
        else:
            lines.append(name)
    return "\n".join(lines)


def _matrix_table(matrix: Matrix, width: int) -> RenderableType:
    """One row per task: how many units are in each state, and the late units by name."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))
    ids = max((len(t) for t, _title in matrix.tasks), default=2)
    title_width = max(10, width // 4)
    # What is left for the late units' names: the fixed columns, a separator and a space before each.
    names_width = max(12, width - max(4, ids) - title_width - (6 + 6 + 4 + 6) - 2 * 7)
    table.add_column("任务", no_wrap=True)
    table.add_column("名称", overflow="ellipsis", no_wrap=True, max_width=title_width)
    for name in ("已完成", "进行中", "滞后", "未开展"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("滞后的单位", overflow="fold", ratio=1)
    for task, title in matrix.tasks:
        states = matrix.states[task]
        counts = [
            sum(s == name for s in states.values())
            for name in ("已完成", "进行中", "滞后", "未开展")
        ]
        late = _pack([u for u, s in states.items() if s == "滞后"], names_width)
        table.add_row(_text(task), _text(title), *(str(n) for n in counts), _text(late))
    caption = f"{len(matrix.units)} 个单位使用同一份计划"
    if matrix.left_out:
        caption += f"；计划不同、未列入：{'、'.join(matrix.left_out)}"
    table.caption = _text(caption)
    return table


@cli.command("export", cls=Command)
def export(
    ctx: typer.Context,
    folder: Folder = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件（默认 汇总目录/汇总-<日期>.xlsx）"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="xlsx（工作簿，默认）或 html（网页）"),
    ] = None,
    group: GroupOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天统计（默认今天）")] = None,
    idle_days: Annotated[
        int,
        typer.Option("--idle-days", help="多少天没有新活动算作“长期无活动”", min=1, max=3660),
    ] = 30,
) -> None:
    """导出汇总工作簿或网页：汇总、单位明细、问题清单、任务对照。

    工作簿的“汇总”表是单位 × 板块的完成率（按颜色标出），“问题清单”列出台账有错误或读不了、
    同步失败、有滞后任务、长期没有新活动的单位；各单位用同一份计划时另有“任务对照”（任务 × 单位）。
    --format html 导出同样内容的网页。
    """
    from ..commands.rollup_export import rollup_export

    done = rollup_export(
        _root(folder), output, fmt=fmt, as_of=date_option(as_of, "--as-of"), group=group,
        idle_days=idle_days, use_cache=use_cache(ctx), progress=_bar,
    )  # fmt: skip
    typer.echo(
        f"已导出 {done.path}：{len(done.status.units)} 个单位，问题清单 {done.issues} 条。",
        err=True,
    )
