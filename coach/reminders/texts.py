"""The words of each reminder.

A break suggests a movement break from the library most of the time, rotating, and now
and then a short seated micro-routine for the area that hurts most right now (the latest
rating of each area), within the dosage and safety rules (suggestions.py). Breaks are
offered as comfort and movement, not as a cure (DOMAIN.md 5). After a busy spell the
reminder says how long it waited; after three skips in a row it asks instead of telling.
Anything going wrong here (no profile, a broken library) falls back to a plain "stand up
and move": a reminder is never lost for want of a suggestion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from coach.model import Profile
from coach.reminders.planner import BREAK, Reminder, span_text
from coach.reminders.suggestions import (
    MOVEMENT,
    PastBreak,
    Suggestion,
    choose,
    may_suggest_pressure,
    movements_from,
    skips_in_a_row,
)

MICRO_ROUTINE_S = 120
LATEST_RATINGS = timedelta(days=3)  # "right now": ratings older than this are stale
PLAIN_BREAK = "Stand up, walk a few steps and look at something far away for 20 seconds."
SNOOZE_HINT = "Later: coach remind snooze"
WHY_BREAKS = "Breaks are for comfort and movement."
BREAK_TITLE = "coach: time for a short break"
KIND_TITLE = "coach: a short break, if you can?"
CATCH_UP_TITLE = "coach: a break now that you are free?"
KIND_AFTER_SKIPS = 3  # skips in a row before the reminder asks instead of telling
PAST_BREAKS = timedelta(days=2)  # how far back suggestions are remembered (today, yesterday)

log = logging.getLogger("coach.reminders")


@dataclass(frozen=True)
class Notice:
    """A reminder as the person sees it (notification and app)."""

    kind: str
    due: datetime
    at: datetime
    title: str
    body: str
    area: str | None = None  # the area the micro-routine is for, if any
    snoozes: int = 0
    suggestion: str | None = None  # a movement id or "pressure" (break reminders)
    muscles: tuple[str, ...] = ()  # the muscles a pressure suggestion names


def compose(store, reminder: Reminder, now: datetime, zone: tzinfo) -> Notice:
    suggestion: Suggestion | None = None
    try:
        if reminder.kind == BREAK:
            title, body, area, suggestion = _break_text(store, now, zone)
        else:
            title, body, area = _routine_text(store, now, zone)
    except Exception as error:  # a suggestion is optional; the reminder itself is not
        log.warning("could not build the reminder's suggestion: %s: %s",
                    type(error).__name__, error)
        title, body, area = _fallback(reminder.kind)
    if reminder.kind == BREAK:
        title, body = _framing(store, reminder, now, title, body)
    if reminder.snoozes:
        title += " (snoozed)"
    return Notice(reminder.kind, reminder.due, now, title, body, area, reminder.snoozes,
                  suggestion.id if suggestion is not None else None,
                  suggestion.muscles if suggestion is not None else ())


def _framing(store, reminder: Reminder, now: datetime, title: str, body: str) -> tuple[str, str]:
    """A catch-up says how long it waited; after a run of skips the reminder asks kindly."""
    if reminder.busy_s:
        length = span_text(timedelta(seconds=reminder.busy_s))
        return CATCH_UP_TITLE, f"You were busy for {length}: a 2-minute break now? {body}"
    try:
        skips = skips_in_a_row(store.events(since=now - timedelta(days=7)))
    except Exception:
        skips = 0
    if skips >= KIND_AFTER_SKIPS:
        return KIND_TITLE, f"No need to stop for long; even a minute helps. {body}"
    return title, body


def worst_area(ratings) -> str | None:
    """The area whose latest rating is highest (the more recent wins a tie); None if all are 0."""
    latest: dict[str, object] = {}
    for rating in sorted(ratings, key=lambda rating: rating.at):
        latest[rating.area] = rating
    if not latest:
        return None
    best = max(latest.values(), key=lambda rating: (rating.rating, rating.at))
    return best.area if best.rating > 0 else None


def _fallback(kind: str) -> tuple[str, str, None]:
    if kind == BREAK:
        return BREAK_TITLE, f"{PLAIN_BREAK} {WHY_BREAKS}\n{SNOOZE_HINT}", None
    body = f"Open coach to start today's routine.\n{SNOOZE_HINT}"
    return "coach: time for your routine", body, None


def _break_text(store, now: datetime, zone: tzinfo):
    """(title, body, area, suggestion): a movement break, or now and then a micro-routine."""
    from coach.catalog import load_catalog

    profile = store.load_profile()
    catalog = load_catalog()
    day = now.astimezone(zone).date()
    history = store.builder_history(day, zone)
    area = worst_area(store.ratings(since=now - LATEST_RATINGS))
    routine = _micro_routine(profile or Profile(), area, day, history, catalog) if area else None
    muscles = tuple(dict.fromkeys(step.muscle for step in routine.steps)) if routine else ()
    suggestion = choose(movements_from(catalog), past_breaks(store, now, zone), day, muscles,
                        history.last_done,
                        may_suggest_pressure(profile, catalog, history, day, area))
    if suggestion is None:
        return (*_fallback(BREAK)[:2], None, None)
    if suggestion.kind == MOVEMENT:
        movement = suggestion.movement
        length = span_text(timedelta(seconds=movement.seconds))
        body = f"{movement.name}: {movement.how} About {length}. {WHY_BREAKS}\n{SNOOZE_HINT}"
        return BREAK_TITLE, body, None, suggestion
    area_label = catalog.areas[area].label if area in catalog.areas else area
    minutes = max(1, round(routine.total_s / 60))
    body = (f"Your {area_label.lower()} has hurt most lately. Stand up and move, then try "
            f"{minutes} min seated: {_muscles(routine.steps, catalog)}. Moving eases "
            f"stiffness.\n{SNOOZE_HINT}")
    return BREAK_TITLE, body, area, suggestion


def _micro_routine(profile: Profile, area: str, day, history, catalog):
    from coach.builder import build_routine

    micro = Profile(areas=(area,), habits=profile.habits, tools=profile.tools,
                    minutes=profile.minutes, desk_only=True, cautions=profile.cautions)
    return build_routine(micro, day, history, catalog, budget_s=MICRO_ROUTINE_S)


def past_breaks(store, now: datetime, zone: tzinfo) -> list[PastBreak]:
    """What the break reminders of today and yesterday suggested (their "sent" events)."""
    found = []
    for event in store.events(since=now - PAST_BREAKS):
        if event.kind == "sent" and event.reminder == BREAK and event.suggestion:
            day = event.at.astimezone(zone).date()
            found.append(PastBreak(day, event.suggestion, event.muscles or ()))
    return found


def _muscles(steps, catalog) -> str:
    parts: list[str] = []
    seen: dict[tuple[str, str], list[str]] = {}
    for step in steps:
        key = (step.muscle_name, step.tool)
        if key not in seen:
            seen[key] = []
        if step.side != "both":
            seen[key].append(step.side)
    for (name, tool), sides in seen.items():
        tool_label = catalog.tools[tool].label.lower() if tool in catalog.tools else tool
        side_text = f", {' then '.join(sides)}" if sides else ""
        parts.append(f"{name.lower()}{side_text} (with {tool_label})")
    return "; ".join(parts)


def _routine_text(store, now: datetime, zone: tzinfo) -> tuple[str, str, None]:
    profile = store.load_profile() or Profile()
    from coach.builder import build_routine
    from coach.catalog import load_catalog

    catalog = load_catalog()
    day = now.astimezone(zone).date()
    routine = build_routine(profile, day, store.builder_history(day, zone), catalog)
    minutes = max(1, round(routine.total_s / 60)) if routine.steps else profile.minutes
    areas = sorted(routine.seconds_by_area(), key=lambda area: -routine.seconds_by_area()[area])
    labels = [catalog.areas[area].label.lower() for area in areas if area in catalog.areas]
    focus = f" ({', '.join(labels[:3])})" if labels else ""
    body = f"Your {minutes}-minute routine is ready{focus}. Open coach to start.\n{SNOOZE_HINT}"
    return "coach: time for your routine", body, None
