"""`wenming serve` over HTTP without a browser: CSRF, paths, uploads, access, git faults, load."""

from __future__ import annotations

import http.client
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import git
from flask.testing import FlaskClient
from web_server import TODAY, log, post, records, serving, session

from wenming.web.app import AUTHOR_COOKIE, Settings, _sweep, cleanup, create_app
from wenming.web.server import is_loopback


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One real server for the module."""
    with serving(tmp_path_factory) as running:
        yield running


def test_a_form_post_without_its_csrf_token_is_refused(served: tuple[str, Path]) -> None:
    url, root = served
    before = records(root)
    opener, csrf, stage = session(url)
    fields = {
        "stage": stage, "action": "save", "task": "7.1", "date": "2022-06-01",
        "type": "志愿服务", "title": "没有令牌", "unit": "团委",
    }  # fmt: skip
    code, html = post(opener, url + "/add", fields)
    assert code == 400 and "安全令牌" in html
    code, _ = post(opener, url + "/add", {**fields, "csrf": csrf + "x"})
    assert code == 400
    record = next(p for p in records(root))
    code, _ = post(opener, f"{url}/records/{urllib.parse.quote(record.stem)}/remove", {})
    assert code == 400 and record.exists()
    assert records(root) == before


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
    before = set(records(root))
    commits = int(git(root, "rev-list", "--count", "HEAD"))

    def submit(n: int) -> int:
        opener, csrf, stage = session(url)
        post(opener, url + "/me", {"csrf": csrf, "author": f"同事{n}", "next": "/add"})
        code, html = post(opener, url + "/add", {
            "csrf": csrf, "stage": stage, "action": "save", "task": "7.1",
            "date": f"2022-06-{n + 1:02d}", "type": "志愿服务", "title": f"并发登记{n}",
            "unit": "团委", "hours": "2",
        })  # fmt: skip
        assert "已提交到 git" in html, html
        return code

    with ThreadPoolExecutor(16) as pool:
        assert list(pool.map(submit, range(16))) == [200] * 16
    added = set(records(root)) - before
    assert len(added) == 16
    assert int(git(root, "rev-list", "--count", "HEAD")) == commits + 16
    authors = log(root, f"-{16}", "--format=%an").split()
    assert sorted(authors) == sorted(f"同事{n}" for n in range(16))
    for n in range(16):  # each commit holds its own record and nothing else
        files = log(root, "-1", "--format=", "--name-only", f"--author=^同事{n} <").split()
        assert len(files) == 1 and f"并发登记{n}" in files[0]
    assert git(root, "status", "--porcelain") == ""


# ---------------------------------------------------------------- one request at a time


@pytest.fixture
def client(git_ledger: Path) -> Iterator[FlaskClient]:
    """The application over a fresh ledger repository, without a network."""
    app = create_app(Settings(git_ledger, today=lambda: TODAY))
    with app.test_client() as test_client:
        yield test_client
    cleanup(app)


def _token(client: FlaskClient) -> tuple[str, str]:
    html = client.get("/add").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    stage = re.search(r'name="stage" value="([^"]+)"', html)
    assert csrf and stage
    return csrf.group(1), stage.group(1)


FIELDS = {
    "task": "7.1", "date": "2022-06-01", "type": "志愿服务", "title": "社区志愿服务",
    "unit": "团委", "action": "save",
}  # fmt: skip


def _save(client: FlaskClient, **extra: Any) -> tuple[int, str]:
    csrf, stage = _token(client)
    client.set_cookie(AUTHOR_COOKIE, urllib.parse.quote("李四"))
    response = client.post(
        "/add", data={**FIELDS, "csrf": csrf, "stage": stage, **extra},
        content_type="multipart/form-data",
    )  # fmt: skip
    return response.status_code, response.get_data(as_text=True)


def test_upload_names_never_reach_the_file_system_as_paths(
    client: FlaskClient, git_ledger: Path, tmp_path: Path
) -> None:
    code, html = _save(
        client,
        files=[
            (io.BytesIO(b"%PDF-1.4 notice"), "../../../逃逸通知.pdf"),
            (io.BytesIO(b"\x89PNG fake"), "..\\..\\照片.png"),
            (io.BytesIO(b"hidden"), ".git"),
        ],
    )
    assert code == 200, html
    (new,) = (p for p in records(git_ledger) if "社区志愿服务" in p.name)
    names = sorted(p.name for p in new.with_suffix("").iterdir())
    assert names == sorted(["逃逸通知.pdf", "照片.png", "git"])
    assert not (git_ledger.parent / "逃逸通知.pdf").exists()
    assert not (git_ledger / ".git" / "照片.png").exists()
    assert [p for p in git_ledger.parent.iterdir() if "逃逸" in p.name] == []


def test_a_file_over_the_limit_is_refused_and_nothing_written(git_ledger: Path) -> None:
    app = create_app(Settings(git_ledger, upload_limit=1000, today=lambda: TODAY))
    before = records(git_ledger)
    with app.test_client() as test:
        code, html = _save(test, files=[(io.BytesIO(b"x" * 2000), "大照片.jpg")])
    cleanup(app)
    assert code == 400 and "超过" in html
    assert records(git_ledger) == before


def test_record_text_is_escaped_and_pages_carry_the_csp(
    client: FlaskClient, git_ledger: Path
) -> None:
    code, html = _save(
        client, title="<script>alert(1)</script>", summary="<img src=x onerror=alert(2)>"
    )
    assert code == 200, html
    (new,) = (p for p in records(git_ledger) if "script" in p.name)
    response = client.get("/records/" + urllib.parse.quote(new.stem))
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in re.sub(r"<script src=\"/static/app.js\" defer></script>", "", page)


def test_a_git_fault_keeps_the_record_and_says_how_to_commit(
    client: FlaskClient, git_ledger: Path
) -> None:
    hook = git_ledger / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    head = log(git_ledger, "-1", "--format=%H")
    code, html = _save(client)
    assert code == 200
    assert 'id="commit-failed"' in html and "git commit" in html
    (new,) = (p for p in records(git_ledger) if "社区志愿服务" in p.name)
    assert new.is_file()
    assert log(git_ledger, "-1", "--format=%H") == head


def test_a_form_without_an_author_is_not_saved(client: FlaskClient, git_ledger: Path) -> None:
    before = records(git_ledger)
    csrf, stage = _token(client)
    response = client.post("/add", data={**FIELDS, "csrf": csrf, "stage": stage})
    assert response.status_code == 400
    assert "请先在页面上方填写你的姓名" in response.get_data(as_text=True)
    assert records(git_ledger) == before


def test_a_password_guards_every_page(git_ledger: Path) -> None:
    app = create_app(Settings(git_ledger, password="口令-123", today=lambda: TODAY))
    with app.test_client() as test:
        assert test.get("/").status_code == 302
        assert test.get("/files/" + urllib.parse.quote("records/x.png")).status_code == 302
        page = test.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        wrong = test.post("/login", data={"csrf": csrf.group(1), "password": "猜的"})
        assert wrong.status_code == 401 and "密码不对" in wrong.get_data(as_text=True)
        right = test.post("/login", data={"csrf": csrf.group(1), "password": "口令-123"})
        assert right.status_code == 302
        assert test.get("/").status_code == 200
    cleanup(app)


def test_serve_refuses_nothing_on_loopback_and_needs_a_password_beyond() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_a_bad_date_typed_without_the_picker_is_refused_beside_its_field(
    client: FlaskClient, git_ledger: Path
) -> None:
    before = records(git_ledger)
    code, html = _save(client, date="2022-13-45", participants="很多")
    assert code == 400
    assert re.search(r'id="error-date"[^>]*>[^<]*2022-13-45', html)
    assert re.search(r'id="error-participants"[^>]*>[^<]*很多', html)
    assert 'id="error-unit"' not in html
    assert records(git_ledger) == before


def test_problems_link_to_their_record(client: FlaskClient, git_ledger: Path) -> None:
    (record,) = records(git_ledger)
    text = record.read_text(encoding="utf-8").replace("unit: 团委", "unit: 不存在的科室")
    assert "不存在的科室" in text
    record.write_text(text, encoding="utf-8")
    html = client.get("/problems").get_data(as_text=True)
    link = f'href="/records/{urllib.parse.quote(record.stem)}"'
    row = next(r for r in html.split("<tr") if "不存在的科室" in r)
    assert link in row and "unknown-unit" in row


def test_the_workbook_downloads(client: FlaskClient) -> None:
    response = client.get("/downloads/xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/downloads/../../plan").status_code == 404


def test_serve_prints_its_address_and_a_password_beyond_this_machine(git_ledger: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "wenming", "--repo", str(git_ledger), "serve",
         "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        address = re.search(r"网页地址：http://127\.0\.0\.1:(\d+)/", lines[1])
        password = re.search(r"访问密码：(\S+)（自动生成", lines[2])
        assert address and password, lines
        url = f"http://127.0.0.1:{address.group(1)}"
        with urllib.request.urlopen(f"{url}/?token={password.group(1)}") as response:
            assert response.status == 200
        opener = urllib.request.build_opener(NoRedirect())
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(url + "/")
        assert refused.value.code == 302
        # SIGTERM, as a service manager stops it (Ctrl-C ends it the same way).
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=20)
        assert "已停止" in out and process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_uploads_never_saved_are_swept_after_a_day(tmp_path: Path) -> None:
    old, fresh = tmp_path / "a", tmp_path / "b"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "照片.jpg").write_bytes(b"x")
    os.utime(old, (0, time.time() - 25 * 3600))
    _sweep(tmp_path)
    assert not old.exists() and fresh.exists()


def test_the_chart_counts_only_months_begun_as_empty(git_ledger: Path) -> None:
    from wenming.ledger import load
    from wenming.web.views import author_line, charts

    plan = load(git_ledger).plans[2022]
    months = [f"{m}月" for m in range(1, 13)]
    counts = [0, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    (chart, *_) = charts(plan, months, [("7", counts)], TODAY)
    assert chart.empty_months == 4  # January, March, May, June; not the months to come
    tallest = max(chart.bars, key=lambda b: b.count)
    assert tallest.count == 3 and tallest.y >= 10  # room above the bar for its number
    assert [b.height for b in chart.bars][:2] == [0, tallest.height]
    assert author_line(" 王 五 ", "") == "王 五 <>"
    assert author_line("<张三>", "z@x.org") == "张三 <z@x.org>"
    assert author_line("", "z@x.org") is None
