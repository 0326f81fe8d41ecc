"""The clinician report in a real browser and real PDF tools: the HTML page that `coach report
--html` writes is printed by headless Chromium at A4 width (screenshot and PDF), with every
host name unresolvable and the network log recorded; the PDF that `coach report --pdf` writes
is read back with pdftotext and its first page drawn with pdftoppm."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.catalog import load_catalog
from coach.demo import seed
from coach.store import Rating, Store
from tests.helpers import require_program

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-browser")]

UNTIL = "2026-11-29"
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch, the width Chromium lays out a printed A4 page at
MAX_PAGES = 2
NOTES = 20  # the report shows the most recent 20 notes: the page count must hold with all


def run_coach(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"COACH_HOME": str(home), "TZ": "Europe/Berlin", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "coach", *args], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def chromium_program() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        try:
            return require_program(name)
        except pytest.skip.Exception:
            continue
    return require_program("chromium")  # skips (or fails under CI) with the plain name


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("report-home")
    store = Store(home)
    berlin = ZoneInfo("Europe/Berlin")
    seed(store, load_catalog(include_user=False), today=date(2026, 11, 30), tz=berlin)
    store.add_ratings(
        Rating("neck", number % 8, "check-in", datetime(2026, 11, 9 + number, 8, 15,
                                                        tzinfo=berlin),
               note=f"Stiff after a long day at the desk, tried the wall stretch ({number})")
        for number in range(NOTES)
    )
    return home


def chromium(profile: Path, net_log: Path, *args: str) -> None:
    """Headless Chromium that can reach nothing: no background traffic, no host resolves."""
    program = chromium_program()
    result = subprocess.run([
        program, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-default-apps",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={net_log}", "--net-log-capture-mode=Default", *args,
    ], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def page_requests(net_log: Path) -> set[str]:
    """Every URL the page asked for, from Chromium's NetLog, except file: and data: ones.

    The page's own requests carry its file:// site in their network isolation key; the
    browser's background traffic (update checks, accounts) does not, and is not the report's.
    """
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") != start_job or not isinstance(params.get("url"), str):
            continue
        if "file://" in str(params.get("network_isolation_key", "")) and not params[
                "url"].startswith(("file:", "data:")):
            urls.add(params["url"])
    return urls


def pdf_pages(path: Path) -> int:
    info = subprocess.run([require_program("pdfinfo"), str(path)], capture_output=True,
                          text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_the_html_report_prints_on_two_pages_and_requests_nothing(demo_home, tmp_path):
    page = tmp_path / "report.html"
    run_coach(demo_home, "report", "--until", UNTIL, "--html", str(page))
    html = page.read_text()
    assert not re.search(r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
    assert "<script" not in html.lower()

    screenshot, printed = tmp_path / "report.png", tmp_path / "printed.pdf"
    chromium(tmp_path / "profile-1", tmp_path / "net-1.json",
             f"--window-size={A4_WIDTH_PX},1123", f"--screenshot={screenshot}", page.as_uri())
    chromium(tmp_path / "profile-2", tmp_path / "net-2.json", "--no-pdf-header-footer",
             f"--print-to-pdf={printed}", page.as_uri())
    assert png_size(screenshot) == (A4_WIDTH_PX, 1123)
    for log in ("net-1.json", "net-2.json"):
        assert not page_requests(tmp_path / log), "the report asked the network for something"

    # the check itself works: a page with one outside image is caught
    control = tmp_path / "control.html"
    control.write_text('<p>control</p><img src="https://example.invalid/x.png" alt="">')
    chromium(tmp_path / "profile-3", tmp_path / "net-3.json",
             f"--screenshot={tmp_path / 'control.png'}", control.as_uri())
    assert page_requests(tmp_path / "net-3.json") == {"https://example.invalid/x.png"}

    assert 1 <= pdf_pages(printed) <= MAX_PAGES

    text = subprocess.run([require_program("pdftotext"), "-layout", str(printed), "-"],
                          capture_output=True, text=True, check=True).stdout
    report = json.loads(run_coach(demo_home, "report", "--weeks", "8", "--until", UNTIL,
                                  "--json").stdout)
    for area in report["areas"].values():
        row = rf"{re.escape(area['label'])}\s+{re.escape(format(area['mean'], 'g'))}\s"
        assert re.search(row, text), f"{area['label']} {area['mean']} is not in:\n{text}"
    assert "Stiff after a long day" in text
    assert "not a diagnosis" in text

    # Letter paper is shorter than A4: the same content still fits on two pages
    letter, letter_pdf = tmp_path / "letter.html", tmp_path / "letter.pdf"
    run_coach(demo_home, "report", "--until", UNTIL, "--paper", "letter", "--html", str(letter))
    chromium(tmp_path / "profile-4", tmp_path / "net-4.json", "--no-pdf-header-footer",
             f"--print-to-pdf={letter_pdf}", letter.as_uri())
    assert pdf_pages(letter_pdf) <= MAX_PAGES


def test_the_pdf_report_shows_the_same_numbers_and_its_first_page_draws(demo_home, tmp_path):
    pdf = tmp_path / "report.pdf"
    run_coach(demo_home, "report", "--until", UNTIL, "--pdf", str(pdf))
    text = subprocess.run([require_program("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    report = json.loads(run_coach(demo_home, "report", "--weeks", "8", "--until", UNTIL,
                                  "--json").stdout)
    for area in report["areas"].values():
        row = rf"{re.escape(area['label'])}\s+{re.escape(format(area['mean'], 'g'))}\s+{area['n']}"
        assert re.search(row, text), f"{area['label']} {area['mean']} is not in:\n{text}"
    for item in report["helped"]:
        assert f"{item['mean_change']:+.2f}" in text
    assert pdf_pages(pdf) <= MAX_PAGES
    first = tmp_path / "first"
    subprocess.run([require_program("pdftoppm"), "-png", "-r", "40", "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(first)], check=True, timeout=60)
    width, height = png_size(first.with_suffix(".png"))
    assert abs(height / width - 297 / 210) < 0.01  # an A4 page
    picture = Path(__file__).resolve().parents[2] / "docs" / "report.png"
    assert png_size(picture)[0] > 300, "docs/report.png: run docs/make_report_picture.py"
