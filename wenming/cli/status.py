"""`wenming status`: where the campaign stands against the plan, and what to do next."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from .app import (
    EXIT_PROBLEMS,
    Command,
    PlanYear,
    command_app,
    completer,
    date_option,
    ledger_root,
    note_errors,
    use_cache,
)
from .progress import progress_bar

if TYPE_CHECKING:
    from ..status import State


def _state(text: str | None, option: str) -> State | None:
    from ..status import State

    if text is None:
        return None
    for state in State:
        if text == state.value:
            return state
    choices = "、".join(s.value for s in State)
    raise typer.BadParameter(f"“{text}”不是状态，可选：{choices}", param_hint=option)


cli = command_app()


@cli.command(cls=Command)
def status(
    ctx: typer.Context,
    task: Annotated[
        str | None,
        typer.Argument(
            metavar="任务编号",
            help="只看这一项任务的全部细节，如 7.1",
            show_default=False,
            autocompletion=completer("task"),
        ),
    ] = None,
    year: PlanYear = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="按哪一天的情况统计（默认今天，超出计划期时取计划期首尾）"),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", "-u", help="只看该单位牵头或配合的任务", autocompletion=completer("unit")
        ),
    ] = None,
    section: Annotated[
        str | None,
        typer.Option(
            "--section", "-s", help="只看某一板块，如 2 或 7", autocompletion=completer("section")
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--status", help="只看某一状态的任务：已完成、进行中、滞后、未开展"),
    ] = None,
    todo: Annotated[
        bool,
        typer.Option("--todo", help="列出每项未达成的要求，并给出可直接运行的 wenming add 命令"),
    ] = False,
    show_timeline: Annotated[
        bool, typer.Option("--timeline", help="按月、按板块显示活动记录数量")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出统计结果")] = False,
    with_score: Annotated[
        bool,
        typer.Option(
            "--score",
            help="按测评体系（assessment/文件夹）计算自评分，列出未覆盖的测评内容和负面清单",
        ),
    ] = False,
    assessment: Annotated[
        str | None,
        typer.Option("--assessment", help="有几个测评体系时，按哪一个评分（文件名，不含 .yaml）"),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            help="测评周期内各年并列，如2020-2022：每项任务、每个测评项目逐年的情况和负面事件",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="有任务处于该状态（如 滞后）时退出码为 1，便于定期提醒"),
    ] = None,
) -> None:
    """统计创建进度：每项任务的完成情况、滞后原因与牵头单位。

    状态按截至 --as-of 当天（含当天）的记录计算：已完成、进行中、滞后（已过的周期、
    节日或截止日期未达成）、未开展（尚无记录）。
    """
    # Imported here so that `wenming --help` and the other commands start fast.
    from ..commands.status import status as run
    from ..render import (
        TIMELINE_NOTE,
        status_table,
        task_detail,
        timeline_table,
        todo_lines,
    )
    from ..terminal import console

    failing = _state(fail_on, "--fail-on")
    narrowed = [
        name
        for name, given in (
            ("任务编号", task), ("--unit", unit), ("--section", section), ("--status", only),
            ("--todo", todo), ("--timeline", show_timeline), ("--fail-on", fail_on),
        )
        if given
    ]  # fmt: skip
    if (years is not None or with_score or assessment is not None) and narrowed:
        raise typer.BadParameter(
            f"--score、--years 统计整份计划，不能与 {'、'.join(narrowed)} 同用",
            param_hint="--score" if years is None else "--years",
        )
    if years is not None:
        _years(ctx, years, as_of, assessment, as_json)
        return
    if with_score or assessment is not None:
        _score(ctx, year, as_of, assessment, as_json)
        return
    result = run(
        ledger_root(ctx),
        year=year,
        as_of=date_option(as_of, "--as-of"),
        unit=unit,
        section=section,
        state=_state(only, "--status"),
        task=task,
        with_timeline=show_timeline,
        use_cache=use_cache(ctx),
        progress=progress_bar,
    )
    plan, shown = result.plan, result.shown
    note_errors(result.errors, f"计划或 {plan.year} 年的记录", "以下统计可能不完整")
    out = console()
    if as_json:
        typer.echo(json.dumps(shown.to_dict(), ensure_ascii=False, indent=2))
    elif result.timeline is not None:
        months, rows = result.timeline
        out.print(f"{plan.year} 年各板块每月活动记录数（截至 {result.progress.as_of.isoformat()}）")
        out.print(timeline_table(plan, months, rows))
        out.print(TIMELINE_NOTE)
    elif todo:
        for line in todo_lines(shown, plan, result.activity_by_id, unit, out.width):
            typer.echo(line)
    elif result.records is not None:
        out.print(task_detail(shown.tasks[0], plan, result.records))
    else:
        out.print(status_table(shown, plan, unit, out.width))
    if failing is not None and any(t.state is failing for t in shown.tasks):
        raise typer.Exit(EXIT_PROBLEMS)


def _score(
    ctx: typer.Context, year: int | None, as_of: str | None, assessment: str | None, as_json: bool
) -> None:
    """`status --score`: the self-score table, or its JSON."""
    from ..commands.score import self_score
    from ..scoreview import score_table
    from ..terminal import console

    result = self_score(
        ledger_root(ctx),
        year=year,
        as_of=date_option(as_of, "--as-of"),
        assessment=assessment,
        use_cache=use_cache(ctx),
        progress=progress_bar,
    )
    note_errors(
        result.errors, f"计划、测评体系或 {result.plan.year} 年的记录", "以下评分可能不完整"
    )
    if as_json:
        typer.echo(json.dumps(result.score.to_dict(), ensure_ascii=False, indent=2))
        return
    out = console()
    out.print(score_table(result.score, out.width))


def _years(
    ctx: typer.Context, years: str, as_of: str | None, assessment: str | None, as_json: bool
) -> None:
    """`status --years`: the term's years side by side, or their JSON."""
    from ..commands.term import term
    from ..terminal import console
    from ..termview import term_view

    result = term(
        ledger_root(ctx),
        years,
        as_of=date_option(as_of, "--as-of"),
        assessment=assessment,
        use_cache=use_cache(ctx),
        progress=progress_bar,
    )
    note_errors(result.errors, f"计划、测评体系或 {years} 年的记录", "以下统计可能不完整")
    if as_json:
        typer.echo(json.dumps(result.term.to_dict(), ensure_ascii=False, indent=2))
        return
    out = console()
    out.print(term_view(result.term, out.width))
