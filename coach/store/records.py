"""The records coach stores, each with one validation used by the store, import and doctor.

`*_from_doc(doc)` turns a stored or imported JSON object into a typed record or raises
RecordError with one short reason; nothing else in coach reads a record's fields from
a dict it has not checked here.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation into a ForwardRef as the class is made, about 50k instructions a field, and
# this module's named tuples are made at every start. (Quoted: a class named in its own
# body.)

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, timezone
from typing import NamedTuple

from coach.errors import UsageError
from coach.model import MAX_MINUTES, MIN_MINUTES, NOTHING, MutableRecord, Profile

PHASES = ("before", "after", "check-in")
SESSION_STATUSES = ("in-progress", "finished", "ended-early")
REMINDER_EVENT_KINDS = ("sent", "snoozed", "skipped", "acted", "deferred", "missed-away")
# "rating-deleted" is the audit entry a deleted rating leaves: the rating as it was.
EVENT_KINDS = (*REMINDER_EVENT_KINDS, "paused", "resumed", "soreness", "rating-deleted")
SORENESS_LEVELS = ("none", "some", "a-lot")
MAX_NOTE_CHARS = 2000
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 2000
MAX_SESSION_S = 24 * 3600
MAX_STEPS = 500
EARLIEST_YEAR = 1900
LATEST_YEAR = 9000  # far enough; keeps date arithmetic (a week later) from overflowing


class RecordError(UsageError):
    """A record that cannot be stored or read; the message says which field and why."""


class Rating(NamedTuple):
    """One 0-10 pain rating (Numeric Rating Scale) for one area at one moment.

    A named tuple, not a frozen dataclass: as immutable, and a report or the app reads
    thousands of them, where a frozen dataclass's __init__ cost three times as much."""

    area: str
    rating: int
    phase: str  # "before" | "after" | "check-in"
    at: datetime  # timezone-aware, carrying the local offset at that moment
    note: str = ""
    session_id: str | None = None
    muscle: str | None = None
    technique: str | None = None
    id: str = ""  # assigned by the store

    def to_doc(self) -> dict:
        return {
            "id": self.id,
            "area": self.area,
            "rating": self.rating,
            "phase": self.phase,
            "at": self.at.isoformat(),
            "note": self.note,
            "session_id": self.session_id,
            "muscle": self.muscle,
            "technique": self.technique,
        }

    def to_stored_doc(self) -> dict:
        """The document the store keeps: to_doc without the fields left at their defaults
        (an empty note, no session, muscle or technique), which reading gives back. Most
        ratings have none of them, and a month of ratings then parses in about a third
        less time (a report reads months of them); export still writes every field."""
        doc = {"id": self.id, "area": self.area, "rating": self.rating, "phase": self.phase,
               "at": self.at.isoformat()}
        if self.note:
            doc["note"] = self.note
        for name in ("session_id", "muscle", "technique"):
            value = getattr(self, name)
            if value is not None:
                doc[name] = value
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> "Rating":
        return rating_from_doc(doc)

    def key(self) -> tuple:
        """What makes two ratings the same one (for idempotent imports): not the id."""
        return (self.at.astimezone(UTC), self.area, self.rating, self.phase, self.note)

    def local_key(self) -> tuple:
        """The same, by the wall-clock time it was given at (for rows that had no offset)."""
        return (self.at.replace(tzinfo=None), self.area, self.rating, self.phase, self.note)


class SessionRecord(MutableRecord):
    """One guided session, saved as it starts and again as it ends (changed in place as it
    goes: steps done, status, end time)."""

    __slots__ = ("id", "day", "started_at", "finished_at", "planned_s", "done_s", "steps",
                 "status")

    def __init__(self, id: str, day: date, started_at: datetime,
                 finished_at: datetime | None, planned_s: int, done_s: int,
                 steps: list[dict] | None = None, status: str = "in-progress"):
        self.id = id
        self.day = day
        self.started_at = started_at
        self.finished_at = finished_at
        self.planned_s = planned_s
        self.done_s = done_s
        # {"muscle","area","side","tool","technique","seconds","completed": bool}
        self.steps: list[dict] = [] if steps is None else steps
        self.status = status  # "in-progress" | "finished" | "ended-early"

    def to_doc(self) -> dict:
        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "planned_s": self.planned_s,
            "done_s": self.done_s,
            "steps": [dict(step) for step in self.steps],
            "status": self.status,
        }

    @classmethod
    def from_doc(cls, doc: dict) -> "SessionRecord":
        return session_from_doc(doc)


class Event(NamedTuple):
    """One stored event: a reminder's ("sent", "snoozed", "skipped", "acted", "deferred",
    "missed-away"), "paused", "resumed", a next-day "soreness" answer, or the audit entry a
    deleted rating leaves ("rating-deleted").

    Built from a stored or imported document by event_from_doc (the one check), stored and
    exported with to_doc. A field is None when the event does not carry it; what coach does
    not read (or a value of another type than coach writes there) stays in `extra` exactly
    as stored, so nothing a person stored is dropped.

    A named tuple, not a frozen dataclass: as immutable, and making the dataclass cost the
    app's start several times more. Its hash leaves out `extra` (a dict), as before.
    """

    kind: str
    at: datetime  # timezone-aware, carrying the local offset at that moment
    reminder: str | None = None  # a reminder's events: "break" | "routine"
    due: datetime | None = None  # a reminder's events: when the reminder was due
    snoozes: int | None = None  # a reminder's events: how often it was snoozed in a row
    delivered: bool | None = None  # "sent": whether a notification could be shown
    until: datetime | None = None  # "paused", "snoozed": when the pause or snooze ends
    by: str | None = None  # "skipped", "deferred", "missed-away": "person" | "planner"
    via: str | None = None  # "acted": "person" | "session"
    reason: str | None = None  # why the planner skipped, deferred or dropped a reminder
    title: str | None = None  # "sent": the notification's words
    body: str | None = None
    suggestion: str | None = None  # "sent" for a break: a movement id or "pressure"
    muscles: tuple[str, ...] | None = None  # the muscles a pressure suggestion names
    area: str | None = None  # "soreness": the area asked about ("sent": the break's area)
    level: str | None = None  # "soreness": "none" | "some" | "a-lot"
    session_id: str | None = None  # "soreness": the session asked about ("acted": the one begun)
    rating: Rating | None = None  # "rating-deleted": the rating as it was
    extra: Mapping = NOTHING  # every other field, as stored (read-only when there is none)

    def __hash__(self) -> int:
        return hash(self[:-1])  # not `extra`: a dict cannot be hashed

    def to_doc(self) -> dict:
        """The document stored and exported: kind, at, the fields carried, then the rest."""
        doc: dict = {"kind": self.kind, "at": self.at.isoformat()}
        for name in _EVENT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                doc[name] = _stored(value)
        doc.update((key, list(value) if isinstance(value, list) else value)
                   for key, value in self.extra.items())  # a copy: the Event stays as read
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> "Event":
        return event_from_doc(doc)


# The fields an Event carries besides kind, at and extra, in the order to_doc writes them.
_EVENT_FIELDS = ("reminder", "due", "snoozes", "delivered", "until", "by", "via", "reason",
                 "title", "body", "suggestion", "muscles", "area", "level", "session_id",
                 "rating")
_EVENT_TEXT = frozenset(("reminder", "by", "via", "reason", "title", "body", "suggestion",
                         "area", "level", "session_id"))


class SorenessAnswer(NamedTuple):
    """A next-day check-in: how sore an area felt after a session (stored as an event)."""

    area: str
    level: str  # "none" | "some" | "a-lot"
    at: datetime
    session_id: str | None = None

    def to_event(self) -> Event:
        return Event("soreness", self.at, area=self.area, level=self.level,
                     session_id=self.session_id)

    @classmethod
    def from_event(cls, event: Event) -> "SorenessAnswer":
        """The answer a "soreness" event holds (event_from_doc has checked its fields)."""
        if event.kind != "soreness":
            raise RecordError(f"a {event.kind!r} event is not a soreness answer")
        return cls(event.area, event.level, event.at, event.session_id)


# --- field checks -----------------------------------------------------------------------


def _text(value, name: str, limit: int = MAX_NAME_CHARS, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{name} is not text")
    if not empty and (not value or value.isspace()):  # as not value.strip(), without a copy
        raise RecordError(f"{name} is empty")
    if len(value) > limit:
        raise RecordError(f"{name} is longer than {limit} characters")
    return value


def _optional_text(value, name: str) -> str | None:
    return None if value is None else _text(value, name, empty=True)


def _whole(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = repr(value)[:40]
        raise RecordError(f"{name} {shown} is not a whole number from {low} to {high}")
    return value


def check_moment(moment: datetime, name: str) -> datetime:
    """An aware datetime within the years coach can compute with."""
    zone = moment.tzinfo
    # a fixed offset (what fromisoformat gives) always has one: only ask other zones
    if zone is None or (type(zone) is not timezone and moment.utcoffset() is None):
        raise RecordError(f"{name} has no time-zone offset")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise RecordError(f"{name} {moment.isoformat()} is out of range")
    return moment


def aware_time(value, name: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise RecordError(f"{name} is not an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name} {value!r} is not an ISO 8601 time") from None
    return check_moment(moment, name)


def _day(value, name: str) -> date:
    if not isinstance(value, str) or len(value) > 32:
        raise RecordError(f"{name} is not a date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name} {value!r} is not a date") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise RecordError(f"{name} {value} is out of range")
    return day


def _object(doc) -> dict:
    if not isinstance(doc, dict):
        raise RecordError("the record is not an object")
    return doc


# --- records ----------------------------------------------------------------------------


_PHASE_SET = frozenset(PHASES)


def rating_from_doc(doc) -> Rating:
    """The Rating a stored or imported document holds, or RecordError with one reason.

    A report reads thousands of ratings, and checking each field with a call of its own
    cost more than parsing the JSON. The shape coach writes is checked here inline in one
    pass; anything this pass does not accept whole goes through the field-by-field check,
    which gives the same Rating or the sentence that says what is wrong."""
    if type(doc) is dict:
        get = doc.get
        area, value, phase, at = get("area"), get("rating"), get("phase"), get("at")
        identifier = get("id", "")
        if len(doc) == 5 and "id" in doc:
            # As coach stores most ratings: when the four checked below are there too, these
            # are all five keys, so there is no note, session, muscle or technique.
            note = session_id = muscle = technique = None
        else:
            note, session_id = get("note"), get("session_id")
            muscle, technique = get("muscle"), get("technique")
        if (type(area) is str and 0 < len(area) <= MAX_NAME_CHARS and not area.isspace()
                and type(value) is int and 0 <= value <= 10
                and type(phase) is str and phase in _PHASE_SET
                and type(at) is str and len(at) <= 64
                and (note is None or (type(note) is str and len(note) <= MAX_NOTE_CHARS))
                and type(identifier) is str and len(identifier) <= MAX_NAME_CHARS
                and (session_id is None
                     or (type(session_id) is str and len(session_id) <= MAX_NAME_CHARS))
                and (muscle is None or (type(muscle) is str and len(muscle) <= MAX_NAME_CHARS))
                and (technique is None
                     or (type(technique) is str and len(technique) <= MAX_NAME_CHARS))):
            try:
                moment = datetime.fromisoformat(at)
            except ValueError:
                moment = None
            # fromisoformat gives a fixed offset (datetime.timezone) whenever there is one
            if (moment is not None and type(moment.tzinfo) is timezone
                    and EARLIEST_YEAR <= moment.year <= LATEST_YEAR):
                # tuple.__new__ is what Rating() calls, without its Python frame
                return tuple.__new__(Rating, (area, value, phase, moment, note or "",
                                              session_id, muscle, technique, identifier))
    return _checked_rating_from_doc(doc)


def _checked_rating_from_doc(doc) -> Rating:
    """rating_from_doc's field-by-field check: the same Rating, or the reason it is none."""
    doc = _object(doc)
    if "at" not in doc:
        raise RecordError("the rating has no time (at)")
    note, session_id = doc.get("note"), doc.get("session_id")
    muscle, technique = doc.get("muscle"), doc.get("technique")
    return Rating(
        _text(doc.get("area"), "the area"),
        _whole(doc.get("rating"), "the rating", 0, 10),
        _choice(doc.get("phase"), "the phase", PHASES),
        aware_time(doc["at"], "the time"),
        "" if note is None or note == "" else _text(note, "the note", MAX_NOTE_CHARS,
                                                    empty=True),
        None if session_id is None else _text(session_id, "session_id", empty=True),
        None if muscle is None else _text(muscle, "muscle", empty=True),
        None if technique is None else _text(technique, "technique", empty=True),
        _text(doc.get("id", ""), "the id", empty=True),
    )


def validate_rating(rating: Rating) -> None:
    """Raise RecordError (a UsageError) with one sentence when a rating cannot be stored."""
    if not isinstance(rating.area, str) or not rating.area.strip():
        raise RecordError("the area must be a non-empty name.")
    if isinstance(rating.rating, bool) or not isinstance(rating.rating, int) or not (
        0 <= rating.rating <= 10
    ):
        raise RecordError(f"the rating must be a whole number from 0 to 10, not {rating.rating!r}.")
    if rating.phase not in PHASES:
        raise RecordError(f"the phase must be one of {', '.join(PHASES)}, not {rating.phase!r}.")
    if not isinstance(rating.at, datetime) or rating.at.utcoffset() is None:
        raise RecordError("the time of a rating must carry its time-zone offset.")
    check_moment(rating.at, "the time of the rating")
    if not isinstance(rating.note, str) or len(rating.note) > MAX_NOTE_CHARS:
        raise RecordError(f"the note must be at most {MAX_NOTE_CHARS} characters long.")


def _choice(value, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise RecordError(f"{name} {repr(value)[:40]} is not one of {', '.join(choices)}")
    return value


_STEP_TEXT = ("muscle", "area", "side", "tool", "technique", "name", "id", "routine")


def _step(step) -> dict:
    if not isinstance(step, dict):
        raise RecordError("a step is not an object")
    for key, value in step.items():
        if key in _STEP_TEXT:
            _optional_text(value, f"the step's {key}")
        elif key == "seconds" or key.endswith("_s"):
            if not (isinstance(value, int | float) and not isinstance(value, bool)
                    and math.isfinite(value) and 0 <= value <= MAX_SESSION_S):
                raise RecordError(f"the step's {key} is not a number of seconds")
        elif key == "completed":
            if not isinstance(value, bool):
                raise RecordError("the step's completed is not true or false")
        elif not _scalar(value):
            raise RecordError(f"the step's {key} is not a plain value")
    return step


MAX_EVENT_LIST = 50


def _scalar(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_TEXT_CHARS
    return value is None or isinstance(value, bool | int)


def session_from_doc(doc) -> SessionRecord:
    doc = _object(doc)
    steps = doc.get("steps") or []
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise RecordError("the steps are not a list")
    finished = doc.get("finished_at")
    return SessionRecord(
        id=_text(doc.get("id"), "the session id"),
        day=_day(doc.get("day"), "the day"),
        started_at=aware_time(doc.get("started_at"), "the start time"),
        finished_at=None if finished is None else aware_time(finished, "the end time"),
        planned_s=_whole(doc.get("planned_s"), "planned_s", 0, MAX_SESSION_S),
        done_s=_whole(doc.get("done_s"), "done_s", 0, MAX_SESSION_S),
        steps=[dict(_step(step)) for step in steps],
        status=_choice(doc.get("status", "finished"), "the status", SESSION_STATUSES),
    )


def event_from_doc(doc) -> Event:
    """The one check of a stored or imported event: its kind's fields present and typed,
    the rest plain values (kept in `extra` as they are)."""
    doc = _object(doc)
    kind = _choice(doc.get("kind"), "the event kind", EVENT_KINDS)
    fields: dict = {"at": aware_time(doc.get("at"), "the time")}
    if kind in REMINDER_EVENT_KINDS:
        _text(doc.get("reminder"), "the reminder")
        if doc.get("due") is not None:
            fields["due"] = aware_time(doc["due"], "the due time")
    if kind == "paused" or doc.get("until") is not None:
        fields["until"] = aware_time(doc.get("until"), "the end of the pause")
    if "snoozes" in doc:
        fields["snoozes"] = _whole(doc["snoozes"], "snoozes", 0, 1000)
    if "delivered" in doc:
        if not isinstance(doc["delivered"], bool):
            raise RecordError("delivered is not true or false")
        fields["delivered"] = doc["delivered"]
    if kind == "soreness":
        _text(doc.get("area"), "the area")
        _choice(doc.get("level"), "the soreness level", SORENESS_LEVELS)
        _optional_text(doc.get("session_id"), "session_id")
    if kind == "rating-deleted":
        # the deleted rating, checked by the rating's rules
        fields["rating"] = rating_from_doc(doc.get("rating"))
    extra = {}
    for key, value in doc.items():
        if key in ("kind", "at") or key in fields:
            continue
        # A short list of plain values is allowed too: a break suggestion names its muscles.
        plain = _scalar(value) or (isinstance(value, list) and len(value) <= MAX_EVENT_LIST
                                   and all(_scalar(item) for item in value))
        if not isinstance(key, str) or not plain:
            raise RecordError(f"the event's {str(key)[:40]} is not a plain value")
        if key in _EVENT_TEXT and isinstance(value, str):
            fields[key] = value
        elif key == "muscles" and isinstance(value, list) and all(
                isinstance(item, str) for item in value):
            fields[key] = tuple(value)
        else:
            extra[key] = value
    return Event(kind=kind, extra=extra, **fields)


def new_event(kind: str, at: datetime, **data) -> Event:
    """The event add_event stores, checked by event_from_doc like any stored one; a field
    may be given as it is stored or as the Event holds it (a datetime, a Rating)."""
    if kind not in EVENT_KINDS:
        raise RecordError(f"unknown reminder event {kind!r}.")
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise RecordError("the event time must carry its time-zone offset.")
    doc = {key: _stored(value) for key, value in data.items()}
    return event_from_doc({**doc, "kind": kind, "at": at.isoformat()})


def _stored(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Rating):
        return value.to_doc()
    return list(value) if isinstance(value, tuple) else value


def record_problem(kind: str, doc) -> str | None:
    """Why a stored record of this kind ("ratings", "sessions", "events") is not valid."""
    try:
        READERS[kind](doc)
    except RecordError as error:
        return str(error).rstrip(".")
    return None


READERS = {"ratings": rating_from_doc, "sessions": session_from_doc, "events": event_from_doc}


MAX_LIST_ITEMS = 50


def _names(value, name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or len(value) > MAX_LIST_ITEMS:
        raise RecordError(f"the profile's {name} are not a list of names")
    return tuple(_text(item, f"a name in the profile's {name}", 100) for item in value)


def _flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise RecordError(f"{what} is not true or false")
    return value


def profile_from_doc(doc) -> Profile:
    """The stored or imported profile, checked (names are checked against the library by
    whoever knows it: the import and `coach profile set`)."""
    doc = _object(doc)
    defaults = Profile()
    minutes = doc.get("minutes", defaults.minutes)
    desk_only = _flag(doc.get("desk_only", defaults.desk_only), "the profile's desk_only")
    areas = _names(doc.get("areas", list(defaults.areas)), "areas")
    if not areas:
        raise RecordError("the profile names no area")
    return Profile(
        areas=areas,
        habits=_names(doc.get("habits", list(defaults.habits)), "habits"),
        tools=_names(doc.get("tools", list(defaults.tools)), "tools"),
        minutes=_whole(minutes, "the profile's minutes", MIN_MINUTES, MAX_MINUTES),
        desk_only=desk_only,
        cautions=_names(doc.get("cautions", list(defaults.cautions)), "cautions"),
        avoid_areas=_names(doc.get("avoid_areas", list(defaults.avoid_areas)), "avoid_areas"),
        screened=_flag(doc.get("screened", defaults.screened), "the profile's screened"),
    )
