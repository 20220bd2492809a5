"""Rich views of plan progress: the status table, one task in full, the to-do list and the timeline."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from .errors import printable
from .model import ActivityLike, Plan, Record
from .numbers import section_numeral
from .status import (
    STATE_ORDER,
    PlanProgress,
    RequirementProgress,
    State,
    TaskProgress,
    Todo,
    number,
    role,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

# Arguments a shell takes as they are; anything else is quoted in a to-do command line.
_SHELL_SAFE = re.compile(r"[\w.\-/:=%+@,，、（）]+")

STATE_STYLES: dict[State, str] = {
    State.DONE: "green",
    State.ON_TRACK: "cyan",
    State.LATE: "bold red",
    State.NOT_STARTED: "yellow",
}


def _plain(text: str) -> RenderableType:
    """Ledger text as it is: never read as Rich markup, control characters shown as U+FFFD."""
    from rich.text import Text

    return Text(printable(text))


def _state_text(state: State) -> RenderableType:
    from rich.text import Text

    return Text(state.value, style=STATE_STYLES[state])


def period_line(progress: PlanProgress) -> str:
    counts = progress.counts
    parts = "，".join(f"{s.value} {counts[s]}" for s in STATE_ORDER)
    return (
        f"{progress.year} 年计划（{progress.start.isoformat()} 至 {progress.end.isoformat()}），"
        f"截至 {progress.as_of.isoformat()}：共 {len(progress.tasks)} 项任务，{parts}"
    )


def status_table(
    progress: PlanProgress, plan: Plan, unit: str | None = None, width: int = 80
) -> RenderableType:
    """One row per task, grouped by section, with a summary line beneath; fits `width` columns."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    owners = {
        task.task_id: printable(
            "、".join(task.lead) if unit is None else (role(plan, task, unit) or "")
        )
        for task in progress.tasks
    }
    # Who owns a task is never cut: the column is as wide as the longest owner line (up to a
    # quarter of the screen), longer lists wrap between unit names, and the title gives way.
    names = [name for task in progress.tasks for name in task.lead] if unit is None else []
    longest_name = max((cell_len(n) + 2 for n in names), default=4)
    longest_owner = max((cell_len(o) for o in owners.values()), default=4)
    owner_width = max(longest_name, min(longest_owner, max(12, width // 4)))
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("编号", no_wrap=True)
    # What the other columns take (with two cells between columns); the title has the rest.
    others = (
        max(cell_len("编号"), *(cell_len(t.task_id) for t in progress.tasks), 0)
        + max(cell_len("记录"), *(len(str(len(t.record_ids))) for t in progress.tasks), 0)
        + max(cell_len("进度"), *(cell_len(t.progress) for t in progress.tasks), 0)
        + max(cell_len("状态"), *(cell_len(t.state.value) for t in progress.tasks), 0)
        + owner_width
        + 2 * 5
    )
    table.add_column("任务", overflow="ellipsis", no_wrap=True, max_width=max(8, width - others))
    table.add_column(
        "牵头" if unit is None else "职责",
        overflow="fold",
        no_wrap=True,
        min_width=min(owner_width, max(4, longest_owner)),
        max_width=owner_width,
    )
    table.add_column("记录", justify="right", no_wrap=True)
    table.add_column("进度", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    titles = {s.id: s.title for s in plan.sections}
    current = None
    for task in progress.tasks:
        if task.section != current:
            current = task.section
            head = printable(f"（{section_numeral(current)}）{titles.get(current, '')}")
            # One line per banner: long section titles end in “…” on narrow terminals.
            banner = Text(head, style="bold", no_wrap=True, overflow="ellipsis")
            table.add_row("", banner, "", "", "", "")
        who = _pack(task.lead, owner_width) if unit is None else owners[task.task_id]
        table.add_row(
            _plain(task.task_id),
            Text(printable(task.title), no_wrap=True, overflow="ellipsis"),
            Text(printable(who)),
            str(len(task.record_ids)),
            task.progress,
            _state_text(task.state),
        )
    if not progress.tasks:
        return Text("没有符合条件的任务。")
    return Group(table, Text(""), Text(period_line(progress)))


def _pack(names: Sequence[str], width: int) -> str:
    """Unit names joined by 、, a new line rather than a name cut at `width` cells."""
    from rich.cells import cell_len

    lines: list[str] = []
    for name in names:
        if lines and cell_len(lines[-1]) + 2 + cell_len(name) <= width:  # 、 is two cells
            lines[-1] += f"、{name}"
        elif lines:
            lines[-1] += "、"
            lines.append(name)
        else:
            lines.append(name)
    return "\n".join(lines)


def task_detail(task: TaskProgress, plan: Plan, records: Mapping[str, Record]) -> RenderableType:
    """One task in full: who, state and why, each requirement, its records and missing evidence."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    info = Table.grid(padding=(0, 1))
    info.add_column(style="bold", no_wrap=True)
    info.add_column()
    info.add_row("状态", _state_text(task.state))
    info.add_row("原因", _plain(task.reason))
    info.add_row("牵头单位", _plain("、".join(task.lead) or "—"))
    info.add_row("配合单位", _plain("、".join(task.cooperating) or "—"))
    info.add_row("进度", task.progress)

    reqs = Table(title="要求", title_justify="left", show_lines=False, expand=False)
    reqs.add_column("要求", overflow="fold", ratio=3)
    reqs.add_column("进度", no_wrap=True)
    reqs.add_column("状态", no_wrap=True)
    reqs.add_column("说明", overflow="fold", ratio=3)
    for req in task.requirements:
        reqs.add_row(_plain(req.title), req.progress, _state_text(req.state), _plain(req.reason))

    recs = Table(title="记录", title_justify="left", expand=False)
    recs.add_column("日期", no_wrap=True)
    recs.add_column("类型", no_wrap=True)
    recs.add_column("标题", overflow="fold")
    recs.add_column("单位", no_wrap=True)
    recs.add_column("佐证", overflow="fold")
    for record_id in task.record_ids:
        record = records.get(record_id)
        if record is None:
            continue
        kinds = "、".join(dict.fromkeys(e.kind for e in record.evidence)) or "无"
        fields = (record.type, record.title, record.unit, kinds)
        recs.add_row(record.date.isoformat(), *(_plain(f) for f in fields))

    parts: list[RenderableType] = [info]
    if task.requirements:
        parts.append(reqs)
        parts.extend(_requirement_parts(req, records) for req in task.requirements if req.parts)
        parts.append(Text(""))
    parts.append(recs if task.record_ids else Text("尚无记录。"))
    gaps = [m for r in task.requirements if r.kind == "evidence_set" for m in r.missing]
    if gaps:
        parts.append(Text("缺少佐证材料的记录：", style="bold"))
        parts.extend(Text(printable(f"  {gap}")) for gap in gaps)
    title = Text(printable(f"{task.task_id} {task.title}"))
    return Panel(Group(*parts), title=title, title_align="left")


# How each piece of a requirement stands, as `status TASK` marks it (characters GBK consoles have).
PART_MARKS = {
    "met": ("√", "green"),
    "missed": ("×", "bold red"),
    "open": ("○", "yellow"),
    "later": ("·", "dim"),
}
PART_EMPTY = {"met": "", "missed": "没有记录", "open": "尚无记录", "later": "未到期"}


def _requirement_parts(req: RequirementProgress, records: Mapping[str, Record]) -> RenderableType:
    """One requirement piece by piece (each month, festival, type, deadline or record) with the
    records that meet it, none left out: what an inspector asks to see behind a number."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def mention(record_id: str) -> str:
        record = records.get(record_id)
        return f"{record.date:%m-%d} {record.title}" if record else record_id

    head = Text.assemble(
        (printable(req.title), "bold"),
        f"  {req.progress}  ",
        (req.state.value, STATE_STYLES[req.state]),
    )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for part in req.parts:
        mark, style = PART_MARKS[part.state]
        if part.label in records:  # the piece is a record (its evidence, its figure)
            label, body = "", mention(part.label)
            body += f"：{part.note}" if part.note else ""
        else:
            label = part.label
            # A kind's complete records are listed in the table of records below.
            listed = [] if req.kind == "evidence_set" else [mention(i) for i in part.record_ids]
            body = "；".join(listed) or PART_EMPTY[part.state]
            body = f"（{part.note}）{body}" if part.note and req.kind != "festival" else body
        grid.add_row(Text(mark, style=style), _plain(label), _plain(body))
    return Group(Text(""), head, grid)


def todo_lines(
    progress: PlanProgress,
    plan: Plan,
    records: Mapping[str, ActivityLike],
    unit: str | None = None,
    width: int = 80,
) -> list[str]:
    """Each unmet requirement with its gap, owners and a ready-to-run `wenming add` command.

    A command stands on its own line (a long one continues with `\\` between options, never
    inside one); its date lies in what is left of the gap's window, never before --as-of. A
    window already over gets no command: a record dated back into it would be made up."""
    lines: list[str] = []
    for task in progress.tasks:
        if task.state is State.DONE:
            continue
        lines.append(f"【{task.task_id} {task.title}】{task.state.value}")
        owners = (
            f"  牵头：{'、'.join(task.lead) or '—'}　配合：{'、'.join(task.cooperating) or '—'}"
        )
        lines.append(owners + (f"　（按 {unit} 筛选）" if unit else ""))
        for todo in task.todo:
            lines.append(f"  · {todo.what}")
            lines += _command_lines(plan, task, None, todo, unit, progress.as_of, width)
        for req in task.requirements:
            if req.met or not req.todo:
                continue
            lines.append(f"  · {req.title}（{req.progress}）：{req.reason}")
            for todo in req.todo:
                if todo.record_id is not None:
                    record = records.get(todo.record_id)
                    where = record.path if record else todo.record_id
                    lines.append(f"    补佐证：{where} 缺 {'、'.join(todo.kinds)}")
                    continue
                if todo.date is not None and todo.date < progress.as_of:
                    lines.append(
                        f"    {todo.what}：已过（确已开展而漏登的，用 --date 写实际日期登记）"
                    )
                    continue
                gap = _gap(plan, todo)
                lines.append(f"    {todo.what}" + (f"：{gap}" if gap else "") + "，可登记：")
                lines += _command_lines(plan, task, req, todo, unit, progress.as_of, width)
                if todo.kinds:
                    lines.append(f"      （登记时用 --evidence 附上：{'、'.join(todo.kinds)}）")
        lines.append("")
    if not lines:
        lines.append("所选任务的要求均已达成，没有待办事项。")
    return [printable(line) for line in lines]


def _gap(plan: Plan, todo: Todo) -> str:
    """What a metric still lacks, as 还差 1,721 小时 (one record need not close it)."""
    if todo.figure is None or todo.amount is None:
        return ""
    if todo.figure == "participants":
        measure = "人"
    else:
        figure = plan.figures.get(todo.figure)
        measure = figure.unit if figure else ""
    amount = f"{todo.amount:,.0f}" if todo.amount == int(todo.amount) else f"{todo.amount:,.1f}"
    return f"{todo.figure if todo.figure != 'participants' else '参与人数'}还差 {amount} {measure}".strip()


def _command_lines(
    plan: Plan,
    task: TaskProgress,
    req: RequirementProgress | None,
    todo: Todo,
    unit: str | None,
    as_of: date,
    width: int,
    indent: str = "      ",
) -> list[str]:
    """The command, continued with `\\` between options when it is wider than `width`."""
    args = todo_args(plan, task, req, todo, unit, as_of)
    if args is None:
        return []
    words = _quoted(args)
    # An option and its value stay together: wenming add --task 7.1 | --type 志愿服务 | …
    pieces = [" ".join(words[:4])]
    index = 4
    while index < len(words):
        step = 2 if words[index].startswith("--") and index + 1 < len(words) else 1
        pieces.append(" ".join(words[index : index + step]))
        index += step
    from rich.cells import cell_len

    lines = [indent + pieces[0]]
    for piece in pieces[1:]:
        if cell_len(lines[-1]) + 1 + cell_len(piece) + 2 <= width:
            lines[-1] += " " + piece
        else:
            lines[-1] += " \\"
            lines.append(indent + "  " + piece)
    return lines


# Wording kept under 80 columns.
TIMELINE_NOTE = "注：一条记录归入不同板块的几项任务时，每个板块各计一次，“合计”可能多于记录数。"


def timeline_table(
    plan: Plan, months: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]
) -> RenderableType:
    """Records per month per section, so that bunching before an inspection shows."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("板块", no_wrap=True)
    for label in months:
        table.add_column(label.replace("月", ""), justify="right", no_wrap=True)
    table.add_column("合计", justify="right", no_wrap=True)
    totals = [0] * len(months)
    for section_id, counts in rows:
        cells = [str(n) if n else "·" for n in counts]
        table.add_row(f"（{section_numeral(section_id)}）", *cells, str(sum(counts)))
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    table.add_row(Text("合计", style="bold"), *(str(n) for n in totals), str(sum(totals)))
    return table


def todo_args(
    plan: Plan,
    task: TaskProgress,
    req: RequirementProgress | None,
    todo: Todo,
    unit: str | None,
    as_of: date | None = None,
) -> list[str] | None:
    """The words of a `wenming add` command that logs a record towards the gap, or None.

    With `as_of`, the date is never before it (within the plan) and a metric's figure is left
    to the user: its gap is said in words, not as one record of the whole amount."""
    if todo.record_id is not None:
        return None
    who = unit or (task.lead[0] if task.lead else None)
    args = ["wenming", "add", "--task", task.task_id]
    if todo.type:
        args += ["--type", todo.type]
    if who:
        args += ["--unit", who]
    day = todo.date
    if day is not None and as_of is not None and plan.start <= as_of <= plan.end:
        day = max(day, as_of)
    if day:
        args += ["--date", day.isoformat()]
    title = _proposed_title(req, todo)
    if title:
        args += ["--title", title]
    if todo.figure is not None and todo.amount is not None and as_of is None:
        if todo.figure == "participants":
            args += ["--participants", number(todo.amount)]
        else:
            args += ["--figure", f"{todo.figure}={number(todo.amount)}"]
    return args


def todo_command(
    plan: Plan, task: TaskProgress, req: RequirementProgress | None, todo: Todo, unit: str | None
) -> str | None:
    """A `wenming add …` line that logs a record closing the gap, or None for evidence gaps."""
    args = todo_args(plan, task, req, todo, unit)
    if args is None:
        return None
    return " ".join(_quoted(args))


def _quoted(args: Sequence[str]) -> list[str]:
    """Each word as a shell reads it back: quoted only when it has to be."""
    return [a if _SHELL_SAFE.fullmatch(a) else shlex.quote(a) for a in args]


def _proposed_title(req: RequirementProgress | None, todo: Todo) -> str | None:
    if req is None or not todo.type:
        return None
    if req.kind == "count" and todo.what not in ("全年", "计划期内"):
        return f"{todo.what}{todo.type}"
    return None
