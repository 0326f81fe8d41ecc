"""The spoken cue script: one cue per phase from the phase data, and no stale cue ever
spoken after a pause, a skip, a step back or "+15 s"."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import cues
from coach.model import Routine, Step, Stretch
from coach.timeline import SessionClock, Timeline


def make_step(muscle: str = "upper-trapezius", side: str = "left", find_s: int = 10,
              hold_s: int = 45, release_s: int = 10, reps: int = 2,
              stretch_s: int = 30, area: str = "neck") -> Step:
    return Step(
        muscle=muscle, muscle_name=muscle.replace("-", " ").capitalize(), area=area,
        side=side, tool="ball", tools=("ball", "wall"), position="seated",
        technique="sustained-pressure", how="Lean into the ball.",
        find="Top of the shoulder.", find_s=find_s, hold_s=hold_s, release_s=release_s,
        reps=reps,
        stretch=Stretch("Ear to shoulder", "Tilt your ear to the shoulder.", stretch_s, 1)
        if stretch_s else None,
        reason="test",
    )


ROUTINE = Routine(date(2026, 3, 4), 10, (
    make_step(side="left"),
    make_step(side="right"),
    make_step("forearm-extensors", side="both", hold_s=30, stretch_s=0, area="forearm-wrist"),
))


class Recorder:
    """Stands in for the voice: what was said, and how often it was told to stop."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.hushed = 0

    def say(self, text: str) -> None:
        self.said.append(text)

    def hush(self) -> None:
        self.hushed += 1


def prompter_for(routine: Routine = ROUTINE, countdown: bool = False):
    timeline = Timeline(routine)
    voice = Recorder()
    return timeline, voice, cues.CuePrompter(timeline, voice.say, voice.hush, countdown)


def test_the_words_of_a_step_come_from_the_phase_data():
    timeline = Timeline(ROUTINE)
    texts = [cues.entry_cue(timeline, index).text for index in range(len(timeline.phases))]
    assert texts[:6] == [
        "Upper trapezius, left side. Ball and wall, seated. Find the spot.",
        "Press and hold, 45 seconds.",
        "Release.",
        "Again. Press and hold, 45 seconds.",
        "Release.",
        "Stretch: Ear to shoulder, 30 seconds.",
    ]
    assert texts[6] == "Switch to the right side. Ball and wall, seated. Find the spot."
    assert texts[12] == "Forearm extensors, both sides. Ball and wall, seated. Find the spot."
    # Every cue names what the screen shows for its phase: the label and the seconds.
    for index, phase in enumerate(timeline.phases):
        assert phase.label in texts[index]
        if phase.kind in ("press", "stretch"):
            assert f"{phase.duration_s} seconds" in texts[index]
    assert cues.rating_cue("Neck").text == "Rate your neck."
    assert cues.done_cue(timeline).text == "Session done."


def test_marks_halfway_on_holds_over_40_s_and_an_optional_countdown():
    timeline = Timeline(ROUTINE)
    press_45 = timeline.phases[1]
    assert [(mark.text, mark.at_remaining_s) for mark in cues.marks(timeline, 1)] == [
        ("Halfway.", press_45.duration_s / 2)]
    assert [mark.text for mark in cues.marks(timeline, 1, countdown=True)] == [
        "Halfway.", "3", "2", "1"]
    press_30 = timeline.step_first_phase[2] + 1
    assert cues.marks(timeline, press_30) == []  # 30 s: no halfway mark
    assert cues.marks(timeline, 0, countdown=True) == []  # only holds count down


def run_through(timeline, prompter, clock, now, until, step=0.1):
    """Tick the clock like the player's redraw does until `until`."""
    while now < until and not clock.finished:
        now = min(until, now + step)
        if clock.advance(now):
            prompter.moved(clock)
        prompter.poll(clock, now)
    return now


def test_every_phase_gets_exactly_one_cue_in_an_uninterrupted_session():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    run_through(timeline, prompter, clock, 0.0, timeline.total_s + 1)
    entries = [cues.entry_cue(timeline, index).text for index in range(len(timeline.phases))]
    spoken = [text for text in voice.said if text != "Halfway."]
    assert spoken == [*entries, "Session done."]
    assert voice.said.count("Halfway.") == 4  # two 45 s holds in each of two steps


@settings(max_examples=200, deadline=None)
@given(holds=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 90), st.integers(0, 20),
                                st.integers(1, 3), st.integers(0, 40)),
                      min_size=1, max_size=5),
       tick=st.floats(0.05, 0.3), countdown=st.booleans())
def test_one_cue_per_phase_and_marks_in_order_for_any_routine(holds, tick, countdown):
    steps = tuple(make_step(f"muscle-{'abcde'[index]}", "right", find_s, hold_s, release_s, reps,
                            stretch_s)
                  for index, (find_s, hold_s, release_s, reps, stretch_s) in enumerate(holds))
    timeline, voice, prompter = prompter_for(Routine(date(2026, 3, 4), 10, steps), countdown)
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    run_through(timeline, prompter, clock, 0.0, timeline.total_s + 1, tick)
    mark_texts = {"Halfway.", "3", "2", "1"}
    spoken = [text for text in voice.said if text not in mark_texts]
    assert spoken == [*(cues.entry_cue(timeline, index).text
                        for index in range(len(timeline.phases))), "Session done."]
    planned = [cue.text for _at, cue in cues.script(timeline, countdown)]
    assert voice.said == planned  # nothing missed at any tick, in the planned order
    # What the voice tells a person to press, and for how long, is what the step says.
    for index, phase in enumerate(timeline.phases):
        text = cues.entry_cue(timeline, index).text
        assert phase.label in text
        numbers = [int(word) for word in re.findall(r"\d+", text)]
        if phase.kind in ("press", "stretch"):
            assert numbers == [phase.duration_s]
        else:
            assert numbers == []


def test_script_offsets_follow_the_timeline():
    timeline = Timeline(ROUTINE)
    planned = cues.script(timeline, countdown=True)
    offsets = [offset for offset, _cue in planned]
    assert offsets == sorted(offsets)
    assert planned[0] == (0.0, cues.entry_cue(timeline, 0))
    assert planned[-1] == (float(timeline.total_s), cues.done_cue(timeline))
    halfway = next(offset for offset, cue in planned if cue.kind == "halfway")
    assert halfway == timeline.phases[1].start_s + 22.5


def test_pause_silences_and_nothing_said_while_paused_is_said_later():
    timeline, voice, prompter = prompter_for(countdown=True)
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    now = run_through(timeline, prompter, clock, 0.0, 12.0)  # in the first hold
    assert voice.said[-1] == "Press and hold, 45 seconds."
    clock.pause(now)
    prompter.interrupted(clock, now)
    assert voice.hushed == 1
    said = len(voice.said)
    for _ in range(600):  # a minute of ticks while paused: silence
        now += 0.1
        clock.advance(now)
        prompter.poll(clock, now)
    assert len(voice.said) == said
    clock.resume(now)
    now = run_through(timeline, prompter, clock, now, now + 45)
    assert voice.said[said:] == ["Halfway.", "3", "2", "1", "Release."]


def test_skip_and_back_drop_the_old_phase_cue_and_say_the_new_one_once():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    now = run_through(timeline, prompter, clock, 0.0, 5.0)
    clock.skip_step(now)
    prompter.moved(clock)
    prompter.poll(clock, now)
    assert voice.said[-1].startswith("Switch to the right side.")
    clock.back_step(now + 1)
    prompter.moved(clock)
    prompter.poll(clock, now + 1)
    prompter.poll(clock, now + 1.1)
    assert voice.said[-1].startswith("Upper trapezius, left side.")
    assert len(voice.said) == 3  # one cue per phase entered, none repeated


def test_skip_while_paused_stops_speech_and_waits_for_resume():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    now = run_through(timeline, prompter, clock, 0.0, 3.0)
    clock.pause(now)
    prompter.interrupted(clock, now)
    clock.skip_step(now)
    prompter.moved(clock)
    assert voice.hushed == 2  # on pause, and again as the paused step begins
    assert prompter.poll(clock, now + 5) is None
    clock.resume(now + 5)
    assert prompter.poll(clock, now + 5).text.startswith("Switch to the right side.")


def test_adding_time_stops_a_stale_countdown_and_counts_down_again_at_the_new_end():
    timeline, voice, prompter = prompter_for(countdown=True)
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    press_end = timeline.phases[1].start_s + timeline.phases[1].duration_s  # 55 s
    now = run_through(timeline, prompter, clock, 0.0, press_end - 2.5)
    assert voice.said[-1] == "3"
    clock.add(15)
    prompter.interrupted(clock, now)
    assert voice.hushed == 1
    now = run_through(timeline, prompter, clock, now, now + 12)
    assert voice.said[-1] == "3"  # not "2": the old count-down did not go on
    now = run_through(timeline, prompter, clock, now, press_end + 15 + 0.05)
    assert voice.said[-4:] == ["3", "2", "1", "Release."]


def test_a_late_tick_says_only_the_latest_cue():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    prompter.poll(clock, 0.0)
    changes = clock.advance(70.0)  # a tick 60 s late crosses three phases
    assert len(changes) == 3
    prompter.moved(clock)
    prompter.poll(clock, 70.0)
    assert voice.said == [cues.entry_cue(timeline, 0).text,
                          cues.entry_cue(timeline, clock.phase_index).text]


def test_a_rating_stop_says_the_rating_then_the_step_when_it_starts():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline, stops={0})
    clock.start(0.0)
    prompter.moved(clock)
    assert prompter.poll(clock, 0.0) is None  # waiting at the stop
    prompter.rating("Neck")
    clock.proceed(4.0)
    prompter.poll(clock, 4.0)
    assert voice.said == ["Rate your neck.", cues.entry_cue(timeline, 0).text]


@pytest.mark.parametrize("count,expected", [(1, "1 second"), (45, "45 seconds")])
def test_seconds_text(count, expected):
    assert cues.seconds_text(count) == expected


def test_halfway_follows_added_time_and_is_never_said_twice_in_a_phase():
    timeline, voice, prompter = prompter_for()
    clock = SessionClock(timeline)
    clock.start(0.0)
    prompter.moved(clock)
    now = run_through(timeline, prompter, clock, 0.0, 12.0)  # 2 s into the 45 s hold
    clock.add(15)
    prompter.interrupted(clock, now)
    now = run_through(timeline, prompter, clock, now, 10 + 29.9)
    assert voice.said[-1] == "Press and hold, 45 seconds."
    now = run_through(timeline, prompter, clock, now, 10 + 30.05)
    assert voice.said[-1] == "Halfway."  # half of 60 s
    clock.add(15)
    prompter.interrupted(clock, now)
    run_through(timeline, prompter, clock, now, 10 + 75.05)
    assert voice.said.count("Halfway.") == 1
    assert voice.said[-1] == "Release."
