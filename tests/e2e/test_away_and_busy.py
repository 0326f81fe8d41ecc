"""Idle, lock and do-not-disturb sources against real services, and the runner deferring.

D-Bus services are real services on a private bus: python objects exported with jeepney
(logind-like, ScreenSaver-like, Mutter-like, Xfconf-like, a notification server with
Inhibited), and dunst itself. X11 sources run against Xvfb, with xdotool input and a tiny
window manager (matchbox) with wmctrl for a full-screen window.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from coach.store import Store
from tests.e2e.test_notifications import Desktop, KeepPresent, noon_zone, wait_for
from tests.helpers import require_program

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-dunst")]

PROPERTIES = "org.freedesktop.DBus.Properties"


class Service:
    """A D-Bus service of python callables: {(interface, member): fn(*args) -> (sig, body)}."""

    def __init__(self, address: str, name: str, methods: dict):
        from jeepney import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self.methods = methods
        self.connection = open_dbus_connection(address)
        Proxy(message_bus, self.connection, timeout=5).RequestName(name, 4)  # DO_NOT_QUEUE
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return

        with contextlib.suppress(OSError, ConnectionResetError, EOFError):
            while True:
                message = self.connection.receive()
                if message.header.message_type != MessageType.method_call:
                    continue
                fields = message.header.fields
                key = (fields.get(HeaderFields.interface), fields[HeaderFields.member])
                method = self.methods.get(key)
                if method is None:
                    self.connection.send(new_error(
                        message, "org.freedesktop.DBus.Error.UnknownMethod"))
                    continue
                signature, body = method(*message.body)
                self.connection.send(new_method_return(message, signature, body))

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)
        self.connection.close()


@pytest.fixture
def bus(tmp_path):
    require_program("dbus-daemon")
    desktop = Desktop(tmp_path)
    try:
        desktop.start_bus()
        yield desktop.env["DBUS_SESSION_BUS_ADDRESS"]
    finally:
        desktop.stop()


@pytest.fixture
def serve(bus):
    services = []

    def start(name: str, methods: dict) -> Service:
        services.append(Service(bus, name, methods))
        return services[-1]

    yield start
    for service in services:
        service.stop()


def test_logind_idle_and_lock_hints_from_a_logind_like_service(bus, serve):
    from coach.reminders.idle import IdleMonitor, LogindIdle

    state = {"IdleHint": ("b", False), "IdleSinceHint": ("t", 0), "LockedHint": ("b", False)}
    serve("org.freedesktop.login1",
          {(PROPERTIES, "GetAll"): lambda interface: ("a{sv}", (dict(state),))})
    source = LogindIdle(bus=bus, clock=lambda: 1_000_000.0)
    reading = source.read()
    assert (reading.source, reading.seconds, reading.locked) == ("logind", 0.0, False)

    state.update(IdleHint=("b", True), IdleSinceHint=("t", 999_700 * 1_000_000),
                 LockedHint=("b", True))
    reading = IdleMonitor([source]).read()
    assert (reading.seconds, reading.locked) == (300.0, True)


def test_screensaver_and_mutter_like_services_and_the_first_that_answers_wins(bus, serve):
    from coach.reminders.idle import IdleMonitor, MutterIdle, ScreenSaverIdle

    monitor = IdleMonitor([MutterIdle(bus=bus), ScreenSaverIdle(bus=bus)])
    assert monitor.read() is None  # nothing serves yet: no idle source
    screensaver = "org.freedesktop.ScreenSaver"
    serve(screensaver, {(screensaver, "GetSessionIdleTime"): lambda: ("u", (42,)),
                        (screensaver, "GetActive"): lambda: ("b", (True,))})
    reading = monitor.read()
    assert (reading.source, reading.seconds, reading.locked) == (
        "freedesktop-screensaver", 42.0, True)

    mutter = "org.gnome.Mutter.IdleMonitor"
    serve(mutter, {(mutter, "GetIdletime"): lambda: ("t", (1500,))})
    reading = monitor.read()
    # GNOME answers first; it cannot tell the lock here, so a later source lends it
    assert (reading.source, reading.seconds, reading.locked) == ("gnome-mutter", 1.5, True)


def test_inhibited_and_xfce_do_not_disturb_from_real_services(bus, serve):
    from coach.reminders.busy import BusyMonitor, NotificationsInhibited, XfceDoNotDisturb

    inhibited, dnd = [False], [False]
    serve("org.freedesktop.Notifications", {
        (PROPERTIES, "Get"): lambda interface, name: ("v", (("b", inhibited[0]),))})
    serve("org.xfce.Xfconf", {
        ("org.xfce.Xfconf", "GetProperty"): lambda channel, name: ("v", (("b", dnd[0]),))})
    monitor = BusyMonitor([NotificationsInhibited(bus=bus), XfceDoNotDisturb(bus=bus)])
    assert monitor.read() is None
    assert monitor.answering == ["notifications-inhibited", "xfce-do-not-disturb"]
    dnd[0] = True
    assert monitor.read().to_json() == {"source": "xfce-do-not-disturb",
                                        "reason": "XFCE do not disturb is on"}
    inhibited[0] = True
    assert monitor.read().source == "notifications-inhibited"


def test_gnome_show_banners_through_gsettings(tmp_path, monkeypatch):
    from coach.reminders.busy import GnomeBanners
    from coach.reminders.idle import SourceMissing

    require_program("gsettings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")  # a real settings store in a file
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    assert GnomeBanners().read() is None
    subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners",
                    "false"], check=True)
    assert GnomeBanners().read().reason == "GNOME do not disturb is on"
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "XFCE")
    with pytest.raises(SourceMissing):
        GnomeBanners().read()


@pytest.fixture
def desktop(tmp_path, monkeypatch):
    for program in ("dbus-daemon", "Xvfb", "dunst", "dunstctl", "xdotool"):
        require_program(program)
    running = Desktop(tmp_path)
    try:
        running.start()
        for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "XDG_RUNTIME_DIR"):
            monkeypatch.setenv(name, running.env[name])
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        yield running
    finally:
        running.stop()


def xdotool(desktop, *args):
    subprocess.run(["xdotool", *args], env=desktop.env, check=True, timeout=10)


def test_x11_idle_time_grows_and_input_resets_it(desktop):
    from coach.reminders.idle import X11Idle

    xdotool(desktop, "mousemove", "10", "10")
    time.sleep(1.5)
    before = X11Idle().read()
    assert before.source == "x11-screensaver" and before.seconds >= 1.0
    xdotool(desktop, "mousemove", "200", "200")
    after = X11Idle().read()
    assert after.seconds < before.seconds and after.seconds < 1.0


def test_dunst_paused_and_resumed(desktop):
    from coach.reminders.busy import BusyMonitor, DunstPaused

    monitor = BusyMonitor([DunstPaused()])
    assert monitor.read() is None and monitor.answering == ["dunst"]
    assert desktop.dunstctl("set-paused", "true").returncode == 0
    assert monitor.read().to_json() == {"source": "dunst",
                                        "reason": "notifications are paused in dunst"}
    assert desktop.dunstctl("set-paused", "false").returncode == 0
    assert monitor.read() is None


def test_a_full_screen_window_under_a_window_manager(desktop):
    from coach.reminders.busy import X11Fullscreen

    for program in ("matchbox-window-manager", "wmctrl", "xmessage"):
        require_program(program)
    wm = subprocess.Popen(["matchbox-window-manager", "-use_titlebar", "no"], env=desktop.env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop.processes.append(wm)
    window = subprocess.Popen(["xmessage", "-title", "coach-fullscreen-test", "presenting"],
                              env=desktop.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    desktop.processes.append(window)

    def activate() -> bool:
        return subprocess.run(["wmctrl", "-a", "coach-fullscreen-test"], env=desktop.env,
                              capture_output=True, timeout=10).returncode == 0

    assert wait_for(activate, timeout_s=10), "the window manager did not take the window"
    assert X11Fullscreen().read() is None
    subprocess.run(["wmctrl", "-r", "coach-fullscreen-test", "-b", "add,fullscreen"],
                   env=desktop.env, check=True, timeout=10)
    busy = wait_for(X11Fullscreen().read, timeout_s=5)
    assert busy is not None and busy.reason == "a window is full screen"
    subprocess.run(["wmctrl", "-r", "coach-fullscreen-test", "-b", "remove,fullscreen"],
                   env=desktop.env, check=True, timeout=10)
    assert wait_for(lambda: X11Fullscreen().read() is None, timeout_s=5)


def test_the_runner_defers_while_dunst_is_paused_then_one_catch_up_and_a_button_press(desktop):
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    assert desktop.coach("remind", "set", "--days", "every day", "--hours", "00:00-23:59",
                         "--every", "5", "--routine-at", "none",
                         "--timezone", noon_zone()).returncode == 0
    store = Store(Path(desktop.env["COACH_HOME"]))

    def events(kind):
        return [event for event in store.events() if event.kind == kind]

    with KeepPresent(desktop):
        runner = subprocess.Popen(
            [sys.executable, "-m", "coach", "remind", "run", "--fast", "--tick-seconds", "0.5"],
            env=desktop.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: events("sent"), timeout_s=20, step_s=0.2), "no reminder"
            assert desktop.dunstctl("set-paused", "true").returncode == 0
            sent_before = len(events("sent"))
            deferred = wait_for(lambda: events("deferred"), timeout_s=20, step_s=0.2)
            assert deferred and deferred[0].reason == (
                "you are busy (notifications are paused in dunst)")
            def deferred_status():
                state = json.loads(desktop.coach("remind", "status", "--json").stdout)
                return state if state["deferred"] else None

            status = wait_for(deferred_status, timeout_s=10)
            assert status["busy"] == {"source": "dunst",
                                      "reason": "notifications are paused in dunst"}
            assert status["idle"]["source"] == "x11-screensaver"
            assert status["idle"]["locked"] is False
            assert [item["kind"] for item in status["deferred"]] == ["break"]
            time.sleep(6)  # longer than a break interval: still nothing sent, no queue grows
            assert len(events("sent")) == sent_before
            assert len(events("deferred")) == 1

            assert desktop.dunstctl("set-paused", "false").returncode == 0
            assert wait_for(lambda: len(events("sent")) > sent_before, timeout_s=20, step_s=0.2)
            catch_up = events("sent")[sent_before]
            assert catch_up.delivered is True
            assert catch_up.body.startswith("You were busy for ")
            assert catch_up.title == "coach: a break now that you are free?"
            time.sleep(2)  # never a burst: the next break is a whole interval later
            assert len(events("sent")) == sent_before + 1

            shown = json_history(desktop)
            newest = shown[0]
            assert newest["summary"] == "coach: a break now that you are free?"
            acted_before = len(events("acted"))
            notifications = DBusAddress("/org/freedesktop/Notifications",
                                        interface="org.freedesktop.Notifications")
            with open_dbus_connection(desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
                connection.send(new_signal(notifications, "ActionInvoked", "us",
                                           (newest["id"], "done")))
            assert wait_for(lambda: len(events("acted")) > acted_before, timeout_s=10)
            acted = events("acted")[-1]
            assert acted.via == "person" and acted.reminder == "break"
            assert acted.due == catch_up.due
        finally:
            runner.send_signal(signal.SIGTERM)
            out, err = runner.communicate(timeout=15)
    assert runner.returncode == 0, err
    assert "Traceback" not in err
    log = (desktop.root / "coach" / "coach.log").read_text()
    assert "done pressed on the reminder's notification" in log


def json_history(desktop) -> list[dict]:
    """dunst's notifications, newest first (closed first: the history holds closed ones)."""
    desktop.dunstctl("close-all")
    time.sleep(0.2)
    data = json.loads(desktop.dunstctl("history").stdout)["data"][0]
    return [{key: value["data"] for key, value in entry.items()} for entry in data]

