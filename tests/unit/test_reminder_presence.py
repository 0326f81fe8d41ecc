"""Away and busy in the planner, on an injected clock: time is stepped, never slept.

The runner reads idle time, the lock and do-not-disturb once a tick and hands them to
`Planner.observe`; `drive` does the same from a function of the moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.reminders.planner import BREAK, ROUTINE, Planner, Presence
from coach.reminders.settings import WEEKDAYS, ReminderSettings

LONDON = ZoneInfo("Europe/London")
MINUTE = timedelta(minutes=1)
MONDAY = date(2025, 6, 2)
EVERY_DAY = ReminderSettings(working_days=WEEKDAYS, routine_times=())
PRESENT = Presence(idle_s=0.0)


def at(day: date, clock: str, zone=LONDON) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


class Desk:
    """Who is at the desk: away between (start, end) pairs, busy between others."""

    def __init__(self, away=(), busy=(), locked=False):
        self.away = [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in away]
        self.busy = [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in busy]
        self.locked = locked

    def __call__(self, now: datetime) -> Presence:
        idle = 0.0
        for start, end in self.away:
            if start <= now < end:
                idle = (now - start).total_seconds()
        busy = next(("dunst is paused" for start, end in self.busy if start <= now < end), None)
        locked = self.locked and idle > 0
        return Presence(idle_s=None if locked else idle, locked=locked, busy=busy)


def drive(planner: Planner, start: datetime, end: datetime, desk=lambda now: PRESENT,
          tick=MINUTE, on_wake=None):
    """[(sent_at, reminder)], plus what was recorded: {"missed": [...], "deferred": [...]}."""
    sent, missed, deferred = [], [], []
    now = start.astimezone(UTC)
    while now < end:
        missed += planner.observe(now, desk(now))
        decision = planner.due(now)
        deferred += decision.deferred
        if decision.send is not None:
            assert planner.waiting_for() is None
            sent.append((now, decision.send))
        planned = planner.next_time(now)
        now = min(planned, now + tick) if planned is not None and planned > now else now + tick
    return sent, {"missed": missed, "deferred": deferred}


def clocks(sent, zone=LONDON):
    return [(reminder.kind, moment.astimezone(zone).strftime("%H:%M")) for moment, reminder in sent]


def test_away_for_a_break_length_is_the_break_and_nothing_fires_while_away():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    desk = Desk(away=[(at(MONDAY, "09:20"), at(MONDAY, "09:50"))])
    sent, recorded = drive(planner, start, at(MONDAY, "11:00"), desk)
    # due at 09:30 while away: not sent; back at 09:50 the timer starts over
    assert clocks(sent) == [("break", "10:20"), ("break", "10:50")]
    [(missed, reason)] = recorded["missed"]
    assert missed.kind == BREAK and missed.due == at(MONDAY, "09:30")
    assert reason == "you were away 30 min: that was the break"
    assert [reason for _, reason in recorded["deferred"]] == ["you are away"]


def test_a_locked_screen_is_away_even_with_no_idle_time():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    desk = Desk(away=[(at(MONDAY, "09:10"), at(MONDAY, "09:40"))], locked=True)
    sent, recorded = drive(planner, start, at(MONDAY, "10:30"), desk)
    assert clocks(sent) == [("break", "10:10")]
    assert len(recorded["missed"]) == 1


def test_a_short_absence_is_not_a_break_and_the_break_comes_on_return():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    # idle from 09:29 to 09:30:40: away (over a minute) when the break comes due, but short
    desk = Desk(away=[(at(MONDAY, "09:29"), at(MONDAY, "09:30") + timedelta(seconds=40))])
    sent, recorded = drive(planner, start, at(MONDAY, "10:05"), desk,
                           tick=timedelta(seconds=15))
    back = at(MONDAY, "09:30") + timedelta(seconds=45)
    assert [(moment, reminder.due) for moment, reminder in sent] == [
        (back, at(MONDAY, "09:30")), (back + 30 * MINUTE, back + 30 * MINUTE)]
    assert recorded["missed"] == []
    assert sent[0][1].busy_s == 0  # away is not busy: no catch-up words


def test_idle_under_a_minute_is_still_at_the_desk():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    planner.observe(at(MONDAY, "09:30"), Presence(idle_s=59.0))
    assert planner.due(at(MONDAY, "09:30")).send is not None


def test_busy_defers_and_one_catch_up_comes_when_it_ends_never_a_burst():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    desk = Desk(busy=[(at(MONDAY, "09:10"), at(MONDAY, "10:50"))])  # 1 h 40 min meeting
    sent, recorded = drive(planner, start, at(MONDAY, "11:30"), desk)
    assert clocks(sent) == [("break", "10:50"), ("break", "11:20")]
    catch_up = sent[0][1]
    assert catch_up.due == at(MONDAY, "09:30").astimezone(UTC)
    assert catch_up.busy_s == 100 * 60
    assert sent[1][1].busy_s == 0
    assert [(reminder.kind, reason) for reminder, reason in recorded["deferred"]] == [
        (BREAK, "you are busy (dunst is paused)")]
    assert recorded["missed"] == []


def test_busy_then_a_long_absence_leaves_no_catch_up_behind():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    desk = Desk(busy=[(at(MONDAY, "09:10"), at(MONDAY, "09:45"))],
                away=[(at(MONDAY, "09:40"), at(MONDAY, "10:10"))])
    sent, recorded = drive(planner, start, at(MONDAY, "10:45"), desk)
    assert [(clock, reminder.busy_s) for (_, clock), (_, reminder)
            in zip(clocks(sent), sent, strict=True)] == [("10:40", 0)]
    assert [reminder.due for reminder, _ in recorded["missed"]] == [
        at(MONDAY, "09:30").astimezone(UTC)]


def test_busy_with_nothing_due_brings_no_catch_up():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    desk = Desk(busy=[(at(MONDAY, "09:05"), at(MONDAY, "09:20"))])
    sent, _ = drive(planner, start, at(MONDAY, "09:40"), desk)
    assert [(clock, reminder.busy_s) for (_, clock), (_, reminder)
            in zip(clocks(sent), sent, strict=True)] == [("09:30", 0)]


def test_a_routine_reminder_missed_while_away_comes_once_on_return_if_still_relevant():
    settings = ReminderSettings(working_days=WEEKDAYS, breaks=False,
                                routine_times=(time(12, 30),))
    start = at(MONDAY, "12:00")
    planner = Planner(settings, LONDON, start)
    desk = Desk(away=[(at(MONDAY, "12:15"), at(MONDAY, "13:45"))])  # lunch away from the desk
    sent, recorded = drive(planner, start, at(MONDAY, "16:00"), desk)
    assert clocks(sent) == [("routine", "13:45")]
    assert sent[0][1].due == at(MONDAY, "12:30").astimezone(UTC)
    assert [(reminder.kind, reason) for reminder, reason in recorded["deferred"]] == [
        (ROUTINE, "you are away")]


def test_a_routine_reminder_missed_while_away_past_the_working_day_is_dropped():
    settings = ReminderSettings(working_days=WEEKDAYS, breaks=False,
                                routine_times=(time(16, 30),))
    start = at(MONDAY, "16:00")
    planner = Planner(settings, LONDON, start)
    desk = Desk(away=[(at(MONDAY, "16:10"), at(MONDAY, "19:00"))])
    skipped = []
    now = start.astimezone(UTC)
    sent = []
    while now < at(MONDAY, "20:00"):
        planner.observe(now, desk(now))
        decision = planner.due(now)
        skipped += decision.skipped
        if decision.send:
            sent.append(decision.send)
        now += MINUTE
    assert sent == []
    assert [reason for _, reason in skipped] == ["no longer relevant: the working day is over"]
    assert planner.deferred() == []


def test_busy_across_a_daylight_saving_change_still_brings_one_catch_up():
    sunday = date(2025, 3, 30)  # 01:00 GMT -> 02:00 BST
    start = at(sunday, "00:00")
    planner = Planner(EVERY_DAY.__class__(working_days=WEEKDAYS, work_start=time(0, 0),
                                          work_end=time(23, 59), routine_times=()),
                      LONDON, start)
    busy_until = datetime(2025, 3, 30, 2, 0, tzinfo=UTC)  # 03:00 BST, 2 real hours later
    desk = Desk(busy=[(start, busy_until)])
    sent, _ = drive(planner, start, busy_until + timedelta(minutes=35), desk)
    assert [(moment, reminder.busy_s) for moment, reminder in sent] == [
        (busy_until, 7200), (busy_until + timedelta(minutes=30), 0)]


def test_a_suspend_while_busy_drops_the_waiting_break():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    planner.observe(at(MONDAY, "09:10"), Presence(idle_s=0.0, busy="full screen"))
    assert planner.due(at(MONDAY, "09:31")).send is None
    assert [reminder.kind for reminder, _, _ in planner.deferred()] == [BREAK]
    dropped = planner.woke(at(MONDAY, "09:40"), at(MONDAY, "10:40"))
    assert [reason for _, reason in dropped] == ["the computer was asleep"]
    planner.observe(at(MONDAY, "10:41"), PRESENT)
    assert planner.due(at(MONDAY, "10:41")).send is None  # nothing waits: no catch-up
    assert planner.next_break_due() == at(MONDAY, "11:10").astimezone(UTC)


def test_no_idle_source_keeps_wall_time():
    start = at(MONDAY, "09:00")
    planner = Planner(EVERY_DAY, LONDON, start)
    sent, _ = drive(planner, start, at(MONDAY, "10:05"), lambda now: Presence())
    assert clocks(sent) == [("break", "09:30"), ("break", "10:00")]


PERIODS = st.lists(st.tuples(st.sampled_from(["away", "busy", "locked"]),
                             st.integers(0, 150), st.integers(1, 90)), max_size=5)


@settings(max_examples=60, deadline=None)
@given(periods=PERIODS, interval=st.sampled_from([10, 20, 30, 45]))
def test_never_sent_while_away_or_busy_and_one_catch_up_per_busy_spell(periods, interval):
    """Any mix of absences and busy spells: nothing is sent to someone away or busy, at most
    one reminder follows each busy spell at once, and every catch-up waited for a break."""
    start = at(MONDAY, "09:00")
    settings_ = ReminderSettings(working_days=WEEKDAYS, break_interval_min=interval,
                                 routine_times=(time(10, 30),))
    planner = Planner(settings_, LONDON, start)
    spans = [(kind, start + timedelta(minutes=offset),
              start + timedelta(minutes=offset + length)) for kind, offset, length in periods]

    def desk(now: datetime) -> Presence:
        idle, locked, busy = 0.0, False, None
        for kind, begin, end in spans:
            if begin <= now < end:
                if kind == "busy":
                    busy = "do not disturb"
                else:
                    idle = max(idle, (now - begin).total_seconds())
                    locked = locked or kind == "locked"
        return Presence(idle_s=idle, locked=locked, busy=busy)

    sent, _ = drive(planner, start, at(MONDAY, "12:00"), desk)
    for moment, reminder in sent:
        presence = desk(moment)
        assert presence.busy is None and not presence.locked
        assert presence.idle_s < planner.away_after.total_seconds()
        assert reminder.due <= moment
    moments = [moment for moment, _ in sent]
    assert len(moments) == len(set(moments))  # never two at once
    for (first, _), (second, later) in zip(sent, sent[1:], strict=False):
        if later.busy_s == 0 and later.kind == BREAK and later.snoozes == 0:
            assert second - first >= timedelta(minutes=interval) or any(
                first < end <= second for _, _, end in spans)
