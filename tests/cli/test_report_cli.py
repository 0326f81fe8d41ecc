"""`coach report --html/--pdf` and `coach export --format fhir` through the real entry point."""

from __future__ import annotations

import json
import re
import stat
import subprocess
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from coach.catalog import load_catalog
from coach.demo import seed
from coach.store import Store
from tests.cli.conftest import Coach, assert_one_line_error
from tests.helpers import require_program

UNTIL = "2026-11-29"


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-home")
    seed(Store(home), load_catalog(include_user=False), today=date(2026, 11, 30),
         tz=ZoneInfo("Europe/Berlin"))
    return home


def pdf_text(path) -> str:
    pdftotext = require_program("pdftotext")
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_html_and_pdf_files_are_private_and_show_the_json_numbers(demo_home, tmp_path):
    coach = Coach(demo_home)
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = coach("report", "--until", UNTIL, "--html", str(html), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Wrote the HTML report (8 weeks, 2026-10-05 to 2026-11-29)" in result.stderr
    for path in (html, pdf):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(coach("report", "--weeks", "8", "--until", UNTIL, "--json").stdout)
    assert data["period"]["first"] == "2026-10-05" and data["period"]["weeks"] == 8
    page = html.read_text()
    text = pdf_text(pdf)
    assert "not a diagnosis" in text
    for area in data["areas"].values():
        shown = f"{area['mean']:g}"
        assert f">{shown}<" in page
        # the table row: label, mean over the period, number of ratings
        row = rf"{re.escape(area['label'])}\s+{re.escape(shown)}\s+{area['n']}\s"
        assert re.search(row, text), (area, text)
    for week in data["activity"]:
        assert week["week"] in text


def test_the_safety_level_is_the_one_coach_today_gives(tmp_path):
    """The report's safety level and reasons are coach.safety.assess's, as `coach today`."""
    coach = Coach(tmp_path)
    assert coach("profile", "set", "--areas", "neck,low-back", "--tools", "ball,hands"
                 ).returncode == 0
    assert coach("log", "neck", "9", "--note", "tingling down my arm").returncode == 0
    today = json.loads(coach("today", "--json").stdout)["safety"]
    report = json.loads(coach("report", "--json").stdout)["safety"]
    assert today["level"] == report["level"] == "stretch-only"
    assert today["reasons"] == report["reasons"]
    html = tmp_path / "report.html"
    assert coach("report", "--weeks", "1", "--html", str(html)).returncode == 0
    page = html.read_text()
    assert "Safety today" in page and "stretch only" in page
    assert "tingling down my arm" in page


def test_since_until_and_the_text_report_agree_with_json(demo_home):
    coach = Coach(demo_home)
    by_since = json.loads(coach("report", "--since", "2026-11-11", "--until", UNTIL,
                                "--json").stdout)
    by_weeks = json.loads(coach("report", "--weeks", "3", "--until", UNTIL, "--json").stdout)
    assert by_since == {**by_weeks, "period": by_since["period"]}
    assert by_since["period"]["first"] == "2026-11-09"
    text = coach("report", "--weeks", "3", "--until", UNTIL).stdout
    assert "Resting pain by week" in text


@pytest.mark.parametrize("args, message", [
    (("--weeks", "4", "--since", "2026-11-01"), "give --weeks or --since, not both."),
    (("--since", "2026-12-01", "--until", "2026-11-01"), "is after --until"),
    (("--since", "1.11.2026"), "--since '1.11.2026' is not a date"),
    (("--html", "/no/such/folder/r.html"), "the folder /no/such/folder does not exist"),
])
def test_bad_report_options_are_one_sentence_and_change_nothing(tmp_path, args, message):
    coach = Coach(tmp_path / "home")
    result = coach("report", *args)
    assert message in assert_one_line_error(result)


def test_a_folder_is_not_a_report_file(tmp_path):
    coach = Coach(tmp_path / "home")
    line = assert_one_line_error(coach("report", "--pdf", str(tmp_path)))
    assert "is a directory" in line


def test_fhir_export_imports_back_adding_nothing(demo_home, tmp_path):
    coach = Coach(demo_home)
    bundle = tmp_path / "bundle.json"
    assert coach("export", "--format", "fhir", "-o", str(bundle)).returncode == 0
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    data = json.loads(bundle.read_text())
    assert data["resourceType"] == "Bundle" and data["type"] == "collection"
    again = coach("import", str(bundle))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Imported 0 ratings, 0 sessions")
    fresh = Coach(tmp_path / "fresh")
    first = fresh("import", str(bundle))
    observations = sum(1 for e in data["entry"] if e["resource"]["resourceType"] == "Observation")
    assert first.stdout.startswith(f"Imported {observations:,} ratings"), first.stdout
    assert fresh("import", str(bundle)).stdout.startswith("Imported 0 ratings, 0 sessions")
    assert json.loads(fresh("export").stdout)["ratings"] == json.loads(
        coach("export").stdout)["ratings"]


def test_a_bundle_without_pain_ratings_is_refused(tmp_path):
    coach = Coach(tmp_path / "home")
    path = tmp_path / "labs.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1"}}]}))
    line = assert_one_line_error(coach("import", str(path)))
    assert "without pain ratings (LOINC 72514-3)" in line


def test_a_bundle_with_one_bad_observation_imports_nothing(demo_home, tmp_path):
    """All or nothing, as every import: the good observations are not stored either."""
    coach = Coach(tmp_path / "home")
    bundle = tmp_path / "bundle.json"
    assert Coach(demo_home)("export", "--format", "fhir", "-o", str(bundle)).returncode == 0
    data = json.loads(bundle.read_text())
    observations = [e["resource"] for e in data["entry"]
                    if e["resource"]["resourceType"] == "Observation"]
    observations[-1]["valueInteger"] = 11
    bundle.write_text(json.dumps(data))
    line = assert_one_line_error(coach("import", str(bundle)))
    assert "nothing was imported" in line and "is not a whole number from 0 to 10" in line
    assert json.loads(coach("export").stdout)["ratings"] == []
    assert json.loads(coach("export").stdout)["sessions"] == []
