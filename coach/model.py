"""Plain data shared by the core, the CLI and the TUI: profile, history, routine.

Kept apart from builder.py so the store can save a Profile without importing
the builder's logic.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation into a ForwardRef as the class is made, about 50k instructions a field, and
# this module's named tuples are made at every start. (Quoted: a class named in its own
# body.)

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

# A desk worker who has not set up a profile gets this routine.
DEFAULT_AREAS = ("neck", "shoulders", "upper-back", "low-back", "forearm-wrist")
DEFAULT_HABITS = ("prolonged-sitting", "forward-head", "mouse-keyboard")
DEFAULT_TOOLS = ("ball", "hands", "wall")
DEFAULT_MINUTES = 10
MIN_MINUTES = 3
MAX_MINUTES = 60
# The default of a value type's mapping field: empty, and read-only (a named tuple's default
# is shared by every instance, so it must never be changed in place).
NOTHING: Mapping = MappingProxyType({})


class MutableRecord:
    """The base of a small record changed in place: its fields are its __slots__, it is
    equal to a record of its class whose fields are all equal, shown as Name(field=value,
    ...), and never hashed. What @dataclass gives such a record, without its cost at every
    start: making a dataclass compiles its methods (about 2M instructions each)."""

    __slots__ = ()
    __hash__ = None  # changed in place: never a dict key or set member

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({shown})"


def duration_text(seconds: float) -> str:
    """m:ss of whole seconds (a fraction is dropped), as every screen and command shows time."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class Profile(NamedTuple):
    """What the person told us: where it hurts, how they work, what they own.

    The value types here that need no mutable defaults are named tuples: as immutable as
    a frozen dataclass, and each frozen dataclass cost 1-2 ms to create at every start."""

    areas: tuple[str, ...] = DEFAULT_AREAS
    habits: tuple[str, ...] = DEFAULT_HABITS
    tools: tuple[str, ...] = DEFAULT_TOOLS
    minutes: int = DEFAULT_MINUTES
    desk_only: bool = False
    cautions: tuple[str, ...] = ()
    # Areas left out entirely (a wound, a fracture, a recent injury, surgery or an implant there).
    avoid_areas: tuple[str, ...] = ()
    # True once the person has answered the safety questions; until then routines are gentle.
    screened: bool = False

    def to_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in self._asdict().items()}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Profile":
        defaults = cls()
        return cls(
            areas=tuple(data.get("areas", defaults.areas)),
            habits=tuple(data.get("habits", defaults.habits)),
            tools=tuple(data.get("tools", defaults.tools)),
            minutes=int(data.get("minutes", defaults.minutes)),
            desk_only=bool(data.get("desk_only", defaults.desk_only)),
            cautions=tuple(data.get("cautions", defaults.cautions)),
            avoid_areas=tuple(data.get("avoid_areas", defaults.avoid_areas)),
            screened=bool(data.get("screened", defaults.screened)),
        )


class Response(NamedTuple):
    """How pain in an area changed across the sessions in which one muscle was completed there.

    changes: after - before (points, 0-10 scale), one per session, oldest first; a session
    counts only when the muscle was completed in the rated area in that session.
    by_technique: the same, split by the technique used.
    last_day: the day of the latest of those sessions.
    """

    changes: tuple[int, ...] = ()
    by_technique: Mapping[str, tuple[int, ...]] = NOTHING
    last_day: date | None = None


class History(NamedTuple):
    """What the builder needs to know about the past, already summarised.

    pain: area id -> mean resting pain (0-10) over the recent days.
    latest: area id -> the latest resting rating.
    notes: area id -> the notes given with recent ratings there (newest last).
    last_done: muscle id -> the last date the person completed it.
    done_count: muscle id -> how many sessions ever completed it (missing: never).
    last_dose_s: muscle id -> pressure seconds on one side (hold x reps) the last time.
    response: muscle id -> how pain changed after it.
    sore: area id -> "a-lot" or "lasting" when the last check-in said it stayed sore.
    """

    pain: Mapping[str, float] = NOTHING
    last_done: Mapping[str, date] = NOTHING
    latest: Mapping[str, int] = NOTHING
    notes: Mapping[str, tuple[str, ...]] = NOTHING
    done_count: Mapping[str, int] = NOTHING
    last_dose_s: Mapping[str, int] = NOTHING
    response: Mapping[str, Response] = NOTHING
    sore: Mapping[str, str] = NOTHING


class Stretch(NamedTuple):
    name: str
    how: str
    hold_s: int
    reps: int


STRETCH_ONLY = "stretch"  # a Step's technique when it has no pressure, only its stretch


class Step(NamedTuple):
    """One muscle on one side: find it, press (or roll) and release, repeat, then stretch."""

    muscle: str  # target id
    muscle_name: str
    area: str  # area id this step was chosen for
    side: str  # "left", "right" or "both"
    tool: str  # main tool id
    tools: tuple[str, ...]  # everything the step needs (ball + wall)
    position: str  # "seated", "standing" or "lying"
    technique: str  # "sustained-pressure", "short-strokes", "rolling" or STRETCH_ONLY
    how: str  # how to do it with this tool, in plain words
    find: str  # where to find the spot
    find_s: int  # seconds to find the spot
    hold_s: int
    release_s: int
    reps: int
    stretch: Stretch | None
    reason: str
    cautions: tuple[str, ...] = ()

    @property
    def seconds(self) -> int:
        stretch_s = self.stretch.hold_s * self.stretch.reps if self.stretch else 0
        return self.find_s + self.reps * (self.hold_s + self.release_s) + stretch_s

    def to_json(self) -> dict:
        return {
            "muscle": self.muscle,
            "area": self.area,
            "side": self.side,
            "tool": self.tool,
            "position": self.position,
            "technique": self.technique,
            "hold_s": self.hold_s,
            "release_s": self.release_s,
            "reps": self.reps,
            "stretch": (
                {"name": self.stretch.name, "hold_s": self.stretch.hold_s,
                 "reps": self.stretch.reps}
                if self.stretch else None
            ),
            "reason": self.reason,
            "find_s": self.find_s,
            "seconds": self.seconds,
            "cautions": list(self.cautions),
        }

    @property
    def pressure_s(self) -> int:
        """Seconds of pressure on this side (0 for a stretch-only step)."""
        return 0 if self.technique == STRETCH_ONLY else self.hold_s * self.reps


class Routine(NamedTuple):
    """Today's ordered steps and what could not be included, with why."""

    day: date
    minutes: int
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()
    safety_level: str = "ok"  # "ok", "gentle", "stretch-only" or "see-clinician"
    safety_reasons: tuple[str, ...] = ()

    @property
    def total_s(self) -> int:
        return sum(step.seconds for step in self.steps)

    def seconds_by_area(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for step in self.steps:
            totals[step.area] = totals.get(step.area, 0) + step.seconds
        return totals

    def to_json(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "minutes": self.minutes,
            "total_s": self.total_s,
            "steps": [step.to_json() for step in self.steps],
            "notes": list(self.notes),
            "safety": {"level": self.safety_level, "reasons": list(self.safety_reasons)},
        }


def parse_minutes(text: str) -> int:
    """Minutes a day as typed: a whole number within the builder's range, or ValueError with
    the sentence to show."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise ValueError(
            f"Type a whole number of minutes, {MIN_MINUTES} to {MAX_MINUTES}."
        ) from None
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(f"Choose between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    return minutes
