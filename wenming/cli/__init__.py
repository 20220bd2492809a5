"""The `wenming` command line: one module per command, registered on one Typer app."""

from __future__ import annotations

from . import add as add
from . import check as check
from . import export as export
from . import init as init
from . import plan as plan
from . import status as status
from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
