"""`wenming add`: log one activity with its evidence, from options or by answering prompts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, TypeVar

import typer

from .app import (
    ActivityType,
    Command,
    Declined,
    OrganisingUnit,
    Participants,
    command_app,
    completer,
    ledger_root,
    use_cache,
)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


# Tests replace this to drive the prompts through CliRunner input.
stdin_is_terminal: Callable[[], bool] = _stdin_is_terminal
today: Callable[[], date] = date.today


cli = command_app()
T = TypeVar("T")


@cli.command(cls=Command)
def add(
    ctx: typer.Context,
    task: Annotated[
        list[str] | None,
        typer.Option(
            "--task",
            "-t",
            metavar="编号",
            help="任务编号如 7.1，或标题中的几个字（可重复）",
            autocompletion=completer("task"),
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            metavar="日期",
            help="活动日期：2022-03-05、2022.3.5、2022年3月5日、20220305，或不写年份的 3月5日、3.5",
        ),
    ] = None,
    kind: ActivityType = None,
    title: Annotated[str | None, typer.Option("--title", metavar="标题", help="活动标题")] = None,
    unit: OrganisingUnit = None,
    place: Annotated[str | None, typer.Option("--place", metavar="地点", help="活动地点")] = None,
    participants: Participants = None,
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            metavar="小时",
            min=0,
            help="志愿服务时长（小时），即 --figure 志愿服务时长=数值",
        ),
    ] = None,
    figure: Annotated[
        list[str] | None,
        typer.Option("--figure", metavar="名称=数值", help="数值项：名称=数值（可重复）"),
    ] = None,
    extra: Annotated[
        list[str] | None,
        typer.Option(
            "--extra", metavar="键=值", help="其他信息：键=值，如 主讲人=王某某（可重复）"
        ),
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="文字", help="活动简介")
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            metavar="文件",
            help=(
                "佐证材料文件：[类型[@形成日期]=]路径[|说明]，如 '照片=现场.jpg|说明'、"
                "'通知@2022-03-01=通知.pdf'（可重复）"
            ),
        ),
    ] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(
            "--link",
            metavar="网址",
            help="网页佐证：[类型[@形成日期]=]网址[|说明]，类型默认“新闻报道”（可重复）",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", metavar="年份", help="计划年份（默认按活动日期选择）")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示将要写入的记录，不写文件、不提交")
    ] = False,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="写入文件但不做 git 提交")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问确认")] = False,
) -> None:
    """记录一次活动及其佐证材料，校验后写入 records/<年份>/，并提交到 git。

    缺少必填项（任务、日期、类型、标题、单位）时，在终端中会逐项提问；
    在脚本中则报错并列出缺少的选项。

    退出码：0 已写入并提交（或 --dry-run / --no-commit 成功）；1 输入有误未写入任何文件，
    或记录已写入但 git 提交未完成（会给出完成提交的命令）；2 用法错误；
    130 已取消（写入前中断则未写入任何文件；提交被中断则记录已保存，并给出完成提交的命令）。
    """
    # Imported here so that `wenming --help` and other commands start fast.
    from ..commands.add import commit_record, ledger_and_plan, read_date, save, undo, with_records
    from ..errors import WenmingError
    from ..ledger import select_plan
    from ..model import HOURS_FIGURE
    from ..record import (
        Draft,
        EvidenceSpec,
        check_choice,
        check_evidence,
        check_figure,
        parse_evidence_option,
        parse_figure,
        parse_link_option,
        parse_pair,
        prepare,
        previous_record,
        resolve_task,
    )
    from .prompts import Fields, ask, ask_figure, held_interrupts, my_records, report

    root = ledger_root(ctx)
    terminal = stdin_is_terminal()
    ledger, in_use = ledger_and_plan(root, year, None, today(), use_cache(ctx))

    refused: list[str] = []

    def checked(check: Callable[[], T]) -> T | None:
        """The option's value once checked; in a terminal a bad one is asked again (None)."""
        try:
            return check()
        except WenmingError as exc:
            if not terminal:
                raise
            refused.append(exc.message)
            typer.echo(f"{exc.message}（{exc.hint}）" if exc.hint else exc.message)
            typer.echo("请在下面重新输入。")
            return None

    # Every option is checked against the plan before anything is asked.
    when = checked(lambda: read_date(ledger, year, day, today())) if day else None
    plan = select_plan(ledger, year, when) if when else in_use
    tasks = [checked(partial(resolve_task, plan, t)) for t in task or []]
    figures: dict[str, float] = {}
    for text in figure or []:
        name, value = parse_figure(text)
        figures[checked(partial(check_figure, plan, name)) or ask_figure(plan, name)] = value
    if hours is not None:
        figures[HOURS_FIGURE] = hours

    def one_evidence(text: str) -> EvidenceSpec:
        return check_evidence(parse_evidence_option(text, plan.evidence_kinds), plan)

    specs = [checked(partial(one_evidence, text)) for text in evidence or []]
    kinds_ok = all(spec is not None for spec in specs)
    fields = Fields(
        tasks=[t for t in tasks if t is not None] if all(tasks) else [],
        day=when,
        type=checked(lambda: check_choice(kind, plan.activity_types, "活动类型", "activity_types"))
        if kind
        else None,
        title=title,
        unit=checked(lambda: check_choice(unit, plan.units, "组织单位", "units")) if unit else None,
        place=place,
        participants=participants,
        figures=figures,
        extra=dict(parse_pair(text, "--extra") for text in extra or []),
        summary=summary,
        evidence=[spec for spec in specs if spec is not None] if kinds_ok else [],
        links=list(link or []),
        evidence_given=bool(evidence) and kinds_ok,
    )
    for text in fields.links:
        parse_link_option(text, plan.evidence_kinds)
    interactive = bool(fields.missing() or refused) and terminal
    if fields.missing() and not interactive:
        raise WenmingError(
            f"缺少必填项：{'、'.join(fields.missing())}",
            "在命令中补上这些选项，或在终端中直接运行 wenming add 按提示输入",
            exit_code=2,
        )
    if interactive:
        ledger = with_records(root, use_cache(ctx))
        mine = my_records(root)
        previous = previous_record(ledger, plan, fields.tasks[0], mine) if fields.tasks else None
        ask(fields, plan, previous, ledger, today, mine)
    draft = Draft(
        date=fields.day or today(),
        tasks=tuple(fields.tasks),
        type=fields.type or "",
        title=fields.title or "",
        unit=fields.unit or "",
        place=fields.place or "",
        participants=fields.participants,
        figures=fields.figures,
        extra=fields.extra,
        summary=fields.summary or "",
        evidence=tuple(fields.evidence),
        links=tuple(parse_link_option(text, plan.evidence_kinds) for text in fields.links),
    )
    prepared = prepare(root, plan, draft)
    for note in prepared.notes:
        typer.echo(note, err=True)
    if dry_run:
        typer.echo(f"# 将写入 {prepared.rel}（--dry-run，未写入任何文件）")
        typer.echo(prepared.text, nl=False)
        return
    if interactive and not yes:
        typer.echo(f"\n将写入 {prepared.rel}：\n")
        typer.echo(prepared.text)
        if not typer.confirm("确认写入" + ("" if no_commit else "并提交") + "？", default=True):
            raise Declined()
    with held_interrupts() as interrupted:
        written = save(root, plan, prepared)
        if interrupted:  # Ctrl-C before the commit began: undo, so that 130 means nothing written
            undo(root, written)
            raise typer.Abort()
        report(root, written, None if no_commit else commit_record(root, written), interrupted)
