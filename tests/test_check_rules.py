"""One example file per check rule, each asserted as exactly the (path, line, rule) it must produce."""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from wenming.commands.check import validate
from wenming.errors import Severity
from wenming.rules import NOT_FROM_ONE_FILE, RULES

TESTS = Path(__file__).parent
CASES = TESTS / "cases"
WENMING = REPO_ROOT / "wenming"
RECORD_CASES = sorted((CASES / "records").glob("*.yaml"))
PLAN_CASES = sorted((CASES / "plans").glob("*.yaml"))
ASSESSMENT_CASES = sorted((CASES / "assessments").glob("*.yaml"))
INCIDENT_CASES = sorted((CASES / "incidents").glob("*.yaml"))
# The assessment an incident case is checked against: its negative list names F1 and F2.
SCORE_ASSESSMENT = CASES / "score" / "测评.yaml"


def expected(case: Path) -> set[tuple[int, str]]:
    """The `# expect: rule@line, …` header every case file starts with (ASCII, any encoding)."""
    header = case.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert header.startswith("# expect: "), case
    items = [item.strip() for item in header[len("# expect: ") :].split(",") if item.strip()]
    return {(int(line), rule) for rule, line in (item.split("@") for item in items)}


def found(root: Path, path: str) -> set[tuple[int, str]]:
    problems = validate(root)
    assert {p.rule for p in problems} <= set(RULES)
    return {(p.source.line, p.rule) for p in problems if p.source.path == path}


def test_the_clean_mini_ledger_has_no_problems(mini_ledger: Path) -> None:
    assert validate(mini_ledger) == []


@pytest.mark.parametrize("case", RECORD_CASES, ids=lambda p: p.stem)
def test_record_rule(case: Path, mini_ledger: Path) -> None:
    target = f"records/2022/{case.name}"
    shutil.copy(case, mini_ledger / target)
    assert found(mini_ledger, target) == expected(case)


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda p: p.stem)
def test_plan_rule(case: Path, mini_ledger: Path) -> None:
    shutil.copy(case, mini_ledger / "plan/2022.yaml")
    assert found(mini_ledger, "plan/2022.yaml") == expected(case)


@pytest.mark.parametrize("case", ASSESSMENT_CASES, ids=lambda p: p.stem)
def test_assessment_rule(case: Path, mini_ledger: Path) -> None:
    (mini_ledger / "assessment").mkdir()
    shutil.copy(case, mini_ledger / "assessment" / case.name)
    assert found(mini_ledger, f"assessment/{case.name}") == expected(case)


@pytest.mark.parametrize("case", INCIDENT_CASES, ids=lambda p: p.stem)
def test_incident_rule(case: Path, mini_ledger: Path) -> None:
    (mini_ledger / "assessment").mkdir()
    shutil.copy(SCORE_ASSESSMENT, mini_ledger / "assessment" / SCORE_ASSESSMENT.name)
    target = f"incidents/2022/20220601-{case.name}"
    (mini_ledger / "incidents" / "2022").mkdir(parents=True)
    shutil.copy(case, mini_ledger / target)
    assert found(mini_ledger, target) == expected(case)


def test_the_test_assessment_is_clean(mini_ledger: Path) -> None:
    (mini_ledger / "assessment").mkdir()
    shutil.copy(SCORE_ASSESSMENT, mini_ledger / "assessment" / SCORE_ASSESSMENT.name)
    assert validate(mini_ledger) == []


# The rules no case file can show (wenming.rules.NOT_FROM_ONE_FILE) and the test that shows each.
COVERED_ELSEWHERE = {
    "file-too-large": "test_check_rules.py::test_oversized_record_is_refused_before_parsing",
    "unreadable": "test_check_rules.py::test_a_record_file_too_deep_to_open_is_unreadable",
    "not-a-file": "test_load_faults.py::test_a_fifo_in_place_of_a_file_is_refused_without_hanging",
    "symlink": "test_load_faults.py::test_a_record_linked_out_of_the_ledger_is_not_read",
    "no-plan": "test_check_rules.py::test_layout_rules",
    "plan-name": "test_check_rules.py::test_layout_rules",
    "record-name": "test_check_rules.py::test_layout_rules",
    "record-location": "test_check_rules.py::test_layout_rules",
    "leftover": "test_load_faults.py::test_leftovers_of_an_interrupted_add_are_warnings_with_the_command",
    "photo-date": "test_integrity.py::test_a_photo_taken_far_from_the_activity_date_is_a_warning",
}


def test_every_rule_has_an_example_file() -> None:
    cases = RECORD_CASES + PLAN_CASES + ASSESSMENT_CASES + INCIDENT_CASES
    in_cases = {rule for case in cases for _, rule in expected(case)}
    assert set(NOT_FROM_ONE_FILE) <= set(RULES)
    assert in_cases == set(RULES) - set(NOT_FROM_ONE_FILE)


def test_every_rule_without_an_example_file_has_a_test_of_its_own() -> None:
    assert set(COVERED_ELSEWHERE) == set(NOT_FROM_ONE_FILE)
    for rule, test in COVERED_ELSEWHERE.items():
        file, name = test.split("::")
        tree = ast.parse((TESTS / file).read_text(encoding="utf-8"))
        (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
        constants = {c.value for c in ast.walk(node) if isinstance(c, ast.Constant)}
        assert rule in constants, f"{test} does not name the rule {rule}"


def _rule_arguments() -> dict[str, set[str]]:
    """Every rule the code can give a Problem, read from the source: the literal in each call of
    Problem() or of a function with a `rule` parameter (which passes it on), keyed by rule,
    with where it is written."""
    trees = {
        path.relative_to(WENMING.parent).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(WENMING.rglob("*.py"))
    }
    takers = {"Problem": 1}  # function name -> position of its `rule` argument
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "rule" in names:
                    skip = 1 if names[0] in ("self", "cls") else 0
                    takers[node.name] = names.index("rule") - skip
    emitted: dict[str, set[str]] = {}

    def visit(
        node: ast.AST, where: str, function: ast.FunctionDef | ast.AsyncFunctionDef | None
    ) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node
        if isinstance(node, ast.Call):
            callee = node.func
            name = getattr(callee, "id", None) or getattr(callee, "attr", None)
            if name in takers:
                index = takers[name]
                args = [
                    *node.args[index : index + 1],
                    *(k.value for k in node.keywords if k.arg == "rule"),
                ]
                assert len(args) == 1, f"{where}:{node.lineno}: a {name}() call without its rule"
                (arg,) = args
                here = f"{where}:{node.lineno}"
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    emitted.setdefault(arg.value, set()).add(here)
                elif (
                    isinstance(arg, ast.Name)
                    and arg.id == "rule"
                    and function is not None
                    and "rule" in [a.arg for a in function.args.args + function.args.posonlyargs]
                ):
                    pass  # passed on from the caller, whose call is read as well
                else:
                    key = f"{where}::{function.name if function else '<module>'}"
                    assert key in DYNAMIC_RULES, (
                        f"{here}: the rule {ast.unparse(arg)} is not a literal; teach "
                        "test_check_rules.DYNAMIC_RULES where it comes from"
                    )
                    for rule in DYNAMIC_RULES[key]():
                        emitted.setdefault(rule, set()).add(here)
        for child in ast.iter_child_nodes(node):
            visit(child, where, function)

    for where, tree in trees.items():
        visit(tree, where, None)
    return emitted


def _state_rules() -> set[str]:
    from wenming import checks

    return {rule for rule, _message, _hint in checks._STATE_MESSAGES.values()}


# Calls whose rule is computed: the module and function, and the rules it can pass.
DYNAMIC_RULES: dict[str, Callable[[], set[str]]] = {
    "wenming/checks.py::_evidence_file": _state_rules,  # one rule per state of an evidence file
    "wenming/cache.py::_problems": set,  # rebuilds problems the code gave before, from the cache
}


def test_the_code_gives_exactly_the_registered_rules() -> None:
    emitted = _rule_arguments()
    unknown = {rule: sorted(where) for rule, where in emitted.items() if rule not in RULES}
    assert unknown == {}, "rules missing from wenming/rules.py"
    assert set(RULES) - set(emitted) == set(), "rules in wenming/rules.py that nothing gives"


def test_the_manual_lists_every_rule() -> None:
    text = (REPO_ROOT / "docs/manual/check.md").read_text(encoding="utf-8")
    first_cells = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    listed = {name for cell in first_cells for name in re.findall(r"`([a-z0-9-]+)`", cell)}
    assert listed == set(RULES)


def test_a_record_file_too_deep_to_open_is_unreadable(mini_ledger: Path) -> None:
    """A record the listing shows but the system will not open: here its whole path is longer
    than the system takes (PATH_MAX), while its folder's path is not. Works as root too."""
    if sys.platform != "linux":
        pytest.skip("relies on Linux's PATH_MAX of 4096 bytes")
    folder = mini_ledger / "records/2022"
    while (room := 4080 - len(os.fsencode(folder))) > 0:
        folder /= "部" * min(60, room // 3 or 1)
        folder.mkdir()
    name = "20220306-很深的记录-0002.yaml"
    assert len(os.fsencode(folder / name)) > 4096
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle))
    finally:
        os.close(handle)
    rel = (folder / name).relative_to(mini_ledger).as_posix()
    assert found(mini_ledger, rel) == {(0, "unreadable")}
    assert validate(mini_ledger) == validate(mini_ledger, use_cache=False)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission"
)
def test_an_evidence_file_without_read_permission_is_unreadable(mini_ledger: Path) -> None:
    photo = mini_ledger / "records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png"
    photo.chmod(0)
    try:
        record = "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
        assert found(mini_ledger, record) == {(14, "evidence-unreadable")}
    finally:
        photo.chmod(0o644)


def test_placeholder_units_warn_without_failing(mini_ledger: Path) -> None:
    shutil.copy(CASES / "plans" / "placeholder-unit.yaml", mini_ledger / "plan/2022.yaml")
    (problem,) = validate(mini_ledger)
    assert problem.severity is Severity.WARNING


def test_duplicate_record_ids_across_folders(mini_ledger: Path) -> None:
    stem = "20220305-学雷锋志愿服务进社区-0001"
    (mini_ledger / "records/2022/团委").mkdir()
    shutil.copy(
        mini_ledger / f"records/2022/{stem}.yaml", mini_ledger / f"records/2022/团委/{stem}.yaml"
    )
    problems = {(p.source.path, p.rule) for p in validate(mini_ledger)}
    assert problems == {
        (f"records/2022/{stem}.yaml", "duplicate-id"),
        (f"records/2022/团委/{stem}.yaml", "duplicate-id"),
        # a copy is also the same activity, with the same photo, logged twice
        (f"records/2022/团委/{stem}.yaml", "duplicate-activity"),
        (f"records/2022/团委/{stem}.yaml", "duplicate-evidence"),
    }


def test_evidence_symlink_out_of_the_ledger_is_refused(mini_ledger: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not evidence")
    folder = mini_ledger / "records/2022/20220305-学雷锋志愿服务进社区-0001"
    (folder / "link.png").symlink_to(secret)
    record = mini_ledger / "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
    text = record.read_text(encoding="utf-8").replace("照片-1.png", "link.png")
    record.write_text(text, encoding="utf-8")
    assert found(mini_ledger, record.relative_to(mini_ledger).as_posix()) == {(14, "evidence-path")}


def test_oversized_record_is_refused_before_parsing(mini_ledger: Path) -> None:
    big = mini_ledger / "records/2022/big.yaml"
    big.write_text("summary: |\n" + "  很长的文字\n" * 200_000, encoding="utf-8")
    assert found(mini_ledger, "records/2022/big.yaml") == {(0, "file-too-large")}


def test_bom_is_accepted(mini_ledger: Path) -> None:
    record = mini_ledger / "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
    record.write_bytes(b"\xef\xbb\xbf" + record.read_bytes())
    assert validate(mini_ledger) == []


@pytest.mark.parametrize(
    ("layout", "path", "rule"),
    [
        ({"records/2023/a.yaml": "x: 1\n"}, "records/2023", "no-plan"),
        ({"records/a.yaml": "x: 1\n"}, "records/a.yaml", "record-location"),
        ({"records/2022/a.yml": "x: 1\n"}, "records/2022/a.yml", "record-name"),
        ({"plan/plan.yaml": "x: 1\n"}, "plan/plan.yaml", "plan-name"),
    ],
)
def test_layout_rules(mini_ledger: Path, layout: dict[str, str], path: str, rule: str) -> None:
    for name, text in layout.items():
        (mini_ledger / name).parent.mkdir(parents=True, exist_ok=True)
        (mini_ledger / name).write_text(text, encoding="utf-8")
    assert (0, rule) in found(mini_ledger, path)


def test_plan_year_must_match_file_name(mini_ledger: Path) -> None:
    shutil.copy(mini_ledger / "plan/2022.yaml", mini_ledger / "plan/2023.yaml")
    assert found(mini_ledger, "plan/2023.yaml") == {(3, "plan-year")}


def test_a_broken_plan_does_not_also_claim_the_plan_is_missing(mini_ledger: Path) -> None:
    (mini_ledger / "plan/2022.yaml").write_text("year: [\n", encoding="utf-8")
    rules = {p.rule for p in validate(mini_ledger)}
    assert rules == {"yaml-syntax"}
