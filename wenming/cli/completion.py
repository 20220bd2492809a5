"""`wenming completion`: the shell script that completes commands, options and ledger names."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from .app import Command, command_app

cli = command_app()


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@cli.command(cls=Command)
def completion(
    ctx: typer.Context,
    shell: Annotated[
        Shell, typer.Argument(metavar="SHELL", help="bash、zsh 或 fish", show_default=False)
    ],
) -> None:
    """输出命令补全脚本：按 Tab 补全命令、选项，以及台账中的任务编号、单位、活动类型和记录编号。

    安装只需一次，之后新开的终端生效：

    bash：wenming completion bash > ~/.local/share/bash-completion/completions/wenming

    zsh：在 ~/.zshrc 中加一行 eval "$(wenming completion zsh)"

    fish：wenming completion fish > ~/.config/fish/completions/wenming.fish
    """
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell.value)
    if complete is None:  # click ships all three; a guard, not a path users take
        raise typer.BadParameter(shell.value, param_hint="SHELL")
    root = ctx.find_root().command
    typer.echo(complete(root, {}, "wenming", "_WENMING_COMPLETE").source())
