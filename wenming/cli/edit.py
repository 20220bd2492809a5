"""`wenming edit`: change a record by options, or in the user's editor until it passes `check`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from ..commands.edit import Edit, EditResult
    from ..errors import Problem
    from ..model import Record

cli = command_app()

# Where the problems of the last save start in the text handed back to the editor; the lines
# from here on are dropped before the text is read again.
PROBLEMS_MARK = "# ---- wenming：上次保存时的问题（改正后保存；这几行不会写入记录）----"


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


# Tests replace these: a person at a terminal, and the editor they use.
stdin_is_terminal: Callable[[], bool] = _stdin_is_terminal


def _click_edit(text: str) -> str | None:
    import click

    return click.edit(text, extension=".yaml", require_save=True)


run_editor: Callable[[str], str | None] = _click_edit


@cli.command(cls=Command)
def edit(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            metavar="记录编号",
            help="要修改的记录：完整编号或其中唯一的一段",
            show_default=False,
            autocompletion=completer("record"),
        ),
    ],
    day: Annotated[
        str | None,
        typer.Option("--date", "-d", metavar="日期", help="新的活动日期（记录文件随之改名）"),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="标题", help="新的标题（记录文件随之改名）")
    ] = None,
    task: Annotated[
        list[str] | None,
        typer.Option(
            "--task",
            "-t",
            metavar="编号",
            help="改归的任务（可重复；给出的任务替换原有的）",
            autocompletion=completer("task"),
        ),
    ] = None,
    kind: ActivityType = None,
    unit: OrganisingUnit = None,
    place: Annotated[
        str | None, typer.Option("--place", metavar="地点", help="活动地点（空字符串清除）")
    ] = None,
    participants: Participants = None,
    no_participants: Annotated[
        bool, typer.Option("--no-participants", help="去掉参与人数（记录不再写人数）")
    ] = False,
    figure: Annotated[
        list[str] | None,
        typer.Option(
            "--figure", metavar="名称=数值", help="数值项：名称=数值；名称= 删除该项（可重复）"
        ),
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="文字", help="活动简介（空字符串清除）")
    ] = None,
    add_evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--add-evidence",
            metavar="文件",
            help="添加佐证材料，写法同 wenming add --evidence：[类型[@形成日期]=]路径[|说明]（可重复）",
        ),
    ] = None,
    remove_evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-evidence",
            metavar="材料",
            help="去掉一件佐证材料：wenming show 列出的序号、文件名或网址（可重复）；文件随之删除",
        ),
    ] = None,
    caption: Annotated[
        list[str] | None,
        typer.Option("--caption", metavar="材料=说明", help="改写一件佐证材料的说明（可重复）"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示修改后的记录，不写文件、不提交")
    ] = False,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="修改文件但不做 git 提交")] = False,
) -> None:
    """修改一条活动记录：用选项改指定的字段，或不带选项在编辑器中修改。

    保存前按 wenming check 的规则重新检查；在编辑器中有错时列出问题并重新打开，直到改对或放弃。
    日期或标题改变时，记录文件和佐证材料文件夹一起改名。只提交这条记录涉及的文件（“修改记录：…”）。
    编辑器取自环境变量 VISUAL 或 EDITOR。退出码：0 已修改并提交（或没有需要修改的内容）；
    1 输入有误未做修改，或文件已修改但提交未完成（会给出完成提交的命令）；130 已取消，未做任何修改。
    """
    from ..commands.edit import Changes, apply_edit, plan_edit
    from ..record import parse_evidence_option, parse_pair

    root = ledger_root(ctx)
    changes = Changes(
        date=_read_date(root, day) if day else None,
        title=title,
        tasks=tuple(task) if task else None,
        type=kind,
        unit=unit,
        place=place,
        participants=participants,
        clear_participants=no_participants,
        figures=dict(_figure(text) for text in figure or []),
        summary=summary,
        add_evidence=tuple(
            parse_evidence_option(text, _evidence_kinds(root), "--add-evidence")
            for text in add_evidence or []
        ),
        remove_evidence=tuple(remove_evidence or []),
        captions=tuple(parse_pair(text, "--caption") for text in caption or []),
    )
    if changes.empty:
        change = _in_editor(root, record, use_cache(ctx))  # None: the text was left as it was
    else:
        change = plan_edit(root, record, changes, use_cache=use_cache(ctx))
        if not (change.changed or change.added or change.dropped or change.renamed):
            # Options that restate what the record says: its file is not rewritten.
            change = None
            typer.echo("没有需要修改的内容，未做任何改动。")
    if change is None:
        return
    _describe(change)
    if dry_run:
        typer.echo(f"# 将写入 {change.after.path}（--dry-run，未做任何修改）")
        typer.echo(change.text, nl=False)
        return
    _report(root, apply_edit(root, change, commit_it=not no_commit))


def _read_date(root: Path, text: str) -> date:
    """`--date` as `add` reads it: the year may be left out (it is the plan's)."""
    from datetime import date

    from ..commands.add import read_date
    from ..ledger import load_plans

    return read_date(load_plans(root), None, text, date.today())


def _evidence_kinds(root: Path) -> tuple[str, ...]:
    from ..ledger import load_plans

    return tuple(
        dict.fromkeys(k for p in load_plans(root).plans.values() for k in p.evidence_kinds)
    )


def _figure(text: str) -> tuple[str, float | None]:
    """`名称=数值`, or `名称=` to remove the figure."""
    from ..record import parse_figure, parse_pair

    name, value = parse_pair(text, "--figure")
    return (name, None) if not value else parse_figure(text)


def _in_editor(root: Path, fragment: str, cached: bool) -> Edit | None:
    """Open the record in the editor until what is saved passes the checks, or the person stops."""
    from ..commands.edit import edit_text, open_record

    record, original = open_record(root, fragment)
    text = original
    while True:
        edited = run_editor(text)
        if edited is None or _without_problems(edited) == _without_problems(original):
            typer.echo("没有修改，未做任何改动。")
            return None
        edited = _without_problems(edited)
        change, problems = edit_text(root, record, edited, use_cache=cached)
        if change is not None:
            return change
        _show_problems(record, problems)
        if not stdin_is_terminal():
            from ..errors import WenmingError

            raise WenmingError("修改后的记录没有通过检查，未做任何修改", "改正上面的问题后重试")
        if not typer.confirm("重新打开编辑器改正？", default=True):
            raise Declined()
        text = _with_problems(edited, problems)


def _without_problems(text: str) -> str:
    head, mark, _ = text.partition(PROBLEMS_MARK)
    return head.rstrip("\n") + "\n" if mark else text


def _problem_line(problem: Problem) -> str:
    where = f"第 {problem.source.line} 行：" if problem.source.line else ""
    return f"{where}{problem.message}" + (f"（{problem.hint}）" if problem.hint else "")


def _show_problems(record: Record, problems: list[Problem]) -> None:
    typer.echo(f"{record.path} 修改后没有通过检查：", err=True)
    for problem in problems:
        typer.echo(f"  · {_problem_line(problem)}", err=True)


def _with_problems(text: str, problems: list[Problem]) -> str:
    """The text as saved, with the problems as comments at its end (no line above moves)."""
    lines = [f"# {_problem_line(p)}".replace("\n", " ") for p in problems]
    return text.rstrip("\n") + "\n\n" + PROBLEMS_MARK + "\n" + "\n".join(lines) + "\n"


def _describe(change: Edit) -> None:
    typer.echo(f"修改 {change.before.path}：")
    for name, old, new in change.changed:
        if name.startswith(("添加", "去掉")):
            typer.echo(f"  {name}：{_short(old or new)}")
        else:
            typer.echo(f"  {name}：{_short(old)} → {_short(new)}")
    for note in change.notes:
        typer.echo(note, err=True)


def _short(text: str) -> str:
    one_line = " ".join(text.split())
    return (one_line[:60] + "…" if len(one_line) > 60 else one_line) or "（空）"


def _report(root: Path, result: EditResult) -> None:
    from .. import git
    from ..errors import WenmingError

    change, committed = result.edit, result.committed
    if committed is None:
        typer.echo("已修改，未提交（--no-commit）。需要时运行：", err=True)
        typer.echo(f"  {git.finish_command(root, change.paths, change.message)}", err=True)
        return
    if not committed.ok:
        raise WenmingError(
            f"记录已修改并保存在 {change.after.path}，但没有提交到 git：{committed.outcome.reason}",
            f"解决后运行以下命令完成提交：\n  {committed.outcome.command}",
        )
    typer.echo(f"已提交 {committed.outcome.commit or ''}：{change.message}")
