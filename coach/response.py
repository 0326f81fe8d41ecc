"""What works for this person: pain before and after each session, per muscle and technique.

Pure: it reads ratings, sessions and soreness answers already loaded, and returns plain
values (model.History, model.Response) the builder and the trends use.

A session's change in an area is its last "after" rating minus its first "before" rating.
It is credited only to the muscles completed in that area in that session: a skipped step
is not credited, and a session whose steps were all skipped is credited to no muscle.
A muscle's record is trusted after MIN_SESSIONS sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from coach.model import History, Response

if TYPE_CHECKING:  # fractions (with decimal and numbers) is imported only when a mean is
    from fractions import Fraction  # asked for: `coach today` starts without it

MIN_SESSIONS = 3  # trust a muscle's record from this many sessions
WORSE_POINTS = 1  # after worse than before by this much: the muscle made it worse
HELPS_POINTS = 1  # a mean drop of this much over MIN_SESSIONS+ sessions: it helps
REST_DAYS = 3  # after a muscle made pain worse twice in three sessions: no pressure this long
DROP_WORSE = 3  # ... worse in this many of its last DROP_WINDOW sessions: left out
DROP_WINDOW = 4
HISTORY_DAYS = 7  # resting pain: the mean over these days
SORE_LASTING_H = 48  # soreness still there after this long means too much
SORE_DAYS = 7  # a soreness answer lowers the next dose for this long at most
SORENESS_LEVELS = ("none", "some", "a-lot")


def made_worse(record: Response) -> bool:
    """After worse than before by 1 or more in 2 of the last 3 sessions."""
    return sum(1 for change in record.changes[-3:] if change >= WORSE_POINTS) >= 2


def dropped(record: Response) -> bool:
    """It keeps making things worse: worse in 3 of its last 4 sessions."""
    recent = record.changes[-DROP_WINDOW:]
    return sum(1 for change in recent if change >= WORSE_POINTS) >= DROP_WORSE


def resting(record: Response, day: date) -> bool:
    """Rested for REST_DAYS days after the session that made it worse."""
    return (made_worse(record) and record.last_day is not None
            and 0 <= (day - record.last_day).days <= REST_DAYS)


def mean(values: Iterable[int]) -> Fraction | None:
    """The exact mean (a Fraction), or None for no values."""
    from fractions import Fraction

    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


# The builder asks the three below about every muscle with a record, so they keep to whole
# numbers (exact, as the mean is): total/count <= -1 is total <= -count; a/b as a float is
# correctly rounded, as float(Fraction(a, b)) is; a/b < c/d is a*d < c*b for counts > 0.


def helps(record: Response) -> bool:
    """A mean drop of 1 point or more over at least 3 sessions, and not making it worse."""
    changes = record.changes
    return (len(changes) >= MIN_SESSIONS
            and sum(changes) <= -HELPS_POINTS * len(changes) and not made_worse(record))


def helped_text(record: Response) -> str:
    """ "helped you in 4 of 5 sessions, by 2 points on average" """
    helped = sum(1 for change in record.changes if change < 0)
    average = -(sum(record.changes) / len(record.changes)) if record.changes else -0.0
    points = f"{average:.0f}" if abs(average - round(average)) < 0.05 else f"{average:.1f}"
    unit = "point" if points == "1" else "points"
    return (f"helped you in {helped} of {len(record.changes)} sessions, by {points} {unit} "
            "on average")


def worse_text(record: Response) -> str:
    worse = sum(1 for change in record.changes[-3:] if change >= WORSE_POINTS)
    return f"your pain rose after it in {worse} of your last {len(record.changes[-3:])} sessions"


def best_technique(record: Response | None, techniques: Iterable[str]) -> str | None:
    """The technique that has done best for this person (trusted records only), or None."""
    if record is None:
        return None
    best: tuple[int, int, str] | None = None  # (total, count, technique): the lowest mean
    for technique in techniques:
        values = record.by_technique.get(technique, ())
        if len(values) < MIN_SESSIONS:
            continue
        total, count = sum(values), len(values)
        if best is None or total * best[1] < best[0] * count or (
                total * best[1] == best[0] * count and technique < best[2]):
            best = (total, count, technique)  # on a tie of means, the first by name
    return None if best is None else best[2]


# --- from stored records to the builder's History -----------------------------------------

def session_changes(ratings: Iterable) -> list[dict]:
    """One (after - before) per session and area: the first "before" and the last "after".

    Each item: {"session_id", "area", "change", "day"} where day is the local date of
    the "before" rating (the week the session counts in), plus the after rating's
    muscle and technique when it names them. The learning here and the trends share it.
    """
    befores: dict[tuple[str, str], object] = {}
    afters: dict[tuple[str, str], object] = {}
    in_sessions = [rating for rating in ratings if rating.session_id]  # then sort: fewer
    for rating in sorted(in_sessions, key=lambda rating: rating.at):
        key = (rating.session_id, rating.area)
        if rating.phase == "before":
            befores.setdefault(key, rating)
        elif rating.phase == "after":
            afters[key] = rating
    changes = []
    for key, before in befores.items():
        after = afters.get(key)
        if after is None:
            continue
        changes.append({
            "session_id": key[0],
            "area": key[1],
            "change": after.rating - before.rating,
            "day": before.at.date(),
            "muscle": after.muscle,
            "technique": after.technique,
        })
    return changes


def completed_in(session, area: str) -> list[dict]:
    """The steps of `session` completed in `area` (a skipped step is never credited)."""
    if session is None:
        return []
    return [step for step in session.steps
            if step.get("area") == area and step.get("completed") and step.get("muscle")]


def responses(ratings: Iterable, sessions: Iterable) -> dict[str, Response]:
    """Per muscle: the change in its area in each session it was completed there."""
    by_id = {session.id: session for session in sessions}
    changes: dict[str, list[tuple[date, int, str | None]]] = {}
    for change in sorted(session_changes(ratings), key=lambda item: item["day"]):
        session = by_id.get(change["session_id"])
        seen: set[str] = set()
        for step in completed_in(session, change["area"]):
            if step["muscle"] in seen:  # both sides of one muscle: one session
                continue
            seen.add(step["muscle"])
            changes.setdefault(step["muscle"], []).append(
                (change["day"], change["change"], step.get("technique")))
    found = {}
    for muscle, items in changes.items():
        by_technique: dict[str, list[int]] = {}
        for _, value, technique in items:
            if technique:
                by_technique.setdefault(technique, []).append(value)
        found[muscle] = Response(
            changes=tuple(value for _, value, _ in items),
            by_technique={key: tuple(values) for key, values in by_technique.items()},
            last_day=items[-1][0],
        )
    return found


def history_for(day: date, tz: tzinfo, ratings: Iterable, sessions: Iterable,
                soreness: Iterable = ()) -> History:
    """The builder's History for `day` from stored ratings, sessions and soreness answers.

    Resting pain is the mean of "before" and "check-in" ratings over the 7 local days ending
    `day` (a rating counts for the local date it was given on); latest and notes come from
    the same days. Sessions after `day` are ignored.
    """
    ratings = sorted(ratings, key=lambda rating: rating.at)
    sessions = [session for session in sessions if session.day <= day]
    first = day - timedelta(days=HISTORY_DAYS - 1)
    totals: dict[str, list[int]] = {}
    latest: dict[str, int] = {}
    notes: dict[str, list[str]] = {}
    for rating in ratings:
        if not first <= rating.at.date() <= day:
            continue
        if rating.note.strip():
            notes.setdefault(rating.area, []).append(rating.note.strip())
        if rating.phase == "after":
            continue
        totals.setdefault(rating.area, []).append(rating.rating)
        latest[rating.area] = rating.rating
    pain = {area: round(sum(values) / len(values), 2) for area, values in totals.items()}

    last_done: dict[str, date] = {}
    done_count: dict[str, int] = {}
    last_dose: dict[str, int] = {}
    for session in sorted(sessions, key=lambda session: session.started_at):
        counted: set[str] = set()
        for step in session.steps:
            muscle = step.get("muscle")
            if not (muscle and step.get("completed")):
                continue
            if muscle not in counted:
                done_count[muscle] = done_count.get(muscle, 0) + 1
                counted.add(muscle)
            if last_done.get(muscle, date.min) <= session.day:
                last_done[muscle] = session.day
                if step.get("hold_s") is not None and step.get("reps") is not None:
                    last_dose[muscle] = int(step["hold_s"]) * int(step["reps"])
                else:  # older sessions did not record the dose: the step's whole time
                    last_dose[muscle] = int(step.get("seconds") or 0)

    sore = sore_areas(day, tz, sessions, soreness)
    return History(
        pain=pain, last_done=last_done, latest=latest,
        notes={area: tuple(values[-3:]) for area, values in notes.items()},
        done_count=done_count, last_dose_s=last_dose,
        response=responses(ratings, sessions), sore=sore,
    )


def sore_areas(day: date, tz: tzinfo, sessions: Iterable, soreness: Iterable
               ) -> dict[str, str]:
    """Areas still sore after the last session there: "a-lot", or "lasting" past 48 hours."""
    started = {session.id: session.started_at for session in sessions}
    since = datetime.combine(day - timedelta(days=SORE_DAYS), time(), tz)
    found: dict[str, str] = {}
    for event in sorted(soreness, key=lambda event: event.at):
        if event.kind != "soreness":
            continue
        at, area, level = event.at, event.area, event.level
        if not area or at < since or at.date() > day:
            continue
        began = started.get(event.session_id)
        lasting = (level in ("some", "a-lot") and began is not None
                   and at - began >= timedelta(hours=SORE_LASTING_H))
        if level == "a-lot":
            found[area] = "a-lot"
        elif lasting:
            found[area] = "lasting"
        else:
            found.pop(area, None)  # a later "none" or "some" answer: no longer lowered
    return found


def soreness_due(day: date, sessions: Iterable, answered: Iterable) -> tuple | None:
    """(session, areas) to ask "still sore from yesterday's session?" about, or None.

    Asked once: the day after a session in which some step was completed, and only when
    no soreness answer has been stored for that session yet.
    """
    yesterday = day - timedelta(days=1)
    done = [session for session in sessions if session.day == yesterday
            and any(step.get("completed") for step in session.steps)]
    if not done:
        return None
    session = max(done, key=lambda session: session.started_at)
    if any(event.session_id == session.id for event in answered):
        return None
    areas = list(dict.fromkeys(step.get("area") for step in session.steps
                               if step.get("completed") and step.get("area")))
    return (session, areas) if areas else None
