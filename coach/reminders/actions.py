"""Acting on a reminder: Done, Snooze and Skip, from the command line, the app or a button.

The use cases are one function each (`done_last`, `snooze_last`, `skip_last`, `pause`,
`resume`, `update_settings`), each
returning the sentence to show; `coach remind done/snooze/skip`, the app's reminder dialog
and the notification buttons call the same ones, so every way of answering is recorded
alike. A reminder is settled once it is skipped or marked done: a later answer to it is
refused with a sentence saying which was given. A snooze does not settle it: snoozing again
moves the snooze, and skip or done after a snooze settle it.

ActionNotifier shows reminders over D-Bus (org.freedesktop.Notifications.Notify) with
Done / Snooze 10 min / Skip buttons when the server has the "actions" capability, and
listens for ActionInvoked on the same connection (some servers send it only to the
notification's sender). Without a session bus it hands over to plyer, the portable path.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from coach.errors import CoachError, UsageError
from coach.reminders.notifier import (
    APP_NAME,
    DEFAULT_TIMEOUT_S,
    NOTIFICATIONS_BUS_NAME,
    BackendState,
    notification_service_state,
    session_bus_address,
)

log = logging.getLogger("coach.reminders")

# The last reminder can be snoozed, skipped or marked done for this long after it came.
RECENT = timedelta(hours=2)
SETTLED = {"skipped": "skipped", "acted": "marked done"}
SNOOZE_BUTTON_MIN = 10
BUTTONS = ("done", "Done", "snooze", f"Snooze {SNOOZE_BUTTON_MIN} min", "skip", "Skip")
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"


# --- the use cases ----------------------------------------------------------------------


def when_text(moment: datetime, now: datetime) -> str:
    """One wording for a time near now: "14:30 today", "09:00 tomorrow", "09:00 on Mon 02 Mar"."""
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return f"{local:%H:%M} today"
    if local.date() == now.date() + timedelta(days=1):
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {local:%a %d %b}"


def last_sent(store, now: datetime):
    """The last reminder sent in the last two hours (its "sent" Event), if it is not settled
    yet."""
    events = store.events(since=now - RECENT)
    sent = [event for event in events if event.kind == "sent"]
    if not sent:
        raise UsageError("there is no reminder from the last 2 hours to act on.")
    last = sent[-1]
    for event in events:
        if (event.kind in SETTLED and event.due == last.due
                and event.reminder == last.reminder and event.at >= last.at):
            raise UsageError(f"the last {last.reminder} reminder was already "
                             f"{SETTLED[event.kind]}; it needs no other answer.")
    return last


def done_last(store, now: datetime) -> str:
    """The person acted on the last reminder (took the break, did the routine)."""
    last = last_sent(store, now)
    store.add_event("acted", now, reminder=last.reminder, due=last.due,
                    snoozes=last.snoozes or 0, via="person")
    return f"Noted: you acted on the {last.reminder} reminder. Well done."


def skip_last(store, now: datetime) -> str:
    """Skip the last reminder: no snooze; the next one comes as planned."""
    last = last_sent(store, now)
    save_reminder_settings(store, lambda current: {**current, "snooze": None})
    store.add_event("skipped", now, reminder=last.reminder, due=last.due,
                    snoozes=last.snoozes or 0, by="person")
    return f"Skipped the {last.reminder} reminder."


def snooze_last(store, now: datetime, minutes: int) -> str:
    """Put the last reminder off for `minutes`. At most 3 in a row."""
    from coach.reminders.settings import MAX_SNOOZES_IN_A_ROW, Snooze

    last = last_sent(store, now)
    count = (last.snoozes or 0) + 1
    if count > MAX_SNOOZES_IN_A_ROW:
        raise UsageError(
            f"this reminder was already snoozed {MAX_SNOOZES_IN_A_ROW} times in a row; take the "
            "break now, or skip it with 'coach remind skip'."
        )
    until = now + timedelta(minutes=minutes)
    chosen = Snooze(kind=last.reminder, due=last.due, count=count, until=until)
    save_reminder_settings(store, lambda current: {**current, "snooze": chosen.to_dict()})
    store.add_event("snoozed", now, reminder=chosen.kind, due=last.due, snoozes=count,
                    until=until)
    return (f"Snoozed the {chosen.kind} reminder until {when_text(until, now)} "
            f"({count} of {MAX_SNOOZES_IN_A_ROW} in a row).")


def pause(store, length: str, now: datetime) -> str:
    """Pause all reminders for `length` ("30m", "2h", "1h30m", "tomorrow")."""
    from coach.reminders.settings import parse_pause, read

    until = parse_pause(length, now, read(store).reminders.zone())
    save_reminder_settings(store, lambda current: {**current, "paused_until": until.isoformat()})
    store.add_event("paused", now, until=until.isoformat())
    return f"Reminders paused until {when_text(until, now)}."


def resume(store, now: datetime) -> str:
    """End a pause now; the break timer starts over."""
    from coach.reminders.settings import read

    if not read(store).reminders.is_paused(now):
        return "Reminders are not paused."
    save_reminder_settings(store, lambda current: {**current, "paused_until": None})
    store.add_event("resumed", now)
    return "Reminders resumed; the break timer starts now."


def update_settings(store, change: Callable, profile=None):
    """Change the settings: change(Settings) -> Settings runs inside the store's lock on what
    is saved now (a snooze written a moment ago is kept), the result is validated there once,
    and coach.json is written once, with `profile` when one is given. Whatever `change`
    raises, nothing is written. Returns the Settings saved."""
    from coach.reminders.settings import Settings

    def apply(stored: dict) -> dict:
        updated = change(Settings.from_dict(stored))
        checked = Settings.from_dict(updated.stored())  # the stored form reads back the same
        return checked.stored(stored)

    return Settings.from_dict(store.update_settings(apply, profile=profile))


def save_reminder_settings(store, change) -> dict:
    """Apply change(stored reminder dict) -> new dict, validated as a whole before saving."""
    from coach.reminders.settings import ReminderSettings

    def apply(all_settings: dict) -> dict:
        current = dict(all_settings.get("reminders") or {})
        updated = change(current)
        ReminderSettings.from_dict(updated)  # raises UsageError: then nothing is written
        return {**all_settings, "reminders": updated}

    return store.update_settings(apply)["reminders"]


def act(store, action: str, now: datetime):
    """What a button press does: the same as `coach remind <action>`."""
    if action == "done":
        return done_last(store, now)
    if action == "snooze":
        return snooze_last(store, now, SNOOZE_BUTTON_MIN)
    if action == "skip":
        return skip_last(store, now)
    raise UsageError(f"unknown reminder action {action!r}.")


# --- notifications with buttons ---------------------------------------------------------


class ActionNotifier:
    """Reminders with buttons over D-Bus; `on_action(action)` runs in the listening thread."""

    def __init__(self, on_action: Callable[[str], None], fallback=None, bus: str | None = None):
        self.on_action = on_action
        self.bus = bus
        self._fallback = fallback
        self._router = None
        self._listener: threading.Thread | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=16)  # ActionInvoked signals
        self._latest_id: int | None = None  # buttons act on the newest reminder only
        self.name = "dbus"

    # the Notifier interface

    def check(self) -> BackendState:
        if self._connect() is None:
            return self._plyer().check()
        ok, reason = notification_service_state(self.bus or session_bus_address())
        return BackendState(self.name, ok, reason)

    def send(self, title: str, body: str, timeout_s: int = DEFAULT_TIMEOUT_S) -> bool:
        router = self._connect()
        if router is None:
            return self._plyer().send(title, body, timeout_s)
        from jeepney import DBusAddress, new_method_call

        service = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS_BUS_NAME,
                              interface=NOTIFICATIONS_BUS_NAME)
        try:
            reply = router.send_and_get_reply(new_method_call(service, "GetCapabilities"),
                                              timeout=2)
            actions = list(BUTTONS) if "actions" in _body(reply)[0] else []
            reply = router.send_and_get_reply(new_method_call(
                service, "Notify", "susssasa{sv}i",
                (APP_NAME, 0, "", title, body, actions, {}, timeout_s * 1000)), timeout=5)
            (self._latest_id,) = _body(reply)
        except Exception as error:  # the service went away: the runner records "not shown"
            log.info("Notify over D-Bus failed: %s: %s", type(error).__name__, error)
            return False
        return True

    # the connection and the listening thread

    def _connect(self):
        if self._router is not None:
            return self._router
        address = self.bus or session_bus_address()
        if address is None:
            return None
        try:
            from jeepney import MatchRule, message_bus
            from jeepney.io.threading import DBusRouter, Proxy, open_dbus_connection

            router = DBusRouter(open_dbus_connection(address))
            rule = MatchRule(type="signal", interface=NOTIFICATIONS_BUS_NAME,
                             member="ActionInvoked", path=NOTIFICATIONS_PATH)
            Proxy(message_bus, router, timeout=2).AddMatch(rule)
        except Exception as error:
            log.info("no D-Bus session for notification buttons (%s: %s); using plyer",
                     type(error).__name__, error)
            return None
        self._router = router
        self._listener = threading.Thread(target=self._listen, args=(router, rule),
                                          name="coach-actions", daemon=True)
        self._listener.start()
        return router

    def _listen(self, router, rule) -> None:
        try:
            with router.filter(rule, queue=self._queue):
                while True:
                    message = self._queue.get()
                    if message is None:
                        return
                    notification_id, action = message.body
                    if notification_id == self._latest_id:
                        self._latest_id = None  # one answer per reminder
                        self._handle(action)
        except Exception as error:
            log.info("stopped listening for notification buttons: %s: %s",
                     type(error).__name__, error)

    def _handle(self, action: str) -> None:
        try:
            self.on_action(action)
        except CoachError as error:
            log.info("the %s button did nothing: %s", action, error)
        except Exception:
            log.exception("the %s button could not be recorded", action)

    def _plyer(self):
        if self._fallback is None:
            from coach.reminders.notifier import PlyerNotifier

            self._fallback = PlyerNotifier()
        return self._fallback

    def stop(self) -> None:
        router, self._router = self._router, None
        if router is None:
            return
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)  # wakes the listening thread
        with contextlib.suppress(Exception):
            router.close()  # stops its receiving thread
        with contextlib.suppress(Exception):
            router.conn.close()
        if self._listener is not None:
            self._listener.join(timeout=5)


def _body(reply):
    from jeepney.wrappers import unwrap_msg

    return unwrap_msg(reply)


def notifier_with_buttons(store) -> ActionNotifier:
    """The runner's notifier: a button press is recorded as the command would record it."""

    def on_action(action: str) -> None:
        from coach.reminders.settings import ReminderSettings

        zone = ReminderSettings.from_dict(store.load_settings().get("reminders")).zone()
        act(store, action, datetime.now(zone))
        log.info("%s pressed on the reminder's notification", action)

    return ActionNotifier(on_action)
