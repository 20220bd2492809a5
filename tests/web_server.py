"""Helpers for the `wenming serve` tests: a ledger repository and the real server on a port."""

from __future__ import annotations

import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from conftest import GIT_ENV, MINI_LEDGER, git

from wenming.web.app import Settings, cleanup, create_app
from wenming.web.server import bind

TODAY = date(2022, 6, 30)


def ledger_repo(base: Path) -> Path:
    """The mini ledger as a git repository whose own config names the committer."""
    root = base / "台账"
    shutil.copytree(MINI_LEDGER, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    git(root, "config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


@contextmanager
def serving(
    tmp_path_factory: pytest.TempPathFactory, password: str | None = None
) -> Iterator[tuple[str, Path]]:
    """The real server on a free loopback port over a fresh ledger: (base URL, ledger root)."""
    base = tmp_path_factory.mktemp("web")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(base))  # no user git config
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root = ledger_repo(base)
        app = create_app(Settings(root, password=password, today=lambda: TODAY))
        server = bind(app, "127.0.0.1", 0, app.config["MAX_CONTENT_LENGTH"])
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.port}", root
        finally:
            server.close()
            cleanup(app)


def records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.yaml"))


def log(root: Path, *args: str) -> str:
    return git(root, "-c", "core.quotepath=off", "log", *args)


def session(url: str) -> tuple[urllib.request.OpenerDirector, str, str]:
    """A cookie-keeping client that has opened the form: (opener, CSRF token, staging id)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    html = opener.open(url + "/add").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    stage = re.search(r'name="stage" value="([^"]+)"', html)
    assert csrf and stage
    return opener, csrf.group(1), stage.group(1)


def post(
    opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]
) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(url, data=data) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
