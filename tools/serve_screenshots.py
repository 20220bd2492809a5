"""Screenshots of `wenming serve` for the README: the dashboard, a task page and the form.

A copy of this repository's example ledger is served on a free loopback port and opened in
headless Chromium (Playwright); nothing is written to the example ledger.

    python tools/serve_screenshots.py [--out docs/images] [--as-of 2022-06-30] [--task 2]

Needs the test extras (Playwright) and the Debian packages chromium and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from wenming.web.app import Settings, cleanup, create_app
from wenming.web.server import bind

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description="wenming serve 的截图")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--as-of", default="2022-06-30")
    parser.add_argument("--task", default="2")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    day = date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "台账"
        for folder in ("plan", "records"):
            shutil.copytree(REPO / folder, root / folder)
        app = create_app(Settings(root, today=lambda: day))
        server = bind(app, "127.0.0.1", 0, app.config["MAX_CONTENT_LENGTH"])
        threading.Thread(target=server.run, daemon=True).start()
        url = f"http://127.0.0.1:{server.port}"
        photo = next((REPO / "records").rglob("*.jpg"))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=["--lang=zh-CN"])
                page = browser.new_page(viewport={"width": 1100, "height": 820}, locale="zh-CN")
                page.goto(url + "/records")
                page.fill("input[name=author]", "王芳")
                page.click("form.me button")
                page.goto(url + "/")
                page.screenshot(path=str(args.out / "serve-dashboard.png"))
                page.locator(".charts").screenshot(path=str(args.out / "serve-chart.png"))
                page.goto(f"{url}/tasks/{args.task}")
                page.screenshot(path=str(args.out / "serve-task.png"))
                page.goto(url + "/add")
                page.fill("#task", "7.1")
                page.fill("#date", "2022-05-04")
                page.fill("#type", "学雷锋志愿服务")
                page.fill("#title", "五四青年志愿服务进社区")
                page.fill("#unit", "团委")
                page.fill("#place", "幸福路社区")
                page.fill("#participants", "24")
                page.fill("#hours", "48")
                page.set_input_files("#files", str(photo))
                page.click("button[value=preview]")
                page.fill("input[name=staged_caption]", "青年志愿者在社区清理楼道")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(args.out / "serve-form.png"), full_page=True)
                browser.close()
        finally:
            server.close()
            cleanup(app)
    print(f"已写入 {args.out}/serve-*.png")


if __name__ == "__main__":
    main()
