"""Integrity warnings of `wenming check`: shared evidence, twice-logged activities, file names
whose date no longer matches the record's."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import Cli

from wenming.checks import _duplicate_activities
from wenming.commands.check import validate
from wenming.errors import Problem, Severity, Source
from wenming.model import Record

STEM = "20220305-学雷锋志愿服务进社区-0001"
RECORD = f"records/2022/{STEM}.yaml"


def warnings(root: Path, rule: str) -> list[Problem]:
    problems = [p for p in validate(root) if p.rule == rule]
    assert all(p.severity is Severity.WARNING for p in problems)
    return problems


def _copy_record(root: Path, stem: str, **changes: str) -> Path:
    text = (root / RECORD).read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    target = root / f"records/2022/{stem}.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def test_a_photo_copied_into_another_records_folder_is_named_with_the_first_record(
    mini_ledger: Path,
) -> None:
    stem = "20220312-植树节志愿服务-0002"
    (mini_ledger / f"records/2022/{stem}").mkdir()
    shutil.copy(
        mini_ledger / f"records/2022/{STEM}/照片-1.png",
        mini_ledger / f"records/2022/{stem}/照片-1.png",
    )
    _copy_record(
        mini_ledger,
        stem,
        **{STEM: stem, "2022-03-05": "2022-03-12", "学雷锋志愿服务进社区": "植树节志愿服务"},
    )
    # The copied record names its own folder now: same content, another path.
    text = (mini_ledger / f"records/2022/{stem}.yaml").read_text(encoding="utf-8")
    assert f"records/2022/{stem}/照片-1.png" in text
    (problem,) = warnings(mini_ledger, "duplicate-evidence")
    assert problem.source.path == f"records/2022/{stem}.yaml"
    assert (
        f"“records/2022/{stem}/照片-1.png”与 records/2022/{STEM}.yaml 中的"
        f"“records/2022/{STEM}/照片-1.png”"
    ) in problem.message
    assert "duplicate-activity" not in {p.rule for p in validate(mini_ledger)}


def test_titles_alike_only_on_the_same_day_type_and_unit_are_duplicates(mini_ledger: Path) -> None:
    _copy_record(mini_ledger, "20220305-b-0002", 学雷锋志愿服务进社区="学雷锋志愿服务进社区活动")
    _copy_record(
        mini_ledger,
        "20220305-c-0003",
        **{"学雷锋志愿服务进社区": "“学雷锋”志愿服务 进社区", "照片-1.png": "none.png"},
    )
    _copy_record(mini_ledger, "20220305-d-0004", 团委="机关党委")  # another unit
    _copy_record(mini_ledger, "20220305-e-0005", 学雷锋志愿服务进社区="关爱老人上门服务")
    # Records are taken in date and id order: 20220305-b-0002 comes first, c-0003 looks like it,
    # and the mini record's title is c-0003's once spaces and punctuation are gone.
    found = {p.source.path: p.message for p in warnings(mini_ledger, "duplicate-activity")}
    assert set(found) == {RECORD, "records/2022/20220305-c-0003.yaml"}
    assert "与 20220305-b-0002 " in found["records/2022/20220305-c-0003.yaml"]
    assert "与 20220305-c-0003 " in found[RECORD]
    assert all(p.source.line == 5 for p in warnings(mini_ledger, "duplicate-activity"))


def test_duplicate_activities_are_found_by_grouping_not_all_pairs() -> None:
    """20,000 records over a year, five a day of one type and unit: well under a second."""
    first = date(2022, 1, 1)
    records = [
        Record(
            f"r{i:05d}",
            2022,
            first + timedelta(days=i % 365),
            ("1",),
            "志愿服务",
            f"第{i}次志愿服务活动",
            "团委",
            Source(f"records/2022/r{i:05d}.yaml"),
        )
        for i in range(20_000)
    ]
    started = time.perf_counter()
    problems = list(_duplicate_activities(records))
    assert time.perf_counter() - started < 5
    assert problems == []


def test_a_file_name_whose_date_was_edited_by_hand_gives_the_commands(mini_ledger: Path) -> None:
    record = mini_ledger / RECORD
    record.write_text(
        record.read_text(encoding="utf-8").replace("date: 2022-03-05", "date: 2022-03-15"),
        encoding="utf-8",
    )
    (problem,) = warnings(mini_ledger, "file-name-date")
    assert problem.source.line == 2
    new = "20220315-学雷锋志愿服务进社区-0001"
    assert f"wenming edit {STEM} --date 2022-03-15" in problem.hint
    assert new in problem.hint
    # A name without a date, or with an impossible one, says nothing about the date.
    moved = mini_ledger / "records/2022/20221399-x.yaml"
    shutil.copy(record, moved)
    assert [p.source.path for p in warnings(mini_ledger, "file-name-date")] == [RECORD]
    moved.unlink()


def test_the_hinted_edit_command_renames_the_record(
    cli: Cli, git_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = git_ledger / RECORD
    record.write_text(
        record.read_text(encoding="utf-8").replace("date: 2022-03-05", "date: 2022-03-15"),
        encoding="utf-8",
    )
    (problem,) = warnings(git_ledger, "file-name-date")
    command = problem.hint.split("运行 ", 1)[1].split("，", 1)[0].split()
    assert command[0] == "wenming"
    result = cli(*command[1:], repo=git_ledger)
    assert result.exit_code == 0, result.output
    assert warnings(git_ledger, "file-name-date") == []
    assert (git_ledger / "records/2022/20220315-学雷锋志愿服务进社区-0001/照片-1.png").is_file()
    assert cli("check", repo=git_ledger).exit_code == 0


def _jpeg(path: Path, taken: str | None) -> str:
    """A real JPEG with `taken` as its EXIF DateTimeOriginal; returns its sha256."""
    from PIL import Image

    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken
    Image.new("RGB", (8, 8), "red").save(path, "JPEG", exif=exif)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_photos(root: Path, photos: dict[str, str | None]) -> None:
    """The mini record with these JPEGs (name -> EXIF date) in place of its evidence."""
    folder = root / f"records/2022/{STEM}"
    items = []
    for name, taken in photos.items():
        digest = _jpeg(folder / name, taken)
        items.append(
            f"  - file: records/2022/{STEM}/{name}\n    kind: 照片\n    caption: 照片\n"
            f"    sha256: {digest}\n"
        )
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text[: text.index("evidence:\n") + 10] + "".join(items), encoding="utf-8")
    (folder / "照片-1.png").unlink()


def test_a_photo_taken_far_from_the_activity_date_is_a_warning(
    mini_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_photos(
        mini_ledger,
        {
            "当天.jpg": "2022:03:05 09:30:00",
            "一个月前.jpg": "2022:02:03 09:30:00",  # 30 days before: still the same activity
            "去年.jpeg": "2021:03:05 10:00:00",
            "没有日期.jpg": None,
            "时钟未设置.jpg": "0000:00:00 00:00:00",
        },
    )
    (problem,) = warnings(mini_ledger, "photo-date")
    assert problem.source == Source(RECORD, 22)
    assert "去年.jpeg" in problem.message and "2021-03-05" in problem.message
    assert "早 365 天" in problem.message
    # A warm check reads no EXIF: the dates come from the cache with the sha256 (files just
    # written are never trusted, so the photos are made older first).
    from wenming import photos

    for path in (mini_ledger / "records").rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    assert warnings(mini_ledger, "photo-date") == [problem]

    def unread(path: Path) -> None:
        raise AssertionError(f"read EXIF again: {path}")

    monkeypatch.setattr(photos, "taken_on", unread)
    assert warnings(mini_ledger, "photo-date") == [problem]


def test_a_photo_date_is_read_again_when_the_photo_changes(mini_ledger: Path) -> None:
    _with_photos(mini_ledger, {"照片.jpg": "2022:03:06 08:00:00"})
    assert warnings(mini_ledger, "photo-date") == []
    photo = mini_ledger / f"records/2022/{STEM}/照片.jpg"
    time.sleep(0.01)
    digest = _jpeg(photo, "2022:09:06 08:00:00")
    record = mini_ledger / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text[: text.index("sha256: ") + 8] + digest + "\n", encoding="utf-8")
    (problem,) = warnings(mini_ledger, "photo-date")
    assert "晚 185 天" in problem.message
