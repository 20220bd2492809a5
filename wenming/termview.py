"""Rich view of a term (`status --years`): tasks and 测评项目 per year, quiet months, incidents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import printable
from .numbers import plain_number
from .status import State
from .term import Term

if TYPE_CHECKING:
    from rich.console import RenderableType

_STYLES = {
    State.DONE.value: "green",
    State.ON_TRACK.value: "cyan",
    State.LATE.value: "bold red",
    State.NOT_STARTED.value: "yellow",
}
ABSENT = "—"


def term_view(term: Term, width: int = 80) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    years = [str(y.year) for y in term.years]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0]
    parts: list[RenderableType] = [Text(f"{span} 年各任务的状态", style="bold")]
    tasks = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    tasks.add_column("编号", no_wrap=True)
    tasks.add_column(
        "任务", no_wrap=True, overflow="ellipsis", max_width=max(10, width - 8 - 8 * len(years))
    )
    for year in years:
        tasks.add_column(year, no_wrap=True)
    for task in term.tasks:
        cells = [
            Text(ABSENT, style="dim") if s is None else Text(s, style=_STYLES.get(s, ""))
            for s in task.states
        ]
        tasks.add_row(Text(printable(task.task_id)), Text(printable(task.title)), *cells)
    parts += [
        tasks,
        Text(
            f"{ABSENT}：当年的计划中没有这个编号的任务（任务改了编号时，新旧编号各占一行）",
            style="dim",
        ),
        Text(""),
    ]

    summary = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for head in ("年份", "统计至", "活动", "已完成", "无活动的月份"):
        summary.add_column(head, no_wrap=head != "无活动的月份", overflow="fold")
    for y in term.years:
        done = f"{y.counts.get(State.DONE.value, 0)}/{y.tasks}"
        quiet = (
            "无" if not y.quiet_months
            else f"{len(y.quiet_months)}/{y.months} 个月：" + "、".join(y.quiet_runs)
        )  # fmt: skip
        summary.add_row(str(y.year), y.as_of.isoformat(), str(y.activities), done, quiet)
    parts += [Text("各年概况（工作是否连续）", style="bold"), summary, Text("")]

    if term.items:
        items = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        items.add_column("编号", no_wrap=True)
        items.add_column(
            "测评项目",
            no_wrap=True,
            overflow="ellipsis",
            max_width=max(10, width - 14 - 8 * len(years)),
        )
        items.add_column("分值", justify="right", no_wrap=True)
        for year in years:
            items.add_column(year, justify="right", no_wrap=True)
        for item in term.items:
            cells = [
                Text("未覆盖", style="yellow") if not covered
                else Text("待填" if value is None else plain_number(value))
                for value, covered in zip(item.scores, item.covered, strict=True)
            ]  # fmt: skip
            points = "待填" if item.points is None else plain_number(item.points)
            items.add_row(printable(item.id), Text(printable(item.name)), points, *cells)
        totals = [
            Text("否决", style="bold red") if y.score and y.score.vetoed
            else Text(plain_number(y.score.total) if y.score else "")
            for y in term.years
        ]  # fmt: skip
        items.add_row("", Text("总分（计入负面清单）", style="bold"), "", *totals)
        parts += [
            Text(f"测评项目自评分（{printable(term.assessment or '')}）", style="bold"),
            items,
            Text(""),
        ]

    if term.incidents:
        parts.append(Text(f"测评周期内的负面事件（{len(term.incidents)} 起）：", style="bold red"))
        for i in term.incidents:
            what = f"{i.negative} {i.name}（{i.effect}）" if i.name else i.negative
            parts.append(Text(printable(f"  {i.date.isoformat()} {i.title}：{what}")))
            parts.append(Text(printable(f"    {i.path}"), style="dim"))
    else:
        parts.append(Text("测评周期内没有负面事件记录。"))
    return Group(*parts)
