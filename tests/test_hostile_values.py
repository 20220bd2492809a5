"""Property test: hostile values in any field of a record or the plan, through check, status and
export. Whatever the value (a tag PyYAML resolves itself, an integer too long to print, a
character XML cannot hold, an empty document), each command ends with exit 0 or 1, never 70 and
never a traceback, and quickly."""

from __future__ import annotations

import re
import shutil
import time
from datetime import timedelta
from typing import Any

from conftest import MINI_LEDGER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wenming.cli import app

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
RECORD = "records/2022/20220305-学雷锋志愿服务进社区-0001.yaml"
# Lines of the mini ledger's files whose value is replaced, each written as `key: {value}`.
RECORD_SLOTS = (
    "schema_version: 1", "date: 2022-03-05", 'tasks: ["7.1"]', "type: 学雷锋志愿服务",
    "title: 学雷锋志愿服务进社区", "unit: 团委", "place: 幸福路社区", "participants: 12",
    "  志愿服务时长: 36", "    kind: 照片", "    caption: 市文明网报道",
    "  - url: https://example.org/news/1",
    "  - file: records/2022/20220305-学雷锋志愿服务进社区-0001/照片-1.png",
)  # fmt: skip
PLAN_SLOTS = (
    "schema_version: 1", "year: 2022", "title: 2022年文明单位创建工作计划（测试用）",
    "period: {start: 2022-01-01, end: 2022-12-31}", "  注册志愿者人数: {value: 10, unit: 人}",
    "  - name: 团委", "  - 支委会", "            target: 25", "            by: 2022-03-31",
    "            per: month", "            window_days: 10",
)  # fmt: skip

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "!!int abc", "!!int ²", "!!float abc", "!!bool maybe", "!!null x", "!!timestamp x",
            "!<tag:yaml.org,2002:int> twelve", "!!int 0x", "!!float", "!!str 12",
            '"\\x1b"', '"\\0"', '"\\uFFFE"', '"\\uFFFF"', '"a\\x07b"', '"\\x7f"', '"\\t"',
            "~", "", "[]", "{}", "[~]", "-1", "1e999", ".nan", "0001-01-01", "9999-12-31",
            "{start: 0001-01-01, end: 9999-12-31}", "{start: 9999-12-01, end: 9999-12-31}",
            "{start: 0001-01-01, end: 0001-12-31}", '"../../etc/passwd"', ".git/config",
            '"records/2022/a\\0b.png"', "190:20:30:15:12",
        ]
    ),
    st.integers(min_value=4290, max_value=5000).map(lambda n: "9" * n),
    st.integers(min_value=19, max_value=5000).map(lambda n: "-" + "1" * n),
    st.integers(min_value=1, max_value=3000).map(lambda n: "0x" + "f" * n),
    st.text(st.characters(codec="utf-16", exclude_categories=["Cs"]), max_size=8).map(
        lambda s: '"' + "".join(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else c for c in s) + '"'
    ),
)  # fmt: skip
EMPTY = st.sampled_from(["", "# 只有注释\n", "~\n", "---\n", "--- ~\n", "...\n", "\ufeff"])
HOSTILE_SETTINGS = settings(
    max_examples=60,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


def _replace(text: str, slot: str, value: str) -> str:
    key = slot.split(":", 1)[0]
    return text.replace(slot, f"{key}: {value}", 1)  # unchanged if replaced already


@st.composite
def damaged_ledgers(draw: st.DrawFn) -> dict[str, str]:
    """File texts to write over the mini ledger: one to three hostile values, or an empty file."""
    record = (MINI_LEDGER / RECORD).read_text(encoding="utf-8")
    plan = (MINI_LEDGER / "plan/2022.yaml").read_text(encoding="utf-8")
    if draw(st.booleans()):
        which = draw(st.sampled_from(["record", "plan"]))
        empty = draw(EMPTY)
        return {RECORD: empty} if which == "record" else {"plan/2022.yaml": empty}
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            record = _replace(record, draw(st.sampled_from(RECORD_SLOTS)), draw(HOSTILE))
        else:
            plan = _replace(plan, draw(st.sampled_from(PLAN_SLOTS)), draw(HOSTILE))
    return {RECORD: record, "plan/2022.yaml": plan}


@HOSTILE_SETTINGS
@given(files=damaged_ledgers(), fmt=st.sampled_from(["xlsx", "html", "md"]))
def test_hostile_values_never_crash_check_status_or_export(
    tmp_path_factory: Any, files: dict[str, str], fmt: str
) -> None:
    root = tmp_path_factory.mktemp("hostile") / "ledger"
    shutil.copytree(MINI_LEDGER, root)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    runner = CliRunner()
    commands = (
        ["check"],
        ["status"],
        ["status", "--todo", "--as-of", "2022-06-30"],
        ["export", "-f", fmt, "-o", str(root.parent / f"out.{fmt}")],
    )
    for command in commands:
        started = time.monotonic()
        result = runner.invoke(app, ["--repo", str(root), *command])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.exception,
        )
        assert result.exit_code in (0, 1), (command, result.output)
        assert "Traceback" not in result.output
        if command == ["check"]:  # problems quote the files, never as control characters
            assert not CONTROL.search(result.output), result.output
        assert time.monotonic() - started < 10, command
