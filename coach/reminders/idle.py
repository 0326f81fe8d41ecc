"""How long the person has not touched keyboard or mouse, and whether the screen is locked.

Several desktops answer this question in different places; each place is one source
behind one interface (`read() -> IdleState`, raising SourceMissing where it cannot
answer). IdleMonitor asks them in order and the first that answers wins:

1. GNOME (X11 and Wayland): org.gnome.Mutter.IdleMonitor.GetIdletime (ms), with the
   lock from org.gnome.ScreenSaver.GetActive.
2. org.freedesktop.ScreenSaver.GetSessionIdleTime (s) and GetActive (KDE and others).
3. X11 MIT-SCREEN-SAVER through libXss with ctypes (no helper program), not under
   Wayland, where XWayland sees only its own clients' input.
4. systemd-logind's session IdleHint/IdleSinceHint/LockedHint on the system bus. Last,
   because logind answers everywhere but only knows idleness when the desktop tells it.

A source that knows idle time but not the lock (X11) borrows the lock from a later
source that knows it. Wayland's ext-idle-notify-v1 is not used: it reports by events on
a held Wayland connection (a listening thread and a Wayland client of our own), and
GNOME and KDE, the Wayland desktops most people use, answer over D-Bus above.
When nothing answers, that is logged once and breaks follow wall time as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import time
from dataclasses import dataclass

from coach.reminders.desktop_bus import BusError, call, get_all
from coach.reminders.notifier import session_bus_address

log = logging.getLogger("coach.reminders")


class SourceMissing(Exception):
    """This source cannot answer here (no such service, no display, no library)."""


@dataclass(frozen=True)
class IdleState:
    source: str
    seconds: float  # since the last keyboard or mouse input
    locked: bool | None  # None: this source cannot tell

    def to_json(self) -> dict:
        return {"source": self.source, "seconds": round(self.seconds),
                "locked": bool(self.locked)}


def _session_bus() -> str:
    address = session_bus_address()
    if address is None:
        raise SourceMissing("no D-Bus session bus")
    return address


class MutterIdle:
    name = "gnome-mutter"

    def __init__(self, bus: str | None = None):
        self.bus = bus

    def read(self) -> IdleState:
        bus = self.bus or _session_bus()
        try:
            (idle_ms,) = call(bus, "org.gnome.Mutter.IdleMonitor",
                              "/org/gnome/Mutter/IdleMonitor/Core",
                              "org.gnome.Mutter.IdleMonitor", "GetIdletime")
        except BusError as error:
            raise SourceMissing(str(error)) from None
        try:
            (locked,) = call(bus, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver",
                             "org.gnome.ScreenSaver", "GetActive")
        except BusError:
            locked = None
        return IdleState(self.name, idle_ms / 1000, locked)


class ScreenSaverIdle:
    name = "freedesktop-screensaver"
    BUS_NAME = "org.freedesktop.ScreenSaver"

    def __init__(self, bus: str | None = None):
        self.bus = bus

    def read(self) -> IdleState:
        bus = self.bus or _session_bus()
        try:
            (idle_s,) = call(bus, self.BUS_NAME, "/org/freedesktop/ScreenSaver", self.BUS_NAME,
                             "GetSessionIdleTime")
        except BusError as error:
            raise SourceMissing(str(error)) from None
        try:
            (active,) = call(bus, self.BUS_NAME, "/org/freedesktop/ScreenSaver", self.BUS_NAME,
                             "GetActive")
        except BusError:
            active = None
        return IdleState(self.name, float(idle_s), active)


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [("window", ctypes.c_ulong), ("state", ctypes.c_int), ("kind", ctypes.c_int),
                ("til_or_since", ctypes.c_ulong), ("idle", ctypes.c_ulong),
                ("event_mask", ctypes.c_ulong)]


_XERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


@_XERROR_HANDLER
def _ignore_x_error(_display, _event):
    return 0  # Xlib's default handler would end the process on a protocol error


class X11Libs:
    """libX11 (and libXss when asked), loaded once; SourceMissing when they are not there."""

    _x11 = None
    _xss = None

    @classmethod
    def x11(cls):
        if cls._x11 is None:
            name = ctypes.util.find_library("X11")
            if name is None:
                raise SourceMissing("libX11 is not installed")
            lib = ctypes.CDLL(name)
            lib.XOpenDisplay.restype = ctypes.c_void_p
            lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
            lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
            lib.XDefaultRootWindow.restype = ctypes.c_ulong
            lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
            lib.XInternAtom.restype = ctypes.c_ulong
            lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
            lib.XGetWindowProperty.argtypes = [
                ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
                ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
                ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
            lib.XFree.argtypes = [ctypes.c_void_p]
            lib.XSetErrorHandler(_ignore_x_error)
            cls._x11 = lib
        return cls._x11

    @classmethod
    def xss(cls):
        if cls._xss is None:
            name = ctypes.util.find_library("Xss")
            if name is None:
                raise SourceMissing("libXss (MIT-SCREEN-SAVER) is not installed")
            lib = ctypes.CDLL(name)
            lib.XScreenSaverQueryExtension.argtypes = [
                ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
            lib.XScreenSaverQueryInfo.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                                  ctypes.POINTER(_XScreenSaverInfo)]
            cls._xss = lib
        return cls._xss


class XDisplay:
    """One short-lived X connection (opened per read: a held one could die with the server,
    and Xlib ends the process on a lost connection)."""

    def __init__(self):
        if not os.environ.get("DISPLAY"):
            raise SourceMissing("no X display (DISPLAY is not set)")
        self.x11 = X11Libs.x11()
        self.handle = self.x11.XOpenDisplay(None)
        if not self.handle:
            raise SourceMissing(f"the X display {os.environ['DISPLAY']} cannot be opened")

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.x11.XCloseDisplay(self.handle)

    @property
    def root(self) -> int:
        return self.x11.XDefaultRootWindow(self.handle)

    def atom(self, name: str) -> int:
        return self.x11.XInternAtom(self.handle, name.encode(), 0)

    def property_values(self, window: int, name: str) -> list[int]:
        """A 32-bit list property (WINDOW or ATOM values); [] when it is not set."""
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, remaining, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self.x11.XGetWindowProperty(
            self.handle, window, self.atom(name), 0, 1024, 0, 0,  # AnyPropertyType
            ctypes.byref(actual_type), ctypes.byref(actual_format), ctypes.byref(count),
            ctypes.byref(remaining), ctypes.byref(data))
        if status != 0 or not data.value:
            return []
        try:
            if actual_format.value != 32:
                return []
            # Xlib hands 32-bit items back as C longs
            return list((ctypes.c_ulong * count.value).from_address(data.value))
        finally:
            self.x11.XFree(data)


class X11Idle:
    name = "x11-screensaver"

    def read(self) -> IdleState:
        if os.environ.get("WAYLAND_DISPLAY"):
            raise SourceMissing("a Wayland session: X11 sees only XWayland's own input")
        xss = X11Libs.xss()
        with XDisplay() as display:
            event_base, error_base = ctypes.c_int(), ctypes.c_int()
            if not xss.XScreenSaverQueryExtension(display.handle, ctypes.byref(event_base),
                                                  ctypes.byref(error_base)):
                raise SourceMissing("the X server has no MIT-SCREEN-SAVER extension")
            info = _XScreenSaverInfo()
            if not xss.XScreenSaverQueryInfo(display.handle, display.root, ctypes.byref(info)):
                raise SourceMissing("MIT-SCREEN-SAVER did not answer")
            return IdleState(self.name, info.idle / 1000, None)


class LogindIdle:
    name = "logind"

    AUTO_SESSION = "/org/freedesktop/login1/session/auto"  # the caller's own session

    def __init__(self, bus: str = "SYSTEM", session_path: str = AUTO_SESSION, clock=time.time):
        self.bus = bus
        self.session_path = session_path
        self.clock = clock

    def read(self) -> IdleState:
        try:
            properties = get_all(self.bus, "org.freedesktop.login1", self.session_path,
                                 "org.freedesktop.login1.Session")
        except BusError as error:
            raise SourceMissing(str(error)) from None
        seconds = 0.0
        if properties.get("IdleHint") and properties.get("IdleSinceHint"):
            # IdleSinceHint is in microseconds of wall-clock (CLOCK_REALTIME) time
            seconds = max(0.0, self.clock() - properties["IdleSinceHint"] / 1_000_000)
        return IdleState(self.name, seconds, bool(properties.get("LockedHint", False)))


def default_sources() -> list:
    return [MutterIdle(), ScreenSaverIdle(), X11Idle(), LogindIdle()]


class IdleMonitor:
    """Asks the sources in order; the first that answers wins. Logs once when none does."""

    def __init__(self, sources: list | None = None):
        self.sources = default_sources() if sources is None else sources
        self._said_none = False
        self._last_source: str | None = None

    def read(self) -> IdleState | None:
        found: IdleState | None = None
        reasons = []
        for source in self.sources:
            try:
                state = source.read()
            except SourceMissing as error:
                reasons.append(f"{source.name}: {error}")
                continue
            except Exception as error:  # a broken source must not stop the runner
                reasons.append(f"{source.name}: {type(error).__name__}: {error}")
                continue
            if found is None:
                found = state
            elif found.locked is None and state.locked is not None:
                found = IdleState(found.source, found.seconds, state.locked)
            if found.locked is not None:
                break
        self._note(found, reasons)
        return found

    def _note(self, found: IdleState | None, reasons: list[str]) -> None:
        if found is None:
            if not self._said_none:
                log.info("no idle source answers (%s); breaks follow wall time",
                         "; ".join(reasons) or "none configured")
                self._said_none = True
            self._last_source = None
            return
        self._said_none = False
        if found.source != self._last_source:
            log.info("idle time comes from %s", found.source)
            self._last_source = found.source
