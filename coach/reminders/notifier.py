"""Desktop notifications: plyer behind one small interface.

plyer 2.1.0 on Linux picks one of two paths, and they read different argument names:
the dbus path reads `timeout` (seconds) and `app_name`, the notify-send path reads
`expire_time` (milliseconds, as text) and `app_name`, and plyer's public `notify()`
never passes `expire_time`, so there a notification never expires. We call the chosen
backend with the names it reads. plyer also warns on stderr when python-dbus is missing;
that warning is swallowed here because notify-send is a fine path.

Text is passed as process arguments (never through a shell), so quotes, newlines and
`$(...)` arrive literally. Before sending we ask the session bus whether anyone serves
org.freedesktop.Notifications, so a missing service is reported once, clearly, instead of
as notify-send errors on stderr every half hour.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from typing import Protocol

APP_NAME = "coach"
DEFAULT_TIMEOUT_S = 30
NOTIFICATIONS_BUS_NAME = "org.freedesktop.Notifications"
_BUS_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class BackendState:
    name: str  # "notify-send", "dbus", "xdg-desktop-portal", "none" ...
    ok: bool
    reason: str  # why notifications cannot be shown (empty when ok)


class Notifier(Protocol):
    def check(self) -> BackendState: ...

    def send(self, title: str, body: str, timeout_s: int = DEFAULT_TIMEOUT_S) -> bool:
        """Show a notification; False when no notification service can show it."""
        ...


def session_bus_address() -> str | None:
    """The session bus the desktop uses: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None


def notification_service_state(address: str | None) -> tuple[bool, str]:
    """Whether a notification service runs (or can be started) on the session bus."""
    if not address:
        return False, ("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); "
                       "reminders need a desktop session")
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                          interface="org.freedesktop.DBus")
        with open_dbus_connection(address) as connection:
            reply = connection.send_and_get_reply(
                new_method_call(bus, "NameHasOwner", "s", (NOTIFICATIONS_BUS_NAME,)),
                timeout=_BUS_TIMEOUT_S)
            if reply.body[0]:
                return True, ""
            reply = connection.send_and_get_reply(
                new_method_call(bus, "ListActivatableNames"), timeout=_BUS_TIMEOUT_S)
            if NOTIFICATIONS_BUS_NAME in reply.body[0]:
                return True, ""
    except Exception as error:  # an unreachable bus is a state to report, not a crash
        return False, f"the D-Bus session bus cannot be reached ({type(error).__name__}: {error})"
    return False, ("no notification service is running on the desktop session bus "
                   "(start your desktop's notification daemon, for example dunst)")


def _literal(text: str) -> str:
    """Text that notify-send cannot mistake for an option."""
    return " " + text if text.startswith("-") else text


class PlyerNotifier:
    """The real notifier: plyer's backend for this platform, called with the right names."""

    def __init__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # plyer warns when python-dbus is missing
            if sys.platform.startswith("linux"):
                from plyer.platforms.linux import notification

                self.backend = notification.instance()
            else:
                from plyer import notification

                self.backend = notification
        self.name = _backend_name(self.backend)

    def check(self) -> BackendState:
        if self.name == "none":
            return BackendState(self.name, False,
                                "neither notify-send nor the python dbus module is installed "
                                "(install libnotify-bin)")
        if not sys.platform.startswith("linux"):
            return BackendState(self.name, True, "")
        ok, reason = notification_service_state(session_bus_address())
        return BackendState(self.name, ok, reason)

    def send(self, title: str, body: str, timeout_s: int = DEFAULT_TIMEOUT_S) -> bool:
        if not self.check().ok:
            return False
        title, body = _literal(title), _literal(body)
        if self.name == "notify-send":
            # plyer's NotifySendNotification runs this command but ignores its exit code;
            # we run it ourselves so a notification the service refused is not "delivered".
            # "-t" is milliseconds as text.
            return _notify_send([title, body, "-i", "", "-h", "string:x-coach:reminder",
                                 "-u", "normal", "-c", "", "-a", APP_NAME,
                                 "-t", str(timeout_s * 1000)], timeout_s)
        try:
            if self.name == "dbus":
                self.backend._notify(title=title, message=body, app_name=APP_NAME, app_icon="",
                                     timeout=timeout_s, hints={}, actions=[])
            else:
                self.backend.notify(title=title, message=body, app_name=APP_NAME,
                                    timeout=timeout_s)
        except Exception:  # the service refused or went away: not delivered
            return False
        return True


def _notify_send(arguments: list[str], timeout_s: int) -> bool:
    """True only when notify-send ran and the notification service accepted the notice."""
    import subprocess

    try:
        done = subprocess.run(["notify-send", *arguments], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=max(10, timeout_s), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _backend_name(backend) -> str:
    kind = type(backend).__name__
    return {
        "NotifySendNotification": "notify-send",
        "NotifyDbus": "dbus",
        "NotifyDesktopPortals": "xdg-desktop-portal",
        "Notification": "none",
    }.get(kind, kind)
