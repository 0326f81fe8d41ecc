"""The words of each reminder.

A break suggests a short seated micro-routine for the area that hurts most right now
(the latest rating of each area); breaks are offered as comfort and movement, not as a
cure (DOMAIN.md 5). Anything going wrong here (no profile, a broken library) falls back
to a plain "stand up and move": a reminder is never lost for want of a suggestion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from coach.model import Profile
from coach.reminders.planner import BREAK, Reminder

MICRO_ROUTINE_S = 120
LATEST_RATINGS = timedelta(days=3)  # "right now": ratings older than this are stale
PLAIN_BREAK = "Stand up, walk a few steps and look at something far away for 20 seconds."
SNOOZE_HINT = "Later: coach remind snooze"

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


def compose(store, reminder: Reminder, now: datetime, zone: tzinfo) -> Notice:
    try:
        if reminder.kind == BREAK:
            title, body, area = _break_text(store, now, zone)
        else:
            title, body, area = _routine_text(store, now, zone)
    except Exception as error:  # a suggestion is optional; the reminder itself is not
        log.warning("could not build the reminder's suggestion: %s: %s",
                    type(error).__name__, error)
        title, body, area = _fallback(reminder.kind)
    if reminder.snoozes:
        title += " (snoozed)"
    return Notice(reminder.kind, reminder.due, now, title, body, area, reminder.snoozes)


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
        return "coach: time for a short break", f"{PLAIN_BREAK}\n{SNOOZE_HINT}", None
    body = f"Open coach to start today's routine.\n{SNOOZE_HINT}"
    return "coach: time for your routine", body, None


def _break_text(store, now: datetime, zone: tzinfo) -> tuple[str, str, str | None]:
    profile = store.load_profile() or Profile()
    area = worst_area(store.ratings(since=now - LATEST_RATINGS))
    if area is None:
        return (*_fallback(BREAK)[:2], None)
    from coach.builder import build_routine
    from coach.catalog import load_catalog

    catalog = load_catalog()
    day = now.astimezone(zone).date()
    micro = Profile(areas=(area,), habits=profile.habits, tools=profile.tools,
                    minutes=profile.minutes, desk_only=True, cautions=profile.cautions)
    routine = build_routine(micro, day, store.builder_history(day, zone), catalog,
                            budget_s=MICRO_ROUTINE_S)
    area_label = catalog.areas[area].label if area in catalog.areas else area
    if not routine.steps:
        return ("coach: time for a short break",
                f"{PLAIN_BREAK}\n{SNOOZE_HINT}", area)
    minutes = max(1, round(routine.total_s / 60))
    muscles = _muscles(routine.steps, catalog)
    body = (f"Your {area_label.lower()} has hurt most lately. Stand up and move, then try "
            f"{minutes} min seated: {muscles}. Moving eases stiffness.\n{SNOOZE_HINT}")
    return "coach: time for a short break", body, area


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
