"""Reminders reaching a real notification daemon: a private D-Bus session, Xvfb and dunst.

The bus has no service directories, so nothing is D-Bus-activated behind the test's
back: when the test stops dunst, there is no notification service until it starts
dunst again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.catalog import load_catalog
from coach.reminders.suggestions import movements_from
from coach.store import Store
from tests.helpers import require_program

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-dunst")]

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={runtime}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DUNSTRC = """[global]
    stack_duplicates = false
    history_length = 100
    idle_threshold = 0
    show_indicators = false
"""


def wait_for(condition, timeout_s: float = 10.0, step_s: float = 0.1):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step_s)
    return None


class Desktop:
    """A private session bus, an X server and (startable, stoppable) dunst."""

    def __init__(self, root):
        self.root = root
        self.processes: list[subprocess.Popen] = []
        self.bus_pid: int | None = None
        self.dunst: subprocess.Popen | None = None
        runtime = root / "runtime"
        runtime.mkdir(mode=0o700)
        config = root / "config"
        (config / "dunst").mkdir(parents=True)
        (config / "dunst" / "dunstrc").write_text(DUNSTRC)
        (root / "bus.conf").write_text(BUS_CONFIG.format(runtime=runtime))
        self.env = {
            **os.environ,
            "HOME": str(root),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(config),
            "COACH_HOME": str(root / "coach"),
        }

    def start(self) -> None:
        self.start_bus()
        read_end, write_end = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp"],
                                pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.processes.append(xvfb)
        os.close(write_end)
        with os.fdopen(read_end) as display:
            self.env["DISPLAY"] = ":" + display.readline().strip()
        self.start_dunst()

    def start_bus(self) -> None:
        bus = subprocess.run(
            ["dbus-daemon", f"--config-file={self.root / 'bus.conf'}", "--fork",
             "--print-address=1", "--print-pid=1"],
            capture_output=True, text=True, timeout=10, check=True)
        address, pid = bus.stdout.split()[:2]
        self.bus_pid = int(pid)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address

    def start_dunst(self) -> None:
        self.dunst = subprocess.Popen(
            ["dunst", "-config", str(self.root / "config" / "dunst" / "dunstrc")],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(self.dunst)
        assert wait_for(lambda: self.dunstctl("is-paused").returncode == 0), "dunst did not start"

    def stop_dunst(self) -> None:
        self.dunst.terminate()
        self.dunst.wait(timeout=10)
        assert self.dunstctl("is-paused").returncode != 0

    def dunstctl(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(["dunstctl", *args], env=self.env, capture_output=True, text=True,
                              timeout=10)

    def history(self) -> list[dict]:
        """Every notification dunst has shown, newest first: {"summary", "body", "appname", ...}."""
        self.dunstctl("close-all")  # history holds the closed ones
        time.sleep(0.2)
        data = json.loads(self.dunstctl("history").stdout)["data"][0]
        return [{key: value["data"] for key, value in entry.items()} for entry in data]

    def coach(self, *args, **options) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "coach", *args], env=self.env,
                              capture_output=True, text=True, timeout=30, **options)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.bus_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.bus_pid, signal.SIGTERM)


class KeepPresent:
    """Someone at the desk: a small mouse move every few seconds (X11 idle stays low)."""

    def __init__(self, desktop):
        self.desktop = desktop
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._move, daemon=True)

    def _move(self):
        if shutil.which("xdotool") is None:
            return  # then a test must finish before the runner sees the person as away
        step = 1
        while not self.stopping.wait(3):
            step = -step
            subprocess.run(["xdotool", "mousemove_relative", "--", str(step), "0"],
                           env=self.desktop.env, timeout=10)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=15)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_exc):
        self.stop()


@pytest.fixture
def desktop(tmp_path):
    for program in ("dbus-daemon", "Xvfb", "dunst", "dunstctl", "notify-send"):
        require_program(program)
    running = Desktop(tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def noon_zone() -> str:
    offset = (12 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_remind_test_reaches_dunst(desktop):
    result = desktop.coach("remind", "test")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [shown] = wait_for(desktop.history)
    assert shown["summary"] == "coach: test reminder"
    assert shown["body"] == "Reminders will look like this. Nothing to do now."
    assert shown["appname"] == "coach"
    assert shown["timeout"] == 10_000_000  # microseconds: our 10 s arrived
    status = json.loads(desktop.coach("remind", "status", "--json").stdout)
    assert status["backend_ok"] is True and status["backend"] == "notify-send"


def test_quotes_newlines_and_command_substitution_arrive_literally(desktop, monkeypatch, tmp_path):
    from coach.reminders.notifier import PlyerNotifier

    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.setenv(name, desktop.env[name])
    marker = tmp_path / "owned"
    title = 'Upper "trap" \'s $(touch ' + str(marker) + ")"
    body = f"-line one\nline two `touch {marker}` $HOME ; echo hi"
    assert PlyerNotifier().send(title, body, timeout_s=25) is True
    [shown] = wait_for(desktop.history)
    assert shown["summary"] == title
    assert shown["body"] == " " + body  # a leading space keeps "-line" from being an option
    assert shown["appname"] == "coach" and shown["timeout"] == 25_000_000
    assert not marker.exists()


def test_a_short_real_schedule_survives_dunst_stopping_and_reaches_it_again(desktop):
    assert desktop.coach("remind", "set", "--days", "every day", "--hours", "00:00-23:59",
                         "--every", "5", "--routine-at", "none",
                         "--timezone", noon_zone()).returncode == 0
    present = KeepPresent(desktop)  # the runner reads X11 idle time: someone is at the desk
    present.start()
    runner = subprocess.Popen(
        [sys.executable, "-m", "coach", "remind", "run", "--fast", "--tick-seconds", "0.5"],
        env=desktop.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    store = Store(Path(desktop.env["COACH_HOME"]))

    def sent():
        return [event for event in store.events() if event.kind == "sent"]

    try:
        shown = wait_for(desktop.history, timeout_s=15, step_s=0.5)
        assert shown, "no reminder reached dunst"
        assert shown[0]["summary"] == "coach: time for a short break"
        first_movement = movements_from(load_catalog(include_user=False))[0].name
        assert shown[0]["body"].startswith(first_movement)
        assert shown[0]["appname"] == "coach"

        desktop.stop_dunst()
        count = len(sent())
        assert wait_for(lambda: len(sent()) > count, timeout_s=15, step_s=0.5)
        assert sent()[-1].delivered is False
        assert runner.poll() is None, "the runner died when dunst went away"

        desktop.start_dunst()
        count = len(sent())
        assert wait_for(lambda: any(event.delivered for event in sent()[count:]),
                        timeout_s=15, step_s=0.5)
        back = wait_for(desktop.history, timeout_s=5)
        assert back and back[0]["summary"] == "coach: time for a short break"
        assert runner.poll() is None
    finally:
        runner.send_signal(signal.SIGTERM)
        out, err = runner.communicate(timeout=15)
        present.stop()
    assert runner.returncode == 0, err
    assert err == ""  # notifications worked at start: no warning, no notify-send noise
    log = (desktop.root / "coach" / "coach.log").read_text()
    assert "notifications cannot be shown" in log and "notifications work again" in log


def test_logind_prepare_for_sleep_signals_reach_the_watcher(tmp_path):
    """A private bus stands in for the system bus; we play logind and announce a suspend."""
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    from coach.reminders.sleep import LogindWatcher

    require_program("dbus-daemon")
    bus = Desktop(tmp_path)
    try:
        bus.start_bus()
        address = bus.env["DBUS_SESSION_BUS_ADDRESS"]
        heard = []
        watcher = LogindWatcher(heard.append, bus=address)
        assert watcher.start() is True
        logind = DBusAddress("/org/freedesktop/login1", interface="org.freedesktop.login1.Manager")
        with open_dbus_connection(address) as connection:
            connection.send(new_signal(logind, "PrepareForSleep", "b", (True,)))
            connection.send(new_signal(logind, "PrepareForSleep", "b", (False,)))
            assert wait_for(lambda: len(heard) == 2, timeout_s=5)
        assert heard == [True, False]
        watcher.stop()
        watcher._thread.join(timeout=5)
        assert not watcher._thread.is_alive()
    finally:
        bus.stop()
