"""The reminder engine and the two ways it runs: `coach remind run` and hosted by the app.

ReminderEngine.tick() is the whole job: notice a suspend, pick up changed settings and
finished sessions, ask the planner what is due, send it, record events. Its clocks and
notifier are injected, so tests step time instead of sleeping.

One runner per user: whoever sends reminders (the foreground runner or the app) holds
an flock on `reminders.lock` in the data directory, with its pid written inside. The
lock goes away with the process, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from coach import locations
from coach.errors import CoachError
from coach.reminders.notifier import BackendState, Notifier
from coach.reminders.planner import Planner, Presence, Reminder
from coach.reminders.settings import ReminderSettings
from coach.reminders.sleep import LogindWatcher, SleepDetector
from coach.reminders.texts import Notice, compose

log = logging.getLogger("coach.reminders")

LOCK_FILE = "reminders.lock"
STATUS_FILE = "reminders-status.json"
# A session started this soon after a reminder counts as acting on it.
ACTED_WINDOW = timedelta(minutes=30)
# An unfinished session younger than this means the person is busy: no break reminder.
BUSY_WINDOW = timedelta(hours=1)
LOG_MAX_BYTES = 512 * 1024


def read_settings(store) -> ReminderSettings:
    return ReminderSettings.from_dict(store.load_settings().get("reminders"))


class ReminderEngine:
    def __init__(
        self,
        store,
        notifier: Notifier,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        minute: timedelta = timedelta(minutes=1),
        on_reminder: Callable[[Notice], None] | None = None,
        idle=None,
        busy=None,
    ):
        """`idle`/`busy`: IdleMonitor/BusyMonitor (None: not asked, breaks follow wall time)."""
        self.store = store
        self.notifier = notifier
        self.idle = idle
        self.busy = busy
        self.idle_state = None  # the last IdleState read (None: no source answered)
        self.busy_state = None  # the last BusyState read (None: not busy)
        self.monotonic = monotonic
        self.on_reminder = on_reminder
        self._raw_settings = store.load_settings().get("reminders")
        self.settings = ReminderSettings.from_dict(self._raw_settings)
        self.zone = self.settings.zone()
        self.clock = clock or (lambda: datetime.now(self.zone))
        now = self.clock()
        self.planner = Planner(self.settings, self.zone, now, minute)
        self.sleep = SleepDetector()
        self.sleep.check(now, self.monotonic())
        self.backend: BackendState = notifier.check()
        self.last_notice: Notice | None = None
        self._acted_on: set[str] = set()  # "kind@due" of reminders already marked acted
        self._sessions_seen: set[str] = set()
        self._status: dict | None = None
        self.status_path: Path | None = None  # where to publish status (set by the runner)
        self.ticks = 0  # looks finished so far (HostedHandle.refresh waits for the next)
        self._ticking = False
        self._ticked = threading.Condition()
        self._pick_up_sessions(now, first=True)

    # --- the job ------------------------------------------------------------------------

    def tick(self) -> None:
        """Everything one wake-up does; never raises (a runner must outlive any one failure)."""
        with self._ticked:
            self._ticking = True
        try:
            self._tick()
        finally:
            with self._ticked:
                self._ticking = False
                self.ticks += 1
                self._ticked.notify_all()

    def next_look(self) -> int:
        """The count `ticks` reaches when a look that starts from now has finished (a look
        already under way may have read the settings before they changed)."""
        with self._ticked:
            return self.ticks + (2 if self._ticking else 1)

    def wait_for_look(self, count: int, timeout_s: float) -> bool:
        """Wait until `ticks` reaches `count`; False after `timeout_s`."""
        with self._ticked:
            return self._ticked.wait_for(lambda: self.ticks >= count, timeout_s)

    def _tick(self) -> None:
        try:
            now = self.clock()
            gap = self.sleep.check(now, self.monotonic())
            if gap is not None:
                log.info("the computer slept from about %s to %s", _clock(gap[0]), _clock(gap[1]))
                for reminder, reason in self.planner.woke(*gap):
                    self._record_skip(reminder, reason, now)
            self._reload_settings(now)
            self._pick_up_sessions(now)
            for reminder, reason in self.planner.observe(now, self._presence()):
                self._record_planner_event("missed-away", reminder, reason, now)
            decision = self.planner.due(now)
            for reminder, reason in decision.skipped:
                self._record_skip(reminder, reason, now)
            for reminder, reason in decision.deferred:
                self._record_planner_event("deferred", reminder, reason, now)
            if decision.send is not None:
                self._deliver(decision.send, now)
            self._publish_status(now)
        except Exception:
            log.exception("a reminder check failed; trying again at the next one")

    def next_time(self, now: datetime) -> datetime | None:
        return self.planner.next_time(now)

    def _presence(self) -> Presence:
        """Idle time, lock and do-not-disturb as the desktop says now (each source guarded)."""
        self.idle_state = self.idle.read() if self.idle is not None else None
        self.busy_state = self.busy.read() if self.busy is not None else None
        idle = self.idle_state
        return Presence(idle_s=idle.seconds if idle is not None else None,
                        locked=bool(idle is not None and idle.locked),
                        busy=self.busy_state.reason if self.busy_state is not None else None)

    def on_sleep_signal(self, going_to_sleep: bool) -> None:
        log.info("logind: %s", "going to sleep" if going_to_sleep else "woke up")

    # --- pieces of a tick ---------------------------------------------------------------

    def _reload_settings(self, now: datetime) -> None:
        raw = self.store.load_settings().get("reminders")
        if raw == self._raw_settings:
            return
        self._raw_settings = raw
        try:
            settings = ReminderSettings.from_dict(raw)
        except CoachError as error:
            log.warning("the saved reminder settings are not valid (%s); keeping the previous ones",
                        error)
            return
        self.settings = settings
        zone = settings.zone()
        if zone != self.zone:
            self.zone = self.planner.zone = zone
        self.planner.update_settings(settings, now)
        log.info("settings changed: %s", json.dumps(settings.to_dict()))

    def _pick_up_sessions(self, now: datetime, first: bool = False) -> None:
        for session in self.store.sessions(since=now - timedelta(days=1)):
            if session.finished_at is None:
                if session.status == "in-progress" and now - session.started_at < BUSY_WINDOW:
                    self.planner.session_finished(now, 0)  # busy in a session: not a break yet
                continue
            if session.id in self._sessions_seen:
                continue
            self._sessions_seen.add(session.id)
            self.planner.session_finished(session.finished_at, session.done_s)
            if not first:
                self._maybe_acted(session)

    def _maybe_acted(self, session) -> None:
        notice = self.last_notice
        if notice is None or _key(notice) in self._acted_on:
            return
        if notice.at - timedelta(minutes=1) <= session.started_at <= notice.at + ACTED_WINDOW:
            self._acted_on.add(_key(notice))
            record_event(self.store, "acted", session.started_at, notice, via="session",
                         session_id=session.id)

    def _deliver(self, reminder: Reminder, now: datetime) -> None:
        notice = compose(self.store, reminder, now, self.zone)
        try:
            delivered = self.notifier.send(notice.title, notice.body)
        except Exception as error:
            log.warning("the notification could not be sent: %s: %s", type(error).__name__, error)
            delivered = False
        if not delivered or not self.backend.ok:
            self._note_backend(self.notifier.check())
        # The words go with the event, so an open app can show a reminder this runner sent.
        record_event(self.store, "sent", now, notice, delivered=delivered, title=notice.title,
                     body=notice.body)
        outcome = "sent" if delivered else f"recorded, not shown ({self.backend.reason})"
        log.info("%s reminder %s%s", notice.kind, outcome,
                 f"; snoozed {notice.snoozes} times" if notice.snoozes else "")
        self.last_notice = notice
        if self.on_reminder is not None:
            try:
                self.on_reminder(notice)
            except Exception:
                log.exception("the app could not show a reminder")

    def _note_backend(self, state: BackendState) -> None:
        if state.ok != self.backend.ok:
            if state.ok:
                log.info("notifications work again (%s)", state.name)
            else:
                log.warning("notifications cannot be shown: %s", state.reason)
        self.backend = state

    def _record_planner_event(self, kind: str, reminder: Reminder, reason: str,
                              now: datetime) -> None:
        """"deferred" (waits for the person) or "missed-away" (their absence was the break)."""
        self.store.add_event(kind, now, reminder=reminder.kind, due=reminder.due.isoformat(),
                             snoozes=reminder.snoozes, by="planner", reason=reason)
        log.info("%s reminder due %s %s: %s", reminder.kind, _clock(reminder.due),
                 "waits" if kind == "deferred" else "dropped", reason)

    def _record_skip(self, reminder: Reminder, reason: str, now: datetime) -> None:
        self.store.add_event("skipped", now, reminder=reminder.kind, due=reminder.due.isoformat(),
                             snoozes=reminder.snoozes, by="planner", reason=reason)
        log.info("%s reminder due %s skipped: %s", reminder.kind, _clock(reminder.due), reason)

    def status(self, now: datetime) -> dict:
        return {
            "runner_pid": os.getpid(),
            "backend": self.backend.name,
            "backend_ok": self.backend.ok,
            "reason": self.backend.reason,
            "next": [{"kind": reminder.kind, "at": reminder.due.astimezone(self.zone).isoformat(),
                      **({"snoozes": reminder.snoozes} if reminder.snoozes else {})}
                     for reminder in self.planner.upcoming(now)],
            "paused_until": (self.settings.paused_until.isoformat()
                             if self.settings.is_paused(now) else None),
            **presence_status(self.idle_state, self.busy_state, self.planner, self.zone),
        }

    def _publish_status(self, now: datetime) -> None:
        if self.status_path is None:
            return
        status = self.status(now)
        if status == self._status:
            return
        self._status = status
        _write_atomically(self.status_path, {**status, "updated_at": now.isoformat()})


def presence_status(idle_state, busy_state, planner: Planner, zone) -> dict:
    """The "idle", "busy" and "deferred" parts of `coach remind status --json`."""
    return {
        "idle": idle_state.to_json() if idle_state is not None else None,
        "busy": busy_state.to_json() if busy_state is not None else None,
        "deferred": [{"kind": reminder.kind, "due": reminder.due.astimezone(zone).isoformat(),
                      "since": since.astimezone(zone).isoformat(), "reason": reason}
                     for reminder, since, reason in planner.deferred()],
    }


def record_event(store, kind: str, at: datetime, notice: Notice, **data) -> None:
    """Record what happened to a reminder ("sent", "snoozed", "skipped", "acted")."""
    store.add_event(kind, at, reminder=notice.kind, due=notice.due.isoformat(),
                    snoozes=notice.snoozes, **({"area": notice.area} if notice.area else {}),
                    **({"suggestion": notice.suggestion} if notice.suggestion else {}),
                    **({"muscles": list(notice.muscles)} if notice.muscles else {}),
                    **data)


def _key(notice: Notice) -> str:
    return f"{notice.kind}@{notice.due.isoformat()}"


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z")


def _write_atomically(path: Path, data: dict) -> None:
    from coach.store.files import atomic_write

    atomic_write(path, json.dumps(data, indent=2).encode("utf-8"))


# --- one runner per user ----------------------------------------------------------------


class RunnerLock:
    """An flock held for as long as this process sends reminders."""

    def __init__(self, directory: Path):
        self.path = directory / LOCK_FILE
        self._handle = None

    def acquire(self, mode: str) -> None:
        """Take the lock or raise CoachError naming the process that holds it."""
        from coach.store.files import UnsafeFile, open_private

        try:
            # 0600, created with O_EXCL, never through a planted symlink
            handle = os.fdopen(open_private(self.path), "r+")
        except UnsafeFile as error:
            raise CoachError(str(error)) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            owner = lock_owner(self.path.parent)
            who = f"process {owner['pid']} ({owner['mode']})" if owner else "another process"
            raise CoachError(
                f"reminders already run in {who}; stop it first, or leave it running."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "mode": mode}))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.seek(0)
                self._handle.truncate()
            self._handle.close()  # closing drops the flock
            self._handle = None


def lock_owner(directory: Path) -> dict | None:
    """{"pid", "mode"} of the process sending reminders, or None when there is none."""
    path = directory / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:  # missing, or a link coach does not follow: nobody holds it
        return None
    with os.fdopen(fd) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(handle.read() or "{}") or {"pid": None, "mode": "unknown"}
            except ValueError:
                return {"pid": None, "mode": "unknown"}
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


# --- logging ----------------------------------------------------------------------------


def _log_to_file() -> logging.Handler:
    from coach.store.logfile import PrivateLogHandler

    # created 0600 with O_EXCL, never opened through a symlink
    handler = PrivateLogHandler(locations.log_file(), maxBytes=LOG_MAX_BYTES, backupCount=2,
                                encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("coach.reminders", "apscheduler"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.propagate = False  # never onto the terminal (the app draws there)
    log.setLevel(logging.INFO)
    return handler


def _stop_logging(handler: logging.Handler) -> None:
    for name in ("coach.reminders", "apscheduler"):
        logging.getLogger(name).removeHandler(handler)
    handler.close()


# --- `coach remind run` -----------------------------------------------------------------


def run_foreground(store=None, *, notifier: Notifier | None = None, tick_s: float = 60.0,
                   minute: timedelta = timedelta(minutes=1), say=print) -> None:
    """Send reminders until SIGINT or SIGTERM. One per user: a second one raises CoachError."""
    from apscheduler.jobstores.base import JobLookupError

    from coach.reminders.scheduler import ReminderScheduler

    if store is None:
        from coach.store import Store

        store = Store()
    directory = Path(store.directory)
    lock = RunnerLock(directory)
    lock.acquire("coach remind run")
    handler = _log_to_file()
    logind = None
    owned = notifier = notifier or _notifier_with_buttons(store)
    try:
        engine = ReminderEngine(store, notifier, minute=minute, **desktop_monitors())
        engine.status_path = directory / STATUS_FILE
        scheduler = ReminderScheduler(engine.tick, engine.next_time, engine.zone, blocking=True,
                                      tick_s=tick_s)

        stopping = []

        def stop(signum, _frame):
            log.info("stopping on %s", signal.Signals(signum).name)
            stopping.append(signum)
            scheduler.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        def on_sleep(going_to_sleep: bool) -> None:
            engine.on_sleep_signal(going_to_sleep)
            if not going_to_sleep:
                scheduler.run_soon()

        logind = LogindWatcher(on_sleep)
        logind.start()
        log.info("runner started (pid %d, notifications: %s)", os.getpid(), engine.backend.name)
        say(f"coach: reminders are running (pid {os.getpid()}); log: {locations.log_file()}. "
            "Stop with Ctrl+C.")
        if not engine.backend.ok:
            log.warning("notifications cannot be shown: %s", engine.backend.reason)
            print(f"coach: notifications cannot be shown: {engine.backend.reason}. Reminders are "
                  "still recorded and shown in the app; 'coach remind status' tells when this "
                  "changes.", file=sys.stderr, flush=True)
        try:
            scheduler.start()
        except JobLookupError:
            # A stop signal during a tick: APScheduler's shutdown removed the job the tick
            # was running, and the scheduler then fails to reschedule it. We were stopping.
            if not stopping:
                raise
        log.info("runner stopped")
    finally:
        if logind is not None:
            logind.stop()
        _stop_notifier(owned)
        with contextlib.suppress(OSError):
            (directory / STATUS_FILE).unlink()
        lock.release()
        _stop_logging(handler)


# --- hosted by the app ------------------------------------------------------------------


@dataclass
class HostedHandle:
    """What start_hosted returns; `hosting` is False when a separate runner sends reminders."""

    hosting: bool
    engine: ReminderEngine | None = None
    _scheduler: object = None
    _lock: RunnerLock | None = None
    _logind: LogindWatcher | None = None
    _handler: logging.Handler | None = None
    _stopped: bool = False
    _notifier: object = None

    def refresh(self, timeout_s: float = 5.0) -> bool:
        """Look again now, right after the settings changed, and wait (at most `timeout_s`)
        until that look has taken them in and published its status; True when it has."""
        if self._scheduler is None or self.engine is None:
            return False
        wanted = self.engine.next_look()
        self._scheduler.run_soon()
        return self.engine.wait_for_look(wanted, timeout_s)

    def next_fire_time(self) -> datetime | None:
        """When the hosted scheduler looks next (None when it is not hosting)."""
        return self._scheduler.next_fire_time() if self._scheduler is not None else None

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._logind is not None:
            self._logind.stop()
        if self._scheduler is not None:
            self._scheduler.stop()
        _stop_notifier(self._notifier)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                (self._lock.path.parent / STATUS_FILE).unlink()
            self._lock.release()
        if self._handler is not None:
            _stop_logging(self._handler)


def start_hosted(store, on_reminder: Callable[[Notice], None], *,
                 notifier: Notifier | None = None, tick_s: float = 60.0,
                 minute: timedelta = timedelta(minutes=1)) -> HostedHandle:
    """Run the scheduler in a background thread while the app is open, unless a runner does.

    on_reminder(notice) is called from the scheduler's thread for every reminder sent
    (notice.kind, .title, .body, .area, .due); the app should hand it to its own thread.
    """
    from coach.reminders.scheduler import ReminderScheduler

    directory = Path(store.directory)
    lock = RunnerLock(directory)
    try:
        lock.acquire("the coach app")
    except CoachError:
        return HostedHandle(hosting=False)
    handler = _log_to_file()
    notifier = notifier or _notifier_with_buttons(store)
    try:
        engine = ReminderEngine(store, notifier, minute=minute,
                                on_reminder=on_reminder, **desktop_monitors())
        engine.status_path = directory / STATUS_FILE
        scheduler = ReminderScheduler(engine.tick, engine.next_time, engine.zone, blocking=False,
                                      tick_s=tick_s)
        scheduler.start()
    except BaseException:
        _stop_notifier(notifier)
        lock.release()
        _stop_logging(handler)
        raise
    logind = LogindWatcher(lambda asleep: None if asleep else scheduler.run_soon())
    logind.start()
    log.info("the app hosts the reminders (pid %d)", os.getpid())
    return HostedHandle(True, engine, scheduler, lock, logind, handler, _notifier=notifier)


def _notifier_with_buttons(store) -> Notifier:
    from coach.reminders.actions import notifier_with_buttons

    return notifier_with_buttons(store)


def _stop_notifier(notifier) -> None:
    """Stop a notifier's listening thread (the one with buttons has one)."""
    stop = getattr(notifier, "stop", None)
    if stop is not None:
        stop()


def desktop_monitors() -> dict:
    """The idle and do-not-disturb sources of this desktop, as ReminderEngine arguments."""
    from coach.reminders.busy import BusyMonitor
    from coach.reminders.idle import IdleMonitor

    return {"idle": IdleMonitor(), "busy": BusyMonitor()}


# --- `coach remind status` --------------------------------------------------------------


def status(store, notifier: Notifier | None = None, now: datetime | None = None,
           monitors: dict | None = None) -> dict:
    """Who sends reminders, whether notifications can be shown, and what comes next."""
    directory = Path(store.directory)
    owner = lock_owner(directory)
    settings = read_settings(store)
    zone = settings.zone()
    now = now or datetime.now(zone)
    if owner is not None:
        try:
            published = json.loads((directory / STATUS_FILE).read_text())
        except (OSError, ValueError):
            published = None
        if published is not None and published.get("runner_pid") == owner.get("pid"):
            published.pop("updated_at", None)
            return {**published, "runner_mode": owner.get("mode")}
    if notifier is None:
        from coach.reminders.notifier import PlyerNotifier

        notifier = PlyerNotifier()
    backend = notifier.check()
    monitors = monitors or desktop_monitors()  # no runner: ask the desktop ourselves
    planner = Planner(settings, zone, now)
    for session in store.sessions(since=now - timedelta(days=1)):
        if session.finished_at is not None:
            planner.session_finished(session.finished_at, session.done_s)
    return {
        "runner_pid": owner.get("pid") if owner else None,
        "runner_mode": owner.get("mode") if owner else None,
        "backend": backend.name,
        "backend_ok": backend.ok,
        "reason": backend.reason,
        "next": [{"kind": reminder.kind, "at": reminder.due.astimezone(zone).isoformat()}
                 for reminder in planner.upcoming(now)],
        "paused_until": settings.paused_until.isoformat() if settings.is_paused(now) else None,
        **presence_status(monitors["idle"].read(), monitors["busy"].read(), planner, zone),
    }
