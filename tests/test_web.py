"""`wenming serve` in a real browser: the real server on a loopback port, driven by Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_LEDGER, git
from web_server import TODAY, log, records, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright 未安装")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="没有 Chromium（Debian：apt-get install chromium）；.ci/run 会安装它",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One real server for the module's browser tests."""
    with serving(tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, served: tuple[str, Path]) -> Iterator[Any]:
    """A fresh browser context whose user has said their name once."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    tab.goto(served[0] + "/records")
    tab.fill("input[name=author]", "王五")
    tab.click("form.me button")
    yield tab
    context.close()


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "现场照片.png"
    shutil.copyfile(next((MINI_LEDGER / "records").rglob("*.png")), path)
    return path


def _fill(page: Any, **values: str) -> None:
    for name, value in values.items():
        page.fill(f"#{name}", value)


def test_log_an_activity_with_a_photo(page: Any, served: tuple[str, Path], photo: Path) -> None:
    url, root = served
    before = records(root)
    page.goto(url + "/add")
    _fill(page, task="志愿服务", date="2022-05-04", type="志愿服务", title="五四青年志愿服务")
    _fill(page, unit="团委", place="幸福路社区", participants="12", hours="24")
    page.set_input_files("#files", str(photo))
    page.click("button[value=preview]")
    assert page.locator("#preview").is_visible()
    assert page.locator("select[name=staged_kind]").input_value() == "照片"
    page.fill("input[name=staged_caption]", "青年志愿者在社区清理楼道")
    page.click("#save")
    assert page.locator("h1").inner_text() == "已登记：五四青年志愿服务"
    assert page.locator(".notice").inner_text().startswith("已提交到 git")

    (new,) = set(records(root)) - set(before)
    text = new.read_text(encoding="utf-8")
    evidence = new.with_suffix("")
    assert [p.name for p in evidence.iterdir()] == ["现场照片.png"]
    assert "sha256:" in text and "青年志愿者在社区清理楼道" in text
    # Committed by the page's user, with exactly the record and its photo.
    assert log(root, "-1", "--format=%an|%s").strip() == (
        "王五|记录：2022-05-04 五四青年志愿服务（7.1）"
    )
    shown = log(root, "-1", "--name-only", "--format=").split()
    assert sorted(shown) == sorted(
        [new.relative_to(root).as_posix(), (evidence / "现场照片.png").relative_to(root).as_posix()]
    )

    page.click("text=查看这条记录")
    assert page.locator("img.thumb").count() == 1
    assert page.locator("img.thumb").evaluate("img => img.naturalWidth") > 0
    page.goto(url + "/records?q=五四")
    assert page.locator("#record-list tbody tr").count() == 1
    page.goto(url + "/tasks/7.1")
    assert page.locator("table.records", has_text="五四青年志愿服务").count() == 1


def test_files_dropped_on_the_form_join_its_file_input(page: Any, served: tuple[str, Path]) -> None:
    url, _ = served
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(url + "/add")
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["%PDF-1.4"], "签到表.pdf", {type: "application/pdf"}));
            data.items.add(new File(["x"], "照片.jpg", {type: "image/jpeg"}));
            const drop = document.getElementById("drop");
            drop.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }"""
    )
    assert page.evaluate("document.getElementById('files').files.length") == 2
    assert page.locator("#drop .chosen").inner_text() == "已选 2 个文件，点“预览”上传"
    # The script and stylesheet load under the page's policy: nothing was refused.
    assert not [m for m in refused if "Content Security Policy" in m]
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"


def test_bad_date_and_unknown_unit_are_shown_beside_their_fields(
    page: Any, served: tuple[str, Path]
) -> None:
    url, root = served
    before = records(root)
    head = log(root, "-1", "--format=%H")
    page.goto(url + "/add")
    # The date picker takes only real dates; a day no plan covers is the server's to refuse.
    _fill(page, task="7.1", date="2031-05-04", type="志愿服务", title="日期写错的活动")
    _fill(page, unit="不存在的科室")
    page.click("button[value=preview]")
    assert "没有 2031 年的计划" in page.locator("#field-date .field-error").inner_text()
    assert "不存在的科室" in page.locator("#field-unit .field-error").inner_text()
    assert page.locator("#field-title .field-error").count() == 0
    assert page.locator("#save").count() == 0
    # What was typed is kept, so only the wrong fields need retyping.
    assert page.locator("#title").input_value() == "日期写错的活动"
    assert records(root) == before and log(root, "-1", "--format=%H") == head


def test_edit_a_record(page: Any, served: tuple[str, Path]) -> None:
    url, root = served
    record = next(p for p in records(root) if "五四青年" in p.name)
    page.goto(url + "/records/" + record.stem)
    page.click("text=修改")
    assert page.locator("#title").input_value() == "五四青年志愿服务"
    page.fill("#title", "五四青年志愿服务进社区")
    page.fill("#participants", "15")
    page.fill("input[name=caption]", "志愿者清理楼道（改）")
    page.fill("#unit", "没有这个单位")
    page.click("#save")
    assert "没有这个单位" in page.locator("#field-unit .field-error").inner_text()
    assert record.exists()  # nothing changed while a field is wrong
    page.fill("#unit", "机关党委")
    page.click("#save")
    assert page.locator(".notice").inner_text() == "已保存。"
    assert page.locator("h1").inner_text() == "五四青年志愿服务进社区"
    assert "机关党委" in page.locator("#record-fields").inner_text()
    (after,) = (p for p in records(root) if "五四青年" in p.name)
    assert not record.exists() and "进社区" in after.name
    text = after.read_text(encoding="utf-8")
    assert "participants: 15" in text and "志愿者清理楼道（改）" in text
    assert (after.with_suffix("") / "现场照片.png").is_file()
    assert log(root, "-1", "--format=%an|%s").startswith("王五|修改记录：2022-05-04")
    assert git(root, "status", "--porcelain") == ""
    # An emptied field takes the number out of the record.
    page.click("text=修改")
    page.fill("#participants", "")
    page.click("#save")
    assert page.locator(".notice").inner_text() == "已保存。"
    (again,) = (p for p in records(root) if "五四青年" in p.name)
    assert "participants" not in again.read_text(encoding="utf-8")


def test_remove_a_record(page: Any, served: tuple[str, Path]) -> None:
    url, root = served
    record = next(p for p in records(root) if "学雷锋" in p.name)
    page.goto(url + "/records/" + record.stem)
    page.click("text=删除这条记录")
    page.click("button:has-text('确认删除')")
    assert "已删除" in page.locator("h1").inner_text()
    assert not record.exists() and not record.with_suffix("").exists()
    assert log(root, "-1", "--format=%an|%s").startswith("王五|删除记录：2022-03-05")
    assert git(root, "status", "--porcelain") == ""


def test_dashboard_numbers_equal_status_json(page: Any, served: tuple[str, Path]) -> None:
    url, root = served
    done = subprocess.run(
        ["wenming", "--repo", str(root), "status", "--as-of", TODAY.isoformat(), "--json"],
        capture_output=True, text=True, check=True, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    expected = json.loads(done.stdout)
    page.goto(url + "/")
    counts = {
        li.get_attribute("data-state"): int(li.locator(".n").inner_text())
        for li in page.locator("#counts li[data-state]").all()
    }
    assert counts == expected["counts"]
    rows = {
        row.get_attribute("data-task"): (
            row.locator(".state").inner_text(),
            row.locator(".progress").inner_text(),
            int(row.locator(".records").inner_text()),
        )
        for row in page.locator("#tasks tr[data-task]").all()
    }
    assert rows == {
        t["task_id"]: (t["state"], t["progress"], len(t["record_ids"])) for t in expected["tasks"]
    }
    # Another as-of day is chosen in the page and gives status's numbers for that day.
    page.fill("input[name=as_of]", "2022-02-01")
    page.click("text=重新统计")
    assert "as_of=2022-02-01" in page.url
