"""`wenming show ID`: one record in full."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Command, command_app, completer, date_option, ledger_root, use_cache

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from ..commands.show import EvidenceItem, IncidentShown, ShowResult

cli = command_app()


@cli.command("show", cls=Command)
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="记录编号",
            help="记录编号或其中唯一的一段，如 4124、第一党支部1月（wenming list 可查）",
            show_default=False,
            autocompletion=completer("record"),
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="按哪一天的情况判断要求的状态和材料编号（默认今天）"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """查看一条活动记录：内容、佐证材料的编号与检查结果、计入的要求。

    也可以查看一起负面事件（incidents/<年份>/ 中的编号）：内容、所属的负面清单条目和佐证材料。
    """
    # Imported here so that `wenming --help` and the other commands start fast.
    from ..commands.records import NotFound
    from ..commands.show import IncidentShown, show_incident
    from ..commands.show import show as run
    from ..terminal import console

    root = ledger_root(ctx)
    try:
        result: ShowResult | IncidentShown = run(
            root, record_id, as_of=date_option(as_of, "--as-of"), use_cache=use_cache(ctx)
        )
    except NotFound:
        # No record is named so: a negative-list incident may be.
        incident = show_incident(root, record_id, use_cache=use_cache(ctx))
        if incident is None:
            raise
        result = incident
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    view = incident_view(result) if isinstance(result, IncidentShown) else record_view(result)
    console().print(view)


def _evidence_table(items: Sequence[EvidenceItem], numbered: bool) -> RenderableType:
    """Evidence items with their check state; the 材料编号 column for a record's."""
    from rich.table import Table
    from rich.text import Text

    from ..commands.show import EVIDENCE_STATES
    from ..errors import printable

    evidence = Table(title="佐证材料", title_justify="left", title_style="bold", expand=False)
    if numbered:
        evidence.add_column("材料编号", no_wrap=True)
    evidence.add_column("类型", no_wrap=True)
    evidence.add_column("说明", overflow="fold")
    dated = any(item.date for item in items)
    if dated:
        evidence.add_column("材料日期", no_wrap=True)
    evidence.add_column("检查", overflow="fold")
    for item in items:
        ok = item.state in ("ok", "url", "unhashed")
        cells: list[RenderableType] = [item.number or "—"] if numbered else []
        cells += [
            Text(printable(item.kind)),
            Text(printable(item.caption or item.file or item.url or "")),
        ]
        if dated:
            cells.append(item.date.isoformat() if item.date else "")
        cells.append(Text(EVIDENCE_STATES[item.state], style="" if ok else "bold red"))
        evidence.add_row(*cells)
    return evidence


def incident_view(shown: IncidentShown) -> RenderableType:
    """A negative-list incident: its fields, the entry it falls under, its evidence."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from ..errors import printable

    i = shown.incident
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold", no_wrap=True)
    info.add_column(overflow="fold")
    entry = f"{i.negative} {shown.negative}（{shown.effect}）" if shown.negative else i.negative
    rows = [
        ("负面事件", i.id),
        ("文件", i.source.path),
        ("日期", i.date.isoformat()),
        ("负面清单", entry),
        ("事件", i.title),
        ("单位", i.unit),
    ]
    if i.summary:
        rows.append(("经过", i.summary.strip()))
    for label, value in rows:
        info.add_row(label, Text(printable(value)))
    parts: list[RenderableType] = [info, Text("")]
    parts.append(
        _evidence_table(shown.evidence, numbered=False)
        if shown.evidence
        else Text("没有佐证材料。")
    )
    parts.append(Text("负面事件不计入任务进度，只影响 wenming status --score 的自评分。"))
    return Group(*parts)


def record_view(result: ShowResult) -> RenderableType:
    """The record's fields, its evidence and the requirements it counts toward."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from ..errors import printable
    from ..numbers import plain_number
    from ..render import STATE_STYLES

    def plain(value: str, style: str = "") -> Text:
        return Text(printable(value), style=style)

    r = result.record
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold", no_wrap=True)
    info.add_column(overflow="fold")
    rows: list[tuple[str, str]] = [
        ("编号", r.id),
        ("文件", r.path),
        ("活动编号", result.number or "—"),
        ("日期", r.date.isoformat()),
        ("任务", "、".join(r.tasks)),
        ("类型", r.type),
        ("标题", r.title),
        ("单位", r.unit),
    ]
    if r.place:
        rows.append(("地点", r.place))
    if r.participants is not None:
        rows.append(("参与人数", str(r.participants)))
    rows += [(name, plain_number(value)) for name, value in r.figures.items()]
    if r.summary:
        rows.append(("摘要", r.summary.strip()))
    for label, value in rows:
        info.add_row(label, plain(value))

    parts: list[RenderableType] = [info, Text("")]
    if result.evidence:
        parts.append(_evidence_table(result.evidence, numbered=True))
    else:
        parts.append(Text("没有佐证材料。"))
    if result.unknown_tasks:
        parts.append(plain(f"计划中没有任务：{'、'.join(result.unknown_tasks)}", "bold red"))
    if result.counts_toward:
        when = result.as_of.isoformat() if result.as_of else ""
        reqs = Table(
            title=f"计入的要求（状态截至 {when}）",
            title_justify="left",
            title_style="bold",
            expand=False,
        )
        reqs.add_column("任务", overflow="fold")
        reqs.add_column("要求", overflow="fold")
        reqs.add_column("进度", no_wrap=True)
        reqs.add_column("状态", no_wrap=True)
        for counted in result.counts_toward:
            req = counted.requirement
            state = Text(req.state.value, style=STATE_STYLES[req.state])
            if not counted.counted:
                state.append("（未计入）")
            reqs.add_row(
                plain(f"{counted.task_id} {counted.task_title}"),
                plain(req.title),
                plain(req.progress),
                state,
            )
        parts.append(reqs)
    elif result.as_of is not None:
        parts.append(Text("所属任务没有与该活动类型相符的具体要求。"))
    else:
        parts.append(Text(f"没有 {r.year} 年的计划，无法判断它计入哪些要求。"))
    return Group(*parts)
