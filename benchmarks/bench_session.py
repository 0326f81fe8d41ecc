"""Does a session end when its plan says it should?

1. A simulated 30-minute session, stepped by a jittery fake clock (ticks of 0.1 s
   +-50%, with a pause and two "+15 s" on the way), must end within one redraw
   interval of its plan: the end is noticed by the first tick after it, so the
   error must not exceed the gap between that tick and the one before, and the
   plan itself (the end deadline) must not drift at all.
2. A real 60-second session in the Textual player under run_test, on the real
   time.monotonic, must end within 100 ms of its plan.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import report  # noqa: E402

from coach.model import Routine, Step, Stretch  # noqa: E402
from coach.timeline import ADD_SECONDS, SessionClock, Timeline  # noqa: E402

REAL_LIMIT_S = 0.1


def step(muscle: str, area: str, find_s: int, hold_s: int, release_s: int, reps: int,
         stretch_s: int) -> Step:
    return Step(
        muscle=muscle, muscle_name=muscle.capitalize(), area=area, side="right", tool="ball",
        tools=("ball",), position="seated", technique="sustained-pressure",
        how="Lean into the ball.", find="Below the spine of the shoulder blade.",
        find_s=find_s, hold_s=hold_s, release_s=release_s, reps=reps,
        stretch=Stretch("Hand behind back", "Slide your hand up your back.", stretch_s, 1)
        if stretch_s else None,
        reason="benchmark",
    )


def thirty_minute_routine() -> Routine:
    # 12 steps of 150 s: 15 + 2 x (45 + 15) + 15 = 150; 12 x 150 = 1800 s.
    steps = tuple(step(f"muscle-{index}", f"area-{index // 3}", 15, 45, 15, 2, 15)
                  for index in range(12))
    return Routine(day=date(2025, 3, 3), minutes=30, steps=steps)


def simulated_error(seed: int, interval: float) -> tuple[float, float]:
    """How late the simulated session noticed its end, and the last tick gap, in seconds."""
    routine = thirty_minute_routine()
    assert routine.total_s == 1800
    jitter = random.Random(seed)
    clock = SessionClock(Timeline(routine))
    now = 5000.0
    clock.start(now)
    planned_end = now + routine.total_s
    paused = False
    gap = interval
    while not clock.finished:
        gap = interval * jitter.uniform(0.5, 1.5)
        now += gap
        clock.advance(now)
        if not paused and now > 5000.0 + 400:  # a 90 s pause once
            clock.pause(now)
            now += 90
            clock.resume(now)
            planned_end += 90
            paused = True
        if now > 5000.0 + 900 and clock.added_s == {}:
            clock.add(ADD_SECONDS)
            clock.add(ADD_SECONDS)
            planned_end += 2 * ADD_SECONDS
    if abs(clock.finished_at - planned_end) > 1e-6:
        raise SystemExit(f"planned end {planned_end} but the clock says {clock.finished_at}")
    return now - planned_end, gap


def one_minute_routine() -> Routine:
    # 10 + 2 x (15 + 5) + 10 = 60 s
    return Routine(day=date(2025, 3, 3), minutes=1,
                   steps=(step("infraspinatus", "shoulders", 10, 15, 5, 2, 10),))


async def real_error() -> tuple[float, int]:
    """Run the real player for a minute; how late it noticed the end, and done_s saved."""
    from textual.app import App

    from coach.store import Store
    from coach.tui.dialogs.rating import RatingDialog
    from coach.tui.screens.player import PlayerScreen

    noticed: list[float] = []

    class TimedPlayer(PlayerScreen):
        def tick(self) -> None:
            read_at = time.monotonic()  # the moment this tick reads the clock
            super().tick()
            if self.session.finished and not noticed:
                noticed.append(read_at)

    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory))
        routine = one_minute_routine()
        player = TimedPlayer(routine, store, bell=False)

        class BenchApp(App):
            def on_mount(self) -> None:
                self.push_screen(player)

        app = BenchApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, RatingDialog)
            await pilot.press("5", "enter")  # the before rating; the minute starts now
            await pilot.pause()
            started = player.session.countdown.deadline - player.timeline.phases[0].duration_s
            planned_end = started + routine.total_s
            while not noticed:
                await asyncio.sleep(0.05)
                if time.monotonic() > planned_end + 5:
                    raise SystemExit("the player never finished")
            await pilot.pause()
            await pilot.press("escape")  # skip the after rating; the session is saved
            await pilot.pause()
        [session] = store.sessions()
        return noticed[0] - planned_end, session.done_s


def main() -> int:
    interval = 0.1  # the player's REDRAW_S
    runs = [simulated_error(seed, interval) for seed in range(20)]
    errors = [error for error, _gap in runs]
    worst_ratio = max(error / gap for error, gap in runs)
    ok_simulated = report(
        "session: 30 min jittery fake clock, end error",
        f"{worst_ratio:.2f} tick", "<= 1 tick",
        min(errors) >= 0 and worst_ratio <= 1.0)
    print(f"  (20 runs: end error median {statistics.median(errors) * 1000:.0f} ms, worst "
          f"{max(errors) * 1000:.0f} ms; ticks {interval * 1000:.0f} ms +-50%; "
          f"plan drift 0)", flush=True)

    error, done_s = asyncio.run(real_error())
    ok_real = report("session: real 60 s run under run_test, end error",
                     f"{error * 1000:.0f} ms", f"<= {REAL_LIMIT_S * 1000:.0f} ms",
                     0 <= error <= REAL_LIMIT_S and done_s == 60)
    print(f"  (done_s saved: {done_s} of 60)", flush=True)
    return 0 if ok_simulated and ok_real else 3


if __name__ == "__main__":
    sys.exit(main())
