"""`coach export`, `import`, `profile` and `doctor` through the real entry point."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

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
