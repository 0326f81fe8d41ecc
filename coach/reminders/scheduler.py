"""APScheduler wiring: one job that runs the engine's tick, woken by a planner-driven trigger.

The trigger fires at the planner's next moment (a break, a routine time, a snooze
ending) or after `tick_s` (60 s) at the latest, so settings changed by another process
are picked up within a minute and the process wakes at most once a minute when nothing
is due. The job runs in the scheduler's own thread (DebugExecutor): no worker pool to
wake, and the planner is only ever touched by one thread.

After a suspend APScheduler finds the job's time long past; coalescing and no misfire
grace mean it runs once, and the planner decides what is still worth sending.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

TICK_S = 60.0
JOB_ID = "coach-reminders"


class PlannerTrigger(BaseTrigger):
    """Next fire: the planner's next moment, or `tick_s` from now, whichever is sooner."""

    __slots__ = ("next_time", "tick")

    def __init__(self, next_time: Callable[[datetime], datetime | None], tick_s: float = TICK_S):
        self.next_time = next_time
        self.tick = timedelta(seconds=tick_s)

    def get_next_fire_time(self, previous_fire_time, now):
        if previous_fire_time is None:
            return now  # a first look straight away
        latest = now + self.tick
        planned = self.next_time(now)
        return min(planned, latest) if planned is not None else latest

    def __str__(self) -> str:
        return f"planner (tick every {self.tick.total_seconds():g} s)"


class ReminderScheduler:
    """Runs `tick()` when the planner (via `next_time`) says so; blocking or in a thread."""

    def __init__(self, tick: Callable[[], None], next_time: Callable[[datetime], datetime | None],
                 zone, blocking: bool, tick_s: float = TICK_S):
        from apscheduler.executors.debug import DebugExecutor

        if blocking:
            from apscheduler.schedulers.blocking import BlockingScheduler as Scheduler
        else:
            from apscheduler.schedulers.background import BackgroundScheduler as Scheduler
        # APScheduler logs every run at INFO: a line a minute would bury what matters.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self.zone = zone
        self.scheduler = Scheduler(
            executors={"default": DebugExecutor()},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=zone,
        )
        self.scheduler.add_job(tick, PlannerTrigger(next_time, tick_s), id=JOB_ID,
                               name="coach reminders")

    def start(self) -> None:
        """Blocking: returns after stop(). Background: returns at once."""
        self.scheduler.start()

    def run_soon(self) -> None:
        """Look again now (after a wake-up signal or a settings change); safe from any thread."""
        if self.scheduler.running:
            from apscheduler.jobstores.base import JobLookupError

            # Stopping (SIGTERM) can take the job away between the check and the change.
            with contextlib.suppress(JobLookupError):
                self.scheduler.modify_job(JOB_ID, next_run_time=datetime.now(self.zone))

    def next_fire_time(self) -> datetime | None:
        """When the job runs next (None when it is not scheduled)."""
        job = self.scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
