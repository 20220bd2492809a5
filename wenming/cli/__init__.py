"""The `wenming` command line: one module per command, each built only when it runs."""

from __future__ import annotations

from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
