"""What the person chose, validated: `Settings(app=AppSettings, reminders=ReminderSettings)`,
stored in coach.json as settings["app"] and settings["reminders"].

Only this module knows those keys: everything else loads a `Settings` (`read`) and saves
one through `coach.reminders.actions.update_settings` (validated inside the store's lock).
Every parse_* function raises UsageError with one sentence saying what was wrong and
what to write instead, so `coach remind set` can refuse bad input before changing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, tzinfo

from coach.errors import UsageError, closest
from coach.voice import VoiceSettings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_ALIASES = {
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed",
    "thursday": "thu", "thur": "thu", "thurs": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun",
}
MIN_INTERVAL_MIN = 5
MAX_INTERVAL_MIN = 240
MIN_SNOOZE_MIN = 1
MAX_SNOOZE_MIN = 120
MAX_SNOOZES_IN_A_ROW = 3
MAX_PAUSE = timedelta(days=14)


@dataclass(frozen=True)
class QuietPeriod:
    """A stretch of the day with no reminders (lunch, a standing meeting)."""

    start: time
    end: time
    days: tuple[str, ...] = WEEKDAYS  # weekday names this period applies to

    def label(self) -> str:
        span = f"{self.start:%H:%M}-{self.end:%H:%M}"
        if set(self.days) == set(WEEKDAYS):
            return span
        return f"{format_days(self.days)} {span}"


@dataclass(frozen=True)
class Snooze:
    """The last reminder, put off until `until`; `count` snoozes in a row so far."""

    kind: str  # "break" | "routine"
    due: datetime  # when that reminder was first due
    count: int
    until: datetime

    def to_dict(self) -> dict:
        return {"kind": self.kind, "due": self.due.isoformat(), "count": self.count,
                "until": self.until.isoformat()}


@dataclass(frozen=True)
class ReminderSettings:
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    breaks: bool = True
    break_interval_min: int = 30
    routine_times: tuple[time, ...] = (time(12, 30),)
    quiet: tuple[QuietPeriod, ...] = ()
    snooze_min: int = 10
    timezone: str | None = None  # None: the computer's own zone
    paused_until: datetime | None = None
    snooze: Snooze | None = field(default=None)

    def to_dict(self) -> dict:
        return {
            "working_days": list(self.working_days),
            "hours": f"{self.work_start:%H:%M}-{self.work_end:%H:%M}",
            "breaks": self.breaks,
            "break_interval_min": self.break_interval_min,
            "routine_times": [f"{moment:%H:%M}" for moment in self.routine_times],
            "quiet": [period.label() for period in self.quiet],
            "snooze_min": self.snooze_min,
            "timezone": self.timezone,
            "paused_until": self.paused_until.isoformat() if self.paused_until else None,
            "snooze": self.snooze.to_dict() if self.snooze else None,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ReminderSettings:
        """Settings from their stored form; a missing key keeps its default."""
        data = data or {}
        defaults = cls()
        values: dict = {}
        if "working_days" in data:
            values["working_days"] = parse_days(",".join(data["working_days"]))
        if "hours" in data:
            values["work_start"], values["work_end"] = parse_span(data["hours"], "working hours")
        if "breaks" in data:
            values["breaks"] = bool(data["breaks"])
        if "break_interval_min" in data:
            values["break_interval_min"] = parse_interval(data["break_interval_min"])
        if "routine_times" in data:
            values["routine_times"] = tuple(parse_clock(text) for text in data["routine_times"])
        if "quiet" in data:
            values["quiet"] = tuple(parse_quiet(text) for text in data["quiet"])
        if "snooze_min" in data:
            values["snooze_min"] = parse_snooze_minutes(data["snooze_min"])
        if data.get("timezone"):
            values["timezone"] = parse_timezone(data["timezone"])
        if data.get("paused_until"):
            values["paused_until"] = _parse_instant(data["paused_until"], "paused_until")
        if data.get("snooze"):
            stored = data["snooze"]
            values["snooze"] = Snooze(
                kind=str(stored["kind"]),
                due=_parse_instant(stored["due"], "snooze.due"),
                count=int(stored["count"]),
                until=_parse_instant(stored["until"], "snooze.until"),
            )
        return replace(defaults, **values)

    def zone(self) -> tzinfo:
        """The person's time zone: the one they set, else the computer's."""
        if self.timezone:
            from zoneinfo import ZoneInfo

            return ZoneInfo(self.timezone)
        from tzlocal import get_localzone  # an APScheduler 3.x dependency

        return get_localzone()

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until


@dataclass(frozen=True)
class AppSettings:
    """How sessions sound: the bell at each phase change and the voice."""

    bell: bool = True
    voice: VoiceSettings = field(default_factory=VoiceSettings)

    @classmethod
    def from_dict(cls, data: dict | None) -> AppSettings:
        """From settings["app"]; a damaged voice value falls back to its default."""
        data = data or {}
        return cls(bell=bool(data.get("bell", True)), voice=VoiceSettings.from_app(data))

    def to_dict(self) -> dict:
        return {"bell": self.bell, **self.voice.to_app()}


@dataclass(frozen=True)
class Settings:
    """Everything the person set that is not the profile."""

    app: AppSettings = field(default_factory=AppSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)

    @classmethod
    def from_dict(cls, data: dict | None) -> Settings:
        """From the stored settings; UsageError (one sentence) when a reminder value is wrong."""
        data = data or {}
        return cls(app=AppSettings.from_dict(data.get("app")),
                   reminders=ReminderSettings.from_dict(data.get("reminders")))

    def stored(self, previous: dict | None = None) -> dict:
        """The stored form, keeping whatever else `previous` holds (keys of newer versions)."""
        previous = previous or {}
        return {**previous, "app": {**(previous.get("app") or {}), **self.app.to_dict()},
                "reminders": self.reminders.to_dict()}


def read(store) -> Settings:
    """The saved settings (defaults for what was never set)."""
    return Settings.from_dict(store.load_settings())


def check_imported(settings: dict) -> None:
    """Imported settings, read the way coach reads them (UsageError when not valid)."""
    reminders = settings.get("reminders")
    if reminders is not None and not isinstance(reminders, dict):
        raise UsageError("the reminder settings are not an object")
    ReminderSettings.from_dict(reminders)


# The reminder schedule as typed text (the settings screen and onboarding): each key of
# ReminderSettings.to_dict() shown as one line of text.

def field_text(key: str, value) -> str:
    """A stored reminder value as the text shown in its input."""
    if key == "working_days":
        return format_days(tuple(value))
    if key == "quiet":
        return "; ".join(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def parse_field(key: str, text: str):
    """Typed text -> the stored form; ReminderSettings.from_dict then validates it."""
    text = text.strip()
    if key == "working_days":
        return list(parse_days(text))
    if key == "routine_times":
        return [part.strip() for part in text.split(",") if part.strip()]
    if key == "quiet":
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def with_fields(reminders: ReminderSettings, changes: dict) -> ReminderSettings:
    """`reminders` with the typed fields in `changes` (text, or a value as stored), validated
    by the same parsers as `coach remind set`; UsageError with one sentence when wrong."""
    updated = reminders.to_dict()
    for key, value in changes.items():
        updated[key] = parse_field(key, value) if isinstance(value, str) else value
    return ReminderSettings.from_dict(updated)


def format_days(days: tuple[str, ...]) -> str:
    ordered = [day for day in WEEKDAYS if day in days]
    if ordered == list(WEEKDAYS[:5]):
        return "mon-fri"
    if ordered == list(WEEKDAYS):
        return "every day"
    return ",".join(ordered)


def parse_clock(text: str) -> time:
    """ "09:30" -> time(9, 30); anything else is a usage error."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise UsageError(
            f"{str(text).strip()!r} is not a time of day; "
            "write it as HH:MM between 00:00 and 23:59."
        )
    return time(int(match[1]), int(match[2]))


def parse_span(text: str, what: str) -> tuple[time, time]:
    """ "09:00-17:30" -> (start, end); the end must come after the start on the same day."""
    parts = str(text).split("-")
    if len(parts) != 2:
        raise UsageError(f"{what} {text!r} should be two times like 09:00-17:30.")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end <= start:
        raise UsageError(
            f"in {what} {text.strip()!r} the end comes before the start; the second time "
            "must be later the same day (like 09:00-17:30)."
        )
    return start, end


def _parse_day(word: str) -> str:
    key = word.strip().lower()
    key = _WEEKDAY_ALIASES.get(key, key)
    if key not in WEEKDAYS:
        hint = closest(key, list(WEEKDAYS) + list(_WEEKDAY_ALIASES))
        suggestion = f" (did you mean {_WEEKDAY_ALIASES.get(hint, hint)}?)" if hint else ""
        raise UsageError(
            f"unknown weekday {word.strip()!r}{suggestion}; use mon, tue, wed, thu, fri, sat, sun."
        )
    return key


def parse_days(text: str) -> tuple[str, ...]:
    """ "mon-fri", "mon,wed,fri", "weekdays", "every day" -> weekday names in week order."""
    key = str(text).strip().lower()
    if key in ("weekdays", "workdays"):
        return WEEKDAYS[:5]
    if key in ("every day", "everyday", "daily", "all"):
        return WEEKDAYS
    if key in ("weekend", "weekends"):
        return WEEKDAYS[5:]
    chosen: set[str] = set()
    for part in filter(None, (piece.strip() for piece in key.split(","))):
        if "-" in part:
            first, last = (_parse_day(word) for word in part.split("-", 1))
            begin, finish = WEEKDAYS.index(first), WEEKDAYS.index(last)
            if finish < begin:
                raise UsageError(
                    f"the day range {part!r} runs backwards; write it from the earlier day "
                    "(like mon-fri)."
                )
            chosen.update(WEEKDAYS[begin:finish + 1])
        else:
            chosen.add(_parse_day(part))
    if not chosen:
        raise UsageError("no working days given; name at least one day, like mon-fri.")
    return tuple(day for day in WEEKDAYS if day in chosen)


def parse_quiet(text: str) -> QuietPeriod:
    """ "12:00-13:00" (every day) or "mon,wed 10:00-10:30"."""
    words = str(text).strip().rsplit(" ", 1)
    days = parse_days(words[0]) if len(words) == 2 else WEEKDAYS
    start, end = parse_span(words[-1], "the quiet period")
    return QuietPeriod(start, end, days)


def _parse_whole(value, what: str, low: int, high: int, unit: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a whole number of {unit}.") from None
    if not low <= number <= high:
        raise UsageError(f"{what} must be between {low} and {high} {unit}, not {number}.")
    return number


def parse_interval(value) -> int:
    return _parse_whole(value, "the break interval", MIN_INTERVAL_MIN, MAX_INTERVAL_MIN, "minutes")


def parse_snooze_minutes(value) -> int:
    return _parse_whole(value, "the snooze", MIN_SNOOZE_MIN, MAX_SNOOZE_MIN, "minutes")


def parse_timezone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {name!r}; use a name like Europe/London or America/New_York."
        ) from None
    return str(name)


def parse_pause(text: str, now: datetime, zone: tzinfo) -> datetime:
    """ "30m", "2h", "1h30m" or "tomorrow" -> the moment the pause ends (aware)."""
    key = str(text).strip().lower()
    if key == "tomorrow":
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        return local_moment(tomorrow, time(0, 0), zone)
    match = re.fullmatch(r"(?:(\d{1,6})h)?\s*(?:(\d{1,6})m(?:in)?)?", key)
    if not key or not match or not (match[1] or match[2]):
        raise UsageError(
            f"cannot read the pause {text!r}; write it like 30m, 2h, 1h30m or tomorrow."
        )
    length = timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))
    if length <= timedelta(0) or length > MAX_PAUSE:
        raise UsageError(
            f"a pause must be longer than 0 minutes and at most 14 days, not {text!r}."
        )
    return now + length


def local_moment(day, clock: time, zone: tzinfo) -> datetime:
    """The instant `clock` happens on `day` in `zone`.

    A clock time skipped by a daylight-saving jump moves forward by the jump (01:30 on
    the spring-forward day in London is 02:30 BST), like a wall clock would.
    """
    naive = datetime.combine(day, clock)
    moment = naive.replace(tzinfo=zone)
    from datetime import UTC

    round_trip = moment.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:  # the time does not exist that day
        return round_trip
    return moment


def _parse_instant(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise UsageError(
            f"the stored reminder setting {what} {text!r} is not a date and time."
        ) from None
    if moment.tzinfo is None:
        raise UsageError(f"the stored reminder setting {what} {text!r} has no time zone.")
    return moment
