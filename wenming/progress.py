"""How a long job reports progress to whoever shows it, without knowing who that is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Tick = Callable[[int], None]  # called with the number of steps just done
# Given a total and a label, a context yielding a tick function (or None): a front end's bar.
ProgressFactory = Callable[[int, str], AbstractContextManager[Tick | None]]


@contextmanager
def no_progress(total: int, label: str) -> Iterator[Tick | None]:
    """Nobody is watching."""
    yield None
