"""The steps of `wenming add` after option parsing: the fields, the prompts and the report."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typer

from .. import git
from ..commands.commit import Committed
from ..dates import DateError, parse_loose
from ..errors import WenmingError
from ..model import HOURS_FIGURE, Ledger, MetricReq, Plan, Record
from ..record import (
    EvidenceSpec,
    Prepared,
    commit_message,
    default_date,
    find_tasks,
    infer_kind,
    match_names,
    previous_record,
    task_types,
)
from .app import EXIT_INTERRUPTED


@dataclass
class Fields:
    """What the options gave; None marks a field still to ask for."""

    tasks: list[str]
    day: date | None
    type: str | None
    title: str | None
    unit: str | None
    place: str | None
    participants: int | None
    figures: dict[str, float]
    extra: dict[str, str]
    summary: str | None
    evidence: list[EvidenceSpec]
    links: list[str]
    evidence_given: bool = False

    def missing(self) -> list[str]:
        pairs = (
            ("--task", bool(self.tasks)),
            ("--date", self.day is not None),
            ("--type", bool(self.type)),
            ("--title", bool(self.title)),
            ("--unit", bool(self.unit)),
        )
        return [name for name, ok in pairs if not ok]


@contextmanager
def held_interrupts() -> Iterator[list[int]]:
    """Note Ctrl-C instead of raising it while the record is written and committed.

    Raised at any point, KeyboardInterrupt could leave a record without its evidence, or
    kill git mid-commit (leaving .git/index.lock behind); noted, each step ends cleanly and
    the caller decides: undo the record before the commit, or report the commit after it.
    """
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():  # signals are main-only
        yield caught
        return
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def report(
    root: Path, written: Prepared, committed: Committed | None, interrupted: Sequence[int] = ()
) -> None:
    """Say what was written and how its commit went (None: not committed, as asked)."""
    count = len(written.files)
    typer.echo(f"已写入 {written.rel}" + (f"（佐证材料 {count} 个）" if count else ""))
    message = commit_message(written.record)
    if committed is None:
        typer.echo("未提交（--no-commit）。需要时运行：", err=True)
        typer.echo(f"  {git.finish_command(root, written.paths, message)}", err=True)
        return
    outcome = committed.outcome
    if outcome.ok:
        typer.echo(f"已提交 {outcome.commit or ''}：{message}")
        if committed.detached:
            typer.echo(
                "注意：当前处于“分离的 HEAD”状态，这次提交不属于任何分支，切换分支后可能找不到。\n"
                f"  提示：运行 git -C '{root}' switch -c 新分支名 把它保存到一个分支上",
                err=True,
            )
        return
    if interrupted:  # git saw the Ctrl-C too and stopped: say exactly what is on disk
        typer.echo(f"已中断：记录已保存在 {written.rel}，但没有提交到 git。", err=True)
        typer.echo(f"  提示：运行以下命令完成提交：\n  {outcome.command}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    raise WenmingError(
        f"记录已保存在 {written.rel}，但没有提交到 git：{outcome.reason}",
        f"解决后运行以下命令完成提交：\n  {outcome.command}",
    )


# ---------------------------------------------------------------- prompts


def _text(label: str, default: str = "") -> str:
    """A free-text prompt; Enter keeps the default (shown only when there is one)."""
    return str(typer.prompt(label, default=default, show_default=bool(default))).strip()


def _pick(label: str, names: Sequence[str], default: str | None) -> str:
    """Ask for one of `names` by number, full name or a part of it."""
    typer.echo(f"可选的{label}：")
    typer.echo("  " + "  ".join(f"{i}.{n}" for i, n in enumerate(names, 1)))
    while True:
        answer = typer.prompt(f"{label}（输入序号、名称或其中几个字）", default=default or None)
        found = match_names(names, str(answer))
        if len(found) == 1:
            return found[0]
        if found:
            typer.echo(f"有 {len(found)} 项符合：{'、'.join(found)}，请再具体一些。")
        else:
            typer.echo(f"没有符合“{answer}”的{label}，请重新输入。")


def _pick_task(plan: Plan) -> str:
    typer.echo(f"{plan.year} 年计划的任务：")
    for task in plan.tasks.values():
        typer.echo(f"  {task.id:<6} {task.title}")
    while True:
        answer = str(typer.prompt("任务（输入编号，或标题中的几个字）"))
        found = find_tasks(plan, answer)
        if len(found) == 1:
            typer.echo(f"已选：{found[0].id} {found[0].title}")
            return found[0].id
        if found:
            typer.echo("有多个任务符合：" + "；".join(f"{t.id} {t.title}" for t in found))
        else:
            typer.echo(f"没有符合“{answer}”的任务，请重新输入。")


def _ask_date(plan: Plan, default: date) -> date:
    while True:
        answer = str(typer.prompt("活动日期", default=default.isoformat()))
        try:
            return parse_loose(answer, plan.year)
        except DateError as exc:
            typer.echo(str(exc))


def _optional_int(label: str, default: int | None) -> int | None:
    while True:
        answer = _text(label, "" if default is None else str(default))
        if not answer:
            return None
        if answer.isdigit():
            return int(answer)
        typer.echo("请输入不小于 0 的整数，或直接回车跳过。")


def _optional_number(label: str) -> float | None:
    while True:
        answer = _text(label)
        if not answer:
            return None
        try:
            value = float(answer)
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
        typer.echo("请输入不小于 0 的数字，或直接回车跳过。")


def ask_figure(plan: Plan, name: str) -> str:
    """The plan's figure meant by an unknown `--figure` name."""
    if not plan.figures:
        raise WenmingError(
            f"{plan.year} 年计划没有声明任何数值项，不能填写“{name}”",
            f"去掉 --figure，或在 plan/{plan.year}.yaml 的 figures 中声明它",
        )
    return _pick(f"数值项（代替“{name}”）", list(plan.figures), None)


def _wants_hours(plan: Plan, task_ids: Sequence[str], previous: Record | None) -> bool:
    if HOURS_FIGURE not in plan.figures:
        return False
    if previous is not None and HOURS_FIGURE in previous.figures:
        return True
    return any(
        isinstance(req, MetricReq) and req.field == HOURS_FIGURE
        for task_id in task_ids
        if task_id in plan.tasks
        for req in plan.tasks[task_id].requirements
    )


def _ask_evidence(plan: Plan) -> list[EvidenceSpec]:
    specs: list[EvidenceSpec] = []
    while True:
        answer = _text("佐证材料文件路径（直接回车结束）")
        if not answer:
            return specs
        path = Path(answer.strip("'\"")).expanduser()
        if not path.is_file():
            typer.echo(f"找不到文件“{path}”，请重新输入。")
            continue
        guess = infer_kind(path.name)
        kind = _pick("佐证材料类型", list(plan.evidence_kinds), guess)
        caption = _text("说明（时间、地点、人物、事由；回车使用默认说明）")
        specs.append(EvidenceSpec(path, kind, caption))


def my_records(root: Path) -> set[str]:
    """Record files the user's own commits added, so defaults come from their own last record."""
    _, email = git.identity(root)
    return git.authored_paths(root, email or "")


def ask(
    fields: Fields,
    plan: Plan,
    previous: Record | None,
    ledger: Ledger,
    today: Callable[[], date],
    mine: Collection[str] = (),
) -> None:
    """Prompt, in order, for every field the options left out."""
    if not fields.tasks:
        fields.tasks = [_pick_task(plan)]
        previous = previous_record(ledger, plan, fields.tasks[0], mine)
    if previous is not None:
        whose = "您在本任务的最近一条记录" if previous.source.path in mine else "本任务最近一条记录"
        typer.echo(f"（默认值取自{whose}：{previous.date} {previous.title}）")
    task = plan.tasks.get(fields.tasks[0])
    if fields.day is None:
        fields.day = _ask_date(plan, default_date(plan, today()))
    if not fields.type:
        guesses = task_types(task) if task else []
        default = previous.type if previous else (guesses[0] if guesses else None)
        fields.type = _pick("活动类型", list(plan.activity_types), default)
    if not fields.title:
        while not fields.title:
            fields.title = str(typer.prompt("活动标题")).strip()
    if not fields.unit:
        default = previous.unit if previous else (task.lead[0] if task and task.lead else None)
        fields.unit = _pick("组织单位", list(plan.units), default)
    if fields.place is None:
        default_place = previous.place if previous else ""
        fields.place = _text("活动地点（可回车跳过）", default_place)
    if fields.participants is None:
        fields.participants = _optional_int(
            "参与人数（可回车跳过）", previous.participants if previous else None
        )
    if HOURS_FIGURE not in fields.figures and _wants_hours(plan, fields.tasks, previous):
        value = _optional_number(f"{HOURS_FIGURE}（小时，可回车跳过）")
        if value is not None:
            fields.figures = {**fields.figures, HOURS_FIGURE: value}
    if fields.summary is None:
        fields.summary = _text("活动简介（可回车跳过）")
    if not fields.evidence_given:
        fields.evidence = _ask_evidence(plan)
