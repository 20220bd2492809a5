"""Progress bars: a Rich bar on a terminal for long steps, nothing at all otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..progress import Tick

PROGRESS_FROM = 2000  # items; smaller jobs finish before a bar would be seen


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Tick | None]:
    """Yield a function that advances the bar by n, or None when no bar is shown."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
