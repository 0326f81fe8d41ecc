"""`coach today`, `coach catalog`, `--version`, `--help` and bad input, via the real entry point."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.cli.conftest import assert_one_line_error

STEP_KEYS = {"muscle", "area", "side", "tool", "position", "technique", "hold_s", "release_s",
             "reps", "stretch", "reason"}


def test_today_json_follows_the_contract(coach):
    result = coach("today", "--json", "--date", "2026-11-22", "--minutes", "12")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"date", "minutes", "total_s", "steps"} <= set(data)
    assert data["date"] == "2026-11-22" and data["minutes"] == 12
    assert data["total_s"] <= 1.1 * 720
    # No profile: gentle until the safety questions are answered, and it says why.
    assert data["safety"]["level"] == "gentle" and data["safety"]["reasons"]
    assert data["total_s"] >= 0.9 * 720 or data["notes"]
    assert data["steps"] and all(set(step) >= STEP_KEYS for step in data["steps"])
    assert data["total_s"] == sum(step["seconds"] for step in data["steps"])


def test_today_without_a_profile_says_it_uses_the_default_in_one_line(coach):
    result = coach("today")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "default" in result.stderr
    assert "Today," in result.stdout and "why:" in result.stdout


def test_today_options_shape_the_routine(coach):
    result = coach("today", "--json", "--areas", "Low back,jaw", "--tools", "ball,hands",
                   "--desk", "--minutes", "8", "--habits", "driving")
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    assert {step["area"] for step in steps} <= {"low-back", "jaw"}
    assert all(step["position"] == "seated" for step in steps)
    assert all(step["tool"] in ("ball", "hands") for step in steps)


def test_the_data_folder_is_private_from_the_first_command(coach):
    assert coach("today").returncode == 0
    assert oct(coach.home.stat().st_mode & 0o777) == "0o700"
    for path in coach.home.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path


def test_python_dash_m_is_the_same_program(coach):
    assert coach("--version").stdout.strip() == "coach, version 0.1.0"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["today", "--areas", "low-bak"], "did you mean low-back?"),
        (["today", "--tools", "hammer"], "unknown tool 'hammer'"),
        (["today", "--habits", "drivng"], "did you mean driving?"),
        (["today", "--date", "22/11/2026"], "YYYY-MM-DD"),
        (["today", "--minutes", "0"], "--minutes"),
        (["today", "--minutes", "abc"], "--minutes"),
        (["today", "--bogus"], "No such option"),
        (["todya"], "did you mean today?"),
        (["catalog", "--check"], "--check"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(coach, args, words):
    line = assert_one_line_error(coach(*args))
    assert words in line


def test_help_on_every_command(coach):
    from coach.cli import COMMANDS

    assert coach("--help").returncode == 0
    for name in COMMANDS:
        result = coach(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage:" in result.stdout


def test_catalog_json_follows_the_contract(coach):
    result = coach("catalog", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"areas", "habits", "tools", "muscles", "cautions"}
    assert len(data["areas"]) >= 14 and len(data["muscles"]) >= 24 and len(data["habits"]) >= 7
    assert all(set(area) == {"id", "label"} for area in data["areas"])
    for muscle in data["muscles"]:
        if muscle["kind"] == "movement":
            assert set(muscle) == {"id", "name", "kind", "areas", "map", "how", "seconds",
                                   "position"}
            assert muscle["map"] is None and 30 <= muscle["seconds"] <= 120
        else:
            assert set(muscle) == {"id", "name", "kind", "areas", "map"}
            assert muscle["kind"] in ("pressure", "stretch")
            sides = {"left", "right"} if set(muscle["map"]) != {"whole"} else {"whole"}
            assert set(muscle["map"]) == sides
            for part in muscle["map"].values():
                assert part["points"] and part["zones"]
    assert data["cautions"] and all(
        set(caution) == {"id", "label", "urgent", "question"} for caution in data["cautions"])
    assert any(caution["urgent"] for caution in data["cautions"])


def test_catalog_text_lists_everything(coach):
    result = coach("catalog")
    assert result.returncode == 0
    assert "Problem areas:" in result.stdout and "low-back" in result.stdout
    for title in ("Muscles:", "Stretch only (no pressure):", "Desk movements (for breaks):",
                  "Health cautions:"):
        assert title in result.stdout


BROKEN = """
    schema = 1
    [[target]]
    id = "my-point"
    name = "My point"
    areas = ["neck"]
    bilateral = false
    find = "Here."
    refers = "a local ache"
    sources = ["me"]
    [target.dosage]
    hold_s = 500
    release_s = 10
    reps = 1
    [[target.method]]
    tools = ["hands"]
    position = "seated"
    technique = "sustained-pressure"
    how = "Press."
"""


def test_catalog_check_names_file_entry_and_field(coach, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent(BROKEN))
    line = assert_one_line_error(coach("catalog", "--check", str(path)))
    assert "mine.toml" in line and "'my-point'" in line and "hold_s" in line
    path.write_text(textwrap.dedent(BROKEN).replace("hold_s = 500", "hold_s = 45"))
    result = coach("catalog", "--check", str(path))
    assert result.returncode == 0 and "valid" in result.stdout


def test_a_broken_user_file_warns_and_the_rest_still_works(coach):
    folder = coach.home / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(textwrap.dedent(BROKEN))
    result = coach("today", "--json")
    assert result.returncode == 0
    assert "mine.toml" in result.stderr and "skipped" in result.stderr
    assert json.loads(result.stdout)["steps"]


def test_debug_shows_the_traceback_only_when_asked(coach):
    quiet = coach("today", "--date", "nope")
    assert "Traceback" not in quiet.stderr
    loud = coach("--debug", "today", "--date", "nope")
    assert loud.returncode != 0 and "Traceback" in loud.stderr


def test_the_app_on_a_damaged_store_says_so_in_one_line(coach):
    assert coach("profile", "set", "--minutes", "12").returncode == 0
    main_file = coach.home / "coach.json"
    main_file.write_text("\n".join(main_file.read_text().splitlines()[:-2]))  # torn end
    line = assert_one_line_error(coach(), exit_code=1)
    assert "coach.json is damaged" in line and "coach doctor" in line
    assert list(coach.home.glob("coach.json.corrupt-*"))  # kept aside, not deleted
    coach("doctor")
    assert "minutes:   12" in coach("profile", "show").stdout  # salvaged
