"""One example file per check rule, each asserted as exactly the (path, line, rule) it must produce."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wenming.commands.check import validate
from wenming.errors import Severity

CASES = Path(__file__).parent / "cases"
RECORD_CASES = sorted((CASES / "records").glob("*.yaml"))
PLAN_CASES = sorted((CASES / "plans").glob("*.yaml"))


def expected(case: Path) -> set[tuple[int, str]]:
    """The `# expect: rule@line, …` header every case file starts with (ASCII, any encoding)."""
    header = case.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert header.startswith("# expect: "), case
    items = [item.strip() for item in header[len("# expect: ") :].split(",") if item.strip()]
    return {(int(line), rule) for rule, line in (item.split("@") for item in items)}


def found(root: Path, path: str) -> set[tuple[int, str]]:
    return {(p.source.line, p.rule) for p in validate(root) if p.source.path == path}


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


def test_every_rule_has_an_example_file() -> None:
    rules = {rule for case in RECORD_CASES + PLAN_CASES for _, rule in expected(case)}
    assert rules >= {
        "yaml-syntax", "duplicate-key", "unknown-key", "missing-field", "wrong-type",
        "invalid-date", "date-outside-period", "unknown-task", "unknown-unit",
        "unknown-activity-type", "unknown-fact", "unknown-figure", "unknown-evidence-kind",
        "bad-number", "evidence-missing", "evidence-path", "sha256-mismatch", "encoding",
        "control-character", "yaml-tag", "yaml-too-complex", "schema-version", "empty-record",
        "empty-plan", "bad-period",
    }  # fmt: skip


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
