"""Property tests: whatever bytes or YAML a file holds, loading and checking end in problems, never a crash."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenming import yamlio
from wenming.checks import check_record
from wenming.ledger import load, validate
from wenming.model import Plan
from wenming.parse import parse_plan, parse_record

CASES = Path(__file__).parent / "cases"
RECORD = yaml.safe_load(
    (CASES / "ledger/records/2022/20220305-学雷锋志愿服务进社区-0001.yaml").read_text(
        encoding="utf-8"
    )
)
PLAN_TEXT = (CASES / "ledger/plan/2022.yaml").read_text(encoding="utf-8")


def _parsed_plan() -> Plan:
    plan, problems = parse_plan(yamlio.parse(PLAN_TEXT, "plan/2022.yaml")[0], "plan/2022.yaml")
    assert plan is not None and problems == []
    return plan


PLAN = _parsed_plan()
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


def _assert_well_formed(problems: list[Any], rel: str) -> None:
    for problem in problems:
        assert problem.source.path == rel
        assert problem.source.line >= 0
        assert problem.rule and problem.message


def _load_record(text: str) -> None:
    rel = "records/2022/fuzz.yaml"
    data, problems = yamlio.parse(text, rel)
    _assert_well_formed(problems, rel)
    if data is not None:
        record, more = parse_record(data, rel, "fuzz", 2022)
        _assert_well_formed(more, rel)
        if record is not None:
            _assert_well_formed(list(check_record(record, PLAN, {})), rel)


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
    data, _ = yamlio.parse(yaml.safe_dump(document, allow_unicode=True), rel)
    if data is not None:
        _assert_well_formed(parse_plan(data, rel)[1], rel)


keys = st.sampled_from(sorted(RECORD))
mutations = st.one_of(
    st.tuples(st.just("drop"), keys, st.none()),
    st.tuples(st.just("rename"), keys, st.text(min_size=1, max_size=8)),
    st.tuples(st.just("retype"), keys, documents),
)


def _mutate(edits: list[tuple[str, str, Any]]) -> dict[str, Any]:
    record = dict(RECORD)
    for action, key, value in edits:
        if key not in record:
            continue
        if action == "drop":
            del record[key]
        elif action == "rename":
            record[value] = record.pop(key)
        else:
            record[key] = value
    return record


@FUZZ
@given(st.lists(mutations, min_size=1, max_size=4))
def test_mutated_records_end_in_problems(edits: list[tuple[str, str, Any]]) -> None:
    _load_record(yaml.safe_dump(_mutate(edits), allow_unicode=True))


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
    data, problems = yamlio.parse(prepared.text, prepared.rel)
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
def test_mutated_plans_end_in_problems(
    top: list[tuple[str, str, Any]],
    task: list[tuple[str, str, Any]],
    req: list[tuple[str, str, Any]],
) -> None:
    import copy

    plan = copy.deepcopy(PLAN_DATA)
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
    rel = "plan/2022.yaml"
    data, problems = yamlio.parse(yaml.safe_dump(plan, allow_unicode=True), rel)
    _assert_well_formed(problems, rel)
    if data is not None:
        parsed, more = parse_plan(data, rel)
        _assert_well_formed(more, rel)
        if parsed is not None:
            from wenming.checks import check_plan
            from wenming.status import evaluate

            _assert_well_formed(list(check_plan(parsed)), rel)
            if not more and not list(check_plan(parsed)):
                record = load(CASES / "ledger", use_cache=False).records
                evaluate(parsed, record, date(2022, 12, 31)).to_dict()


def test_a_zero_fact_does_not_divide_by_zero() -> None:
    from wenming.status import evaluate

    text = PLAN_TEXT.replace(
        "注册志愿者人数: {value: 10, unit: 人}", "注册志愿者人数: {value: 0, unit: 人}"
    )
    plan, problems = parse_plan(yamlio.parse(text, "plan/2022.yaml")[0], "plan/2022.yaml")
    assert plan is not None and problems == []
    records = load(CASES / "ledger", use_cache=False).records
    progress = evaluate(plan, records, date(2022, 12, 31)).to_dict()
    metric = next(r for t in progress["tasks"] for r in t["requirements"] if r["kind"] == "metric")
    assert metric["met"] is False
