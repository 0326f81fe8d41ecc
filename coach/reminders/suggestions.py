"""What a break reminder suggests: a movement break most of the time, rotating; now and
then a short pressure routine, within the dosage rules.

Pure: the chooser takes plain records and dates and returns a Suggestion. Its rules:
- a movement break from the library's movement entries, the one suggested least
  recently (never suggested first, in library order), so breaks vary;
- a pressure routine only when the safety gates allow pressure (`may_press`), at most
  PRESSURE_PER_DAY a day, at most one break in PRESSURE_EVERY, and never on a muscle
  pressed today or yesterday or already suggested today (DOMAIN.md 1: rest a pressed
  muscle a day); the first break of a day may be one, then three movement breaks follow;
- breaks are for comfort and movement (DOMAIN.md 5): a movement is always the default.

Two things are decided in one place each: `movements_from(catalog)` (how the library's
movement entries map to Movement) and `may_suggest_pressure(...)` (the safety gate, from
`safety.assess`, the same answer the routine gets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MOVEMENT = "movement"
PRESSURE = "pressure"
PRESSURE_PER_DAY = 2
PRESSURE_EVERY = 4  # at most one break in this many today suggests pressure
MOVEMENT_S = 60  # a movement break's length when the entry does not say


@dataclass(frozen=True)
class Movement:
    id: str
    name: str
    how: str
    seconds: int
    source: str


@dataclass(frozen=True)
class PastBreak:
    """What an earlier break reminder suggested (from its "sent" event)."""

    day: date  # local day
    suggestion: str  # a movement id, or PRESSURE
    muscles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    kind: str  # MOVEMENT | PRESSURE
    movement: Movement | None = None
    muscles: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.movement.id if self.movement is not None else PRESSURE


def movements_from(catalog) -> list[Movement]:
    """The library's movement entries (targets with kind "movement") as Movement records.

    The one place that knows how a movement entry is written in the library.
    """
    return [Movement(target.id, target.name, target.how, target.seconds or MOVEMENT_S,
                     target.sources[0] if target.sources else "")
            for target in catalog.targets.values() if target.kind == MOVEMENT]


def may_suggest_pressure(profile, catalog, history, day: date, area: str | None) -> bool:
    """The safety gate for pressure on a break: the one place it is decided.

    A break is unsupervised, so pressure is suggested only to a screened person with no
    caution at all, whose routine today is "ok" and whose area is under no gate (not left
    out, not lighter for pain at 7/10 or more, not stretches only); everyone else gets
    movement breaks (DOMAIN.md 3: at high pain, do less, not more).
    """
    from coach.safety import assess

    if profile is None or not profile.screened or profile.cautions or area is None:
        return False
    gate = assess(profile, catalog, history, day)
    return (gate.level == "ok" and area not in gate.avoided_areas
            and area not in gate.no_pressure_areas and area not in gate.area_levels)


def choose(movements: Sequence[Movement], past: Iterable[PastBreak], today: date,
           pressure_muscles: Sequence[str], last_pressed: Mapping[str, date],
           may_press: bool) -> Suggestion | None:
    """The suggestion for the next break; None when there is nothing to suggest.

    `pressure_muscles`: the muscles of the pressure routine on offer (empty: none);
    `last_pressed`: muscle -> the last day it was pressed.
    """
    past = sorted(past, key=lambda entry: entry.day)
    if _pressure_allowed(past, today, pressure_muscles, last_pressed, may_press):
        return Suggestion(PRESSURE, muscles=tuple(pressure_muscles))
    if not movements:
        return None
    last_seen = {entry.suggestion: index for index, entry in enumerate(past)}
    order = {movement.id: index for index, movement in enumerate(movements)}
    chosen = min(movements, key=lambda movement: (last_seen.get(movement.id, -1),
                                                  order[movement.id]))
    return Suggestion(MOVEMENT, movement=chosen)


def _pressure_allowed(past: list[PastBreak], today: date, muscles: Sequence[str],
                      last_pressed: Mapping[str, date], may_press: bool) -> bool:
    if not may_press or not muscles:
        return False
    today_breaks = [entry for entry in past if entry.day == today]
    pressure_today = [entry for entry in today_breaks if entry.suggestion == PRESSURE]
    if len(pressure_today) >= PRESSURE_PER_DAY:
        return False
    if pressure_today:  # after one, at least PRESSURE_EVERY - 1 movement breaks first
        last = max(index for index, entry in enumerate(today_breaks)
                   if entry.suggestion == PRESSURE)
        if len(today_breaks) - last - 1 < PRESSURE_EVERY - 1:
            return False
    rested_since = today - timedelta(days=1)
    suggested_today = {muscle for entry in pressure_today for muscle in entry.muscles}
    return not any(last_pressed.get(muscle, date.min) >= rested_since
                   or muscle in suggested_today for muscle in muscles)


def skips_in_a_row(events: Iterable) -> int:
    """How many break reminders the person skipped in a row, counting back from the latest.

    A break they acted on or snoozed ends the run; the planner's own skips do not count.
    """
    count = 0
    for event in reversed(list(events)):
        if event.reminder != "break":
            continue
        if event.kind == "skipped" and event.by == "person":
            count += 1
        elif event.kind in ("acted", "snoozed"):
            break
    return count
