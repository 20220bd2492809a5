"""`wenming serve`: start the local web pages over the ledger and say where they are."""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Annotated

import typer

from .app import Command, command_app, ledger_root, use_cache

cli = command_app()

PASSWORD_ENV = "WENMING_SERVE_PASSWORD"


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@cli.command(cls=Command)
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option("--host", help="监听的地址；127.0.0.1 只允许本机访问，其他地址需要访问密码"),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="端口")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="启动后在浏览器中打开")] = False,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help=f"访问密码（也可用环境变量 {PASSWORD_ENV}）；对本机以外开放而未设置时自动生成",
        ),
    ] = None,
    upload_limit: Annotated[
        int, typer.Option("--upload-limit", min=1, max=2048, help="每个上传文件的上限（MB）")
    ] = 50,
) -> None:
    """在浏览器中使用台账：看进度、登记和修改活动、下载导出的台账。

    网页中的每次登记、修改、删除都像 wenming add、edit、rm 一样检查、写入并提交到 git。
    默认只允许本机访问（http://127.0.0.1:8000）。用 --host 0.0.0.0 让同一网络的同事访问时，
    需要访问密码：用 --password 指定，或由程序生成并显示。按 Ctrl-C 停止。
    """
    # Imported here: only `serve` loads the web framework and its server.
    from ..web.app import Settings, cleanup, create_app
    from ..web.server import bind, is_loopback, new_password

    root = ledger_root(ctx)
    secret = password or os.environ.get(PASSWORD_ENV) or None
    generated = False
    if not is_loopback(host) and not secret:
        secret, generated = new_password(), True
    app = create_app(Settings(root, secret, upload_limit * 1024 * 1024, use_cache=use_cache(ctx)))
    server = bind(app, host, port, app.config["MAX_CONTENT_LENGTH"])
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{shown if ':' not in shown else f'[{shown}]'}:{server.port if port == 0 else port}/"
    typer.echo(f"台账：{root}")
    typer.echo(f"网页地址：{url}")
    if secret:
        typer.echo(f"访问密码：{secret}" + ("（自动生成，本次有效）" if generated else ""))
        typer.echo(f"带密码的地址：{url}?token={secret}")
    if not is_loopback(host):
        typer.echo("注意：同一网络中的其他电脑也能访问这个地址，请只把密码告诉需要的同事。")
    typer.echo("按 Ctrl-C 停止。")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    # A service manager stops the server with SIGTERM: end the loop the way Ctrl-C does, so
    # the uploads waiting in the staging folder are removed too.
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()  # waitress ends its loop on Ctrl-C itself
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        cleanup(app)
    typer.echo("已停止。")
