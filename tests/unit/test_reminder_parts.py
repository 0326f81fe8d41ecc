"""Reminder settings parsing, the notifier's two plyer paths, sleep detection, install files."""

from __future__ import annotations

import json
import os
import stat
import sys
import types
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.errors import UsageError
from coach.reminders import notifier as notifier_module
from coach.reminders import service
from coach.reminders.settings import (
    QuietPeriod,
    ReminderSettings,
    Snooze,
    parse_clock,
    parse_days,
    parse_interval,
    parse_pause,
    parse_quiet,
    parse_span,
)
from coach.reminders.sleep import SleepDetector

LONDON = ZoneInfo("Europe/London")

# --- settings ---------------------------------------------------------------------------


def test_defaults_match_the_issue():
    settings = ReminderSettings()
    assert settings.working_days == ("mon", "tue", "wed", "thu", "fri")
    assert (settings.work_start, settings.work_end) == (time(9, 0), time(17, 30))
    assert settings.break_interval_min == 30
    assert settings.routine_times == (time(12, 30),)
    assert settings.snooze_min == 10


def test_settings_survive_a_round_trip_through_their_stored_form():
    moment = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    chosen = ReminderSettings(
        working_days=("mon", "wed"), work_start=time(8, 0), work_end=time(16, 0),
        break_interval_min=45, routine_times=(time(8, 15), time(15, 0)),
        quiet=(QuietPeriod(time(12, 0), time(13, 0)), QuietPeriod(time(10, 0), time(10, 30),
                                                                    ("tue",))),
        snooze_min=5, timezone="Europe/London", paused_until=moment,
        snooze=Snooze("break", moment, 2, moment + timedelta(minutes=5)),
    )
    stored = json.loads(json.dumps(chosen.to_dict()))
    assert ReminderSettings.from_dict(stored) == chosen


@pytest.mark.parametrize("text, expected", [
    ("mon-fri", ("mon", "tue", "wed", "thu", "fri")),
    ("Monday,Wednesday", ("mon", "wed")),
    ("sat, sun", ("sat", "sun")),
    ("every day", ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
    ("fri,mon-tue", ("mon", "tue", "fri")),
])
def test_days(text, expected):
    assert parse_days(text) == expected


@pytest.mark.parametrize("call, words", [
    (lambda: parse_days("mon,fir"), "unknown weekday 'fir' (did you mean fri?)"),
    (lambda: parse_days("fri-mon"), "runs backwards"),
    (lambda: parse_clock("25:00"), "'25:00' is not a time of day"),
    (lambda: parse_clock("9.30"), "HH:MM"),
    (lambda: parse_span("17:00-09:00", "the working hours"), "the end comes before the start"),
    (lambda: parse_span("09:00", "the working hours"), "two times"),
    (lambda: parse_interval(2), "between 5 and 240 minutes, not 2"),
    (lambda: parse_interval(500), "between 5 and 240 minutes, not 500"),
    (lambda: parse_interval("ten"), "not a whole number"),
    (lambda: parse_quiet("tue 13:00-12:00"), "the end comes before the start"),
])
def test_bad_values_are_one_plain_sentence(call, words):
    with pytest.raises(UsageError) as caught:
        call()
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_pause_lengths():
    now = datetime(2025, 6, 2, 15, 10, tzinfo=LONDON)
    assert parse_pause("30m", now, LONDON) == now + timedelta(minutes=30)
    assert parse_pause("2h", now, LONDON) == now + timedelta(hours=2)
    assert parse_pause("1h30m", now, LONDON) == now + timedelta(minutes=90)
    assert parse_pause("tomorrow", now, LONDON) == datetime(2025, 6, 3, 0, 0, tzinfo=LONDON)
    for bad in ("0m", "15d", "fish", "", "-5m"):
        with pytest.raises(UsageError):
            parse_pause(bad, now, LONDON)


# --- sleep ------------------------------------------------------------------------------


def test_a_suspend_shows_as_wall_time_the_monotonic_clock_did_not_see():
    detector = SleepDetector()
    start = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    assert detector.check(start, 100.0) is None
    assert detector.check(start + timedelta(seconds=60), 160.0) is None  # awake
    gap = detector.check(start + timedelta(hours=3, seconds=120), 220.0)
    assert gap == (start + timedelta(seconds=120), start + timedelta(hours=3, seconds=120))
    # a tick that came late (busy machine) is not a suspend: both clocks moved
    assert detector.check(start + timedelta(hours=3, seconds=300), 400.0) is None


def test_without_a_system_bus_the_logind_watcher_bows_out_quietly(tmp_path, capfd):
    from coach.reminders.sleep import LogindWatcher

    watcher = LogindWatcher(lambda asleep: None, bus=f"unix:path={tmp_path}/no-bus")
    assert watcher.start() is False
    watcher.stop()
    assert capfd.readouterr().err == ""


# --- notifier ---------------------------------------------------------------------------

REAL_SERVICE_STATE = notifier_module.notification_service_state
NASTY_TITLE = 'coach: "quoted" \'single\''
NASTY_BODY = "-starts with a dash\nsecond line $(touch /tmp/owned) `id` & <b>x</b>"


@pytest.fixture
def fake_notify_send(tmp_path, monkeypatch):
    """A notify-send on PATH that records its argv, and a bus that says a service runs."""
    record = tmp_path / "argv.json"
    script = tmp_path / "bin" / "notify-send"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setitem(sys.modules, "dbus", None)  # no python-dbus: plyer picks notify-send
    monkeypatch.setattr(notifier_module, "notification_service_state", lambda address: (True, ""))
    return record


def test_notify_send_gets_app_name_timeout_and_literal_text(fake_notify_send, capfd):
    notifier = notifier_module.PlyerNotifier()
    assert notifier.name == "notify-send"
    assert capfd.readouterr().err == ""  # plyer's python-dbus warning is not shown
    assert notifier.send(NASTY_TITLE, NASTY_BODY, timeout_s=25) is True
    argv = json.loads(fake_notify_send.read_text())
    assert argv[0] == NASTY_TITLE
    assert argv[1] == " " + NASTY_BODY  # a leading dash would be read as an option
    assert argv[argv.index("-a") + 1] == "coach"
    assert argv[argv.index("-t") + 1] == "25000"
    assert not os.path.exists("/tmp/owned")
    assert capfd.readouterr().err == ""


def test_the_dbus_path_gets_app_name_and_timeout(monkeypatch):
    calls = []

    class Interface:
        def __init__(self, obj, name):
            pass

        def Notify(self, *args):  # noqa: N802 - the D-Bus method name
            calls.append(args)

    fake_dbus = types.SimpleNamespace(
        SessionBus=lambda: types.SimpleNamespace(get_object=lambda name, path: object()),
        Interface=Interface)
    monkeypatch.setitem(sys.modules, "dbus", fake_dbus)
    monkeypatch.setattr(notifier_module, "notification_service_state", lambda address: (True, ""))
    notifier = notifier_module.PlyerNotifier()
    assert notifier.name == "dbus"
    assert notifier.send(NASTY_TITLE, NASTY_BODY, timeout_s=25) is True
    app_name, _replaces, _icon, summary, body, _actions, _hints, timeout_ms = calls[0]
    assert (app_name, summary, timeout_ms) == ("coach", NASTY_TITLE, 25000)
    assert body == " " + NASTY_BODY


def test_without_a_session_bus_nothing_is_sent_and_the_reason_is_clear(fake_notify_send,
                                                                       monkeypatch):
    monkeypatch.setattr(notifier_module, "notification_service_state", REAL_SERVICE_STATE)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(fake_notify_send.parent / "no-such-dir"))
    notifier = notifier_module.PlyerNotifier()
    state = notifier.check()
    assert state.ok is False and "no D-Bus session bus" in state.reason
    assert notifier.send("title", "body") is False
    assert not fake_notify_send.exists()


def test_an_unreachable_bus_is_a_reason_not_a_crash(tmp_path):
    ok, reason = notifier_module.notification_service_state(f"unix:path={tmp_path}/missing")
    assert ok is False and "cannot be reached" in reason


# --- install ----------------------------------------------------------------------------


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config dir"))
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "data 100%"))
    return tmp_path / "config dir"


def test_install_writes_a_systemd_user_unit_and_uninstall_removes_it(config_home):
    path, steps = service.install("systemd")
    assert path == config_home / "systemd" / "user" / "coach-reminders.service"
    text = path.read_text()
    assert f"ExecStart={sys.executable} -m coach remind run" in text or \
        f'ExecStart="{sys.executable}" -m coach remind run' in text
    assert 'Environment="COACH_HOME=' in text and "data 100%%" in text
    assert "WantedBy=default.target" in text
    assert steps[-1] == "systemctl --user enable --now coach-reminders.service"
    wants = path.parent / "default.target.wants"
    wants.mkdir()
    (wants / path.name).symlink_to(path)  # what `systemctl --user enable` leaves behind
    removed = service.uninstall()
    assert set(removed) == {path, wants / path.name}
    assert not path.exists() and not (wants / path.name).is_symlink()


def test_install_writes_an_autostart_entry_where_systemd_is_absent(config_home, monkeypatch):
    monkeypatch.setattr(service, "systemd_available", lambda: False)
    path, _ = service.install("auto")
    assert path == config_home / "autostart" / "coach-reminders.desktop"
    text = path.read_text()
    assert "[Desktop Entry]" in text and "Type=Application" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.startswith("Exec=env ") and "remind run" in exec_line
    assert '\\\\"COACH_HOME=' not in exec_line and "100%%" in exec_line
    assert service.uninstall() == [path]
    assert service.uninstall() == []
