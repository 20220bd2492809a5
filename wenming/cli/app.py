"""The Typer application: Chinese help, global options and the one error boundary."""

from __future__ import annotations

import errno
import importlib
import io
import os
import re
import sys
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from click import exceptions as _click_exc
from click.core import Command as ClickCommand
from click.core import Context
from click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from ..errors import WenmingError

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
CANCELLED = "已取消，未做任何修改"


class Declined(typer.Abort):
    """The user answered “n” at a confirmation: nothing was done, and the line is complete."""


_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EFBIG: "文件过大",
    errno.EROFS: "文件系统是只读的", errno.EACCES: "没有权限", errno.EPERM: "不允许的操作",
    errno.ENOENT: "文件或文件夹不存在", errno.EISDIR: "这是一个文件夹", errno.EIO: "读写错误",
}  # fmt: skip
DEBUG_ENV = "WENMING_DEBUG"


_USAGE_MESSAGES = (
    (
        re.compile(r"No such command '(.+?)'\. Did you mean (.+)\?"),
        "没有这个命令：{0}（是不是 {1}？）",
    ),
    (re.compile(r"No such command '(.+?)'\."), "没有这个命令：{0}"),
    (re.compile(r"Got unexpected extra argument\(s\) \((.+)\)"), "多余的参数：{0}"),
    (re.compile(r"Missing command\."), "缺少命令"),
)


_VALUE_MESSAGES = (
    (re.compile(r"'(.*)' is not one of (.+)\.$"), "“{0}”不是可选的值，可选：{1}"),
    (re.compile(r"'(.*)' is not a valid integer( range)?\.$"), "“{0}”不是整数"),
    (re.compile(r"'(.*)' is not a valid float( range)?\.$"), "“{0}”不是数字"),
    (re.compile(r"(.+) is not in the range (.+)\.$"), "{0} 不在允许的范围 {1} 内"),
)


def _translate_value(message: str) -> str:
    for pattern, chinese in _VALUE_MESSAGES:
        match = pattern.match(message)
        if match:
            return chinese.format(*match.groups())
    return message


def _translate(message: str) -> str:
    for pattern, chinese in _USAGE_MESSAGES:
        match = pattern.match(message)
        if match:
            return chinese.format(*match.groups())
    return f"用法错误：{message}"


class _Chinese:
    """Chinese help, drawn by `helptext`, for commands and groups alike."""

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        from .helptext import show

        show(self, ctx)  # type: ignore[arg-type]


class Command(_Chinese, TyperCommand):
    pass


class Group(_Chinese, TyperGroup):
    def _main_shell_completion(
        self, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None = None
    ) -> None:
        """Answer a shell's completion request (`_WENMING_COMPLETE=bash_complete` and the like)
        as click's scripts ask it; Typer's own handler expects its own, older spelling."""
        variable = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        instruction = os.environ.get(variable)
        if instruction:
            from click.shell_completion import shell_complete

            sys.exit(shell_complete(self, ctx_args, prog_name, variable, instruction))

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _lenient_output()
        try:
            result = super().main(
                args=args,
                prog_name=prog_name or "wenming",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except WenmingError as exc:
            code = report_error(exc.message, exc.hint, exc.exit_code)
        except _click_exc.NoSuchOption as exc:
            hint = f"是不是 {'、'.join(sorted(exc.possibilities))}？" if exc.possibilities else ""
            code = _usage(f"没有这个选项：{exc.option_name}", hint, exc.ctx)
        except _click_exc.MissingParameter as exc:
            name = exc.param.get_error_hint(exc.ctx) if exc.param else ""
            code = _usage(f"缺少必填的参数 {name}", "", exc.ctx)
        except _click_exc.BadParameter as exc:
            given = exc.param_hint or (exc.param.get_error_hint(exc.ctx) if exc.param else "")
            name = given if isinstance(given, str) else " / ".join(given)
            code = _usage(f"{name} 的值无效：{_translate_value(exc.message)}", "", exc.ctx)
        except _click_exc.NoArgsIsHelpError as exc:
            # A bare `wenming` (or `wenming plan`) shows its help, which Typer has already drawn.
            if exc.message.strip():
                typer.echo(exc.message, err=True)
            code = EXIT_USAGE
        except _click_exc.UsageError as exc:
            code = _usage(_translate(exc.message), "", exc.ctx)
        except (typer.Abort, KeyboardInterrupt) as exc:
            # Not an error: the user stopped. Ctrl-C leaves the cursor after a prompt, so the
            # message starts a line of its own (declining at a prompt has ended its line).
            typer.echo(("" if isinstance(exc, Declined) else "\n") + CANCELLED, err=True)
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            code = 0
        except OSError as exc:
            where = f"：{exc.filename}" if exc.filename else ""
            reason = _OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
            code = report_error(
                f"文件操作失败（{reason}）{where}", "检查路径、权限和磁盘空间；未完成的文件已清理"
            )
        except Exception as exc:
            # A bug of ours: still one line for the user; the traceback only on request.
            if os.environ.get(DEBUG_ENV):
                raise
            code = report_error(
                f"内部错误：{type(exc).__name__}: {exc}",
                f"这是 wenming 的缺陷，请连同所用命令一起报告；设置环境变量 {DEBUG_ENV}=1 可显示详细信息",
                EXIT_INTERNAL,
            )
        if standalone_mode:
            sys.exit(code)
        return code


def _lenient_output() -> None:
    """Show “?” for what the console cannot encode (an emoji on a GBK console) instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


# The subcommands in the order help lists them; each lives in the module of the same name
# (with `_` for `-`).
COMMANDS = (
    "add", "list", "show", "edit", "rm", "incident", "check", "status", "export", "serve", "init",
    "plan", "roll-up", "completion",
)  # fmt: skip


class _Commands(MutableMapping[str, ClickCommand]):
    """`Root`'s subcommands: every name is listed, each built the first time it is looked up."""

    def __init__(self, names: Sequence[str]) -> None:
        self._names = list(names)
        self._built: dict[str, ClickCommand] = {}

    def typer_app(self, name: str) -> typer.Typer:
        """The command's definition, not yet built into a click command."""
        if name not in self._names:
            raise KeyError(name)
        module = name.replace("-", "_")  # `roll-up` lives in roll_up.py
        return importlib.import_module(f"{__package__}.{module}").cli  # type: ignore[no-any-return]

    def __getitem__(self, name: str) -> ClickCommand:
        if name not in self._built:
            self._built[name] = typer.main.get_command(self.typer_app(name))
        return self._built[name]

    def summary(self, name: str) -> str:
        """The command's help, read from its definition without building the command."""
        if name in self._built:
            return self._built[name].help or ""
        definition = self.typer_app(name)
        callback = (
            definition.registered_callback.callback
            if definition.registered_callback
            else definition.registered_commands[0].callback
        )
        return (callback.__doc__ if callback else None) or ""

    def __setitem__(self, name: str, command: ClickCommand) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Root(Group):
    """The `wenming` group: imports and builds only the subcommand a run uses.

    Building a command (Typer reads its whole signature) costs start-up time that other
    commands should not pay; help lists them from their docstrings without building them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: _Commands = _Commands(COMMANDS)

    def summaries(self, ctx: Context) -> list[tuple[str, str]]:
        """Each command's name and help, as the help screen lists them."""
        return [(name, self.commands.summary(name)) for name in self.list_commands(ctx)]


def command_app(**settings: Any) -> typer.Typer:
    """The Typer holding one subcommand (or, with a callback, one group) for `Root` to build."""
    return typer.Typer(add_completion=False, rich_markup_mode="rich", **settings)


def note_errors(count: int, where: str, effect: str) -> None:
    """Say, before the output, that reading the ledger met errors and what that means for it.

    Only what reading finds is counted (a file that cannot be parsed, a bad field): the command
    does not run every check, so `wenming check` may find more, as the message says.
    """
    if count:
        typer.echo(
            f"注意：读取{where}时发现 {count} 个错误，{effect}；"
            "请运行 wenming check 查看全部问题。",
            err=True,
        )


def report_error(message: str, hint: str = "", code: int = EXIT_PROBLEMS) -> int:
    typer.echo(f"错误：{message}", err=True)
    if hint:
        typer.echo(f"  提示：{hint}", err=True)
    return code


def _usage(message: str, hint: str, ctx: Context | None) -> int:
    path = ctx.command_path if ctx else "wenming"
    return report_error(
        message, (hint + " " if hint else "") + f"运行 {path} --help 查看用法", EXIT_USAGE
    )


@dataclass(frozen=True)
class Options:
    """The global options, passed to every command through the click context."""

    repo: Path | None
    use_cache: bool = True


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wenming {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=Root,
    name="wenming",
    help="文明单位创建工作台账：计划、活动记录与佐证材料，以 YAML 文件保存在 git 中。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    ctx: typer.Context,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            help="台账根目录（默认从当前目录向上查找含 plan/ 的目录）",
            envvar="WENMING_REPO",
            show_envvar=True,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="不使用本机的读取缓存（结果相同，只是更慢）"),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本号并退出", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """文明单位创建工作台账：计划、活动记录与佐证材料，以 YAML 文件保存在 git 中。"""
    ctx.obj = Options(repo=repo, use_cache=not no_cache)


def date_option(text: str | None, option: str) -> date | None:
    """An option's date in any spelling people type; a bad one is a usage error naming the option."""
    from ..dates import DateError, parse_loose

    if text is None:
        return None
    try:
        return parse_loose(text)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


Completed = Callable[[typer.Context, str], list[tuple[str, str]]]


def completer(what: str) -> Completed:
    """A shell-completion callback offering the ledger's `what` (see commands/complete.py)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from ..commands.complete import completions

        repo = ctx.find_root().params.get("repo") or os.environ.get("WENMING_REPO")
        try:
            return completions(Path(repo) if repo else None, what, incomplete)  # type: ignore[arg-type]
        except Exception:
            return []

    return complete


# `--year` as the reading commands take it.
PlanYear = Annotated[
    int | None,
    typer.Option(
        "--year", help="计划年份（默认为覆盖今天的计划）", autocompletion=completer("year")
    ),
]


# The fields of a record as `add` and `edit` take them (the same option, the same words).
ActivityType = Annotated[
    str | None,
    typer.Option(
        "--type",
        metavar="类型",
        help="活动类型（计划 activity_types 之一）",
        autocompletion=completer("type"),
    ),
]
OrganisingUnit = Annotated[
    str | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="单位",
        help="组织单位（计划 units 之一）",
        autocompletion=completer("unit"),
    ),
]
Participants = Annotated[
    int | None, typer.Option("--participants", "-n", metavar="人数", min=0, help="参与人数")
]


def use_cache(ctx: typer.Context) -> bool:
    options = ctx.find_object(Options)
    return options.use_cache if options else True


def ledger_root(ctx: typer.Context) -> Path:
    from ..ledger import find_root

    options = ctx.find_object(Options)
    return find_root(options.repo if options else None, Path.cwd())
