"""Help screens, all in Chinese: usage, description, then panels of arguments, options and commands.

Typer's own Rich help would do, but it names value types in English (TEXT, INTEGER, PATH) and
loads Markdown and traceback rendering on every `--help`, which costs a third of a second budget
for start-up; this draws the same panels with the few Rich parts they need.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import RenderableType

_TYPE_NAMES = {
    "integer": "整数",
    "float": "数字",
    "text": "文字",
    "path": "路径",
    "file": "文件",
    "boolean": "是/否",
    "integer range": "整数",
    "float range": "数字",
}
_NAME_STYLE, _SHORT_STYLE, _VALUE_STYLE = "bold cyan", "bold green", "bold yellow"


def usage(command: click.Command, ctx: click.Context) -> str:
    """`wenming status [选项] [任务编号]`: the command path, then what may follow it."""
    pieces = [ctx.command_path, "[选项]"]
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            name = _argument_name(param)
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, click.Group):
        pieces.append("命令 [参数]...")
    return " ".join(pieces)


def _argument_name(param: click.Argument) -> str:
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


def value_name(param: click.Parameter) -> str:
    """What the value of an option or argument is, in words: `整数`, `text|json`, or its metavar."""
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return ""
    if param.metavar and isinstance(param, click.Option):
        return param.metavar
    kind = param.type
    if isinstance(kind, click.Choice):
        return "|".join(str(c.value if isinstance(c, Enum) else c) for c in kind.choices)
    name = _TYPE_NAMES.get(kind.name, kind.name)
    if isinstance(kind, click.IntRange | click.FloatRange):
        low = "" if kind.min is None else kind.min
        high = "" if kind.max is None else kind.max
        name += f" {low}–{high}"
    return name


def _notes(param: click.Parameter, ctx: click.Context) -> str:
    """The bracketed notes after a parameter's help: its default, variable and whether required."""
    notes = []
    shown_default = getattr(param, "show_default", None) is not False
    default = param.get_default(ctx, call=False) if shown_default else None
    flag = isinstance(param, click.Option) and param.is_flag
    if default not in (None, "", (), []) and not flag and not callable(default):
        shown = default.value if isinstance(default, Enum) else default
        if isinstance(shown, PurePath):
            shown = str(shown)
        notes.append(f"[默认：{shown}]")
    if isinstance(param, click.Option) and param.show_envvar and param.envvar:
        envvar = param.envvar if isinstance(param.envvar, str) else "、".join(param.envvar)
        notes.append(f"[环境变量：{envvar}]")
    if param.required:
        notes.append("[必填]")
    return " ".join(notes)


def _param_rows(params: list[click.Parameter], ctx: click.Context) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for param in params:
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, click.Argument):
            names, short = _argument_name(param), ""
            text = getattr(param, "help", None) or ""
        else:
            assert isinstance(param, click.Option)
            spelled = [*param.opts, *param.secondary_opts]
            names = ", ".join(o for o in spelled if o.startswith("--"))
            short = ", ".join(o for o in spelled if not o.startswith("--"))
            text = param.help or ""
        notes = _notes(param, ctx)
        rows.append((names, short, value_name(param), f"{text} {notes}".strip()))
    return rows


def _panel(title: str, rows: Sequence[tuple[str, ...]], styles: tuple[str, ...]) -> RenderableType:
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0), expand=True)
    for index, style in enumerate(styles):
        if index == len(styles) - 1:  # the description: long Chinese runs have no spaces to wrap at
            grid.add_column(style=style, overflow="fold", ratio=1)
        else:
            grid.add_column(style=style, no_wrap=True)
    for row in rows:
        grid.add_row(*(Text(cell) for cell in row))  # plain text: help is not Rich markup
    return Panel(grid, title=title, title_align="left", border_style="dim", box=box.ROUNDED)


def paragraphs(text: str) -> list[str]:
    """A docstring's paragraphs, each one line: Chinese lines join without a space, English with."""
    result = []
    for block in inspect.cleandoc(text).split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            spaced = joined[-1].isascii() and line[0].isascii()
            joined += (" " if spaced else "") + line
        result.append(joined)
    return result


def screen(command: click.Command, ctx: click.Context) -> list[RenderableType]:
    """Everything `--help` shows for a command or group, top to bottom."""
    from rich.padding import Padding
    from rich.text import Text

    parts: list[RenderableType] = [Padding(Text(f"用法： {usage(command, ctx)}"), (1, 1, 0, 1))]
    for paragraph in paragraphs(command.help or ""):
        parts.append(Padding(Text(paragraph), (1, 1, 0, 1)))
    parts.append(Text(""))
    params = command.get_params(ctx)
    arguments = _param_rows([p for p in params if isinstance(p, click.Argument)], ctx)
    options = _param_rows([p for p in params if isinstance(p, click.Option)], ctx)
    if arguments:
        rows = [(name, value, text) for name, _, value, text in arguments]
        parts.append(_panel("参数", rows, (_NAME_STYLE, _VALUE_STYLE, "")))
    if options:
        parts.append(_panel("选项", options, (_NAME_STYLE, _SHORT_STYLE, _VALUE_STYLE, "")))
    if isinstance(command, click.Group):
        listed = getattr(command, "summaries", None)  # the root lists without building commands
        if listed is not None:
            helps = listed(ctx)
        else:
            subs = ((name, command.get_command(ctx, name)) for name in command.list_commands(ctx))
            helps = [(name, sub.help or "") for name, sub in subs if sub and not sub.hidden]
        listing = [(name, (paragraphs(text) or [""])[0]) for name, text in helps]
        parts.append(_panel("命令", listing, (_NAME_STYLE, "")))
    return parts


def show(command: click.Command, ctx: click.Context) -> None:
    """Print the help screen on standard output."""
    from rich.console import Group

    from ..terminal import console

    console().print(Group(*screen(command, ctx)))
