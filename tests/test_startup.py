"""Start-up stays light: each command imports only what it uses (the timings live in bench/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Run the CLI in a fresh interpreter and report which modules it ended up importing.
PROBE = """
import json, sys
sys.argv = ["wenming", *sys.argv[1:]]
from wenming.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

REPO = Path(__file__).resolve().parent.parent
HEAVY = {
    "PIL",
    "openpyxl",
    "xlsxwriter",
    "jinja2",
    "docx",
    "yaml",
    "lunar_python",
    "markdown_it",
    "pygments",
    "filelock",
    "flask",
    "werkzeug",
    "waitress",
    "wenming.web",
}


def _modules(*args: str, cache: Path) -> set[str]:
    env = {**os.environ, "WENMING_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.fixture
def aged_ledger(tmp_path: Path) -> Path:
    """The project's own example ledger (its plan has festival requirements), with old files:
    the cache trusts only files older than a few seconds, as a ledger's files usually are."""
    root = tmp_path / "ledger"
    for folder in ("plan", "records"):
        shutil.copytree(REPO / folder, root / folder)
    for path in root.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return root


def test_help_loads_no_heavy_library_and_no_typer_rich_help(tmp_path: Path) -> None:
    loaded = _modules("--help", cache=tmp_path / "cache")
    assert "wenming.cli.status" in loaded  # the commands are listed
    assert not loaded & (HEAVY | {"typer.rich_utils", "wenming.model", "wenming.ledger"})


def test_warm_status_reads_neither_yaml_nor_the_calendar_library(
    aged_ledger: Path, tmp_path: Path
) -> None:
    args = ("--repo", str(aged_ledger), "status", "--as-of", "2022-12-31")
    cold = _modules(*args, cache=tmp_path / "cache")
    assert {"yaml", "lunar_python"} <= cold  # the first run parses files, works out festivals
    warm = _modules(*args, cache=tmp_path / "cache")
    assert "wenming.status" in warm
    assert not warm & (HEAVY | {"wenming.parse", "wenming.yamlio", "wenming.checks"})
    # Scoring's classes and modules load only in the commands that score.
    assert not warm & {"wenming.assessment", "wenming.scoring", "wenming.parse_assessment"}
    assert not warm & {"wenming.cli.add", "wenming.cli.export", "wenming.cli.check"}
