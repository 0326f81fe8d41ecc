"""Session rules both faces share: what counts as done, streaks, resuming where you stopped.

A session counts as done only by the time actually done on its steps: at least
COUNTS_AS_DONE_S seconds (3 minutes) of timed step work, whatever its status. A session
ended after ten seconds, or with every step skipped, is kept in the history but is not a
session done: it does not extend the streak, is not counted in the weekly report, and
does not stand in for the day's routine reminder. Three minutes is the length below which
the library's micro-routines sit, so a real routine always passes it when it is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta, tzinfo

from coach.model import Routine

COUNTS_AS_DONE_S = 180


def counts_as_done(record) -> bool:
    """True when the session's time actually done reaches the threshold."""
    return (record.done_s or 0) >= COUNTS_AS_DONE_S


def sessions_done(records: Iterable) -> list:
    """Only the sessions that count as done, in the given order."""
    return [record for record in records if counts_as_done(record)]


def streak_days(sessions: Iterable, today: date, tz: tzinfo) -> int:
    """Days in a row, ending today (or yesterday if nothing yet today), with a session done."""
    worked = {record.started_at.astimezone(tz).date() for record in sessions_done(sessions)}
    day = today if today in worked else today - timedelta(days=1)
    count = 0
    while day in worked:
        count += 1
        day -= timedelta(days=1)
    return count


# An area counts as worked (and gets its "after" rating) when one of its steps was done
# or this much time was spent on its steps: a step skipped at once is not work.
AREA_WORKED_S = 30


def area_worked(seconds: Iterable[float], completed: Iterable[bool]) -> bool:
    """True when any step of the area was completed or AREA_WORKED_S were spent on them."""
    return any(completed) or sum(seconds) >= AREA_WORKED_S


# ----------------------------------------------------------------- resuming

def step_left(step: dict) -> bool:
    """A saved step still to do: neither done nor skipped by the person."""
    return not step.get("completed") and not step.get("skipped")


def find_resumable(sessions_today: Iterable):
    """Today's newest session that stopped with steps still to do (quit, crash or power cut)."""
    for record in sorted(sessions_today, key=lambda record: record.started_at, reverse=True):
        if record.status == "finished":
            return None  # a finished session after the interrupted one: nothing to resume
        if any(step_left(step) for step in record.steps):
            return record
    return None


def resume_step(steps: list[dict]) -> int:
    """Where to pick up: the first step neither done nor skipped (len(steps) if none)."""
    return next((index for index, step in enumerate(steps) if step_left(step)), len(steps))


def resume_summary(record) -> dict:
    """What the resume line says: steps done and skipped, the step to go on with."""
    steps = record.steps
    return {
        "done": sum(1 for step in steps if step.get("completed")),
        "skipped": sum(1 for step in steps if step.get("skipped") and not step.get("completed")),
        "total": len(steps),
        "next": resume_step(steps) + 1,
    }


def routine_for_resume(record, candidates: list[Routine]) -> Routine | None:
    """The routine an interrupted session was running, with its steps in the recorded order.

    The builder is deterministic, but ratings and steps done during the session change
    today's history, so a rebuild may differ: try each candidate build and keep the first
    that has every recorded (muscle, side); None if none does (the plan changed since).
    """
    wanted = [(step.get("muscle"), step.get("side")) for step in record.steps]
    for routine in candidates:
        by_key = {(step.muscle, step.side): step for step in routine.steps}
        if all(key in by_key for key in wanted):
            return Routine(day=routine.day, minutes=routine.minutes,
                           steps=tuple(by_key[key] for key in wanted), notes=routine.notes)
    return None


# ----------------------------------------------------------------- summary

def session_summary(record, ratings: Iterable, area_label=str) -> dict:
    """What the summary screen shows after a session: time, steps, pain before and after."""
    steps = record.steps
    given = [rating for rating in ratings if rating.session_id == record.id]
    areas: dict[str, dict] = {}
    for step in steps:
        area = step.get("area")
        entry = areas.setdefault(area, {"area": area, "label": area_label(area),
                                        "before": None, "after": None, "seconds": 0})
        entry["seconds"] += int(step.get("seconds") or 0)
    for rating in sorted(given, key=lambda rating: rating.at):
        if rating.phase in ("before", "after") and rating.area in areas:
            areas[rating.area][rating.phase] = rating.rating
    return {
        "done_s": record.done_s,
        "planned_s": record.planned_s,
        "counts": counts_as_done(record),
        "steps_done": sum(1 for step in steps if step.get("completed")),
        "steps_skipped": sum(1 for step in steps
                             if step.get("skipped") and not step.get("completed")),
        "steps_left": sum(1 for step in steps if step_left(step)),
        "steps": len(steps),
        "status": record.status,
        "areas": list(areas.values()),
    }
