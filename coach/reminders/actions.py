"""Answering the last reminder: done, snooze or skip, the same from the CLI and the app.

A reminder is settled once it is skipped or marked done: a later answer to it is refused
with a sentence saying which was given. A snooze does not settle it: snoozing again moves
the snooze, and skip or done after a snooze settle it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from coach.errors import UsageError

# The last reminder can be snoozed, skipped or marked done for this long after it came.
RECENT = timedelta(hours=2)
SETTLED = {"skipped": "skipped", "acted": "marked done"}


def when_text(moment: datetime, now: datetime) -> str:
    """One wording for a time near now: "14:30 today", "09:00 tomorrow", "09:00 on Mon 02 Mar"."""
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return f"{local:%H:%M} today"
    if local.date() == now.date() + timedelta(days=1):
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {local:%a %d %b}"


def last_sent(store, now: datetime) -> dict:
    """The last reminder sent in the last two hours, if it is not settled yet."""
    events = store.events(since=now - RECENT)
    sent = [event for event in events if event["kind"] == "sent"]
    if not sent:
        raise UsageError("there is no reminder from the last 2 hours to act on.")
    last = sent[-1]
    sent_at = datetime.fromisoformat(last["at"])
    for event in events:
        if (event["kind"] in SETTLED and event.get("due") == last.get("due")
                and event.get("reminder") == last.get("reminder")
                and datetime.fromisoformat(event["at"]) >= sent_at):
            raise UsageError(f"the last {last['reminder']} reminder was already "
                             f"{SETTLED[event['kind']]}; it needs no other answer.")
    return last


def snooze_last(store, settings, now: datetime, minutes: int | None = None) -> str:
    from coach.reminders.settings import MAX_SNOOZES_IN_A_ROW, Snooze

    length = minutes if minutes is not None else settings.snooze_min
    last = last_sent(store, now)
    count = int(last.get("snoozes", 0)) + 1
    if count > MAX_SNOOZES_IN_A_ROW:
        raise UsageError(
            f"this reminder was already snoozed {MAX_SNOOZES_IN_A_ROW} times in a row; take the "
            "break now, or skip it with 'coach remind skip'."
        )
    until = now + timedelta(minutes=length)
    chosen = Snooze(kind=last["reminder"], due=datetime.fromisoformat(last["due"]),
                    count=count, until=until)
    _save_reminders(store, lambda current: {**current, "snooze": chosen.to_dict()})
    store.add_event("snoozed", now, reminder=chosen.kind, due=last["due"], snoozes=count,
                    until=until.isoformat())
    return (f"Snoozed the {chosen.kind} reminder until {when_text(until, now)} "
            f"({count} of {MAX_SNOOZES_IN_A_ROW} in a row).")


def skip_last(store, now: datetime) -> str:
    last = last_sent(store, now)
    _save_reminders(store, lambda current: {**current, "snooze": None})
    store.add_event("skipped", now, reminder=last["reminder"], due=last["due"],
                    snoozes=last.get("snoozes", 0), by="person")
    return f"Skipped the {last['reminder']} reminder."


def done_last(store, now: datetime) -> str:
    last = last_sent(store, now)
    store.add_event("acted", now, reminder=last["reminder"], due=last["due"],
                    snoozes=last.get("snoozes", 0), via="person")
    return f"Noted: you acted on the {last['reminder']} reminder. Well done."


def _save_reminders(store, change) -> dict:
    """Apply change(stored reminder dict) -> new dict, validated as a whole before saving."""
    from coach.reminders.settings import ReminderSettings

    def apply(all_settings: dict) -> dict:
        current = dict(all_settings.get("reminders") or {})
        updated = change(current)
        ReminderSettings.from_dict(updated)  # raises UsageError: then nothing is written
        return {**all_settings, "reminders": updated}

    return store.update_settings(apply)["reminders"]
