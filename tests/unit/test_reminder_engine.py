"""The reminder engine (what one scheduler wake-up does) against a real store, on fake clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.catalog import load_catalog
from coach.model import Profile
from coach.reminders.notifier import BackendState
from coach.reminders.runner import ReminderEngine
from coach.reminders.suggestions import movements_from
from coach.store import Rating, SessionRecord, Store

# Break reminders rotate through the library's movements, in library order.
FIRST_MOVEMENT = movements_from(load_catalog(include_user=False))[0].name

LONDON = ZoneInfo("Europe/London")
MONDAY_0900 = datetime(2025, 6, 2, 9, 0, tzinfo=LONDON)


class FakeNotifier:
    def __init__(self, ok: bool = True):
        self.ok = ok
        self.shown: list[tuple[str, str]] = []
        self.fail_with: Exception | None = None

    def check(self) -> BackendState:
        return BackendState("fake", self.ok, "" if self.ok else "no notification service here")

    def send(self, title: str, body: str, timeout_s: int = 30) -> bool:
        if self.fail_with is not None:
            raise self.fail_with
        if not self.ok:
            return False
        self.shown.append((title, body))
        return True


class Clocks:
    """Wall clock and monotonic clock; a suspend moves only the wall clock."""

    def __init__(self, start: datetime):
        self.wall = start.astimezone(UTC)
        self.mono = 1000.0

    def awake(self, **length):
        step = timedelta(**length)
        self.wall += step
        self.mono += step.total_seconds()

    def asleep(self, **length):
        self.wall += timedelta(**length)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    store.update_settings(lambda settings: {**settings,
                                            "reminders": {"timezone": "Europe/London"}})
    return store


def make_engine(store, notifier, clocks, **options):
    return ReminderEngine(store, notifier, clock=lambda: clocks.wall,
                          monotonic=lambda: clocks.mono, **options)


def run_until(engine, clocks, end: datetime):
    """Tick the way the scheduler does: at the planner's next moment or a minute on."""
    end = end.astimezone(UTC)
    while clocks.wall < end:
        engine.tick()
        planned = engine.next_time(clocks.wall)
        step = min(planned - clocks.wall, timedelta(minutes=1)) if planned else timedelta(minutes=1)
        clocks.awake(seconds=step.total_seconds())


def sent_events(store):
    return [event for event in store.events() if event.kind == "sent"]


def test_a_break_is_shown_and_recorded_with_a_micro_routine_for_the_worst_area(store):
    store.save_profile(Profile(areas=("neck", "low-back"), tools=("ball", "hands", "wall"),
                               screened=True))
    earlier = MONDAY_0900 - timedelta(hours=1)
    store.add_rating(Rating(area="neck", rating=3, phase="check-in", at=earlier))
    store.add_rating(Rating(area="low-back", rating=6, phase="check-in", at=earlier))
    clocks, notifier, seen = Clocks(MONDAY_0900), FakeNotifier(), []
    engine = make_engine(store, notifier, clocks, on_reminder=seen.append)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=31))

    assert len(notifier.shown) == 1
    title, body = notifier.shown[0]
    assert "break" in title
    assert "low back" in body.lower() and "seated" in body
    assert "cure" not in body.lower()
    [event] = sent_events(store)
    assert event.reminder == "break" and event.delivered is True
    assert event.area == "low-back"
    assert event.at == MONDAY_0900 + timedelta(minutes=30)
    assert [notice.area for notice in seen] == ["low-back"]

    assert event.suggestion == "pressure" and event.muscles

    # the next breaks are for movement: pressure at most one break in four
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=61))
    assert notifier.shown[-1][1].startswith(FIRST_MOVEMENT)
    assert "comfort and movement" in notifier.shown[-1][1]


@pytest.mark.parametrize("rating", [7, 10])
def test_pain_at_seven_or_more_never_gets_a_pressure_break(store, rating):
    # DOMAIN.md 3: at 7/10 or more do less, not more; a break then suggests movement only.
    store.save_profile(Profile(areas=("neck", "low-back"), tools=("ball", "hands", "wall")))
    store.add_rating(Rating(area="low-back", rating=rating, phase="check-in",
                            at=MONDAY_0900 - timedelta(hours=1)))
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=31))
    [event] = sent_events(store)
    assert event.suggestion != "pressure" and not event.muscles
    assert notifier.shown[0][1].startswith(FIRST_MOVEMENT)


def test_no_ratings_means_a_plain_movement_break(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=31))
    assert notifier.shown[0][1].startswith(FIRST_MOVEMENT)


def test_without_a_notification_service_reminders_are_still_recorded_and_given_to_the_app(store):
    clocks, notifier, seen = Clocks(MONDAY_0900), FakeNotifier(ok=False), []
    engine = make_engine(store, notifier, clocks, on_reminder=seen.append)
    assert engine.backend.ok is False
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=61))
    assert [event.delivered for event in sent_events(store)] == [False, False]
    assert len(seen) == 2
    assert engine.status(clocks.wall)["reason"] == "no notification service here"
    notifier.ok = True  # the service came back
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=91))
    assert sent_events(store)[-1].delivered is True
    assert engine.backend.ok is True


def test_a_crashing_notifier_does_not_stop_the_engine(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    notifier.fail_with = OSError("notify-send vanished")
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=31))
    assert [event.delivered for event in sent_events(store)] == [False]
    notifier.fail_with = None
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=61))
    assert len(notifier.shown) == 1


def test_settings_changed_by_another_process_apply_at_the_next_tick(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=10))
    until = (MONDAY_0900 + timedelta(hours=2)).isoformat()
    store.update_settings(lambda settings: {
        **settings, "reminders": {**settings["reminders"], "paused_until": until}})
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=11))
    assert engine.status(clocks.wall)["paused_until"] is not None
    run_until(engine, clocks, MONDAY_0900 + timedelta(hours=2))
    assert notifier.shown == []
    # a broken value (hand-edited) keeps the previous settings instead of stopping reminders
    store.update_settings(lambda settings: {
        **settings, "reminders": {**settings["reminders"], "break_interval_min": 2}})
    run_until(engine, clocks, MONDAY_0900 + timedelta(hours=2, minutes=31))
    assert len(notifier.shown) == 1


def test_after_a_three_hour_suspend_no_burst_and_no_break_straight_away(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=65))
    assert len(notifier.shown) == 2  # 09:30, 10:00
    clocks.asleep(hours=3)  # 10:05 -> 13:05: the monotonic clock stood still
    engine.tick()
    assert len(notifier.shown) == 3
    assert "routine" in notifier.shown[-1][0]  # the 12:30 routine reminder, once
    run_until(engine, clocks, MONDAY_0900 + timedelta(hours=4, minutes=34))
    assert len(notifier.shown) == 3  # nothing within 30 minutes of waking
    run_until(engine, clocks, MONDAY_0900 + timedelta(hours=4, minutes=36))
    assert len(notifier.shown) == 4


def test_a_finished_session_resets_the_break_timer_and_counts_as_acting(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=32))
    assert len(notifier.shown) == 1
    started = MONDAY_0900 + timedelta(minutes=33)
    store.save_session(SessionRecord(
        id="s1", day=started.date(), started_at=started,
        finished_at=started + timedelta(minutes=2), planned_s=120, done_s=120,
        status="finished"))
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=64))
    assert len(notifier.shown) == 1  # the break that was due at 10:00 waits until 10:05
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=66))
    assert len(notifier.shown) == 2
    acted = [event for event in store.events() if event.kind == "acted"]
    assert [(event.reminder, event.session_id) for event in acted] == [("break", "s1")]


def noon_zone() -> str:
    """A fixed-offset zone where it is around midday now: 00:00-23:59 is safely working time."""
    offset = (12 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc signs are inverted


def test_the_app_hosts_the_scheduler_when_no_runner_is_active(store):
    import threading

    from coach.errors import CoachError
    from coach.reminders.runner import RunnerLock, lock_owner, start_hosted

    store.update_settings(lambda settings: {**settings, "reminders": {
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": "00:00-23:59",
        "break_interval_min": 5, "routine_times": [], "timezone": noon_zone()}})
    arrived = threading.Event()
    seen = []

    def on_reminder(notice):
        seen.append((notice, threading.current_thread().name))
        arrived.set()

    notifier = FakeNotifier()
    handle = start_hosted(store, on_reminder, notifier=notifier, tick_s=0.5,
                          minute=timedelta(milliseconds=100))
    try:
        assert handle.hosting is True
        assert lock_owner(store.directory)["mode"] == "the coach app"
        with pytest.raises(CoachError, match="already run in process"):
            RunnerLock(store.directory).acquire("coach remind run")
        assert start_hosted(store, on_reminder, notifier=notifier).hosting is False
        assert arrived.wait(timeout=10)
        notice, thread_name = seen[0]
        assert notice.kind == "break" and notice.title and notice.body
        assert thread_name != threading.main_thread().name  # the app must hop to its thread
        assert notifier.shown
    finally:
        handle.stop()
    assert lock_owner(store.directory) is None
    handle.stop()  # stopping twice is harmless


class Desk:
    """Stands in for the idle and busy monitors: what the desktop would say now."""

    def __init__(self):
        from coach.reminders.busy import BusyState
        from coach.reminders.idle import IdleState

        self.idle = IdleState("test", 0.0, False)
        self.busy: BusyState | None = None
        self._busy_state, self._idle_state = BusyState, IdleState

    def set(self, idle_s: float = 0.0, locked: bool = False, busy: str | None = None):
        self.idle = self._idle_state("test", idle_s, locked)
        self.busy = self._busy_state("test", busy) if busy else None

    def monitors(self) -> dict:
        desk = self

        class Idle:
            def read(self):
                return desk.idle

        class Busy:
            def read(self):
                return desk.busy

        return {"idle": Idle(), "busy": Busy()}


def test_busy_defers_the_break_and_one_catch_up_says_how_long(store):
    clocks, notifier, desk = Clocks(MONDAY_0900), FakeNotifier(), Desk()
    engine = make_engine(store, notifier, clocks, **desk.monitors())
    desk.set(busy="notifications are paused in dunst")
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=70))
    assert notifier.shown == []
    [deferred] = [event for event in store.events() if event.kind == "deferred"]
    assert deferred.reason == "you are busy (notifications are paused in dunst)"
    status = engine.status(clocks.wall)
    assert status["busy"] == {"source": "test", "reason": "notifications are paused in dunst"}
    assert status["idle"] == {"source": "test", "seconds": 0, "locked": False}
    assert [item["kind"] for item in status["deferred"]] == ["break"]

    desk.set()
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=75))
    [(title, body)] = notifier.shown
    assert title == "coach: a break now that you are free?"
    assert body.startswith("You were busy for 1 h 10 min: a 2-minute break now?")
    assert engine.status(clocks.wall)["deferred"] == []


def test_an_absence_is_recorded_as_missed_away_and_restarts_the_timer(store):
    clocks, notifier, desk = Clocks(MONDAY_0900), FakeNotifier(), Desk()
    engine = make_engine(store, notifier, clocks, **desk.monitors())
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=20))
    for minutes in range(20):  # locked for 20 minutes over the break's time
        desk.set(idle_s=minutes * 60.0, locked=True)
        run_until(engine, clocks, clocks.wall + timedelta(minutes=1))
    desk.set()
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=69))
    assert notifier.shown == []
    [missed] = [event for event in store.events() if event.kind == "missed-away"]
    assert missed.reminder == "break" and "that was the break" in missed.reason
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=71))
    assert len(notifier.shown) == 1


def test_after_three_skips_in_a_row_the_reminder_asks_kindly(store):
    clocks, notifier = Clocks(MONDAY_0900), FakeNotifier()
    engine = make_engine(store, notifier, clocks)
    for _ in range(3):
        store.add_event("skipped", clocks.wall, reminder="break", due=clocks.wall.isoformat(),
                        snoozes=0, by="person")
    run_until(engine, clocks, MONDAY_0900 + timedelta(minutes=31))
    [(title, body)] = notifier.shown
    assert title == "coach: a short break, if you can?"
    assert body.startswith("No need to stop for long") and "comfort and movement" in body
