"""`coach remind ...` through the real entry point, each test with its own data directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from coach.store import Store
from tests.cli.conftest import assert_one_line_error
from tests.helpers import snapshot_dir


def noon_zone() -> str:
    """A fixed-offset zone where it is around midday now, so 00:00-23:59 is safely working time."""
    offset = (12 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    # Etc/GMT signs are inverted: Etc/GMT-3 is three hours ahead of UTC
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def status_json(coach) -> dict:
    result = coach("remind", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def record_sent(coach, kind: str = "break", snoozes: int = 0, ago=timedelta(minutes=1)):
    store = Store(coach.home)
    moment = datetime.now(UTC) - ago
    store.add_event("sent", moment, reminder=kind, due=moment.isoformat(), snoozes=snoozes,
                    delivered=True)
    return moment


def test_set_without_options_shows_the_defaults(coach):
    result = coach("remind", "set")
    assert result.returncode == 0
    assert result.stdout.strip() == ("Reminders: mon-fri 09:00-17:30; a break every 30 min; "
                                     "routine at 12:30; snooze 10 min.")


def test_set_saves_every_option_and_status_shows_them(coach):
    result = coach("remind", "set", "--days", "mon,tue,thu", "--hours", "08:00-16:30",
                   "--every", "45", "--routine-at", "12:15", "--routine-at", "08:30",
                   "--quiet", "12:00-13:00", "--quiet", "tue 10:00-10:30",
                   "--snooze-minutes", "5", "--timezone", "Europe/London")
    assert result.returncode == 0, result.stderr
    settings = status_json(coach)["settings"]
    assert settings["working_days"] == ["mon", "tue", "thu"]
    assert settings["hours"] == "08:00-16:30"
    assert settings["break_interval_min"] == 45
    assert settings["routine_times"] == ["08:30", "12:15"]
    assert settings["quiet"] == ["12:00-13:00", "tue 10:00-10:30"]
    assert settings["snooze_min"] == 5 and settings["timezone"] == "Europe/London"
    assert coach("remind", "set", "--breaks", "off", "--routine-at", "none",
                 "--quiet", "none").returncode == 0
    settings = status_json(coach)["settings"]
    assert (settings["breaks"], settings["routine_times"], settings["quiet"]) == (False, [], [])
    assert settings["break_interval_min"] == 45  # untouched options keep their values


@pytest.mark.parametrize("args, words", [
    (["--every", "2"], "between 5 and 240 minutes, not 2"),
    (["--every", "500"], "between 5 and 240 minutes, not 500"),
    (["--hours", "09:00-25:00"], "'25:00' is not a time of day"),
    (["--routine-at", "25:00"], "'25:00' is not a time of day"),
    (["--hours", "17:30-09:00"], "the end comes before the start"),
    (["--quiet", "13:00-12:00"], "the end comes before the start"),
    (["--days", "mon,fir"], "unknown weekday 'fir'"),
    (["--quiet", "funday 10:00-11:00"], "unknown weekday"),
    (["--snooze-minutes", "0"], "between 1 and 120 minutes"),
    (["--timezone", "Mars/Olympus"], "unknown time zone"),
    (["--every", "45", "--hours", "9-5"], "is not a time of day"),
])
def test_bad_settings_exit_2_with_one_sentence_and_change_nothing(coach, args, words):
    assert coach("remind", "set", "--every", "20").returncode == 0
    before = snapshot_dir(coach.home)
    result = coach("remind", "set", *args)
    line = assert_one_line_error(result, 2)
    assert words in line
    assert snapshot_dir(coach.home) == before


def test_status_without_a_runner_or_a_bus(coach):
    coach.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    coach.env["XDG_RUNTIME_DIR"] = str(coach.home / "no-runtime")
    result = coach("remind", "status")
    assert result.returncode == 0
    assert "Runner: not running" in result.stdout
    assert "Notifications: not shown" in result.stdout and "no D-Bus session bus" in result.stdout
    state = status_json(coach)
    assert state["runner_pid"] is None and state["backend_ok"] is False
    kinds = {item["kind"] for item in state["next"]}
    assert kinds <= {"break", "routine"} and "routine" in kinds
    for item in state["next"]:
        assert datetime.fromisoformat(item["at"]).utcoffset() is not None


def test_test_without_a_notification_service_fails_with_the_reason(coach):
    coach.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    coach.env["XDG_RUNTIME_DIR"] = str(coach.home / "no-runtime")
    line = assert_one_line_error(coach("remind", "test"), 1)
    assert "notifications cannot be shown" in line


def test_snooze_the_last_reminder_at_most_three_times_in_a_row(coach):
    line = assert_one_line_error(coach("remind", "snooze"), 2)
    assert "no reminder from the last 2 hours" in line
    sent_at = record_sent(coach)
    result = coach("remind", "snooze")
    assert result.returncode == 0, result.stderr
    assert "until" in result.stdout and "(1 of 3 in a row)" in result.stdout
    snooze = status_json(coach)["settings"]["snooze"]
    assert snooze["kind"] == "break" and snooze["count"] == 1
    until = datetime.fromisoformat(snooze["until"])
    assert timedelta(minutes=9) < until - datetime.now(UTC) <= timedelta(minutes=10)
    assert datetime.fromisoformat(snooze["due"]) == sent_at
    assert coach("remind", "snooze", "25").returncode == 0  # again before it came back: moved
    until = datetime.fromisoformat(status_json(coach)["settings"]["snooze"]["until"])
    assert until - datetime.now(UTC) > timedelta(minutes=24)
    snoozed = [event for event in Store(coach.home).events() if event.kind == "snoozed"]
    assert len(snoozed) == 2

    record_sent(coach, snoozes=3, ago=timedelta(seconds=5))  # it came back a third time
    before = snapshot_dir(coach.home)
    line = assert_one_line_error(coach("remind", "snooze"), 2)
    assert "already snoozed 3 times in a row" in line
    assert snapshot_dir(coach.home) == before
    for bad in ("0", "500", "soon"):
        assert_one_line_error(coach("remind", "snooze", bad), 2)


def test_skip_and_done_record_events(coach):
    assert_one_line_error(coach("remind", "skip"), 2)
    record_sent(coach, kind="routine")
    assert coach("remind", "snooze").returncode == 0
    result = coach("remind", "skip")
    assert result.returncode == 0 and "Skipped the routine reminder" in result.stdout
    assert status_json(coach)["settings"]["snooze"] is None
    # skipped settles it: done or snooze for the same reminder is refused, nothing changes
    before = snapshot_dir(coach.home)
    assert "already skipped" in assert_one_line_error(coach("remind", "done"), 2)
    assert "already skipped" in assert_one_line_error(coach("remind", "snooze"), 2)
    assert snapshot_dir(coach.home) == before
    record_sent(coach, kind="break", ago=timedelta(0))  # a new reminder, after the skip
    result = coach("remind", "done")
    assert result.returncode == 0
    assert "already marked done" in assert_one_line_error(coach("remind", "skip"), 2)
    kinds = [event.kind for event in Store(coach.home).events()]
    assert kinds == ["sent", "snoozed", "skipped", "sent", "acted"]


def test_pause_and_resume(coach):
    result = coach("remind", "pause", "2h")
    assert result.returncode == 0 and "paused until" in result.stdout
    paused_until = datetime.fromisoformat(status_json(coach)["paused_until"])
    assert timedelta(minutes=119) < paused_until - datetime.now(UTC) <= timedelta(hours=2)
    assert "Paused until" in coach("remind", "status").stdout
    assert coach("remind", "pause", "tomorrow").returncode == 0
    tomorrow = datetime.fromisoformat(status_json(coach)["paused_until"])
    assert (tomorrow.hour, tomorrow.minute) == (0, 0)  # local midnight (it keeps its offset)
    before = snapshot_dir(coach.home)
    for bad in ("0m", "fish", "15d", "-3h"):
        line = assert_one_line_error(coach("remind", "pause", "--", bad), 2)
        assert bad in line
    assert snapshot_dir(coach.home) == before
    result = coach("remind", "resume")
    assert result.returncode == 0 and "resumed" in result.stdout
    assert status_json(coach)["paused_until"] is None
    assert coach("remind", "resume").stdout.strip() == "Reminders are not paused."
    kinds = [event.kind for event in Store(coach.home).events()]
    assert kinds == ["paused", "paused", "resumed"]


def test_install_and_uninstall(coach, tmp_path):
    coach.env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    result = coach("remind", "install", "--using", "systemd")
    assert result.returncode == 0, result.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "coach-reminders.service"
    assert unit.is_file() and "remind run" in unit.read_text()
    assert "systemctl --user enable --now coach-reminders.service" in result.stdout
    result = coach("remind", "install", "--using", "autostart")
    desktop = tmp_path / "config" / "autostart" / "coach-reminders.desktop"
    assert result.returncode == 0 and desktop.is_file()
    assert "next login" in result.stdout
    result = coach("remind", "uninstall")
    assert result.returncode == 0
    assert f"Removed {unit}." in result.stdout and f"Removed {desktop}." in result.stdout
    assert not unit.exists() and not desktop.exists()
    assert "Nothing to remove" in coach("remind", "uninstall").stdout
    assert_one_line_error(coach("remind", "install", "--using", "cron"), 2)


def start_runner(coach, *extra):
    return subprocess.Popen([sys.executable, "-m", "coach", "remind", "run", *extra],
                            env=coach.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for(condition, timeout_s=15.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_one_runner_per_user_records_reminders_without_a_bus_and_stops_cleanly(
    coach, stop_signal
):
    coach.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    coach.env["XDG_RUNTIME_DIR"] = str(coach.home / "no-runtime")
    assert coach("remind", "set", "--days", "every day", "--hours", "00:00-23:59",
                 "--every", "5", "--routine-at", "none", "--timezone", noon_zone()).returncode == 0
    runner = start_runner(coach, "--fast", "--tick-seconds", "0.5")
    try:
        assert wait_for(lambda: status_json(coach)["runner_pid"] == runner.pid)
        second = coach("remind", "run")
        line = assert_one_line_error(second, 1)
        assert f"process {runner.pid}" in line
        # settings changed by another process are picked up without a restart
        assert coach("remind", "set", "--snooze-minutes", "3").returncode == 0
        log = coach.home / "coach.log"
        assert wait_for(lambda: "settings changed" in log.read_text())

        def sent():
            return [event for event in Store(coach.home).events() if event.kind == "sent"]

        assert wait_for(lambda: len(sent()) >= 1)
        assert all(event.delivered is False for event in sent())
    finally:
        runner.send_signal(stop_signal)
        out, err = runner.communicate(timeout=15)
    assert runner.returncode == 0, err
    assert f"pid {runner.pid}" in out
    # one clear message about notifications at start, and nothing else on stderr
    assert err.count("\n") == 1 and "notifications cannot be shown" in err
    assert "Traceback" not in err
    assert f"stopping on {stop_signal.name}" in log.read_text()
    assert status_json(coach)["runner_pid"] is None
    assert not os.path.exists(coach.home / "reminders-status.json")
