"""Whether the person asked not to be disturbed, or is presenting: a due reminder waits.

Each place that can say so is one source (`read() -> BusyState | None`, raising
SourceMissing where it cannot answer); BusyMonitor asks all of them and the first that
says "busy" wins:

- dunst paused (`dunstctl set-paused true`): the `paused` property of org.dunstproject.cmd0,
  read over D-Bus as dunstctl itself does (no helper process a minute).
- the `Inhibited` property of org.freedesktop.Notifications (KDE Plasma's do not disturb,
  and other servers that follow it).
- GNOME's "Do Not Disturb": org.gnome.desktop.notifications show-banners is false (read with
  gsettings, only in a GNOME session).
- XFCE's do-not-disturb: xfce4-notifyd's /do-not-disturb, through xfconfd over D-Bus.
- a full-screen active window on X11 (_NET_WM_STATE_FULLSCREEN on _NET_ACTIVE_WINDOW).

Screen sharing is not detected: PipeWire shows a screen-cast stream only to clients of the
PipeWire socket (a protocol of its own, not D-Bus), so it is left out rather than guessed.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass

from coach.reminders.desktop_bus import BusError, call, get_property
from coach.reminders.idle import SourceMissing, XDisplay, _session_bus

log = logging.getLogger("coach.reminders")

NOTIFICATIONS = ("org.freedesktop.Notifications", "/org/freedesktop/Notifications")


@dataclass(frozen=True)
class BusyState:
    source: str
    reason: str  # said to the person: "dunst is paused", "a window is full screen"

    def to_json(self) -> dict:
        return {"source": self.source, "reason": self.reason}


class DunstPaused:
    name = "dunst"

    def __init__(self, bus: str | None = None):
        self.bus = bus

    def read(self) -> BusyState | None:
        try:
            paused = get_property(self.bus or _session_bus(), *NOTIFICATIONS,
                                  "org.dunstproject.cmd0", "paused")
        except BusError as error:
            raise SourceMissing(str(error)) from None
        return BusyState(self.name, "notifications are paused in dunst") if paused else None


class NotificationsInhibited:
    name = "notifications-inhibited"

    def __init__(self, bus: str | None = None):
        self.bus = bus

    def read(self) -> BusyState | None:
        try:
            inhibited = get_property(self.bus or _session_bus(), *NOTIFICATIONS,
                                     "org.freedesktop.Notifications", "Inhibited")
        except BusError as error:
            raise SourceMissing(str(error)) from None
        return BusyState(self.name, "do not disturb is on") if inhibited else None


class GnomeBanners:
    name = "gnome-do-not-disturb"

    def read(self) -> BusyState | None:
        if "GNOME" not in os.environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":"):
            raise SourceMissing("not a GNOME session")
        gsettings = shutil.which("gsettings")
        if gsettings is None:
            raise SourceMissing("gsettings is not installed")
        result = subprocess.run([gsettings, "get", "org.gnome.desktop.notifications",
                                 "show-banners"], capture_output=True, text=True, timeout=5)
        if result.returncode != 0:
            raise SourceMissing(f"gsettings: {result.stderr.strip()}")
        if result.stdout.strip() == "false":
            return BusyState(self.name, "GNOME do not disturb is on")
        return None


class XfceDoNotDisturb:
    name = "xfce-do-not-disturb"

    def __init__(self, bus: str | None = None):
        self.bus = bus

    def read(self) -> BusyState | None:
        try:
            ((_signature, value),) = call(self.bus or _session_bus(), "org.xfce.Xfconf",
                                          "/org/xfce/Xfconf", "org.xfce.Xfconf", "GetProperty",
                                          "ss", ("xfce4-notifyd", "/do-not-disturb"))
        except BusError as error:
            raise SourceMissing(str(error)) from None
        return BusyState(self.name, "XFCE do not disturb is on") if value else None


class X11Fullscreen:
    name = "x11-fullscreen"

    def read(self) -> BusyState | None:
        if os.environ.get("WAYLAND_DISPLAY"):
            raise SourceMissing("a Wayland session: X11 sees only XWayland's windows")
        with XDisplay() as display:
            active = display.property_values(display.root, "_NET_ACTIVE_WINDOW")
            if not active or not active[0]:
                return None  # no window manager telling, or no window in focus
            states = display.property_values(active[0], "_NET_WM_STATE")
            if display.atom("_NET_WM_STATE_FULLSCREEN") in states:
                return BusyState(self.name, "a window is full screen")
        return None


def default_sources() -> list:
    return [DunstPaused(), NotificationsInhibited(), GnomeBanners(), XfceDoNotDisturb(),
            X11Fullscreen()]


class BusyMonitor:
    """Asks every source; the first that says busy wins (None: free, or nobody can tell)."""

    def __init__(self, sources: list | None = None):
        self.sources = default_sources() if sources is None else sources
        self.answering: list[str] = []  # the sources that answered at the last read

    def read(self) -> BusyState | None:
        answering = []
        for source in self.sources:
            try:
                state = source.read()
            except SourceMissing:
                continue
            except Exception as error:  # a broken source must not stop the runner
                log.debug("busy source %s failed: %s: %s", source.name,
                          type(error).__name__, error)
                continue
            answering.append(source.name)
            if state is not None:
                self._note(answering)
                return state
        self._note(answering)
        return None

    def _note(self, answering: list[str]) -> None:
        if answering != self.answering:
            log.info("do-not-disturb sources: %s", ", ".join(answering) or "none")
            self.answering = answering
