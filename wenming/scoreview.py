"""Rich view of the self-score (`status --score`): items, contents, gaps and the negative list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .assessment import EFFECT_NAMES
from .errors import printable
from .numbers import plain_number
from .scoring import Score

if TYPE_CHECKING:
    from rich.console import RenderableType

PLACEHOLDER = "待填"


def points_text(value: float | None) -> str:
    return PLACEHOLDER if value is None else plain_number(value)


def score_table(result: Score, width: int = 80) -> RenderableType:
    """One row per 测评项目 and, indented under it, per 测评内容; then gaps and the negative list."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("编号", no_wrap=True)
    table.add_column(
        "测评项目 / 测评内容", overflow="ellipsis", no_wrap=True, max_width=max(12, width - 40)
    )
    table.add_column("方法", no_wrap=True)
    table.add_column("分值", justify="right", no_wrap=True)
    table.add_column("自评分", justify="right", no_wrap=True)
    table.add_column("达成", justify="right", no_wrap=True)
    for item in result.items:
        table.add_row(
            Text(printable(item.id), style="bold"),
            Text(printable(item.name), style="bold", no_wrap=True, overflow="ellipsis"),
            "",
            points_text(item.points),
            Text("未覆盖", style="yellow") if not item.covered else points_text(item.score),
            "",
        )
        for c in item.criteria:
            share = f"{c.met}/{c.total}" if c.covered else Text("未覆盖", style="yellow")
            table.add_row(
                Text(printable(c.id)),
                Text("  " + printable(c.text), no_wrap=True, overflow="ellipsis"),
                c.method,
                points_text(c.points),
                points_text(c.score),
                share,
            )
    parts: list[RenderableType] = [Text(printable(result.title), style="bold"), table, Text("")]
    gaps = result.uncovered
    if gaps:
        parts.append(
            Text(f"未覆盖（计划中没有任务对应的测评内容，共 {len(gaps)} 处）：", style="yellow")
        )
        for name, cid, text in gaps:
            what = f"{cid} {text}" if cid else text
            parts.append(Text(printable(f"  {name}：{what}"), no_wrap=True, overflow="ellipsis"))
        parts.append(Text(""))
    if result.negatives:
        parts.append(Text("负面清单：", style="bold"))
        for n in result.negatives:
            effect = (
                f"每起扣 {plain_number(n.points)} 分"
                if n.effect == "deduct"
                else EFFECT_NAMES[n.effect]
            )
            style = "bold red" if n.inside else ""
            head = f"  {n.id} {n.name}（{effect}，追溯 {n.look_back_months} 个月）：{n.verdict}"
            parts.append(Text(printable(head), style=style))
            for ref in n.inside:
                parts.append(
                    Text(printable(f"    {ref.date.isoformat()} {ref.title}（{ref.path}）"))
                )
            for ref in n.earlier:
                line = f"    {ref.date.isoformat()} {ref.title}：在追溯期（{n.since.isoformat()} 之后）以外，不计"
                parts.append(Text(printable(line), style="dim"))
        parts.append(Text(""))
    style = "bold red" if result.vetoed else "bold"
    parts.append(Text(result.summary(), style=style))
    return Group(*parts)
