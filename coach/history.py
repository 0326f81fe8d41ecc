"""The history a person can read and correct: ratings, sessions and check-ins by day.

One function per question, called by `coach history`, `coach log --undo` and the
history screen alike. A correction never erases silently: deleting a rating stores a
"rating-deleted" event with the rating as it was (Store.delete_rating), and an edit is
a deletion plus a new rating, so the audit trail shows both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from coach.errors import UsageError
from coach.model import duration_text
from coach.sessions import counts_as_done

MAX_DAYS = 3660


def history_since(today: date, days: int, tz: tzinfo) -> datetime:
    """The start of the window of `days` days ending today (local)."""
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be a whole number from 1 to {MAX_DAYS:,}, not {days}.")
    return datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=tz)


def history_entries(ratings: Iterable, sessions: Iterable, events: Iterable,
                    tz: tzinfo) -> list[dict]:
    """Every rating, session and deletion as one flat list, newest first."""
    entries = []
    for rating in ratings:
        kind = "check-in" if rating.phase == "check-in" else "rating"
        entries.append({
            "kind": kind, "id": rating.id, "at": rating.at.isoformat(),
            "day": rating.at.astimezone(tz).date().isoformat(), "area": rating.area,
            "rating": rating.rating, "phase": rating.phase, "note": rating.note,
            "session_id": rating.session_id,
        })
    for record in sessions:
        entries.append({
            "kind": "session", "id": record.id, "at": record.started_at.isoformat(),
            "day": record.started_at.astimezone(tz).date().isoformat(),
            "status": record.status, "done_s": record.done_s, "planned_s": record.planned_s,
            "counts": counts_as_done(record),
            "steps_done": sum(1 for step in record.steps if step.get("completed")),
            "steps": len(record.steps),
        })
    for event in events:
        if event.kind != "rating-deleted":
            continue
        deleted = event.rating  # the rating as it was
        entries.append({
            "kind": "deleted", "id": deleted.id, "at": event.at.isoformat(),
            "day": event.at.astimezone(tz).date().isoformat(), "area": deleted.area,
            "rating": deleted.rating, "phase": deleted.phase, "note": deleted.note,
        })
    entries.sort(key=lambda entry: datetime.fromisoformat(entry["at"]), reverse=True)
    return entries


def entry_text(entry: dict, tz: tzinfo, area_label=str) -> str:
    """One line for one entry (the CLI and the screen show the same words)."""
    clock = datetime.fromisoformat(entry["at"]).astimezone(tz).strftime("%H:%M")
    if entry["kind"] == "session":
        status = {"finished": "finished", "ended-early": "ended early",
                  "in-progress": "not finished"}.get(entry["status"], entry["status"])
        counted = "" if entry["counts"] else " (too short to count)"
        return (f"{clock}  session {status}: {duration_text(entry['done_s'])} of "
                f"{duration_text(entry['planned_s'])}, {entry['steps_done']} of "
                f"{entry['steps']} steps{counted}")
    what = "check-in" if entry["kind"] == "check-in" else entry["phase"]
    note = f"  \"{entry['note']}\"" if entry.get("note") else ""
    if entry["kind"] == "deleted":
        return (f"{clock}  deleted a rating: {entry['rating']}/10 "
                f"{area_label(entry['area'])} ({entry['phase']}){note}")
    # the number first: a long area name may be shortened on a narrow screen, never the number
    return f"{clock}  {entry['rating']}/10 {area_label(entry['area'])} ({what}){note}"


def by_day(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    """Entries grouped by local day, newest day first (entries keep their order)."""
    days: dict[str, list[dict]] = {}
    for entry in entries:
        days.setdefault(entry["day"], []).append(entry)
    return list(days.items())


def last_rating(ratings: Iterable):
    """The rating given last (by when it was stored: its time), or None."""
    ratings = list(ratings)
    return max(ratings, key=lambda rating: rating.at) if ratings else None


def delete_rating(store, rating_id: str, at: datetime):
    """Delete one rating, keeping an audit event; returns the rating as it was."""
    return store.delete_rating(rating_id, at)


def edit_rating(store, rating, value: int, at: datetime, note: str | None = None):
    """Correct a rating's value (and note): the old one is deleted with an audit event and a
    new one stored in its place, at the same moment, area and phase."""
    changed = rating._replace(rating=value, id="",
                              note=rating.note if note is None else note)
    from coach.store import validate_rating

    validate_rating(changed)  # refuse before deleting anything
    store.delete_rating(rating.id, at)
    return store.add_rating(changed)
