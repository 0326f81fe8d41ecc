"""Safety answers through the real entry point: --cautions, --avoid-areas, `coach profile
screen`, the safety block in `coach today --json`, and the next-day soreness check-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.cli.conftest import assert_one_line_error

DAY = "2026-11-23"


def today_json(coach, *args):
    result = coach("today", "--json", "--date", DAY, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_unscreened_today_is_gentle_and_says_how_to_screen_in_one_line(coach):
    coach("profile", "set", "--areas", "neck,shoulders", "--minutes", "10")
    result = coach("today", "--date", DAY)
    assert result.returncode == 0
    assert result.stderr.count("\n") == 1 and "coach profile screen" in result.stderr
    data = today_json(coach)
    assert data["safety"]["level"] == "gentle"
    assert any("safety questions" in reason for reason in data["safety"]["reasons"])


def test_no_cautions_screens_and_gives_an_ok_routine(coach):
    result = coach("profile", "set", "--areas", "neck,shoulders", "--no-cautions")
    assert result.returncode == 0, result.stderr
    assert "screened:  yes" in result.stdout
    data = today_json(coach)
    assert data["safety"] == {"level": "ok", "reasons": []}
    assert data["steps"] and all("technique" in step for step in data["steps"])


def test_an_urgent_caution_gives_no_routine_and_one_sentence_first(coach):
    result = coach("profile", "set", "--cautions", "numbness-tingling")
    assert result.returncode == 0, result.stderr
    assert "Numbness, tingling or weakness" in result.stdout
    data = today_json(coach)
    assert data["safety"]["level"] == "see-clinician" and data["steps"] == []
    assert "doctor or physiotherapist" in data["safety"]["reasons"][0]
    text = coach("today", "--date", DAY).stdout
    assert text.startswith("No routine today")


def test_blood_thinners_give_hands_only_light_short_holds(coach):
    coach("profile", "set", "--areas", "neck,upper-back,low-back", "--tools", "ball,wall,hands",
          "--cautions", "anticoagulants")
    data = today_json(coach)
    assert data["safety"]["level"] == "gentle"
    pressing = [step for step in data["steps"] if step["technique"] != "stretch"]
    assert pressing
    for step in pressing:
        assert step["tool"] == "hands" and step["hold_s"] <= 30
        assert any("bruise" in caution for caution in step["cautions"])


def test_avoid_areas_leaves_them_out_and_says_so(coach):
    coach("profile", "set", "--areas", "neck,shoulders,low-back",
          "--cautions", "recent-injury-surgery")
    asked = coach("profile", "set", "--minutes", "10")
    assert "--avoid-areas" in asked.stdout
    assert today_json(coach)["safety"]["level"] == "gentle"
    assert coach("profile", "set", "--avoid-areas", "neck").returncode == 0
    data = today_json(coach)
    assert all(step["area"] != "neck" for step in data["steps"])
    assert any("neck" in reason.lower() for reason in data["safety"]["reasons"])
    assert any(note.startswith("Neck is left out") for note in data["notes"])


def test_bad_caution_and_area_ids_are_one_plain_sentence(coach):
    line = assert_one_line_error(coach("profile", "set", "--cautions", "pregnant"))
    assert "unknown caution 'pregnant'" in line and "pregnancy" in line
    line = assert_one_line_error(coach("profile", "set", "--avoid-areas", "nek"))
    assert "did you mean neck?" in line
    line = assert_one_line_error(coach("profile", "set", "--cautions", "pregnancy",
                                       "--no-cautions"))
    assert "not both" in line
    assert not (coach.home / "coach.json").exists() or "pregnancy" not in (
        coach.home / "coach.json").read_text()


def test_pain_nine_in_the_neck_gives_stretches_there(coach):
    coach("profile", "set", "--areas", "neck,shoulders", "--no-cautions")
    assert coach("log", "neck", "9", "--at", f"{DAY}T09:00").returncode == 0
    data = today_json(coach)
    assert data["safety"]["level"] == "stretch-only"
    assert all(step["technique"] == "stretch" for step in data["steps"] if step["area"] == "neck")
    assert "physiotherapist" in data["safety"]["reasons"][0]


def test_a_note_about_numbness_stops_pressure_there(coach):
    coach("profile", "set", "--areas", "neck", "--no-cautions")
    assert coach("log", "neck", "3", "--note", "new numbness in my fingers",
                 "--at", f"{DAY}T08:00").returncode == 0
    data = today_json(coach)
    assert data["steps"] and all(step["technique"] == "stretch" for step in data["steps"])
    assert any("numbness" in reason for reason in data["safety"]["reasons"])


def test_profile_screen_asks_every_question_and_where(coach):
    from coach import safety
    from coach.catalog import load_catalog

    questions = safety.screening_questions(load_catalog(include_user=False))
    answers = ["y" if q.caution == "recent-injury-surgery" else "n" for q in questions]
    result = coach("profile", "screen", input="\n".join(answers) + "\nneck\n")
    assert result.returncode == 0, result.stderr
    assert "recent-injury-surgery" in result.stdout and "left out:  neck" in result.stdout
    data = today_json(coach)
    assert data["safety"]["level"] == "ok"
    assert all(step["area"] != "neck" for step in data["steps"])


def test_soreness_is_asked_once_the_next_day_in_a_terminal(tmp_path, monkeypatch):
    """`coach today` in a real terminal (a pty) the day after a session asks once."""
    import pty

    from coach.store import SessionRecord, Store

    home = tmp_path / "home"
    env = {**os.environ, "COACH_HOME": str(home), "TZ": "Europe/Berlin"}
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    # "Yesterday" where the command runs (TZ above), not where the test runs: between
    # 23:00 and 24:00 UTC they are different days.
    berlin = ZoneInfo("Europe/Berlin")
    yesterday = datetime.now(berlin).date() - timedelta(days=1)
    started = datetime.combine(yesterday, time(12), tzinfo=berlin)
    monkeypatch.setenv("COACH_HOME", str(home))
    Store().save_session(SessionRecord(
        id="s1", day=yesterday, started_at=started, finished_at=started, planned_s=300,
        done_s=300, status="finished",
        steps=[{"muscle": "upper-trapezius", "area": "neck", "side": "left",
                "tool": "hands", "technique": "sustained-pressure", "seconds": 60,
                "hold_s": 30, "reps": 1, "completed": True}]))

    def run(answer: str) -> str:
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(sys.executable, [sys.executable, "-m", "coach", "today"], env)
        output = b""
        sent = False
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not sent and b"Neck" in output:
                os.write(fd, answer.encode() + b"\r")
                sent = True
        os.waitpid(pid, 0)
        return output.decode(errors="replace")

    first = run("a lot")
    assert "Still sore from yesterday's session?" in first and "24-48 hours" in first
    second = run("none")
    assert "Still sore" not in second
    exported = subprocess.run([sys.executable, "-m", "coach", "export"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert '"soreness"' in exported.stdout and '"a-lot"' in exported.stdout
