"""Sample history for `coach --demo`: 8 weeks of a plausible desk worker, via the real Store.

The person: neck, shoulders, upper back, low back and mouse arm; a session most weekdays at
lunch, check-ins through the day, reminders sent and acted on. Neck and forearm pain ease
over the weeks, the low back barely moves and the shoulders have a bad week, so every
trend flag and the pain-after-vs-before list have something to show. Seeded random: the same
demo every time for a given day.

Only ever called on a throw-away directory (make_demo_home, one per run); a folder left
by a demo that was killed is removed at the next demo start (remove_stale_demo_homes).
"""

from __future__ import annotations

import os
import random
import shutil
import stat
import tempfile
import time as time_module
import uuid
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from coach.model import History, Profile

DEMO_WEEKS = 8
DEMO_PROFILE = Profile(
    areas=("neck", "shoulders", "upper-back", "low-back", "forearm-wrist"),
    habits=("prolonged-sitting", "forward-head", "mouse-keyboard"),
    tools=("ball", "hands", "wall"),
    minutes=10,
    screened=True,
)

# area -> (resting pain 8 weeks ago, resting pain now): the story the trends tell.
PAIN_STORY = {
    "neck": (6.5, 3.0),
    "shoulders": (4.5, 4.0),
    "upper-back": (5.0, 3.5),
    "low-back": (5.0, 4.5),
    "forearm-wrist": (4.0, 1.5),
}
BAD_WEEK_AREA, BAD_WEEK = "shoulders", 5  # a heavy week of deadline work, weeks from start


def seed(store, catalog=None, today: date | None = None, tz: tzinfo | None = None,
         seed_value: int = 7) -> dict:
    """Fill `store` with 8 weeks of history ending yesterday; returns counts of what was added."""
    from coach.builder import build_routine
    from coach.store import Event, Rating, SessionRecord

    if catalog is None:
        from coach.catalog import load_catalog

        catalog = load_catalog(include_user=False)
    tz = tz or datetime.now().astimezone().tzinfo
    today = today or datetime.now(tz).date()
    rng = random.Random(seed_value)
    profile = Profile(
        areas=tuple(area for area in DEMO_PROFILE.areas if area in catalog.areas),
        habits=tuple(habit for habit in DEMO_PROFILE.habits if habit in catalog.habits),
        tools=tuple(tool for tool in DEMO_PROFILE.tools if tool in catalog.tools),
        minutes=DEMO_PROFILE.minutes,
        screened=True,
    )
    store.save_profile(profile)

    first_day = today - timedelta(days=DEMO_WEEKS * 7)
    ratings: list = []
    events: list[Event] = []
    sessions = 0
    for offset in range(DEMO_WEEKS * 7):
        day = first_day + timedelta(days=offset)
        progress = offset / (DEMO_WEEKS * 7 - 1)
        weekday = day.weekday() < 5
        resting = {area: _resting(area, progress, offset, rng) for area in profile.areas}

        # Check-ins: two or three on a working day, one at the weekend.
        for _ in range(rng.choice((2, 3)) if weekday else 1):
            at = _at(day, rng.uniform(9, 18), tz)
            area = rng.choice(profile.areas)
            ratings.append(Rating(area=area, rating=_rate(resting[area], rng),
                                  phase="check-in", at=at))

        if weekday:
            for hour in (10.0, 11.0, 14.5, 15.5, 16.5):
                sent = _at(day, hour + rng.uniform(0, 0.3), tz)
                events.append(Event("sent", sent, reminder="break"))
                outcome = rng.random()
                if outcome < 0.45:
                    acted = sent + timedelta(minutes=rng.randint(1, 5))
                    events.append(Event("acted", acted, reminder="break"))
                elif outcome < 0.6:
                    events.append(Event("snoozed", sent, reminder="break"))

        # A session on most working days and some weekends, more often as it starts to help.
        if rng.random() > (0.78 + 0.15 * progress if weekday else 0.35):
            continue
        routine = build_routine(profile, day, History(pain=resting), catalog)
        if not routine.steps:
            continue
        started = _at(day, 12.5 + rng.uniform(0, 0.5), tz)
        session_id = uuid.uuid5(uuid.NAMESPACE_OID, f"coach-demo-{day}").hex
        clock = started
        steps = []
        rated: set[str] = set()
        for index, step in enumerate(routine.steps):
            if step.area not in rated:
                rated.add(step.area)
                ratings.append(Rating(area=step.area, rating=_rate(resting[step.area], rng),
                                      phase="before", at=clock, session_id=session_id,
                                      muscle=step.muscle, technique=step.technique))
            clock += timedelta(seconds=step.seconds)
            steps.append({"muscle": step.muscle, "area": step.area, "side": step.side,
                          "tool": step.tool, "technique": step.technique,
                          "seconds": step.seconds, "hold_s": step.hold_s, "reps": step.reps,
                          "completed": True})
            last_of_area = all(later.area != step.area for later in routine.steps[index + 1:])
            if last_of_area:
                relief = rng.choice((1, 1, 2, 2, 2, 3)) if step.technique != "rolling" else 1
                after = max(0, _rate(resting[step.area], rng) - relief)
                ratings.append(Rating(area=step.area, rating=after, phase="after", at=clock,
                                      session_id=session_id, muscle=step.muscle,
                                      technique=step.technique))
        store.save_session(SessionRecord(
            id=session_id, day=day, started_at=started, finished_at=clock,
            planned_s=routine.total_s, done_s=routine.total_s, steps=steps, status="finished",
        ))
        sessions += 1
        # The next morning's check-in: "still sore from yesterday's session?" - no.
        checked = _at(day + timedelta(days=1), 8.5, tz)
        for area in dict.fromkeys(step["area"] for step in steps):
            events.append(Event("soreness", checked, area=area, level="none",
                                session_id=session_id))

    added = store.add_ratings(ratings)
    store.add_events(events)
    return {"ratings": added, "sessions": sessions, "events": len(events)}


def _resting(area: str, progress: float, offset: int, rng: random.Random) -> float:
    start, end = PAIN_STORY.get(area, (4.0, 3.0))
    value = start + (end - start) * progress + rng.gauss(0, 0.6)
    if area == BAD_WEEK_AREA and offset // 7 == BAD_WEEK:
        value += 2.5
    return min(10.0, max(0.0, value))


def _rate(resting: float, rng: random.Random) -> int:
    """A whole 0-10 rating near the resting level, as a person would give it."""
    return int(min(10, max(0, round(resting + rng.gauss(0, 0.8)))))


def _at(day: date, hour: float, tz: tzinfo) -> datetime:
    minutes = int(hour * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


# ----------------------------------------------------------------- the throw-away folder

DEMO_PREFIX = "coach-demo-"
OWNER_FILE = "owner.pid"


def make_demo_home(parent: Path | None = None) -> Path:
    """A new private demo folder under the temporary directory, with this process's id in it
    (so the next demo can tell a folder left by a killed demo from one still in use)."""
    home = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX, dir=parent))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    descriptor = os.open(home / OWNER_FILE, flags, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(str(os.getpid()))
    return home


def remove_stale_demo_homes(parent: Path | None = None, alive=None) -> int:
    """Remove demo folders whose demo is gone (closed terminal, kill -9); returns how many.

    Only our own real folders named coach-demo-* are touched, never a link; a folder whose
    owner process still runs is kept.
    """
    parent = Path(parent or tempfile.gettempdir())
    alive = alive or _process_alive
    removed = 0
    try:
        names = [name for name in os.listdir(parent) if name.startswith(DEMO_PREFIX)]
    except OSError:
        return 0
    for name in names:
        folder = parent / name
        try:
            info = os.lstat(folder)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        owner = _owner_pid(folder)
        if owner is not None and owner != os.getpid() and alive(owner):
            continue
        if owner is None and time_module.time() - info.st_mtime < ORPHAN_AGE_S:
            continue  # a demo from before owner files, or one being made right now
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


ORPHAN_AGE_S = 24 * 3600


def _owner_pid(folder: Path) -> int | None:
    try:
        descriptor = os.open(folder / OWNER_FILE, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor) as handle:
        text = handle.read(32).strip()
    return int(text) if text.isdigit() else None


def _process_alive(pid: int) -> bool:
    from coach.store.backup import process_alive

    return process_alive(pid)
