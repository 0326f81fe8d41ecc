"""Session rules: what counts as done (streak, report, planner), resuming where you stopped."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.model import Routine
from coach.reminders.planner import ROUTINE, Planner
from coach.reminders.settings import ReminderSettings
from coach.sessions import (
    COUNTS_AS_DONE_S,
    area_worked,
    counts_as_done,
    find_resumable,
    resume_step,
    resume_summary,
    routine_for_resume,
    session_summary,
    streak_days,
)
from coach.store import Rating, SessionRecord
from coach.trends import weekly_report

TZ = ZoneInfo("Europe/Berlin")


def record(day: date, status="finished", completed=(True, True), done_s=600, hour=12,
           skipped=None):
    started = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
    skipped = skipped or (False,) * len(completed)
    steps = [{"muscle": f"m{n}", "area": "neck", "side": "both", "tool": "ball",
              "technique": "rolling", "seconds": 60, "completed": flag, "skipped": skip}
             for n, (flag, skip) in enumerate(zip(completed, skipped, strict=True))]
    return SessionRecord(id=f"{day}-{hour}", day=day, started_at=started,
                         finished_at=started + timedelta(seconds=done_s), planned_s=600,
                         done_s=done_s, steps=steps, status=status)


def test_a_session_counts_as_done_only_by_time_done():
    today = date(2026, 3, 4)
    assert counts_as_done(record(today, done_s=COUNTS_AS_DONE_S))
    assert not counts_as_done(record(today, done_s=COUNTS_AS_DONE_S - 1))
    # "finished" with every step skipped is not a session done
    assert not counts_as_done(record(today, status="finished", done_s=4))


def test_streak_counts_days_with_a_session_done():
    today = date(2026, 3, 4)
    days = [today - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert streak_days([record(day) for day in days], today, TZ) == 3
    assert streak_days([record(day) for day in [today, *days]], today, TZ) == 4
    assert streak_days([record(today - timedelta(days=2))], today, TZ) == 0
    assert streak_days([record(today, status="ended-early", done_s=0)], today, TZ) == 0
    # a session ended after a minute, or finished by skipping everything, breaks no streak
    # and makes none
    assert streak_days([record(today, status="ended-early", done_s=60),
                        *(record(day) for day in days)], today, TZ) == 3
    assert streak_days([record(today, status="finished", done_s=10)], today, TZ) == 0


def test_the_weekly_report_counts_only_sessions_done():
    monday = date(2026, 3, 2)
    sessions = [record(monday, done_s=600, hour=9), record(monday, done_s=20, hour=10),
                record(monday, status="finished", done_s=0, hour=11)]
    week = weekly_report([], sessions, [], weeks=1, until=monday, tz=TZ).this_week
    assert week.sessions == 1
    assert week.minutes == 10


def test_a_short_session_does_not_stand_in_for_the_routine_reminder():
    start = datetime(2026, 3, 2, 8, tzinfo=TZ)
    planner = Planner(ReminderSettings(breaks=False), TZ, start)
    planner.session_finished(start + timedelta(minutes=20), done_s=30)  # ended at once
    assert planner.due(start + timedelta(hours=4, minutes=30)).send.kind == ROUTINE
    planner = Planner(ReminderSettings(breaks=False), TZ, start)
    planner.session_finished(start + timedelta(minutes=20), done_s=COUNTS_AS_DONE_S)
    assert planner.due(start + timedelta(hours=4, minutes=30)).send is None


def test_resume_goes_on_at_the_step_where_the_person_stopped():
    today = date(2026, 3, 4)
    # two steps skipped, quit in the third: resume at step 3, not step 1
    stopped = record(today, status="ended-early", completed=(False, False, False, False),
                     skipped=(True, True, False, False), hour=9)
    assert find_resumable([stopped]) is stopped
    assert resume_step(stopped.steps) == 2
    assert resume_summary(stopped) == {"done": 0, "skipped": 2, "total": 4, "next": 3}
    done_then_quit = record(today, status="ended-early", completed=(True, False), hour=9)
    assert resume_step(done_then_quit.steps) == 1
    assert find_resumable([stopped, record(today, hour=12)]) is None
    assert find_resumable([record(today, status="in-progress", completed=(True, True))]) is None
    # nothing left to do: every step done or skipped
    assert find_resumable([record(today, status="ended-early", completed=(True, False),
                                  skipped=(False, True))]) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["done", "skipped", "left"]), min_size=1, max_size=12))
def test_resume_never_starts_on_a_step_done_or_skipped(states):
    steps = [{"completed": state == "done", "skipped": state == "skipped"} for state in states]
    index = resume_step(steps)
    assert all(state != "left" for state in states[:index])
    assert index == len(states) or states[index] == "left"


def test_routine_for_resume_says_when_the_plan_changed():
    from coach.model import Step

    def step(muscle):
        return Step(muscle=muscle, muscle_name=muscle, area="neck", side="both", tool="ball",
                    tools=("ball",), position="standing", technique="rolling", how="", find="",
                    find_s=0, hold_s=30, release_s=0, reps=1, stretch=None, reason="",
                    cautions=())

    stopped = record(date(2026, 3, 4), status="ended-early", completed=(True, False))
    same = Routine(day=date(2026, 3, 4), minutes=10, steps=(step("m1"), step("m0")))
    changed = Routine(day=date(2026, 3, 4), minutes=10, steps=(step("m5"),))
    assert [s.muscle for s in routine_for_resume(stopped, [changed, same]).steps] == ["m0", "m1"]
    assert routine_for_resume(stopped, [changed]) is None


def test_the_after_rating_is_only_for_areas_worked():
    assert not area_worked([3.0, 0.0], [False, False])  # skipped at once
    assert area_worked([3.0, 0.0], [True, False])
    assert area_worked([31.0], [False])


def test_session_summary_counts_steps_and_pairs_before_and_after():
    day = date(2026, 3, 4)
    stopped = record(day, status="ended-early", completed=(True, False, False),
                     skipped=(False, True, False), done_s=200)
    at = stopped.started_at
    ratings = [Rating("neck", 6, "before", at, session_id=stopped.id),
               Rating("neck", 4, "after", at + timedelta(minutes=3), session_id=stopped.id),
               Rating("neck", 9, "check-in", at, session_id=None)]
    summary = session_summary(stopped, ratings, str.capitalize)
    assert (summary["steps_done"], summary["steps_skipped"], summary["steps_left"]) == (1, 1, 1)
    assert summary["areas"] == [{"area": "neck", "label": "Neck", "before": 6, "after": 4,
                                 "seconds": 180}]
    assert summary["counts"]
