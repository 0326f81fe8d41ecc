"""What is due when: the reminder rules on an injected clock, with no I/O and no threads.

The runner calls `due(now)` whenever it wakes (a minute tick or the moment `next_time`
asked for) and tells the planner what happened around it: a finished session
(`session_finished`), a suspend (`woke`), new settings (`update_settings`).

Rules:
- Breaks come every interval of *active* time: a working day, inside working hours, not in
  a quiet period, not paused. Whenever activity starts again (the day begins, a quiet
  period or a pause ends, the machine wakes, a session finishes, any reminder is sent) the
  break timer starts over, so nothing fires straight after a natural break.
- The routine reminder comes at each routine time on working days (APScheduler cron
  triggers in the person's zone). A routine time that falls in a quiet period waits for its
  end. Missed ones (the machine was asleep) come at most once, only the same day, before
  the end of the working day, and not if a routine was already done that day.
- At most one reminder at a time: a routine reminder wins over a break due with it.
- Away (idle for AWAY_AFTER or the screen locked) and busy (do not disturb, full screen)
  come from the runner each tick (`observe`). No reminder is sent while the person is away
  or busy; a due break waits (one at most, never a queue). Away for at least a break's
  length is a break: the timer restarts on return and the waiting break is dropped as
  "missed-away". When being busy ends, the waiting reminder comes once, as a catch-up that
  says how long the person was busy. A routine reminder waits the same way and then
  follows the routine rules above (same day, before the end of the working day, not done).

Every moment is kept in UTC inside: Python compares and adds two datetimes of the same
ZoneInfo by their wall-clock fields, which is wrong across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from coach.reminders.settings import WEEKDAYS, ReminderSettings, local_moment
from coach.sessions import COUNTS_AS_DONE_S

BREAK = "break"
ROUTINE = "routine"
# A session with at least this much time actually done counts as the day's routine
# (the one rule of coach.sessions; micro-routines are shorter).
ROUTINE_SESSION_MIN_S = COUNTS_AS_DONE_S
# A routine reminder set outside working hours stays relevant this long after its time.
ROUTINE_GRACE = timedelta(hours=1)
# No keyboard or mouse for this long: the person is away from the desk.
AWAY_AFTER = timedelta(minutes=1)
# A break's length: away at least this long counts as the break (texts offer 2 minutes).
BREAK_LENGTH = timedelta(minutes=2)
_DST_SHIFT = timedelta(hours=3)  # more than any daylight-saving jump
_HORIZON = timedelta(days=16)  # longer than the longest pause: far enough to find the next break


@dataclass(frozen=True)
class Reminder:
    kind: str  # BREAK | ROUTINE
    due: datetime  # when it first came due (a snoozed reminder keeps this)
    snoozes: int = 0  # how many times in a row it was snoozed before this showing
    busy_s: int = 0  # a catch-up: the person was busy this long while it waited


@dataclass(frozen=True)
class Presence:
    """What the desktop says about the person now (read by the runner at each tick)."""

    idle_s: float | None = None  # no keyboard or mouse for this long; None: nobody can tell
    locked: bool = False
    busy: str | None = None  # why the person should not be disturbed now (None: free)


@dataclass
class Decision:
    """What to do now: send at most one reminder; record the ones dropped and why."""

    send: Reminder | None = None
    skipped: list[tuple[Reminder, str]] = field(default_factory=list)
    deferred: list[tuple[Reminder, str]] = field(default_factory=list)  # began to wait now


class Planner:
    def __init__(
        self,
        settings: ReminderSettings,
        zone: tzinfo,
        now: datetime,
        minute: timedelta = timedelta(minutes=1),
        away_after: timedelta = AWAY_AFTER,
        break_length: timedelta = BREAK_LENGTH,
    ):
        """`minute` is how long one break-interval minute lasts (shortened only by tests)."""
        now = _utc(now)
        self.away_after = away_after
        self.break_length = break_length
        self.away_since: datetime | None = None  # away (idle or locked) since then
        self.busy_since: datetime | None = None
        self.busy_reason: str | None = None
        self.held_break: Reminder | None = None  # a due break waiting for the person
        self.held_since: dict[Reminder, tuple[datetime, str]] = {}  # waiting since, why
        self.catch_up_s = 0  # being busy ended with something waiting: the next one says so
        self.settings = settings
        self.zone = zone
        self.minute = minute
        self._triggers: tuple[ReminderSettings, list] | None = None
        self.break_from = now  # the break timer runs from here
        self.checked_until = now  # routine times and snoozes up to here have been handled
        self.routine_done_on: set[date] = set()  # local days with a finished routine session
        self.pending_routine: Reminder | None = None  # due, waiting for a quiet period to end
        self.pending_break: Reminder | None = None  # a snoozed break that came due

    # --- what happened ------------------------------------------------------------------

    def update_settings(self, settings: ReminderSettings, now: datetime) -> None:
        now = _utc(now)
        was_paused = self.settings.is_paused(now)
        self.settings = settings
        if was_paused and not settings.is_paused(now):
            self.break_from = max(self.break_from, now)  # resuming is a fresh start

    def session_finished(self, finished_at: datetime, done_s: int) -> None:
        """A finished session is a natural break; enough time done makes it the day's routine."""
        finished_at = _utc(finished_at)
        self.break_from = max(self.break_from, finished_at)
        if done_s >= ROUTINE_SESSION_MIN_S:
            self.routine_done_on.add(finished_at.astimezone(self.zone).date())

    def woke(self, slept_from: datetime, woke_at: datetime) -> list[tuple[Reminder, str]]:
        """The machine slept: the person was away, so the break timer starts over."""
        woke_at = _utc(woke_at)
        self.break_from = max(self.break_from, woke_at)
        dropped = []
        for waiting in (self.pending_break, self.held_break):
            if waiting is not None:
                dropped.append((waiting, "the computer was asleep"))
        self.pending_break = self.held_break = None
        return dropped

    def observe(self, now: datetime, presence: Presence) -> list[tuple[Reminder, str]]:
        """Take in whether the person is away or busy now; returns breaks missed while away.

        Coming back after at least a break's length away is a natural break: the timer
        starts over and a break that waited for the person is dropped.
        """
        now = _utc(now)
        missed: list[tuple[Reminder, str]] = []
        idle = timedelta(seconds=presence.idle_s) if presence.idle_s is not None else None
        if presence.locked or (idle is not None and idle >= self.away_after):
            since = now - idle if idle is not None else (self.away_since or now)
            if self.away_since is not None and since > self.away_since + self.away_after:
                missed += self._came_back(since)  # back and away again between two looks
            if self.away_since is None:
                self.away_since = min(since, now)
        elif self.away_since is not None:
            missed += self._came_back(now)

        if presence.busy is not None:
            if self.busy_since is None:
                self.busy_since = now
            self.busy_reason = presence.busy
        elif self.busy_since is not None:
            if self.held_break is not None or self.pending_routine is not None:
                self.catch_up_s = int((now - self.busy_since).total_seconds())
            self.busy_since = self.busy_reason = None
        return missed

    def _came_back(self, back_at: datetime) -> list[tuple[Reminder, str]]:
        away_for = back_at - self.away_since
        self.away_since = None
        if away_for < self.break_length:
            return []  # a short absence: a break that waited comes now
        self.break_from = max(self.break_from, back_at)
        missed = []
        for waiting in (self.held_break, self.pending_break):
            if waiting is not None:
                missed.append((waiting, f"you were away {span_text(away_for)}: that was the break"))
                self.held_since.pop(waiting, None)
        self.held_break = self.pending_break = None
        if self.pending_routine is None:
            self.catch_up_s = 0  # nothing waits any more: the next break is an ordinary one
        return missed

    def waiting_for(self) -> str | None:
        """Why no reminder may be sent now: the person is away or busy (None: free)."""
        if self.away_since is not None:
            return "you are away"
        if self.busy_since is not None:
            return f"you are busy ({self.busy_reason})"
        return None

    def deferred(self) -> list[tuple[Reminder, datetime, str]]:
        """The reminders waiting for the person: (reminder, waiting since, why)."""
        return [(reminder, *self.held_since[reminder]) for reminder in
                (self.pending_routine, self.held_break)
                if reminder is not None and reminder in self.held_since]

    def _hold(self, reminder: Reminder, now: datetime, why: str, decision: Decision) -> None:
        if reminder not in self.held_since:
            self.held_since[reminder] = (now, why)
            decision.deferred.append((reminder, why))

    # --- what is due --------------------------------------------------------------------

    def due(self, now: datetime) -> Decision:
        now = _utc(now)
        decision = Decision()
        self._collect_slots(now, decision)

        waiting_for = self.waiting_for()

        if self.pending_routine is not None:
            verdict = self._routine_verdict(self.pending_routine, now)
            if verdict == "send" and waiting_for is not None:
                self._hold(self.pending_routine, now, waiting_for, decision)
            elif verdict == "send":
                decision.send = self.pending_routine
                self.pending_routine = None
            elif verdict != "wait":
                decision.skipped.append((self.pending_routine, verdict))
                self.held_since.pop(self.pending_routine, None)
                self.pending_routine = None

        if self.pending_break is not None and self.held_break is None:
            # a snoozed break came due: it waits like any due break
            self.held_break, self.pending_break = self.pending_break, None
        elif self.pending_break is not None:
            decision.skipped.append((self.pending_break, "another break is already waiting"))
            self.pending_break = None

        if self.held_break is None and decision.send is None:
            due_at = self.next_break_due()
            if due_at is not None and due_at <= now:
                if self._break_blocker(now) is None:
                    self.held_break = Reminder(BREAK, due_at)
                else:  # the runner did not get to it in time (blocked, clock change)
                    decision.skipped.append((Reminder(BREAK, due_at), "missed"))
                    self.break_from = max(self.break_from, now)

        if self.held_break is not None:
            reason = self._break_blocker(now)
            if reason is not None:
                decision.skipped.append((self.held_break, reason))
                self._release_break()
            elif decision.send is not None:
                reason = "a routine reminder came at the same time"
                decision.skipped.append((self.held_break, reason))
                self._release_break()
            elif waiting_for is not None:
                self._hold(self.held_break, now, waiting_for, decision)
            else:
                decision.send = self.held_break
                self._release_break()

        if decision.send is not None:
            self.held_since.pop(decision.send, None)
            if self.catch_up_s:
                decision.send = replace(decision.send, busy_s=self.catch_up_s)
            self.catch_up_s = 0
            self.break_from = max(self.break_from, now)
        return decision

    def _release_break(self) -> None:
        self.held_since.pop(self.held_break, None)
        self.held_break = None

    def next_time(self, now: datetime) -> datetime | None:
        """The next moment something may come due after `now` (None: nothing planned)."""
        now = _utc(now)
        waiting_until = self._quiet_end(now) if self.pending_routine is not None else None
        candidates = [moment for moment in (self.next_break_due(), self._next_slot(now),
                                            waiting_until)
                      if moment is not None and moment > now]
        return min(candidates, default=None)

    def upcoming(self, now: datetime, limit: int = 3) -> list[Reminder]:
        """The next reminders as things stand, for `coach remind status`."""
        now = _utc(now)
        found: list[Reminder] = []
        snooze = self.settings.snooze
        if snooze is not None and snooze.until > now:
            found.append(Reminder(snooze.kind, _utc(snooze.until), snooze.count))
        due_at = self.next_break_due()
        if due_at is not None:
            found.append(Reminder(BREAK, max(due_at, now)))
        for slot in self._routine_slots(now, now + timedelta(days=8)):
            local_day = slot.astimezone(self.zone).date()
            if not self.settings.is_paused(slot) and local_day not in self.routine_done_on:
                found.append(Reminder(ROUTINE, slot))
        found.sort(key=lambda reminder: reminder.due)
        return found[:limit]

    def next_break_due(self) -> datetime | None:
        """When the next break comes due (possibly already past: then it is due now)."""
        if not self.settings.breaks:
            return None
        interval = self.settings.break_interval_min * self.minute
        start_from = self.break_from
        snooze = self.settings.snooze
        if snooze is not None and snooze.kind == BREAK:
            start_from = max(start_from, _utc(snooze.until))  # the snoozed break stands in for it
        for opens, closes in self.active_periods(start_from, start_from + _HORIZON):
            due_at = max(opens, start_from) + interval
            if due_at < closes:
                return due_at
        return None

    # --- working time ---------------------------------------------------------------------

    def active_periods(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Stretches of working time (not quiet, not paused) that overlap [start, end), in order."""
        settings = self.settings
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)
        last_day = end.astimezone(self.zone).date()
        while day <= last_day:
            weekday = WEEKDAYS[day.weekday()]
            if weekday in settings.working_days:
                pieces = [(_local(day, settings.work_start, zone),
                           _local(day, settings.work_end, zone))]
                for quiet in settings.quiet:
                    if weekday in quiet.days:
                        pieces = _cut(pieces, _local(day, quiet.start, zone),
                                      _local(day, quiet.end, zone))
                if settings.paused_until is not None:
                    pieces = _cut(pieces, datetime.min.replace(tzinfo=UTC),
                                  _utc(settings.paused_until))
                for opens, closes in pieces:
                    if closes > start and opens < end:
                        yield opens, closes
            day += timedelta(days=1)

    def is_active(self, now: datetime) -> bool:
        now = _utc(now)
        periods = self.active_periods(now, now + timedelta(seconds=1))
        return any(opens <= now < closes for opens, closes in periods)

    def in_quiet_period(self, now: datetime) -> bool:
        return self._quiet_end(now) is not None

    def _quiet_end(self, now: datetime) -> datetime | None:
        """When the quiet period `now` falls in ends (None: not in one)."""
        now = _utc(now)
        local = now.astimezone(self.zone)
        weekday = WEEKDAYS[local.weekday()]
        ends = [_local(local.date(), quiet.end, self.zone) for quiet in self.settings.quiet
                if weekday in quiet.days
                and _local(local.date(), quiet.start, self.zone) <= now
                < _local(local.date(), quiet.end, self.zone)]
        return max(ends, default=None)

    # --- internals ----------------------------------------------------------------------

    def _collect_slots(self, now: datetime, decision: Decision) -> None:
        """Routine times and a snooze that came up since the last check; many count once."""
        slots = [Reminder(ROUTINE, slot) for slot in self._routine_slots(self.checked_until, now)]
        snooze = self.settings.snooze
        if snooze is not None and self.checked_until < _utc(snooze.until) <= now:
            snoozed = Reminder(snooze.kind, _utc(snooze.due), snooze.count)
            if snooze.kind == ROUTINE:
                slots.append(snoozed)
            else:
                self.pending_break = snoozed
        self.checked_until = max(self.checked_until, now)
        if not slots:
            return
        if self.pending_routine is not None:
            slots.insert(0, self.pending_routine)
        for older in slots[:-1]:
            decision.skipped.append((older, "a later routine reminder replaced it"))
        self.pending_routine = slots[-1]

    def _routine_verdict(self, reminder: Reminder, now: datetime) -> str:
        """ "send", "wait" (quiet period) or why it is no longer worth sending."""
        if self.settings.is_paused(now):
            return "reminders are paused"
        local_due = reminder.due.astimezone(self.zone)
        if now.astimezone(self.zone).date() != local_due.date():
            return "no longer relevant: it was for another day"
        day_end = max(_local(local_due.date(), self.settings.work_end, self.zone),
                      reminder.due + ROUTINE_GRACE)
        if now >= day_end:
            return "no longer relevant: the working day is over"
        if local_due.date() in self.routine_done_on:
            return "the routine is already done today"
        if self.in_quiet_period(now):
            return "wait"
        return "send"

    def _break_blocker(self, now: datetime) -> str | None:
        if self.settings.is_paused(now):
            return "reminders are paused"
        if not self.settings.breaks:
            return "break reminders are off"
        if not self.is_active(now):
            return "outside working hours or in a quiet period"
        return None

    def _next_slot(self, now: datetime) -> datetime | None:
        snooze = self.settings.snooze
        moments = [_utc(snooze.until)] if snooze is not None and _utc(snooze.until) > now else []
        for trigger in self._routine_triggers():
            slot = _next_fire(trigger, now)
            if slot is not None:
                moments.append(slot)
        return min(moments, default=None)

    def _routine_slots(self, after: datetime, until: datetime) -> list[datetime]:
        """Routine times in (after, until], each wall-clock time once even on a fall-back day."""
        slots: list[datetime] = []
        for trigger in self._routine_triggers():
            slot = _next_fire(trigger, after)
            while slot is not None and slot <= until:
                slots.append(slot)
                slot = _next_fire(trigger, slot)
        return sorted(slots)

    def _routine_triggers(self) -> list:
        """One APScheduler cron trigger per routine time, in the person's zone (cached)."""
        if self._triggers is None or self._triggers[0] is not self.settings:
            from apscheduler.triggers.cron import CronTrigger

            days = ",".join(self.settings.working_days)
            triggers = [CronTrigger(day_of_week=days, hour=clock.hour, minute=clock.minute,
                                    timezone=self.zone)
                        for clock in self.settings.routine_times]
            self._triggers = (self.settings, triggers)
        return self._triggers[1]


def _next_fire(trigger, after: datetime) -> datetime | None:
    """The trigger's first time strictly after `after`, in UTC, skipping a repeated hour.

    The search starts a little earlier: asked from inside a spring-forward gap, the cron
    trigger skips that day's (shifted) time, which it yields when asked from before the gap.
    """
    search_from = after - _DST_SHIFT
    while True:
        slot = trigger.get_next_fire_time(None, search_from)
        if slot is None:
            return None
        # A fall-back day repeats an hour and the cron trigger yields its times twice.
        first_time = slot.replace(fold=0).utcoffset() == slot.utcoffset()
        if first_time and _utc(slot) > after:
            return _utc(slot)
        search_from = _utc(slot) + timedelta(seconds=1)


def span_text(length: timedelta) -> str:
    """'1 h 40 min', '25 min', '40 s': how long, as a person says it."""
    seconds = int(length.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes} min" if hours and minutes else (
        f"{hours} h" if hours else f"{minutes} min")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _local(day: date, clock, zone: tzinfo) -> datetime:
    return _utc(local_moment(day, clock, zone))


def _cut(pieces: list[tuple[datetime, datetime]], cut_from: datetime, cut_to: datetime):
    """Remove [cut_from, cut_to) from each (start, end) piece."""
    kept = []
    for start, end in pieces:
        if cut_to <= start or cut_from >= end:
            kept.append((start, end))
            continue
        if start < cut_from:
            kept.append((start, cut_from))
        if cut_to < end:
            kept.append((cut_to, end))
    return kept
