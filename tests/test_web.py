"""`wenming serve` in a real browser: the real server on a loopback port, driven by Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from conftest import GIT_ENV, MINI_LEDGER, git

from wenming.web.app import Settings, cleanup, create_app
from wenming.web.server import bind

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TODAY = date(2022, 6, 30)

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright 未安装")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="没有 Chromium（Debian：apt-get install chromium）；.ci/run 会安装它",
)


def _ledger(base: Path) -> Path:
    """The mini ledger as a git repository whose own config names the committer."""
    root = base / "台账"
    shutil.copytree(MINI_LEDGER, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    git(root, "config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One real server per module over a fresh ledger: (base URL, ledger root)."""
    base = tmp_path_factory.mktemp("web")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(base))  # no user git config
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root = _ledger(base)
        app = create_app(Settings(root, today=lambda: TODAY))
        server = bind(app, "127.0.0.1", 0, app.config["MAX_CONTENT_LENGTH"])
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.port}", root
        finally:
            server.close()
            cleanup(app)


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


def _records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.yaml"))


def _log(root: Path, *args: str) -> str:
    return git(root, "-c", "core.quotepath=off", "log", *args)


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
    before = _records(root)
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

    (new,) = set(_records(root)) - set(before)
    text = new.read_text(encoding="utf-8")
    evidence = new.with_suffix("")
    assert [p.name for p in evidence.iterdir()] == ["现场照片.png"]
    assert "sha256:" in text and "青年志愿者在社区清理楼道" in text
    # Committed by the page's user, with exactly the record and its photo.
    assert _log(root, "-1", "--format=%an|%s").strip() == (
        f"王五|记录：2022-05-04 五四青年志愿服务（7.1）"
    )
    shown = _log(root, "-1", "--name-only", "--format=").split()
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


def test_bad_date_and_unknown_unit_are_shown_beside_their_fields(
    page: Any, served: tuple[str, Path]
) -> None:
    url, root = served
    before = _records(root)
    head = _log(root, "-1", "--format=%H")
    page.goto(url + "/add")
    _fill(page, task="7.1", date="2022-13-45", type="志愿服务", title="日期写错的活动")
    _fill(page, unit="不存在的科室")
    page.click("button[value=preview]")
    assert "日期" in page.locator("#field-date .field-error").inner_text()
    assert "不存在的科室" in page.locator("#field-unit .field-error").inner_text()
    assert page.locator("#field-title .field-error").count() == 0
    assert page.locator("#save").count() == 0
    # What was typed is kept, so only the wrong fields need retyping.
    assert page.locator("#title").input_value() == "日期写错的活动"
    assert _records(root) == before and _log(root, "-1", "--format=%H") == head


def test_remove_a_record(page: Any, served: tuple[str, Path]) -> None:
    url, root = served
    record = next(p for p in _records(root) if "学雷锋" in p.name)
    page.goto(url + "/records/" + record.stem)
    page.click("text=删除这条记录")
    page.click("button:has-text('确认删除')")
    assert "已删除" in page.locator("h1").inner_text()
    assert not record.exists() and not record.with_suffix("").exists()
    assert _log(root, "-1", "--format=%an|%s").startswith("王五|删除记录：2022-03-05")
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


# ---------------------------------------------------------------- HTTP without a browser


def _session(url: str) -> tuple[urllib.request.OpenerDirector, str, str]:
    """A cookie-keeping client that has opened the form: (opener, CSRF token, staging id)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    html = opener.open(url + "/add").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    stage = re.search(r'name="stage" value="([^"]+)"', html)
    assert csrf and stage
    return opener, csrf.group(1), stage.group(1)


def _post(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(url, data=data) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_form_post_without_its_csrf_token_is_refused(served: tuple[str, Path]) -> None:
    url, root = served
    before = _records(root)
    opener, csrf, stage = _session(url)
    fields = {
        "stage": stage, "action": "save", "task": "7.1", "date": "2022-06-01",
        "type": "志愿服务", "title": "没有令牌", "unit": "团委",
    }  # fmt: skip
    code, html = _post(opener, url + "/add", fields)
    assert code == 400 and "安全令牌" in html
    code, _ = _post(opener, url + "/add", {**fields, "csrf": csrf + "x"})
    assert code == 400
    record = next(p for p in _records(root))
    code, _ = _post(opener, f"{url}/records/{urllib.parse.quote(record.stem)}/remove", {})
    assert code == 400 and record.exists()
    assert _records(root) == before


@pytest.mark.parametrize(
    "path",
    [
        "/files/../plan/2022.yaml",
        "/files/records/../plan/2022.yaml",
        "/files/records%2F..%2F..%2Fplan%2F2022.yaml",
        "/files/.git/config",
        "/files/%2Fetc%2Fpasswd",
        "/files/plan/2022.yaml",  # inside the ledger, but no record's evidence
        "/records/..%2F..%2Fplan%2F2022",
        "/tasks/..%2F..",
    ],
)
def test_paths_outside_the_evidence_are_refused(served: tuple[str, Path], path: str) -> None:
    import http.client

    url, _ = served
    connection = http.client.HTTPConnection(url.removeprefix("http://"))
    connection.request("GET", path)  # sent as written, without the client tidying it
    response = connection.getresponse()
    body = response.read().decode()
    assert response.status == 404, body
    assert "schema_version" not in body and "[core]" not in body


def test_sixteen_browsers_submitting_at_once_make_sixteen_commits(
    served: tuple[str, Path],
) -> None:
    url, root = served
    before = set(_records(root))
    commits = int(git(root, "rev-list", "--count", "HEAD"))

    def submit(n: int) -> int:
        opener, csrf, stage = _session(url)
        _post(opener, url + "/me", {"csrf": csrf, "author": f"同事{n}", "next": "/add"})
        code, html = _post(opener, url + "/add", {
            "csrf": csrf, "stage": stage, "action": "save", "task": "7.1",
            "date": f"2022-06-{n + 1:02d}", "type": "志愿服务", "title": f"并发登记{n}",
            "unit": "团委", "hours": "2",
        })  # fmt: skip
        assert "已提交到 git" in html, html
        return code

    with ThreadPoolExecutor(16) as pool:
        assert list(pool.map(submit, range(16))) == [200] * 16
    added = set(_records(root)) - before
    assert len(added) == 16
    assert int(git(root, "rev-list", "--count", "HEAD")) == commits + 16
    authors = _log(root, f"-{16}", "--format=%an").split()
    assert sorted(authors) == sorted(f"同事{n}" for n in range(16))
    for n in range(16):  # each commit holds its own record and nothing else
        files = _log(root, "-1", "--format=", "--name-only", f"--author=^同事{n} <").split()
        assert len(files) == 1 and f"并发登记{n}" in files[0]
    assert git(root, "status", "--porcelain") == ""
