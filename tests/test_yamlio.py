"""The YAML dialect: line marks, ids kept as written, hostile documents refused, a readable dump."""

from __future__ import annotations

import pytest
import yaml

from wenming import yamlio
from wenming.parse import as_id


def test_the_c_loader_is_used_when_available() -> None:
    assert vars(yamlio)["_BaseLoader"] is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_lines_of_keys_and_items() -> None:
    data, problems = yamlio.parse_text("a: 1\nb:\n  - x\n  - y\n", "t.yaml")
    assert problems == []
    assert data.line_of("a") == 1 and data.line_of("b") == 2
    assert data["b"].item_lines == [3, 4]


def test_task_ids_keep_their_spelling() -> None:
    data, _ = yamlio.parse_text("tasks: [6.10, 7, '3.1']\n", "t.yaml")
    assert [as_id(v) for v in data["tasks"]] == ["6.10", "7", "3.1"]


def test_dates_stay_text_for_the_model_to_validate() -> None:
    data, problems = yamlio.parse_text("date: 2022-02-30\n", "t.yaml")
    assert problems == [] and data["date"] == "2022-02-30"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    data, problems = yamlio.parse_text("\n".join(lines), "bomb.yaml")
    assert data is None
    assert [p.rule for p in problems] == ["yaml-too-complex"]


def test_deep_nesting_is_refused() -> None:
    data, problems = yamlio.parse_text("a: " + "[" * 100 + "]" * 100, "deep.yaml")
    assert data is None and [p.rule for p in problems] == ["yaml-too-complex"]


def test_dump_is_readable_and_loads_back() -> None:
    record = {"title": "学雷锋志愿服务", "summary": "第一行\n第二行\n", "tasks": ["7.1"]}
    text = yamlio.dump(record)
    assert "学雷锋志愿服务" in text
    assert "summary: |\n  第一行\n  第二行\n" in text
    assert list(yaml.safe_load(text)) == ["title", "summary", "tasks"]
    assert yaml.safe_load(text) == record


def test_gbk_is_named_with_a_conversion_command() -> None:
    text, problems = yamlio.decode("标题: 测试\n".encode("gbk"), "r.yaml")
    assert text is None
    (problem,) = problems
    assert problem.rule == "encoding" and "GBK" in problem.message and "iconv" in problem.hint


@pytest.mark.parametrize("char", ["\x1b", "\x80", "\x9f", "\ufffe", "\uffff"])
def test_control_characters_in_the_text_are_named_not_yaml_syntax(char: str) -> None:
    text, problems = yamlio.decode(f"a: 1\nb: x{char}y\n".encode(), "r.yaml")
    assert text is None
    assert [(p.source.line, p.rule) for p in problems] == [(2, "control-character")]
