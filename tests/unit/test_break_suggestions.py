"""What a break suggests: property tests first (it decides what a person presses).

The movements here are test fixtures written from DOMAIN.md 5, not product content:
the product reads movement entries from the library.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.reminders.suggestions import (
    MOVEMENT,
    PRESSURE,
    PRESSURE_PER_DAY,
    Movement,
    PastBreak,
    choose,
    skips_in_a_row,
)
from coach.store.records import Event

SOLOMON = "Solomon 2018 (guideline summary): break up sitting about every 30 min"
MOVEMENTS = [
    Movement("stand-walk", "Stand and walk", "Stand up and walk for a minute.", 60, SOLOMON),
    Movement("shoulder-rolls", "Shoulder rolls", "Roll both shoulders slowly, back and down.",
             30, "McLean 2001, Appl Ergon 32:225"),
    Movement("chin-tucks", "Chin tucks", "Draw the chin straight back, hold, let go.", 30,
             "McLean 2001, Appl Ergon 32:225"),
    Movement("eye-20-20-20", "20-20-20", "Look at something 20 feet away for 20 seconds.", 20,
             "20-20-20 eye rule"),
]
TODAY = date(2025, 6, 2)
NOON = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
MUSCLES = ["upper-trapezius", "levator-scapulae", "infraspinatus", "scalenes"]

past_breaks = st.lists(st.builds(
    PastBreak,
    day=st.sampled_from([TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]),
    suggestion=st.sampled_from([movement.id for movement in MOVEMENTS] + [PRESSURE]),
    muscles=st.lists(st.sampled_from(MUSCLES), max_size=2, unique=True).map(tuple)),
    max_size=20)
pressed = st.dictionaries(st.sampled_from(MUSCLES),
                          st.integers(0, 5).map(lambda back: TODAY - timedelta(days=back)))
offered = st.lists(st.sampled_from(MUSCLES), max_size=2, unique=True)


@settings(max_examples=300, deadline=None)
@given(past=past_breaks, last_pressed=pressed, muscles=offered, may_press=st.booleans())
def test_pressure_only_within_the_dosage_and_safety_rules(past, last_pressed, muscles,
                                                          may_press):
    chosen = choose(MOVEMENTS, past, TODAY, muscles, last_pressed, may_press)
    assert chosen is not None
    if chosen.kind != PRESSURE:
        assert chosen.kind == MOVEMENT and chosen.movement in MOVEMENTS
        return
    assert may_press
    assert chosen.muscles == tuple(muscles) and muscles
    today = [entry for entry in past if entry.day == TODAY]
    assert sum(entry.suggestion == PRESSURE for entry in today) < PRESSURE_PER_DAY
    for muscle in muscles:
        assert last_pressed.get(muscle, date.min) < TODAY - timedelta(days=1)
        assert all(muscle not in entry.muscles for entry in today if entry.suggestion == PRESSURE)


@settings(max_examples=200, deadline=None)
@given(last_pressed=pressed, muscles=offered, may_press=st.booleans(),
       breaks=st.integers(1, 20))
def test_a_day_of_breaks_has_at_most_two_pressure_suggestions_and_mostly_movement(
        last_pressed, muscles, may_press, breaks):
    past: list[PastBreak] = []
    for _ in range(breaks):
        chosen = choose(MOVEMENTS, past, TODAY, muscles, last_pressed, may_press)
        past.append(PastBreak(TODAY, chosen.id, chosen.muscles))
    pressure = [entry for entry in past if entry.suggestion == PRESSURE]
    assert len(pressure) <= PRESSURE_PER_DAY
    assert len(pressure) <= (breaks + 3) // 4  # at most one break in four
    if len(pressure) == 2:
        assert not set(pressure[0].muscles) & set(pressure[1].muscles)


def test_movements_rotate_through_the_whole_list_before_repeating():
    past: list[PastBreak] = [PastBreak(TODAY - timedelta(days=1), "chin-tucks")]
    seen = []
    for _ in range(8):
        chosen = choose(MOVEMENTS, past, TODAY, [], {}, may_press=False)
        seen.append(chosen.id)
        past.append(PastBreak(TODAY, chosen.id))
    assert seen == ["stand-walk", "shoulder-rolls", "eye-20-20-20", "chin-tucks"] * 2


def test_no_pressure_when_the_safety_gate_says_no_or_the_muscle_was_pressed_yesterday():
    past = [PastBreak(TODAY, "stand-walk")] * 3
    assert choose(MOVEMENTS, past, TODAY, ["scalenes"], {}, may_press=True).kind == PRESSURE
    assert choose(MOVEMENTS, past, TODAY, ["scalenes"], {}, may_press=False).kind == MOVEMENT
    yesterday = {"scalenes": TODAY - timedelta(days=1)}
    assert choose(MOVEMENTS, past, TODAY, ["scalenes"], yesterday, True).kind == MOVEMENT
    two_days = {"scalenes": TODAY - timedelta(days=2)}
    assert choose(MOVEMENTS, past, TODAY, ["scalenes"], two_days, True).kind == PRESSURE


def test_nothing_to_suggest_without_movements_or_pressure():
    assert choose([], [], TODAY, [], {}, may_press=True) is None


def test_three_skips_in_a_row_and_what_ends_the_run():
    def event(kind, by=None, reminder="break"):
        return Event(kind, NOON, reminder=reminder, by=by)

    skipped = event("skipped", "person")
    assert skips_in_a_row([skipped, event("sent"), skipped, event("sent"), skipped]) == 3
    assert skips_in_a_row([skipped, event("acted"), skipped]) == 1
    assert skips_in_a_row([skipped, event("snoozed"), skipped, skipped]) == 2
    assert skips_in_a_row([skipped, event("skipped", "planner"), skipped]) == 2
    assert skips_in_a_row([skipped, event("acted", reminder="routine"), skipped]) == 2
