"""Make the README screenshots from the app itself, on demo data and a fixed clock.

Run: .venv/bin/python docs/make_screenshots.py  (writes docs/first-run.svg, docs/player.svg,
docs/summary.svg, docs/trends.svg, docs/library.svg and docs/card.svg)
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from coach.catalog import load_catalog
from coach.demo import seed
from coach.store import Store
from coach.tui.app import CoachApp

DOCS = Path(__file__).resolve().parent
TZ = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 4, 12, 30, tzinfo=TZ)


async def main() -> None:
    seconds = [0.0]

    def clock() -> float:
        return seconds[0]

    def wall() -> datetime:
        return START + timedelta(seconds=seconds[0])

    catalog = load_catalog(include_user=False)
    with tempfile.TemporaryDirectory() as home:  # a first run: the safety checklist
        app = CoachApp(Store(Path(home)), catalog, clock=clock, wall_clock=wall, tz=TZ,
                       reminders=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("down", "down")
            await pilot.pause()
            app.save_screenshot(str(DOCS / "first-run.svg"))

    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home))
        seed(store, catalog, today=START.date(), tz=TZ)
        app = CoachApp(store, catalog, clock=clock, wall_clock=wall, tz=TZ, reminders=False)
        async with app.run_test(size=(110, 36)) as pilot:
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(str(DOCS / "trends.svg"))
            await pilot.press("escape", "b", "slash", *"pain behind the eye")
            await pilot.pause()
            app.save_screenshot(str(DOCS / "library.svg"))
            await pilot.press("enter", "enter")  # open the best match's card
            await pilot.pause()
            app.save_screenshot(str(DOCS / "card.svg"))
            await pilot.press("escape", "escape", "escape", "escape")
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
            await pilot.press("5", "enter")  # the "before" rating
            await pilot.pause()
            seconds[0] += 24  # into the first hold
            app.screen.tick()
            await pilot.pause()
            app.save_screenshot(str(DOCS / "player.svg"))
            rated = 0
            while rated < 2:  # the first area done: "after" for it, "before" for the next
                if app.screen.__class__.__name__ == "RatingDialog":
                    await pilot.press("3" if rated == 0 else "4", "enter")
                    await pilot.pause()
                    rated += 1
                    continue
                seconds[0] += 30
                app.screen.tick()
                await pilot.pause()
            await pilot.press("q", "y")  # end the session early: its summary
            await pilot.pause()
            await pilot.pause()
            app.save_screenshot(str(DOCS / "summary.svg"))


if __name__ == "__main__":
    asyncio.run(main())
