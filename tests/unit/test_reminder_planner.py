"""The reminder planner on an injected clock: no sleeping, time is stepped.

`drive` steps the clock the way the real scheduler does: to the planner's next moment,
or one minute on, whichever is sooner.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.reminders.planner import BREAK, ROUTINE, Planner
from coach.reminders.settings import WEEKDAYS, QuietPeriod, ReminderSettings, Snooze

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
MONDAY = date(2025, 6, 2)  # an ordinary Monday (British Summer Time)


def at(day: date, clock: str, zone=LONDON) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


def drive(planner: Planner, start: datetime, end: datetime, events=None, tick=MINUTE):
    """Step from start to end; returns [(sent_at, reminder)]. events: {moment: callback}."""
    events = dict(events or {})
    sent = []
    now = start.astimezone(UTC)  # step real time: wall-clock arithmetic breaks on DST days
    while now < end:
        for moment in sorted(list(events)):
            if moment <= now:
                events.pop(moment)(now)
        decision = planner.due(now)
        if decision.send is not None:
            sent.append((now, decision.send))
        planned = planner.next_time(now)
        now = min(planned, now + tick) if planned is not None else now + tick
    return sent


def local_times(sent, zone=LONDON) -> list[tuple[str, str]]:
    return [(reminder.kind, moment.astimezone(zone).strftime("%H:%M")) for moment, reminder in sent]


def test_a_working_day_has_a_break_every_interval_and_one_routine_reminder():
    start = at(MONDAY, "08:00")
    planner = Planner(ReminderSettings(), LONDON, start)
    sent = drive(planner, start, at(MONDAY, "19:00"))
    times = local_times(sent)
    assert times[:3] == [("break", "09:30"), ("break", "10:00"), ("break", "10:30")]
    # 12:30: the routine reminder wins over the break due with it, and restarts the break timer
    assert ("routine", "12:30") in times
    assert ("break", "12:30") not in times
    assert times[times.index(("routine", "12:30")) + 1] == ("break", "13:00")
    assert times[-1] == ("break", "17:00")  # none at or after the end of the working day
    assert all(moment == reminder.due for moment, reminder in sent)  # on time, never late
    assert [kind for kind, _ in times].count(ROUTINE) == 1


def test_weekends_and_days_off_are_quiet():
    saturday = date(2025, 6, 7)
    start = at(saturday, "00:00")
    planner = Planner(ReminderSettings(), LONDON, start)
    sent = drive(planner, start, at(saturday + timedelta(days=2), "09:10"))
    assert sent == []
    only_wednesday = ReminderSettings(working_days=("wed",))
    planner = Planner(only_wednesday, LONDON, at(MONDAY, "00:00"))
    sent = drive(planner, at(MONDAY, "00:00"), at(MONDAY + timedelta(days=3), "00:00"))
    assert {moment.astimezone(LONDON).date() for moment, _ in sent} == {MONDAY + timedelta(days=2)}


def test_a_quiet_period_holds_breaks_and_delays_the_routine_reminder_to_its_end():
    lunch = QuietPeriod(time(12, 0), time(13, 0))
    start = at(MONDAY, "08:00")
    planner = Planner(ReminderSettings(quiet=(lunch,)), LONDON, start)
    times = local_times(drive(planner, start, at(MONDAY, "18:00")))
    assert not any("12:00" <= clock < "13:00" for _, clock in times)
    assert ("routine", "13:00") in times  # 12:30 fell in lunch: it comes when lunch ends
    assert ("break", "13:30") in times  # the quiet hour counts as a break


def test_a_quiet_period_on_some_days_only():
    standup = QuietPeriod(time(9, 50), time(10, 20), ("mon",))
    start = at(MONDAY, "09:00")
    planner = Planner(ReminderSettings(quiet=(standup,)), LONDON, start)
    monday = local_times(drive(planner, start, at(MONDAY, "11:00")))
    assert monday == [("break", "09:30"), ("break", "10:50")]
    tuesday = MONDAY + timedelta(days=1)
    planner = Planner(ReminderSettings(quiet=(standup,)), LONDON, at(tuesday, "09:00"))
    assert ("break", "10:00") in local_times(drive(planner, at(tuesday, "09:00"),
                                                   at(tuesday, "11:00")))


def test_pause_until_a_time_then_a_fresh_break_timer():
    start = at(MONDAY, "09:00")
    paused = ReminderSettings(paused_until=at(MONDAY, "11:00"))
    planner = Planner(paused, LONDON, start)
    times = local_times(drive(planner, start, at(MONDAY, "12:05")))
    assert times == [("break", "11:30"), ("break", "12:00")]


def test_resuming_early_restarts_the_break_timer_and_pausing_skips_the_routine():
    start = at(MONDAY, "09:00")
    paused = ReminderSettings(paused_until=at(MONDAY, "15:00"))
    planner = Planner(paused, LONDON, start)

    def resume(now):
        planner.update_settings(ReminderSettings(), now)

    sent = drive(planner, start, at(MONDAY, "14:00"), {at(MONDAY, "13:10"): resume})
    times = local_times(sent)
    assert times == [("break", "13:40")]  # 12:30 routine fell in the pause; none burst at resume
    planner = Planner(paused, LONDON, start)
    skipped = []
    now = at(MONDAY, "12:30")
    skipped = planner.due(now).skipped
    assert [(reminder.kind, reason) for reminder, reason in skipped] == [
        (ROUTINE, "reminders are paused")]


def test_pause_until_tomorrow_covers_the_rest_of_the_day():
    start = at(MONDAY, "10:00")
    tomorrow = at(MONDAY + timedelta(days=1), "00:00")
    planner = Planner(ReminderSettings(paused_until=tomorrow), LONDON, start)
    sent = drive(planner, start, at(MONDAY + timedelta(days=1), "10:05"))
    assert local_times(sent) == [("break", "09:30"), ("break", "10:00")]
    assert all(moment >= tomorrow for moment, _ in sent)


def test_a_snoozed_break_comes_back_once_and_holds_the_regular_break():
    start = at(MONDAY, "09:00")
    planner = Planner(ReminderSettings(), LONDON, start)
    first = drive(planner, start, at(MONDAY, "09:31"))
    assert local_times(first) == [("break", "09:30")]
    snooze = Snooze(BREAK, at(MONDAY, "09:30"), count=1, until=at(MONDAY, "09:45"))
    planner.update_settings(ReminderSettings(snooze=snooze), at(MONDAY, "09:32"))
    sent = drive(planner, at(MONDAY, "09:32"), at(MONDAY, "10:20"))
    assert local_times(sent) == [("break", "09:45"), ("break", "10:15")]
    assert sent[0][1].snoozes == 1 and sent[0][1].due == at(MONDAY, "09:30")
    assert sent[1][1].snoozes == 0


def test_a_snoozed_routine_keeps_its_due_time_and_a_snooze_into_the_pause_is_dropped():
    start = at(MONDAY, "12:31")  # the routine reminder came at 12:30 and was snoozed
    snooze = Snooze(ROUTINE, at(MONDAY, "12:30"), count=2, until=at(MONDAY, "12:50"))
    planner = Planner(ReminderSettings(snooze=snooze, breaks=False), LONDON, start)
    sent = drive(planner, start, at(MONDAY, "13:30"))
    assert [(r.kind, r.due, r.snoozes) for _, r in sent] == [(ROUTINE, at(MONDAY, "12:30"), 2)]
    paused = ReminderSettings(snooze=snooze, paused_until=at(MONDAY, "14:00"))
    planner = Planner(paused, LONDON, at(MONDAY, "12:31"))
    decision = planner.due(at(MONDAY, "12:50"))
    assert decision.send is None
    assert [reason for _, reason in decision.skipped] == ["reminders are paused"]


def test_a_session_finished_just_before_a_break_resets_the_break_timer():
    start = at(MONDAY, "09:00")
    planner = Planner(ReminderSettings(), LONDON, start)

    def session_done(now):
        planner.session_finished(at(MONDAY, "09:58"), done_s=120)

    sent = drive(planner, start, at(MONDAY, "10:40"), {at(MONDAY, "09:58"): session_done})
    assert local_times(sent) == [("break", "09:30"), ("break", "10:28")]


def test_a_routine_session_done_today_skips_the_routine_reminder():
    start = at(MONDAY, "08:00")
    planner = Planner(ReminderSettings(breaks=False), LONDON, start)
    planner.session_finished(at(MONDAY, "08:20"), done_s=600)
    decision = planner.due(at(MONDAY, "12:30"))
    assert decision.send is None
    assert [reason for _, reason in decision.skipped] == ["the routine is already done today"]
    # a micro-routine (2 minutes) is a break, not the day's routine
    planner = Planner(ReminderSettings(breaks=False), LONDON, start)
    planner.session_finished(at(MONDAY, "08:20"), done_s=120)
    assert planner.due(at(MONDAY, "12:30")).send.kind == ROUTINE


def suspend(planner: Planner, slept_from: datetime, woke_at: datetime):
    """What the runner does: a check before sleeping, then woke() and a check at wake-up."""
    planner.due(slept_from)
    planner.woke(slept_from, woke_at)
    return planner.due(woke_at)


def test_a_three_hour_suspend_sends_the_missed_routine_once_and_no_break_right_after():
    start = at(MONDAY, "09:00")
    planner = Planner(ReminderSettings(), LONDON, start)
    before = drive(planner, start, at(MONDAY, "10:05"))
    assert local_times(before) == [("break", "09:30"), ("break", "10:00")]
    woke = at(MONDAY, "13:05")
    decision = suspend(planner, at(MONDAY, "10:05"), woke)
    # the routine (12:30) missed while asleep comes once, now, still relevant today
    assert decision.send is not None and decision.send.kind == ROUTINE
    assert decision.send.due == at(MONDAY, "12:30")
    after = drive(planner, woke + MINUTE, at(MONDAY, "14:40"))
    # six breaks were "missed": none of them comes, and none within the interval after waking
    assert local_times(after) == [("break", "13:35"), ("break", "14:05"), ("break", "14:35")]


def test_a_suspend_past_the_end_of_the_day_drops_the_missed_routine():
    planner = Planner(ReminderSettings(breaks=False), LONDON, at(MONDAY, "11:00"))
    decision = suspend(planner, at(MONDAY, "11:00"), at(MONDAY, "18:30"))
    assert decision.send is None
    assert [reason for _, reason in decision.skipped] == [
        "no longer relevant: the working day is over"]
    overnight = Planner(ReminderSettings(breaks=False), LONDON, at(MONDAY, "11:00"))
    decision = suspend(overnight, at(MONDAY, "11:00"), at(MONDAY + timedelta(days=1), "09:00"))
    assert decision.send is None  # yesterday's routine is not today's


def test_two_routine_times_missed_in_one_suspend_come_once():
    two = ReminderSettings(routine_times=(time(10, 0), time(12, 30)), breaks=False)
    planner = Planner(two, LONDON, at(MONDAY, "09:00"))
    decision = suspend(planner, at(MONDAY, "09:00"), at(MONDAY, "13:00"))
    assert decision.send.due == at(MONDAY, "12:30")
    assert [reminder.due for reminder, _ in decision.skipped] == [at(MONDAY, "10:00")]
    assert planner.due(at(MONDAY, "13:01")).send is None


def all_day(**changes) -> ReminderSettings:
    return ReminderSettings(working_days=WEEKDAYS, **changes)


def real_gaps(sent) -> set[timedelta]:
    """Real time between consecutive reminders (a routine reminder restarts the break timer)."""
    moments = [moment for moment, _ in sent]
    return {later - earlier for earlier, later in zip(moments, moments[1:], strict=False)}


def test_spring_forward_in_london_keeps_breaks_thirty_real_minutes_apart():
    day = date(2025, 3, 30)  # 01:00 GMT -> 02:00 BST
    hours = all_day(work_start=time(0, 0), work_end=time(4, 0), routine_times=(time(1, 30),))
    start = at(day, "00:00")
    planner = Planner(hours, LONDON, start)
    sent = drive(planner, start, at(day, "04:00"))
    assert real_gaps(sent) == {timedelta(minutes=30)}
    routines = [moment for moment, reminder in sent if reminder.kind == ROUTINE]
    # 01:30 does not exist that day: it comes once, when the clocks say 02:30
    assert [moment.astimezone(LONDON).strftime("%H:%M %Z") for moment in routines] == ["02:30 BST"]
    # four hours of clock, three hours of real time
    assert len(sent) == 5 and sent[-1][0] - sent[0][0] == timedelta(hours=2)


def test_fall_back_in_london_sends_the_repeated_hours_routine_once():
    day = date(2025, 10, 26)  # 02:00 BST -> 01:00 GMT
    hours = all_day(work_start=time(0, 0), work_end=time(3, 0), routine_times=(time(1, 30),))
    start = at(day, "00:00")
    planner = Planner(hours, LONDON, start)
    sent = drive(planner, start, at(day, "03:00"))
    routines = [moment for moment, reminder in sent if reminder.kind == ROUTINE]
    assert len(routines) == 1
    assert routines[0].astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert real_gaps(sent) == {timedelta(minutes=30)}
    breaks = [moment for moment, reminder in sent if reminder.kind == BREAK]
    assert len(breaks) >= 6  # four real hours of working time


def test_new_york_daylight_saving_days_and_the_monday_after():
    spring, fall = date(2025, 3, 9), date(2025, 11, 2)
    for day in (spring, fall):
        hours = all_day(work_start=time(0, 30), work_end=time(4, 0), routine_times=(time(2, 30),))
        start = at(day, "00:00", NEW_YORK)
        planner = Planner(hours, NEW_YORK, start)
        sent = drive(planner, start, at(day, "04:00", NEW_YORK))
        assert real_gaps(sent) <= {timedelta(minutes=30)}
        routines = [moment for moment, reminder in sent if reminder.kind == ROUTINE]
        assert len(routines) == 1
    monday = date(2025, 3, 10)
    planner = Planner(ReminderSettings(), NEW_YORK, at(monday, "08:00", NEW_YORK))
    sent = drive(planner, at(monday, "08:00", NEW_YORK), at(monday, "13:00", NEW_YORK))
    assert local_times(sent, NEW_YORK)[0] == ("break", "09:30")
    assert ("routine", "12:30") in local_times(sent, NEW_YORK)
    assert sent[0][0].astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)


def test_fast_minutes_shorten_only_the_break_interval():
    start = at(MONDAY, "10:00")
    planner = Planner(replace(all_day(), break_interval_min=5), LONDON, start,
                      minute=timedelta(seconds=1))
    assert planner.next_break_due() == start + timedelta(seconds=5)


def test_upcoming_lists_what_comes_next_in_order():
    planner = Planner(ReminderSettings(), LONDON, at(MONDAY, "12:10"))
    upcoming = planner.upcoming(at(MONDAY, "12:10"))
    local = [reminder.due.astimezone(LONDON) for reminder in upcoming]
    assert [(reminder.kind, moment.strftime("%H:%M"))
            for reminder, moment in zip(upcoming, local, strict=True)] == [
        ("routine", "12:30"), ("break", "12:40"), ("routine", "12:30")]
    assert local[2].date() == MONDAY + timedelta(days=1)


clocks = st.integers(min_value=0, max_value=23 * 60).map(lambda m: time(m // 60, m % 60))


@settings(max_examples=30, deadline=None)
@given(
    interval=st.integers(min_value=5, max_value=240),
    start_minute=st.integers(min_value=0, max_value=20 * 60),
    length=st.integers(min_value=30, max_value=12 * 60),
    quiet_start=st.integers(min_value=0, max_value=22 * 60),
    quiet_length=st.integers(min_value=5, max_value=120),
    routine=clocks,
    zone=st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Asia/Kolkata")]),
    day=st.sampled_from([MONDAY, date(2025, 3, 30), date(2025, 10, 26), date(2025, 11, 2)]),
)
def test_breaks_never_crowd_and_only_come_in_working_time(
    interval, start_minute, length, quiet_start, quiet_length, routine, zone, day
):
    end_minute = min(start_minute + length, 23 * 60 + 59)
    quiet_end = min(quiet_start + quiet_length, 23 * 60 + 59)
    chosen = all_day(
        work_start=time(start_minute // 60, start_minute % 60),
        work_end=time(end_minute // 60, end_minute % 60),
        break_interval_min=interval,
        routine_times=(routine,),
        quiet=(QuietPeriod(time(quiet_start // 60, quiet_start % 60),
                           time(quiet_end // 60, quiet_end % 60)),),
    )
    start = datetime.combine(day, time(0, 0), tzinfo=zone)
    planner = Planner(chosen, zone, start)
    # Stepping by the planner's own next moment (a tick at most every 10 minutes) is enough:
    # the runner's one-minute tick only adds chances to notice changed settings.
    sent = drive(planner, start, start + timedelta(days=1), tick=timedelta(minutes=10))
    moments = [moment for moment, _ in sent]
    assert all(later - earlier >= timedelta(minutes=min(interval, 1))
               for earlier, later in zip(moments, moments[1:], strict=False))
    breaks = [moment for moment, reminder in sent if reminder.kind == BREAK]
    assert all(later - earlier >= timedelta(minutes=interval)
               for earlier, later in zip(breaks, breaks[1:], strict=False))
    assert all(planner.is_active(moment) for moment in breaks)
    assert [reminder.kind for _, reminder in sent].count(ROUTINE) <= 1
