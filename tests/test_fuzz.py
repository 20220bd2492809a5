"""Property tests: whatever bytes or YAML a file holds, loading and checking end in problems, never
a crash; an edit known to break a record or plan gives an error, one known to keep it valid none."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wenming import yamlio
from wenming.checks import check_plan, check_record
from wenming.commands.check import validate
from wenming.errors import Problem, Severity
from wenming.ledger import load
from wenming.model import MAX_PARTICIPANTS, Plan, Record
from wenming.parse import (
    RECORD_OPTIONAL,
    RECORD_REQUIRED,
    parse_plan,
    parse_record,
)
from wenming.rules import RULES
from wenming.status import evaluate

CASES = Path(__file__).parent / "cases"
RECORD = yaml.safe_load(
    (CASES / "ledger/records/2022/20220305-学雷锋志愿服务进社区-0001.yaml").read_text(
        encoding="utf-8"
    )
)
PLAN_TEXT = (CASES / "ledger/plan/2022.yaml").read_text(encoding="utf-8")


def _parsed_plan() -> Plan:
    plan, problems = parse_plan(yamlio.parse_text(PLAN_TEXT, "plan/2022.yaml")[0], "plan/2022.yaml")
    assert plan is not None and problems == []
    return plan


PLAN = _parsed_plan()
RECORDS = load(CASES / "ledger", use_cache=False).records
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def _assert_well_formed(problems: list[Problem], rel: str) -> None:
    for problem in problems:
        assert problem.source.path == rel
        assert problem.source.line >= 0
        assert problem.rule in RULES, problem
        assert problem.message


def _load_record(text: str) -> tuple[Record | None, list[Problem]]:
    """The record a file's text gives (None: left out) and every problem found on the way."""
    rel = "records/2022/fuzz.yaml"
    data, problems = yamlio.parse_text(text, rel)
    _assert_well_formed(problems, rel)
    if problems and data is None:
        return None, problems
    record, more = parse_record(data, rel, "fuzz", 2022)
    _assert_well_formed(more, rel)
    problems += more
    if record is None:
        assert _errors(more), "a record left out must say why"
        return None, problems
    checked = list(check_record(record, PLAN, {}))
    _assert_well_formed(checked, rel)
    return record, problems + checked


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    text, problems = yamlio.decode(data, "records/2022/fuzz.yaml")
    _assert_well_formed(problems, "records/2022/fuzz.yaml")
    if text is not None:
        _load_record(text)


@FUZZ
@given(documents)
def test_arbitrary_yaml_documents_never_crash(document: Any) -> None:
    _load_record(yaml.safe_dump(document, allow_unicode=True))
    rel = "plan/2022.yaml"
    data, _ = yamlio.parse_text(yaml.safe_dump(document, allow_unicode=True), rel)
    if data is not None:
        _assert_well_formed(parse_plan(data, rel)[1], rel)


keys = st.sampled_from(sorted(RECORD))
mutations = st.one_of(
    st.tuples(st.just("drop"), keys, st.none()),
    st.tuples(st.just("rename"), keys, st.text(min_size=1, max_size=8)),
    st.tuples(st.just("retype"), keys, documents),
)


def _mutate(edits: list[tuple[str, str, Any]], original: dict[str, Any] = RECORD) -> dict[str, Any]:
    mutated = dict(original)
    for action, key, value in edits:
        if key not in mutated:
            continue
        if action == "drop":
            del mutated[key]
        elif action == "rename":
            mutated[value] = mutated.pop(key)
        else:
            mutated[key] = value
    return mutated


@FUZZ
@given(st.lists(mutations, min_size=1, max_size=4))
def test_arbitrarily_mutated_records_never_crash(edits: list[tuple[str, str, Any]]) -> None:
    _load_record(yaml.safe_dump(_mutate(edits), allow_unicode=True))


# Edits each known to break a document, and edits known to keep it valid: words that are plain
# text in YAML, numbers in range, dates in the plan's period.
words = st.text(alphabet=st.sampled_from("志愿服务社区文明创建活动abcXYZ"), min_size=1, max_size=12)
not_text = st.one_of(st.none(), st.booleans(), st.just(""), st.just("  "), st.lists(words, max_size=2), st.dictionaries(words, words, max_size=2))  # fmt: skip


def _unknown_names(allowed: set[str]) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=8).filter(lambda name: name not in allowed)


RECORD_KEYS = set(RECORD_REQUIRED) | set(RECORD_OPTIONAL)
breaking_record_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(RECORD_REQUIRED), st.none()),
    st.tuples(st.just("rename"), keys, _unknown_names(RECORD_KEYS)),
    st.tuples(st.just("retype"), st.sampled_from(["type", "title", "unit"]), not_text),
    st.tuples(
        st.just("retype"),
        st.just("participants"),
        st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_PARTICIPANTS + 1), not_text.filter(lambda v: v is not None)),
    ),
    st.tuples(
        st.just("retype"),
        st.just("date"),
        st.one_of(st.just("2022-02-30"), words, st.integers(), st.dates().filter(lambda d: d.year != 2022), st.lists(words, max_size=2)),
    ),
    st.tuples(st.just("retype"), st.just("tasks"), st.sampled_from([None, [], ["99.9"], [[]], [{}]])),
)  # fmt: skip
keeping_record_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(RECORD_OPTIONAL), st.none()),
    st.tuples(st.just("retype"), st.sampled_from(["title", "place", "summary"]), words),
    st.tuples(st.just("retype"), st.just("participants"), st.integers(0, MAX_PARTICIPANTS)),
    st.tuples(st.just("retype"), st.just("date"), st.dates(date(2022, 1, 1), date(2022, 12, 31))),
)


def _key(edit: tuple[str, str, Any]) -> str:
    return edit[1]


@FUZZ
@given(
    st.lists(breaking_record_edits, min_size=1, max_size=3, unique_by=_key),
    st.lists(keeping_record_edits, max_size=3, unique_by=_key),
)
def test_mutated_records_end_in_problems(
    breaking: list[tuple[str, str, Any]], keeping: list[tuple[str, str, Any]]
) -> None:
    touched = {key for _, key, _ in breaking}
    edits = breaking + [edit for edit in keeping if edit[1] not in touched]
    _record, problems = _load_record(yaml.safe_dump(_mutate(edits), allow_unicode=True))
    assert _errors(problems), edits


@FUZZ
@given(st.lists(keeping_record_edits, min_size=1, max_size=4, unique_by=_key))
def test_records_mutated_within_the_rules_have_no_problems(
    edits: list[tuple[str, str, Any]],
) -> None:
    record, problems = _load_record(yaml.safe_dump(_mutate(edits), allow_unicode=True))
    assert problems == [] and record is not None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(mutations, min_size=1, max_size=3))
def test_mutated_record_in_a_real_ledger(tmp_path: Path, edits: list[tuple[str, str, Any]]) -> None:
    root = tmp_path / "ledger"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(CASES / "ledger", root)
    text = yaml.safe_dump(_mutate(edits), allow_unicode=True)
    (root / "records/2022/变异.yaml").write_text(text, encoding="utf-8")
    problems = validate(root, use_cache=False)
    assert all(p.source.path.startswith(("records/", "plan/")) for p in problems)
    assert len(load(root, use_cache=False).records) in (1, 2)


text_values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
)


@settings(max_examples=100, deadline=None)
@given(
    title=text_values.filter(lambda t: t.strip() and "\n" not in t and "\r" not in t),
    summary=text_values,
    place=text_values.filter(lambda t: "\n" not in t and "\r" not in t),
    participants=st.none() | st.integers(min_value=0, max_value=100_000),
    hours=st.none() | st.floats(min_value=0, max_value=10_000, allow_nan=False),
    extra=st.dictionaries(st.sampled_from(["主讲人", "主持人", "备注"]), text_values, max_size=3),
)
def test_a_record_written_by_add_reads_back_equal(
    title: str, summary: str, place: str, participants: int | None, hours: float | None,
    extra: dict[str, str],
) -> None:  # fmt: skip
    """Whatever a person types, the YAML `add` writes loads back to the same record."""
    from wenming.record import Draft, prepare

    draft = Draft(
        date=date(2022, 3, 5), tasks=("7.1",), type="学雷锋志愿服务", title=title, unit="团委",
        place=place, participants=participants, summary=summary, extra=extra,
        figures={} if hours is None else {"志愿服务时长": hours},
    )  # fmt: skip
    try:
        prepared = prepare(CASES / "ledger", PLAN, draft)
    except Exception as exc:  # a refusal must be a clear user error, never a crash
        from wenming.errors import WenmingError

        assert isinstance(exc, WenmingError), exc
        return
    data, problems = yamlio.parse_text(prepared.text, prepared.rel)
    assert problems == []
    again, problems = parse_record(data, prepared.rel, prepared.record_id, 2022)
    assert problems == []
    assert again == prepared.record
    tidy = prepared.draft
    assert (again.title, again.place) == (tidy.title, tidy.place)
    # A summary is stored as a block of text, which ends with a newline.
    assert again.summary == (tidy.summary + "\n" if tidy.summary else "")
    assert again.participants == participants
    assert dict(again.extra) == dict(tidy.extra)
    assert dict(again.figures) == ({} if hours is None else {"志愿服务时长": hours})


PLAN_DATA = yaml.safe_load(PLAN_TEXT)
plan_keys = st.sampled_from(sorted(PLAN_DATA))
task_keys = st.sampled_from(sorted(PLAN_DATA["sections"][2]["tasks"][0]))
requirement_keys = st.sampled_from(
    ["kind", "field", "aggregate", "op", "target", "per_fact", "unit"]
)


Edit = tuple[str, str, Any]


def _mutated_plan(top: list[Edit], task: list[Edit], req: list[Edit]) -> dict[str, Any]:
    """The test plan with edits to its top level, to task 7.1 and to 7.1's metric."""
    plan: dict[str, Any] = copy.deepcopy(PLAN_DATA)
    target_task = plan["sections"][2]["tasks"][0]  # 7.1, with a metric and a fixed date
    for mapping, edits in ((plan, top), (target_task, task), (target_task["requirements"][0], req)):
        for action, key, value in edits:
            if key not in mapping:
                continue
            if action == "drop":
                del mapping[key]
            elif action == "rename":
                mapping[str(value)[:8] or "x"] = mapping.pop(key)
            else:
                mapping[key] = value
    return plan


def _load_plan(document: dict[str, Any]) -> tuple[Plan | None, list[Problem]]:
    """The plan a document gives (None: refused) and every problem found; a plan without
    problems is evaluated against the test ledger's records."""
    rel = "plan/2022.yaml"
    data, problems = yamlio.parse_text(yaml.safe_dump(document, allow_unicode=True), rel)
    _assert_well_formed(problems, rel)
    if problems and data is None:
        return None, problems
    parsed, more = parse_plan(data, rel)
    _assert_well_formed(more, rel)
    problems += more
    if parsed is None:
        assert _errors(more), "a plan refused must say why"
        return None, problems
    checked = list(check_plan(parsed))
    _assert_well_formed(checked, rel)
    problems += checked
    if not problems:
        evaluate(parsed, RECORDS, date(2022, 12, 31)).to_dict()
    return parsed, problems


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["drop", "rename", "retype"]), plan_keys, documents), max_size=2
    ),
    st.lists(
        st.tuples(st.sampled_from(["drop", "rename", "retype"]), task_keys, documents), max_size=3
    ),
    st.lists(
        st.tuples(st.sampled_from(["drop", "retype"]), requirement_keys, documents), max_size=3
    ),
)
def test_arbitrarily_mutated_plans_never_crash(
    top: list[Edit], task: list[Edit], req: list[Edit]
) -> None:
    _load_plan(_mutated_plan(top, task, req))


# The plan's keys as docs/data-format.md describes them.
PLAN_REQUIRED = ("schema_version", "year", "title", "organisation", "period", "sections")
PLAN_KEYS = {
    *PLAN_REQUIRED, "preamble", "guidance", "attachments", "facts", "figures", "units",
    "activity_types", "evidence_kinds", "sign_off",
}  # fmt: skip
TASK_KEYS = {"id", "title", "text", "lead", "cooperating", "evidence", "requirements"}
METRIC_KEYS = {"kind", "name", "note", "type", "field", "aggregate", "op", "target", "unit", "per_fact"}  # fmt: skip
breaking_plan_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(PLAN_REQUIRED), st.none()),
    st.tuples(st.just("rename"), plan_keys, _unknown_names(PLAN_KEYS)),
    st.tuples(st.just("retype"), st.just("year"), st.one_of(st.integers(max_value=1948), st.integers(min_value=2201), not_text)),
    st.tuples(st.just("retype"), st.just("period"), st.one_of(words, st.lists(words, max_size=2))),
    st.tuples(st.just("retype"), st.sampled_from(["title", "organisation"]), not_text),
)  # fmt: skip
breaking_task_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(["id", "title", "text", "lead"]), st.none()),
    st.tuples(st.just("rename"), task_keys, _unknown_names(TASK_KEYS)),
    st.tuples(st.just("retype"), st.sampled_from(["title", "text"]), not_text),
    st.tuples(st.just("retype"), st.just("lead"), st.sampled_from([["不存在的单位"], [[]], [{}]])),
)
breaking_metric_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(["kind", "field", "aggregate", "op", "target"]), st.none()),
    st.tuples(st.just("rename"), requirement_keys, _unknown_names(METRIC_KEYS)),
    st.tuples(st.just("retype"), st.just("target"), st.one_of(st.just(10**30), words, st.lists(words, max_size=2))),
    st.tuples(st.just("retype"), st.sampled_from(["field", "per_fact"]), st.just("不存在的项")),
)  # fmt: skip
keeping_plan_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(["preamble", "guidance"]), st.none()),
    st.tuples(st.just("retype"), st.sampled_from(["title", "organisation"]), words),
)
keeping_task_edits = st.one_of(
    st.tuples(st.just("drop"), st.just("cooperating"), st.none()),
    st.tuples(st.just("retype"), st.sampled_from(["title", "text"]), words),
)
keeping_metric_edits = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(["name", "unit", "per_fact"]), st.none()),
    st.tuples(st.just("retype"), st.just("target"), st.integers(0, 1000)),
)


def _one_level(breaking: st.SearchStrategy[Edit], keeping: st.SearchStrategy[Edit]) -> st.SearchStrategy[tuple[list[Edit], list[Edit]]]:  # fmt: skip
    return st.tuples(
        st.lists(breaking, max_size=2, unique_by=_key),
        st.lists(keeping, max_size=2, unique_by=_key),
    )


def _merge(breaking: list[Edit], keeping: list[Edit]) -> list[Edit]:
    touched = {key for _, key, _ in breaking}
    return breaking + [edit for edit in keeping if edit[1] not in touched]


@FUZZ
@given(
    _one_level(breaking_plan_edits, keeping_plan_edits),
    _one_level(breaking_task_edits, keeping_task_edits),
    _one_level(breaking_metric_edits, keeping_metric_edits),
)
def test_mutated_plans_end_in_problems(
    top: tuple[list[Edit], list[Edit]],
    task: tuple[list[Edit], list[Edit]],
    req: tuple[list[Edit], list[Edit]],
) -> None:
    assume(top[0] or task[0] or req[0])  # at least one edit that breaks the plan
    document = _mutated_plan(_merge(*top), _merge(*task), _merge(*req))
    _plan, problems = _load_plan(document)
    assert _errors(problems), (top, task, req)


@FUZZ
@given(
    st.lists(keeping_plan_edits, max_size=2, unique_by=_key),
    st.lists(keeping_task_edits, max_size=2, unique_by=_key),
    st.lists(keeping_metric_edits, max_size=2, unique_by=_key),
)
def test_plans_mutated_within_the_rules_have_no_problems(
    top: list[Edit], task: list[Edit], req: list[Edit]
) -> None:
    plan, problems = _load_plan(_mutated_plan(top, task, req))
    assert problems == [] and plan is not None


def test_a_zero_fact_does_not_divide_by_zero() -> None:
    from wenming.status import evaluate

    text = PLAN_TEXT.replace(
        "注册志愿者人数: {value: 10, unit: 人}", "注册志愿者人数: {value: 0, unit: 人}"
    )
    plan, problems = parse_plan(yamlio.parse_text(text, "plan/2022.yaml")[0], "plan/2022.yaml")
    assert plan is not None and problems == []
    records = load(CASES / "ledger", use_cache=False).records
    progress = evaluate(plan, records, date(2022, 12, 31)).to_dict()
    metric = next(r for t in progress["tasks"] for r in t["requirements"] if r["kind"] == "metric")
    assert metric["met"] is False
