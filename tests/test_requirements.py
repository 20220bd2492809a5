"""The requirement kinds' registry: every model class has its module, and every kind is read,
cached and documented without being listed anywhere else."""

from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from wenming import requirements, yamlio
from wenming.cache import decode_plan, encode_plan
from wenming.errors import Source
from wenming.model import CountReq, Plan, Requirement, Section, Task
from wenming.parse import parse_plan
from wenming.requirements import KINDS, MODELS

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "wenming" / "requirements"


def test_the_registry_has_a_module_for_every_requirement_class() -> None:
    union = get_args(Requirement)
    assert union == MODELS  # in the union's order, each once
    assert list(KINDS) == [model.kind for model in union]
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "base"}
    assert modules == set(KINDS)  # no module left out of the union either
    for name, kind in KINDS.items():
        assert kind.name == name
        assert not set(kind.required) & set(kind.optional)
        assert not {*kind.required, *kind.optional} & {"kind", "name", "note", "type"}


@dataclass(frozen=True, kw_only=True)
class WeeklyReq(CountReq):  # a model class added to the union without its module
    kind: Literal["weekly"] = "weekly"  # type: ignore[assignment]


def test_a_requirement_class_without_its_module_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requirements, "Requirement", Requirement | WeeklyReq)
    with pytest.raises(
        ImportError, match=r"WeeklyReq has no module wenming/requirements/weekly\.py"
    ):
        requirements._load()


def _value(name: str, hint: Any) -> Any:
    """A value of the field's type that differs from its default, so a lost field shows."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        return args[-1]
    if origin is Union or (origin is not None and type(None) in args):
        return _value(name, next(a for a in args if a is not type(None)))
    if origin is tuple:
        return (f"{name}一", f"{name}二")
    if hint is Source:
        return Source("plan/2022.yaml", 40)
    if hint is str:
        return f"{name}值"
    if hint is bool:
        return True
    if hint is int:
        return 3
    if hint is float:
        return 2.5
    if hint is date:
        return date(2022, 6, 30)
    raise AssertionError(f"no sample value for {name}: {hint!r}; extend _value")


def _sample(model: type) -> Requirement:
    hints = get_type_hints(model)
    return model(**{f.name: _value(f.name, hints[f.name]) for f in fields(model)})  # type: ignore[no-any-return]


def test_a_plan_with_every_kind_round_trips_through_the_cache() -> None:
    requirements = tuple(_sample(kind.model) for kind in KINDS.values())
    assert {req.kind for req in requirements} == set(KINDS)
    task = Task(
        "1.1", "1", "任务", "正文", Source("plan/2022.yaml", 30), ("办公室",), (), (), requirements
    )
    section = Section("1", "章节", Source("plan/2022.yaml", 20), (task,))
    plan = Plan(
        2022, "计划", "单位", date(2022, 1, 1), date(2022, 12, 31), Source("plan/2022.yaml", 2),
        sections=(section,),
    )  # fmt: skip
    festivals = {2022: {"中秋": date(2022, 9, 10)}}
    row = marshal.loads(marshal.dumps(encode_plan((plan, []), festivals)))
    back, problems, days = decode_plan("plan/2022.yaml", row)
    assert back == plan
    assert back is not None and back.tasks["1.1"].requirements == requirements
    assert problems == [] and days == festivals


PLAN = """\
schema_version: 1
year: 2022
title: 计划
organisation: 单位
period: {start: 2022-01-01, end: 2022-12-31}
units: [{name: 办公室}]
sections:
  - id: "1"
    title: 章节
    tasks:
      - id: "1"
        title: 任务
        text: 正文
        lead: [办公室]
        requirements:
          - kind: %s
            bogus: 1
"""


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_is_read_with_its_own_keys(name: str) -> None:
    kind = KINDS[name]
    data, _ = yamlio.parse_text(PLAN % name, "plan/2022.yaml")
    _, problems = parse_plan(data, "plan/2022.yaml")
    allowed = ("kind", *kind.required, "name", "note", "type", *kind.optional)
    unknown = [p for p in problems if p.rule == "unknown-key"]
    assert [p.message for p in unknown] == [f"要求（{name}）中有未知的键“bogus”"]
    assert unknown[0].hint.endswith(f"要求（{name}）可用的键：{'、'.join(allowed)}")
    missing = [p.message for p in problems if p.rule == "missing-field"]
    assert missing == [f"要求（{name}）缺少必填项“{key}”" for key in kind.required]


def test_an_unknown_kind_lists_every_registered_one() -> None:
    data, _ = yamlio.parse_text(
        PLAN.replace("            bogus: 1\n", "") % "weekly", "plan/2022.yaml"
    )
    _, problems = parse_plan(data, "plan/2022.yaml")
    (problem,) = problems
    assert problem.rule == "bad-value" and problem.hint == f"可选：{'、'.join(KINDS)}"


def test_every_kind_and_its_keys_are_in_the_data_format_table() -> None:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    for name, kind in KINDS.items():
        (row,) = re.findall(rf"^\| `{name}` \|.*$", text, re.MULTILINE)
        for key in (*kind.required, *kind.optional):
            assert f"`{key}`" in row, (name, key)
