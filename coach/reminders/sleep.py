"""Noticing that the computer slept.

Two signals, either is enough:
- Between two ticks, wall-clock time keeps running while the machine is suspended but
  the monotonic clock (CLOCK_MONOTONIC) stops, so wall minus monotonic grows by the
  time spent asleep. This works everywhere, a tick late.
- logind announces PrepareForSleep(true) before a suspend and PrepareForSleep(false)
  after it on the system bus; listening makes the runner react right at wake-up. Where
  there is no system bus or no logind (containers, other init systems) we go without it,
  quietly.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

log = logging.getLogger("coach.reminders")

# Lost time below this is timer slack or a small clock adjustment, not a suspend.
SLEEP_THRESHOLD_S = 30.0


class SleepDetector:
    def __init__(self, threshold_s: float = SLEEP_THRESHOLD_S):
        self.threshold_s = threshold_s
        self._last: tuple[datetime, float] | None = None

    def check(self, wall: datetime, mono: float) -> tuple[datetime, datetime] | None:
        """(slept_from, woke_at) if the machine slept since the last check, else None.

        slept_from is the latest moment we know it was still awake (the last check plus
        the monotonic time that passed), so it is never later than the real start.
        """
        gap = None
        if self._last is not None:
            last_wall, last_mono = self._last
            awake_s = max(0.0, mono - last_mono)
            lost_s = (wall - last_wall).total_seconds() - awake_s
            if lost_s > self.threshold_s:
                gap = (last_wall + timedelta(seconds=awake_s), wall)
        self._last = (wall, mono)
        return gap


class LogindWatcher:
    """Calls on_sleep(True) before a suspend and on_sleep(False) after, from its own thread."""

    RULE = dict(type="signal", interface="org.freedesktop.login1.Manager",
                member="PrepareForSleep", path="/org/freedesktop/login1")

    def __init__(self, on_sleep: Callable[[bool], None], bus: str = "SYSTEM"):
        self.on_sleep = on_sleep
        self.bus = bus
        self._connection = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> bool:
        """Subscribe to PrepareForSleep; False (and no thread) when the bus is not there."""
        try:
            from jeepney import MatchRule, message_bus
            from jeepney.io.blocking import Proxy, open_dbus_connection

            connection = open_dbus_connection(self.bus)
            rule = MatchRule(**self.RULE)
            Proxy(message_bus, connection, timeout=2).AddMatch(rule)
        except Exception as error:  # no system bus here: fall back to the clock comparison
            log.info("suspend signals from logind are not available (%s); "
                     "sleep is noticed by the clock instead", type(error).__name__)
            return False
        self._connection = connection
        self._thread = threading.Thread(target=self._listen, args=(rule,),
                                        name="coach-logind", daemon=True)
        self._thread.start()
        return True

    def _listen(self, rule) -> None:
        try:
            with self._connection.filter(rule) as queue:
                while not self._stopping:
                    message = self._connection.recv_until_filtered(queue)
                    self.on_sleep(bool(message.body[0]))
        except Exception as error:
            if not self._stopping:
                log.info("stopped listening to logind: %s: %s", type(error).__name__, error)
        finally:
            with contextlib.suppress(OSError):
                self._connection.close()

    def stop(self) -> None:
        self._stopping = True
        if self._connection is not None:
            # shutdown wakes the listening thread, which then closes the connection itself
            with contextlib.suppress(OSError):
                self._connection.sock.shutdown(socket.SHUT_RDWR)
