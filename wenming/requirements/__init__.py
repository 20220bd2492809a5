"""The requirement kinds, one module each (`count.py` … `evidence_set.py`), and their registry.

Each module parses, checks, evaluates and describes its kind and defines it as `KIND`. The
registry is built from the `Requirement` union of model.py: every member names its module by
its `kind`, so a new kind is its model class, its module and its tests; parse.py, checks.py,
status.py and the cache look kinds up here and never list them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any, get_args

from ..errors import Problem
from ..model import Plan, Requirement
from .base import Context, Kind, RequirementProgress


def _load() -> dict[str, Kind[Any]]:
    kinds: dict[str, Kind[Any]] = {}
    for model in get_args(Requirement):
        name = model.kind  # the class default of its `kind: Literal[...]` field
        try:
            kind = import_module(f"{__name__}.{name}").KIND
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise ImportError(
                f"{model.__name__} has no module wenming/requirements/{name}.py"
            ) from exc
        if kind.name != name or kind.model is not model:
            raise TypeError(f"wenming.requirements.{name}.KIND is not the kind of {model.__name__}")
        kinds[name] = kind
    return kinds


# In the union's order, which is also the order the plan's “kind” choices are listed in.
KINDS: dict[str, Kind[Any]] = _load()
MODELS: tuple[type, ...] = tuple(kind.model for kind in KINDS.values())
# Looked up once per requirement of every task on each `status`: a plain dict of functions.
_EVALUATE: dict[str, Callable[[Context, Any], RequirementProgress]] = {
    name: kind.evaluate for name, kind in KINDS.items()
}


def evaluate(ctx: Context, req: Requirement) -> RequirementProgress:
    """How far `req` has got with the task's activities in `ctx`."""
    return _EVALUATE[req.kind](ctx, req)


def describe(req: Requirement, plan: Plan) -> str:
    """The requirement in Chinese words, e.g. “支委会每月至少1次”."""
    return KINDS[req.kind].describe(req, plan)


def check(plan: Plan, req: Requirement) -> Iterable[Problem]:
    """The problems of the kind's own fields (the common `type:` is checked by checks.py)."""
    return KINDS[req.kind].check(plan, req)


__all__ = ["KINDS", "MODELS", "Context", "Kind", "check", "describe", "evaluate"]
