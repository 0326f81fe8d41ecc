"""`coach export`, `import`, `profile` and `doctor` through the real entry point."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.helpers import snapshot_dir

COACH = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "coach")


def coach(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COACH_HOME": str(home), "TZ": "Europe/Berlin"}
    return subprocess.run([COACH, *args], env=env, capture_output=True, text=True, timeout=60)


def seed(home: Path) -> None:
    for day, value in ((2, 4), (3, 5), (4, 6)):
        assert coach(home, "log", "neck", str(value), "--at", f"2026-11-{day:02d}T08:30",
                     "--note", f"day {day}, \"quoted\"").returncode == 0
    assert coach(home, "profile", "set", "--areas", "neck,Jaw", "--minutes", "15").returncode == 0


def test_json_export_import_round_trip_is_lossless_and_idempotent(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    seed(source)
    exported = tmp_path / "all.json"
    result = coach(source, "export", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    first = coach(target, "import", str(exported))
    assert first.returncode == 0, first.stderr
    assert "Imported 3 ratings" in first.stdout
    again = coach(target, "import", str(exported))
    assert "Imported 0 ratings" in again.stdout
    source_data = json.loads(exported.read_text())
    target_data = json.loads(coach(target, "export").stdout)
    for key in ("ratings", "sessions", "events", "profile", "settings"):
        assert target_data[key] == source_data[key], key


def test_csv_export_import_round_trip(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    seed(source)
    table = coach(source, "export", "--format", "csv").stdout
    assert table.splitlines()[0] == "at,area,rating,phase,note"
    assert table.splitlines()[1] == '2026-11-02T08:30:00+01:00,neck,4,check-in,"day 2, ""quoted"""'
    path = tmp_path / "ratings.csv"
    path.write_text(table)
    assert coach(target, "import", str(path)).returncode == 0
    assert coach(target, "import", str(path)).stdout.startswith("Imported 0 ratings")
    assert coach(target, "export", "--format", "csv").stdout == table


def test_import_refuses_the_whole_file_naming_bad_rows(tmp_path):
    seed(tmp_path)
    path = tmp_path.parent / "bad.csv"
    path.write_text("at,area,rating,phase,note\n"
                    "2026-11-05T09:00,neck,3,before,fine\n"
                    "2026-11-05T09:00,neck,12,before,\n"
                    "2026-11-06T09:00,elbw,3,,\n"
                    "2026-11-07T09:00,jaw,2,check-in,fine too\n")
    before = snapshot_dir(tmp_path)
    result = coach(tmp_path, "import", str(path))
    assert result.returncode == 2
    assert "nothing was imported" in result.stderr
    assert "row 3" in result.stderr and "row 4" in result.stderr and "row 2" not in result.stderr
    assert snapshot_dir(tmp_path) == before


def test_import_of_missing_or_foreign_files_is_a_usage_error(tmp_path):
    missing = coach(tmp_path, "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    other = tmp_path.parent / "other.json"
    other.write_text('{"hello": 1}')
    assert coach(tmp_path, "import", str(other)).returncode == 2


def test_profile_show_and_set(tmp_path):
    shown = coach(tmp_path, "profile", "show", "--json")
    assert json.loads(shown.stdout)["saved"] is False
    result = coach(tmp_path, "profile", "set", "--areas", "Neck,low-back", "--tools", "ball",
                   "--minutes", "20", "--desk-only")
    assert result.returncode == 0, result.stderr
    profile = json.loads(coach(tmp_path, "profile", "show", "--json").stdout)
    assert profile["saved"] is True
    assert (profile["areas"], profile["tools"], profile["minutes"], profile["desk_only"]) == \
        (["neck", "low-back"], ["ball"], 20, True)
    assert coach(tmp_path, "profile", "set", "--no-desk-only").returncode == 0
    assert json.loads(coach(tmp_path, "profile", "show", "--json").stdout)["desk_only"] is False


def test_profile_set_rejects_bad_names_and_minutes(tmp_path):
    seed(tmp_path)
    before = snapshot_dir(tmp_path)
    unknown = coach(tmp_path, "profile", "set", "--areas", "nekc")
    assert unknown.returncode == 2 and "did you mean neck" in unknown.stderr
    for minutes in ("2", "61", "ten"):
        assert coach(tmp_path, "profile", "set", "--minutes", minutes).returncode == 2
    assert coach(tmp_path, "profile", "set").returncode == 2
    assert snapshot_dir(tmp_path) == before


def test_doctor_recovers_a_damaged_month_from_backup_and_salvage(tmp_path):
    seed(tmp_path)
    month = tmp_path / "ratings" / "2026-11.json"
    lines = month.read_text().splitlines()
    # damage the file as a failing disk might: the closing braces are lost
    month.write_text("\n".join(lines[:-2]))
    failed = coach(tmp_path, "log", "neck", "3", "--at", "2026-11-06T09:00")
    assert failed.returncode == 1
    assert "ratings/2026-11.json is damaged" in failed.stderr and "coach doctor" in failed.stderr
    again = coach(tmp_path, "log", "neck", "3", "--at", "2026-11-06T09:00")
    assert again.returncode == 1 and "set aside" in again.stderr  # no fresh empty month
    assert not month.exists()

    doctor = coach(tmp_path, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "rebuilt with 3 records" in doctor.stdout
    kept = list((tmp_path / "damaged").iterdir())
    assert len(kept) == 1 and kept[0].read_text().startswith("{")
    exported = json.loads(coach(tmp_path, "export").stdout)
    notes = sorted(rating["note"] for rating in exported["ratings"])
    assert notes == ['day 2, "quoted"', 'day 3, "quoted"', 'day 4, "quoted"']
    assert coach(tmp_path, "log", "neck", "3", "--at", "2026-11-06T09:00").returncode == 0


def test_doctor_fixes_permissions_and_reports_ok(tmp_path):
    seed(tmp_path)
    os.chmod(tmp_path / "coach.json", 0o644)
    result = coach(tmp_path, "doctor")
    assert result.returncode == 0, result.stdout
    assert "fixed" in result.stdout and "private" in result.stdout
    assert stat.S_IMODE((tmp_path / "coach.json").stat().st_mode) == 0o600
    assert "Everything checks out" in coach(tmp_path, "doctor").stdout


# --- the bad-input table: exit code, one line, nothing changed ------------------------------

EXPORT_HEAD = {"format": "coach-export", "version": 1, "schema": 1}


def export_file(folder: Path, name: str, **data) -> str:
    path = folder / name
    path.write_text(json.dumps({**EXPORT_HEAD, **data}))
    return str(path)


def big_sparse_file(folder: Path) -> str:
    path = folder / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(201 * 1024 * 1024)  # sparse: costs no disk
    return str(path)


def nested_file(folder: Path) -> str:
    path = folder / "nested.json"
    path.write_text('{"format": "coach-export", "version": 1, "ratings": '
                    + "[" * 200_000 + "]" * 200_000 + "}")
    return str(path)


RATING = {"at": "2026-11-05T09:00:00+01:00", "area": "neck", "rating": 3, "phase": "before",
          "note": ""}
SESSION = {"id": "s1", "day": "2026-11-05", "started_at": "2026-11-05T10:00:00+01:00",
           "finished_at": None, "planned_s": 600, "done_s": 0, "steps": [],
           "status": "in-progress"}

BAD_INPUT = {
    "import /dev/zero": (lambda folder: ["import", "/dev/zero"], 2, "not a regular file"),
    "import over 200 MB": (lambda folder: ["import", big_sparse_file(folder)], 2, "200 MB"),
    "profile of 99999 minutes": (lambda folder: ["import", export_file(
        folder, "p.json", profile={"areas": ["neck"], "minutes": 99999})], 2, "minutes"),
    "a tool named laser": (lambda folder: ["import", export_file(
        folder, "t.json", profile={"areas": ["neck"], "tools": ["laser"]})], 2, "laser"),
    "reminder hours 25:00-99:00": (lambda folder: ["import", export_file(
        folder, "h.json", settings={"reminders": {"hours": "25:00-99:00"}})], 2, "settings"),
    "an event without a reminder": (lambda folder: ["import", export_file(
        folder, "e.json", events=[{"kind": "sent", "at": "2026-11-05T09:00:00+01:00"}])],
        2, "reminder"),
    "planned_s 1e999": (lambda folder: ["import", str(_write(
        folder / "s.json", json.dumps({**EXPORT_HEAD, "sessions": [SESSION]}).replace(
            '"planned_s": 600', '"planned_s": 1e999')))], 2, "planned_s"),
    "nested JSON": (lambda folder: ["import", nested_file(folder)], 2, "nested too deeply"),
    "a rating of 99 in an export": (lambda folder: ["import", export_file(
        folder, "r.json", ratings=[{**RATING, "rating": 99}])], 2, "rating 99"),
    "a nonexistent local time": (lambda folder: ["log", "neck", "5", "--at",
                                                 "2027-03-28T02:30"], 2, "does not exist"),
    "an ambiguous local time": (lambda folder: ["log", "neck", "5", "--at",
                                                "2026-10-25T02:30"], 2, "happens twice"),
    "remind pause 999999999999999999999m": (lambda folder: ["remind", "pause",
                                                            "999999999999999999999m"], 2, "pause"),
    "today --date 0001-01-01": (lambda folder: ["today", "--date", "0001-01-01"], 2,
                                "out of range"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_sentence_and_changes_nothing(tmp_path, case):
    home, inputs = tmp_path / "home", tmp_path / "inputs"
    inputs.mkdir()
    seed(home)
    make_args, code, words = BAD_INPUT[case]
    args = make_args(inputs)
    before = snapshot_dir(home)
    result = coach(home, *args)
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot_dir(home) == before


@pytest.mark.parametrize("where", ["file", "under a file"])
def test_coach_home_a_file_or_under_a_file_is_one_sentence(tmp_path, where):
    plain = tmp_path / "plain"
    plain.write_text("not a folder")
    home = plain if where == "file" else plain / "data"
    for args in (["log", "neck", "5"], ["today"], ["export"], ["doctor"]):
        result = coach(home, *args)
        assert result.returncode == 1, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "COACH_HOME" in result.stderr
        assert "unexpected error" not in result.stderr
    assert plain.read_text() == "not a folder"


def test_import_with_a_damaged_month_writes_nothing(tmp_path):
    seed(tmp_path)
    month = tmp_path / "ratings" / "2026-11.json"
    month.write_text(month.read_text()[:-5])
    other = tmp_path / "ratings" / "2026-10.json"
    source = tmp_path.parent / "two-months.csv"
    source.write_text("at,area,rating,phase,note\n2026-10-05T09:00+01:00,neck,3,,\n"
                      "2026-11-09T09:00+01:00,neck,3,,\n")
    result = coach(tmp_path, "import", str(source))
    assert result.returncode == 1 and "damaged" in result.stderr
    assert "nothing was changed" in result.stderr
    assert not other.exists()  # the good month was not written either


def test_csv_export_escapes_formulas_and_import_reads_them_back(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    notes = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "'=already", "plain"]
    for hour, note in enumerate(notes, start=8):
        assert coach(source, "log", "neck", "3", "--at", f"2026-11-05T{hour:02d}:00",
                     "--note", note).returncode == 0
    table = coach(source, "export", "--format", "csv").stdout
    rows = table.splitlines()[1:]
    assert [row.split(",", 4)[4] for row in rows[:2]] == ["\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
                                                            "'+1"]
    assert all(not row.split(",", 4)[4].startswith(("=", "+", "-", "@")) for row in rows)
    path = tmp_path / "back.csv"
    path.write_text(table)
    assert coach(target, "import", str(path)).returncode == 0
    exported = json.loads(coach(target, "export").stdout)
    assert sorted(rating["note"] for rating in exported["ratings"]) == sorted(notes)


def test_an_offsetless_csv_imported_under_two_time_zones_adds_nothing_the_second_time(tmp_path):
    path = tmp_path.parent / "local.csv"
    path.write_text("at,area,rating,phase,note\n2026-11-05T09:00,neck,3,,\n"
                    "2026-11-06T21:30,jaw,2,check-in,evening\n")
    first = coach(tmp_path, "import", str(path))
    assert first.returncode == 0 and first.stdout.startswith("Imported 2 ratings"), first.stderr
    env = {**os.environ, "COACH_HOME": str(tmp_path), "TZ": "America/New_York"}
    again = subprocess.run([COACH, "import", str(path)], env=env, capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0 and again.stdout.startswith("Imported 0 ratings"), again.stderr


def test_doctor_after_bad_records_lets_report_today_and_export_work(tmp_path):
    seed(tmp_path)
    month = tmp_path / "ratings" / "2026-11.json"
    data = json.loads(month.read_text())
    template = next(iter(data["ratings"].values()))
    for number, change in enumerate(({"rating": 99}, {"rating": "5"}, {"rating": None},
                                     {"at": None}), start=10):
        data["ratings"][str(number)] = {**template, "id": f"bad{number}", **change}
    month.write_text(json.dumps(data))
    broken = coach(tmp_path, "report")
    assert broken.returncode == 1 and "coach doctor" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    doctor = coach(tmp_path, "doctor")
    assert doctor.returncode == 0, doctor.stdout
    assert "moved 4 records" in doctor.stdout and "the other 3 are kept" in doctor.stdout
    for args in (["report"], ["today", "--date", "2026-11-05"], ["export"],
                 ["export", "--format", "csv"]):
        result = coach(tmp_path, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert "Everything checks out" in coach(tmp_path, "doctor").stdout
