"""The Rich console every screen is drawn on: colour on a terminal only, never under NO_COLOR."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def console(file: TextIO | None = None) -> Console:
    """A console on `file` (standard output by default) that does not guess at markup or emoji."""
    from rich.console import Console

    out = file or sys.stdout
    no_color = bool(os.environ.get("NO_COLOR")) or not out.isatty()
    return Console(file=out, no_color=no_color, highlight=False, emoji=False)
