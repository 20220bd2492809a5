"""Render the exported 台账 as a reader sees it: workbook and HTML pages as PNG pictures.

The workbook goes through LibreOffice (`soffice --headless --convert-to pdf`) and `pdftoppm`;
the HTML ledger through headless Chromium, both printed to A4 (as an inspector reads it) and
as a screenshot (as a colleague reads it on screen).

    python tools/preview.py [--repo 台账] [--as-of 2022-12-31] [--out preview] [--dpi 60]

Needs the Debian packages libreoffice-calc-nogui, fonts-noto-cjk, poppler-utils and chromium.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOOLS = ("soffice", "pdftoppm")
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 180


def _run(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(args, check=True, timeout=TIMEOUT, cwd=cwd, capture_output=True)


def _chromium() -> str | None:
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


def _pages(pdf: Path, out: Path, stem: str, dpi: int, last: int | None) -> list[Path]:
    args = ["pdftoppm", "-png", "-r", str(dpi)]
    if last:
        args += ["-l", str(last)]
    _run(*args, str(pdf), str(out / stem))
    return sorted(out.glob(f"{stem}-*.png"))


def export(repo: Path, out: Path, as_of: str | None, extra: list[str]) -> tuple[Path, Path]:
    """The example's workbook and HTML ledger, written by the installed wenming."""
    base = [sys.executable, "-m", "wenming", "--repo", str(repo), "export", *extra]
    if as_of:
        base += ["--as-of", as_of]
    book, page = out / "台账.xlsx", out / "台账.html"
    _run(*base, "-o", str(book))
    _run(*base, "-f", "html", "-o", str(page))
    return book, page


def workbook_pages(book: Path, out: Path, dpi: int, last: int | None) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="wenming-preview-") as profile:
        # A private profile, so a LibreOffice the user has open does not swallow the job.
        _run(
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(out), str(book),
        )  # fmt: skip
    return _pages(out / f"{book.stem}.pdf", out, "workbook", dpi, last)


def html_pages(page: Path, out: Path, dpi: int, last: int | None) -> list[Path]:
    chromium = _chromium()
    if chromium is None:
        raise SystemExit("找不到 Chromium：apt-get install -y chromium")
    pdf = out / "台账-html.pdf"
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    _run(*flags, f"--print-to-pdf={pdf}", page.as_uri())
    shot = out / "screen.png"
    _run(*flags, "--window-size=1400,1000", f"--screenshot={shot}", page.as_uri())
    return [*_pages(pdf, out, "html", dpi, last), shot]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--as-of", help="统计截至日期，默认今天（计划期结束后为期末）")
    parser.add_argument("--out", type=Path, default=Path("preview"))
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--pages", type=int, default=None, help="每份文件最多渲染的页数")
    parser.add_argument("export_options", nargs="*", help="传给 wenming export 的其他选项")
    args = parser.parse_args()
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            "缺少 " + "、".join(missing) + "：apt-get install -y libreoffice-calc-nogui "
            "fonts-noto-cjk poppler-utils chromium"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    book, page = export(args.repo.resolve(), args.out.resolve(), args.as_of, args.export_options)
    pictures = workbook_pages(book, args.out, args.dpi, args.pages)
    pictures += html_pages(page, args.out, args.dpi, args.pages)
    for picture in pictures:
        print(picture)


if __name__ == "__main__":
    main()
