"""The production server under the web pages (waitress, the only module that imports it)."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any

from waitress.server import create_server

THREADS = 24  # more than the browsers that may submit at once; commits queue on one lock


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_password() -> str:
    """An access password to print when the server listens beyond this machine."""
    return secrets.token_urlsafe(12)


@dataclass
class Server:
    """A started (bound) server: its port, `run()` to serve until `close()`."""

    inner: Any

    @property
    def port(self) -> int:
        return int(self.inner.effective_port)

    def run(self) -> None:
        self.inner.run()

    def close(self) -> None:
        self.inner.close()


def bind(app: Any, host: str, port: int, body_limit: int) -> Server:
    """Bind `app` to host:port (0 picks a free port) without serving yet."""
    return Server(
        create_server(
            app,
            host=host,
            port=port,
            threads=THREADS,
            max_request_body_size=body_limit,
            ident="wenming",
            clear_untrusted_proxy_headers=True,
        )
    )
