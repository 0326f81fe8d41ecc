"""The session timeline: phases from a routine, and deadline maths on a fake clock."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.model import Routine, Step, Stretch
from coach.timeline import ADD_SECONDS, Countdown, SessionClock, Timeline


def make_step(muscle="upper-trapezius", area="neck", *, technique="sustained-pressure",
              find_s=10, hold_s=30, release_s=10, reps=2, stretch=True) -> Step:
    return Step(
        muscle=muscle, muscle_name=muscle.replace("-", " ").capitalize(), area=area,
        side="right", tool="ball", tools=("ball", "wall"), position="standing",
        technique=technique, how="Lean into the ball against the wall.",
        find="Top of the shoulder, midway between neck and shoulder tip.",
        find_s=find_s, hold_s=hold_s, release_s=release_s, reps=reps,
        stretch=Stretch("Ear to shoulder", "Tilt your ear towards your shoulder.", 20, 2)
        if stretch else None,
        reason="Your neck is the worst this week.",
    )


def make_routine(*steps: Step) -> Routine:
    steps = steps or (make_step(), make_step("levator-scapulae", "neck", stretch=False),
                      make_step("forearm-extensors", "forearm-wrist", technique="short-strokes"))
    return Routine(day=date(2025, 3, 3), minutes=10, steps=tuple(steps))


def test_phases_follow_find_press_release_then_stretch():
    timeline = Timeline(make_routine(make_step(reps=2)))
    kinds = [(phase.kind, phase.rep) for phase in timeline.phases]
    assert kinds == [("find", 0), ("press", 1), ("release", 1), ("press", 2), ("release", 2),
                     ("stretch", 1), ("stretch", 2)]
    assert [phase.duration_s for phase in timeline.phases] == [10, 30, 10, 30, 10, 20, 20]
    assert timeline.total_s == make_step().seconds == 130
    assert [phase.start_s for phase in timeline.phases] == [0, 10, 40, 50, 80, 90, 110]


def test_technique_names_the_press_phase_and_zero_second_phases_are_left_out():
    rolling = make_step(technique="rolling", find_s=0, release_s=0, reps=1, stretch=False)
    strokes = make_step(technique="short-strokes", reps=1, stretch=False)
    timeline = Timeline(make_routine(rolling, strokes))
    assert [phase.label for phase in timeline.phases] == [
        "Roll slowly", "Find the spot", "Short strokes", "Release"]
    assert timeline.total_s == make_routine(rolling, strokes).total_s


def test_next_up_names_the_next_phase_or_the_next_step():
    timeline = Timeline(make_routine())
    assert timeline.next_up(0) == "Press and hold (30 s)"
    last_of_first_step = len(timeline.step_phases(0)) - 1
    assert timeline.next_up(last_of_first_step).startswith("Levator scapulae, right side")
    assert timeline.next_up(len(timeline.phases) - 1) == "The end of today's routine"


def test_countdown_pause_freezes_and_add_moves_the_deadline():
    countdown = Countdown(30)
    countdown.start(100.0)
    assert countdown.remaining(110.0) == 20.0
    countdown.pause(110.0)
    assert countdown.remaining(500.0) == 20.0
    countdown.resume(500.0)
    assert countdown.remaining(505.0) == 15.0
    countdown.add(15)
    assert countdown.remaining(505.0) == 30.0
    assert countdown.elapsed(505.0) == 15.0
    assert countdown.expired(535.0)


def test_clock_walks_phases_and_the_next_starts_at_the_old_deadline():
    clock = SessionClock(Timeline(make_routine(make_step(reps=1, stretch=False))))
    clock.start(0.0)
    assert clock.phase.kind == "find"
    changes = clock.advance(10.3)  # noticed 0.3 s late
    assert [change.at for change in changes] == [10.0]
    assert clock.phase.kind == "press"
    assert clock.remaining(10.3) == 29.7  # the lateness is not added to the plan


def test_a_late_tick_passes_several_phases_at_once():
    clock = SessionClock(Timeline(make_routine(make_step(reps=1, stretch=False))))
    clock.start(0.0)
    changes = clock.advance(45.0)
    assert [change.at for change in changes] == [10.0, 40.0]
    assert clock.phase.kind == "release"
    changes = clock.advance(50.0)
    assert clock.finished and clock.finished_at == 50.0
    assert changes[-1].reason == "time"
    assert clock.completed == [True]
    assert clock.done_s(50.0) == 50.0


def test_pause_stops_the_session_and_add_extends_it():
    routine = make_routine(make_step(reps=1, stretch=False))
    clock = SessionClock(Timeline(routine))
    clock.start(0.0)
    clock.pause(5.0)
    assert clock.paused
    assert clock.advance(1000.0) == []
    assert clock.remaining(1000.0) == 5.0
    clock.resume(1000.0)
    clock.add()
    assert clock.remaining(1000.0) == 5.0 + ADD_SECONDS
    assert clock.session_progress(1000.0) == (5.0, routine.total_s + ADD_SECONDS)
    clock.advance(1000.0 + 5 + ADD_SECONDS + 40)
    assert clock.finished
    assert clock.finished_at == 1000.0 + 5 + ADD_SECONDS + 40
    assert clock.done_s(clock.finished_at) == routine.total_s + ADD_SECONDS


def test_skip_and_back_move_by_whole_steps_and_book_only_time_spent():
    clock = SessionClock(Timeline(make_routine()))
    clock.start(0.0)
    change = clock.skip_step(12.0)
    assert change.reason == "skip" and clock.step_index == 1
    assert clock.phase.kind == "find"
    assert clock.spent_s[0] == 12.0 and clock.completed == [False, False, False]
    clock.back_step(20.0)
    assert clock.step_index == 0 and clock.phase.kind == "find"
    assert clock.remaining(20.0) == 10.0
    assert clock.spent_s[:2] == [12.0, 8.0]
    clock.back_step(21.0)  # already at the first step: restart it
    assert clock.step_index == 0
    clock.skip_step(21.0)
    clock.skip_step(21.0)
    change = clock.skip_step(21.0)
    assert clock.finished and change.step_index == 3


def test_skip_while_paused_stays_paused():
    clock = SessionClock(Timeline(make_routine()))
    clock.start(0.0)
    clock.pause(3.0)
    clock.skip_step(50.0)
    assert clock.paused and clock.step_index == 1
    assert clock.spent_s[0] == 3.0
    assert clock.remaining(90.0) == 10.0


def test_back_from_the_end_reopens_the_last_step():
    clock = SessionClock(Timeline(make_routine()))
    clock.start(0.0)
    clock.advance(10_000.0)
    assert clock.finished
    clock.back_step(10_001.0)
    assert not clock.finished and clock.step_index == 2


def test_clock_waits_at_a_stop_without_losing_time():
    routine = make_routine()
    timeline = Timeline(routine)
    clock = SessionClock(timeline, stops={0, 2})
    clock.start(0.0)
    assert clock.waiting and not clock.paused
    assert clock.advance(60.0) == []
    clock.proceed(60.0)
    assert clock.remaining(60.0) == 10.0
    step_two_start = 60.0 + timeline.step_start_s(2)
    changes = clock.advance(step_two_start + 5)
    assert changes[-1].step_changed and changes[-1].at == step_two_start
    assert clock.waiting and clock.step_index == 2
    assert clock.remaining(step_two_start + 100) == clock.phase.duration_s
    assert clock.completed[:2] == [True, True]


def test_start_at_a_later_step_for_resume():
    clock = SessionClock(Timeline(make_routine()), start_step=2)
    clock.start(0.0)
    assert clock.step_index == 2
    assert clock.session_progress(0.0)[0] == Timeline(make_routine()).step_start_s(2)


def test_step_progress_counts_adds_in_this_step():
    clock = SessionClock(Timeline(make_routine(make_step(reps=1, stretch=False))))
    clock.start(0.0)
    clock.advance(10.0)
    clock.add()
    assert clock.step_progress(20.0) == (20.0, 50.0 + ADD_SECONDS)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    interval=st.sampled_from([0.1, 0.25]),
    shape=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 90), st.integers(0, 20),
                             st.integers(1, 3), st.booleans()), min_size=1, max_size=6),
)
def test_a_jittery_clock_ends_within_one_redraw_interval_of_plan(seed, interval, shape):
    steps = [make_step(f"muscle-{index}", find_s=find_s, hold_s=hold_s, release_s=release_s,
                       reps=reps, stretch=stretch)
             for index, (find_s, hold_s, release_s, reps, stretch) in enumerate(shape)]
    routine = make_routine(*steps)
    jitter = random.Random(seed)
    clock = SessionClock(Timeline(routine))
    now = 1000.0 + jitter.random()
    started = now
    clock.start(now)
    gap = interval
    while not clock.finished:
        gap = interval * jitter.uniform(0.5, 1.5) if jitter.random() < 0.9 else interval
        now += gap
        clock.advance(now)
    planned_end = started + routine.total_s
    assert abs(clock.finished_at - planned_end) < 1e-6  # the plan never drifts
    assert 0 <= now - planned_end <= gap  # noticed by the first redraw tick after it
    assert abs(clock.done_s(now) - routine.total_s) < 1e-6
