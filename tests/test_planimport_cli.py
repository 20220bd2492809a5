"""`wenming plan import` from the command line: writing, --dry-run, --force, errors, and check."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

SEED = Path(__file__).parent / "data" / "plan-2022.txt"


def test_import_writes_a_plan_that_passes_check(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "ledger"
    (root / "plan").mkdir(parents=True)
    result = cli("plan", "import", str(SEED), repo=root)
    assert result.exit_code == 0, result.output
    written = root / "plan" / "2022.yaml"
    assert written.read_text(encoding="utf-8").count('      - id: "') == 25
    assert "任务 25 项" in result.stderr and "单位" in result.stderr
    assert result.stdout == ""
    checked = cli("check", repo=root)
    assert checked.exit_code == 0, checked.output
    assert "placeholder-unit" in checked.stdout  # warnings, not errors


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "ledger"
    (root / "plan").mkdir(parents=True)
    result = cli("plan", "import", str(SEED), "--dry-run", repo=root)
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")
    assert 'id: "10.3"' in result.stdout
    assert "任务 25 项" in result.stderr
    assert list((root / "plan").iterdir()) == []


def test_never_overwrites_without_force(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "out" / "2022.yaml"
    target.parent.mkdir()
    target.write_text("旧内容\n", encoding="utf-8")
    result = cli("plan", "import", str(SEED), "-o", str(target))
    assert result.exit_code == 1
    assert "已存在" in result.stderr and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "旧内容\n"
    forced = cli("plan", "import", str(SEED), "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in target.parent.iterdir()] == ["2022.yaml"]  # no temp file left


def test_output_option_creates_folders_and_year_option(tmp_path: Path, cli: Any) -> None:
    copy = tmp_path / "计划 2022.txt"
    shutil.copy(SEED, copy)
    target = tmp_path / "new" / "plan" / "2023.yaml"
    result = cli("plan", "import", str(copy), "-o", str(target), "--year", "2023")
    assert result.exit_code == 0, result.output
    assert "year: 2023" in target.read_text(encoding="utf-8")


def test_errors_are_one_line_with_a_hint(tmp_path: Path, cli: Any) -> None:
    result = cli("plan", "import", str(tmp_path / "没有.docx"))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：找不到文件")
    assert "提示：" in result.stderr
    pdf = tmp_path / "计划.pdf"
    pdf.write_bytes(b"%PDF")
    result = cli("plan", "import", str(pdf))
    assert result.exit_code == 1 and "不支持的文件类型" in result.stderr


def test_outside_a_ledger_without_output(tmp_path: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WENMING_REPO", raising=False)
    result = cli("plan", "import", str(SEED))
    assert result.exit_code == 1
    assert "-o plan/2022.yaml" in result.stderr
    assert not (tmp_path / "plan").exists()


def test_usage_error_exits_2(cli: Any) -> None:
    result = cli("plan", "import")
    assert result.exit_code == 2
