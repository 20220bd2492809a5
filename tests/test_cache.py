"""The load cache never serves stale data and never changes what check or status see."""

from __future__ import annotations

import marshal
import os
import re
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from wenming import cache, ledger
from wenming.commands.check import validate
from wenming.ledger import load, scan

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from generate import generate


def _age(root: Path) -> None:
    """Backdate every file so the cache may trust it (fresh files are always re-read)."""
    old = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (old, old))


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    root = generate(tmp_path / "ledger", 120, seed=7)
    _age(root)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files actually read from disk (not served by the cache)."""
    seen: list[str] = []
    original = ledger._read_record

    def spy(path: str, rel: str, record_id: str, year: int) -> cache.RecordResult:
        seen.append(rel)
        return original(path, rel, record_id, year)

    monkeypatch.setattr(ledger, "_read_record", spy)
    return seen


def _same_as_uncached(root: Path) -> None:
    """What check, a full load and status's scan of each year see, with the cache and without."""
    assert validate(root) == validate(root, use_cache=False)
    cached, fresh = load(root), load(root, use_cache=False)
    assert cached.records == fresh.records
    assert cached.problems == fresh.problems
    for year in cached.plans:
        warm, cold = scan(root, year), scan(root, year, use_cache=False)
        assert warm.activities == cold.activities
        assert warm.problems == cold.problems


def _status(root: Path, cli: Any, *options: str) -> str:
    args = ("status", "--year", "2023", "--as-of", "2023-12-31", "--json")
    result = cli(*options, *args, repo=root)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def _a_record(root: Path) -> Path:
    return sorted(root.glob("records/2023/*.yaml"))[5]


def test_warm_load_reads_nothing_and_equals_cold(generated: Path, reads: list[str]) -> None:
    cold = validate(generated)
    assert len(reads) == 120
    reads.clear()
    assert validate(generated) == cold
    assert reads == []


def test_an_edit_is_seen_and_only_that_file_is_read(generated: Path, reads: list[str]) -> None:
    load(generated)
    record = _a_record(generated)
    stat = record.stat()
    text = record.read_text(encoding="utf-8")
    unit = text.split("unit: ", 1)[1].split("\n", 1)[0]
    # Same length, same mtime: only the inode change time tells the files apart.
    record.write_text(text.replace(f"unit: {unit}", "unit: " + "某" * len(unit)), encoding="utf-8")
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert record.stat().st_size == stat.st_size
    reads.clear()
    problems = validate(generated)
    assert {(p.source.path, p.rule) for p in problems} == {
        (record.relative_to(generated).as_posix(), "unknown-unit")
    }
    assert reads == [record.relative_to(generated).as_posix()]
    _same_as_uncached(generated)


def test_add_delete_and_rename_are_seen(generated: Path) -> None:
    load(generated)
    record = _a_record(generated)
    copy = record.with_name("20230601-新增的记录-ffff.yaml")
    copy.write_bytes(record.read_bytes())
    _same_as_uncached(generated)
    record.unlink()
    _same_as_uncached(generated)
    copy.rename(copy.with_name("20230602-改名的记录-eeee.yaml"))
    _same_as_uncached(generated)
    assert not any(r.id == "20230601-新增的记录-ffff" for r in load(generated).records)


def test_evidence_hash_is_recomputed_when_the_file_changes(generated: Path) -> None:
    validate(generated)
    evidence = next(generated.glob("records/*/*/*.txt"))
    evidence.write_bytes(evidence.read_bytes() + b"changed")
    rules = {p.rule for p in validate(generated)}
    assert rules == {"sha256-mismatch"}
    _same_as_uncached(generated)


def _sealed(table: Any) -> bytes:
    """A table as the cache writes it, checksum included, so only its content is wrong."""
    payload = marshal.dumps(table)
    return zlib.crc32(payload).to_bytes(4, "big") + payload


@pytest.mark.parametrize(
    "damage",
    [
        b"\x80\x05garbage",
        b"",
        marshal.dumps((cache._FORMAT, [], [], [])),
        _sealed(("0-old-format", [], [], [])),
        _sealed((cache._FORMAT, ["records/2023/x.yaml"], [1, 2], [])),
        _sealed((cache._FORMAT, ["a"], [1], [("not", "a", "row")])),
        _sealed((cache._FORMAT, [["records/2023/x.yaml"]], [1], [None])),
        _sealed((cache._FORMAT, ["records/2023/x.yaml"], [[1]], [None])),
    ],
    ids=["garbage", "empty", "no-checksum", "other-version", "ragged", "bad-row", "list-path",
         "list-key"],
)  # fmt: skip
def test_a_corrupt_cache_is_rebuilt_silently(
    generated: Path, cli: Any, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    validate(generated)
    before = _status(generated, cli)
    tables = list(cache.cache_dir(generated).glob("*.marshal"))
    assert {t.stem for t in tables} >= {"plans", "records", "evidence", "activities-2023"}
    for table in tables:
        table.write_bytes(damage)
    result = cli("status", "--year", "2023", "--as-of", "2023-12-31", "--json", repo=generated)
    assert result.exit_code == 0
    assert result.stdout == before
    assert result.stderr == ""  # nothing for the user beyond a debug log
    _same_as_uncached(generated)
    assert all(t.read_bytes() != damage for t in tables)  # each table was written afresh


def test_fresh_files_are_never_trusted(mini_ledger: Path, reads: list[str]) -> None:
    for record in mini_ledger.glob("records/2022/*.yaml"):
        os.utime(record)  # modified just now
    load(mini_ledger)
    load(mini_ledger)
    assert len(reads) == 2  # written moments ago: mtime may not have ticked yet


def test_scan_gives_the_activities_of_a_full_load(generated: Path) -> None:
    full = load(generated)
    for year in full.plans:
        records = sorted((r for r in full.records if r.year == year), key=lambda r: (r.date, r.id))
        expected = [r.activity for r in records]
        assert scan(generated, year).activities == expected  # the cache was just filled by load()
        assert scan(generated, year, use_cache=False).activities == expected
        mine = [p for p in full.problems if not p.source.path.startswith("records/") or
                p.source.path.startswith(f"records/{year}/")]  # fmt: skip
        assert scan(generated, year).problems == mine


def test_status_after_each_change_equals_an_uncached_run(generated: Path, cli: Any) -> None:
    """Edit, add, delete and rename records between `status` runs, as a user does."""
    first = _status(generated, cli)
    assert first == _status(generated, cli) == _status(generated, cli, "--no-cache")
    record = _a_record(generated)
    text = record.read_text(encoding="utf-8")
    moved = re.sub(r"(?m)^date: .*$", "date: '2023-12-30'", text)  # into another period
    record.write_text(moved, encoding="utf-8")
    _age(generated)
    edited = _status(generated, cli)
    assert edited != first
    assert edited == _status(generated, cli, "--no-cache")
    copy = record.with_name("20231201-新增的记录-ffff.yaml")
    copy.write_bytes(record.read_bytes())
    _age(generated)
    added = _status(generated, cli)
    assert added != edited
    assert added == _status(generated, cli, "--no-cache")
    record.unlink()
    deleted = _status(generated, cli)
    assert deleted == _status(generated, cli, "--no-cache")
    copy.rename(copy.with_name("20231202-改名的记录-eeee.yaml"))
    renamed = _status(generated, cli)
    assert renamed != deleted
    assert renamed == _status(generated, cli, "--no-cache")
    _same_as_uncached(generated)


def test_parsing_on_several_cores_gives_the_same_ledger(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = load(generated, use_cache=False)
    monkeypatch.setattr(ledger, "PARALLEL_FROM", 10)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # the module wenming.ledger calls
    parallel = load(generated, use_cache=False)
    assert parallel.records == serial.records
    assert parallel.problems == serial.problems
    assert validate(generated, use_cache=False) == validate(generated)


def _mutations(row: Any, depth: int = 0) -> list[Any]:
    """The row with one part, two levels down at most, replaced by a value of another type."""
    out = [bad for bad in (["x"], ("x",), "x", 1.5) if type(bad) is not type(row)]
    if isinstance(row, tuple | list) and depth < 2:
        for i, part in enumerate(row):
            for bad in _mutations(part, depth + 1):
                changed = list(row)
                changed[i] = bad
                out.append(tuple(changed) if isinstance(row, tuple) else changed)
    return out


def test_a_malformed_row_with_a_good_checksum_is_rebuilt(generated: Path, cli: Any) -> None:
    """Rows are checked against the model before use: a bad one is a miss, never exit 70."""
    before = _status(generated, cli)
    problems = validate(generated)
    tables = {t: t.read_bytes() for t in cache.cache_dir(generated).glob("*.marshal")}
    for table, data in tables.items():
        fmt, rels, keys, rows = marshal.loads(data[4:])
        for bad in _mutations(rows[0])[::3]:
            for other, original in tables.items():
                other.write_bytes(original)
            table.write_bytes(_sealed((fmt, rels, keys, [bad, *rows[1:]])))
            assert _status(generated, cli) == before, (table.name, bad)
            assert validate(generated) == problems, (table.name, bad)


def test_an_identical_plan_row_is_decoded_once_and_never_shared_mutably(mini_ledger: Path) -> None:
    from wenming.calendar import plan_festivals
    from wenming.parse import parse_plan
    from wenming.yamlio import load_file

    data, _ = load_file(mini_ledger / "plan" / "2022.yaml", "plan/2022.yaml")
    plan, problems = parse_plan(data, "plan/2022.yaml")
    assert plan is not None
    row = cache.encode_plan((plan, problems), plan_festivals(plan))
    cache._DECODED_PLANS.clear()
    first = cache.decode_plan("plan/2022.yaml", row)
    again = cache.decode_plan("plan/2022.yaml", marshal.loads(marshal.dumps(row)))
    assert first[0] == plan and again[0] is first[0]  # frozen: one object serves both
    assert again[1] == first[1] and again[1] is not first[1]
    assert again[2] == first[2] and again[2] is not first[2]
    other = cache.decode_plan("plan/2023.yaml", row)  # another path is another key
    assert other[0] is not first[0] and len(cache._DECODED_PLANS) == 2
    with pytest.raises(ValueError, match="malformed"):
        cache.decode_plan("plan/2022.yaml", (["date", 1], row[1], row[2]))
