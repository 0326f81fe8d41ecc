"""The app's start-up: launch to the home screen painted, with 130,000 ratings stored.

Target: within 1.25x of a minimal Textual app measured in the same run, interleaved. Both run
as whole processes, headless, and print the wall time of their first paint; we measure from
just before the launch to that moment (so tearing down afterwards does not count).
Plotting and the reminder scheduler must stay off that path (they are imported lazily).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, VENV_BIN, report  # noqa: E402

RATINGS = 130_000
ROUNDS = 15  # the spread between runs of 7 was about +-0.06x
TARGET = 1.25

MINIMAL_APP = """
import sys, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("Today")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        print(f"painted {time.time():.6f}", file=sys.stderr, flush=True)
        self.exit()

Minimal().run(headless=True)
"""


def seed_lifetime(directory: Path) -> None:
    """A profile and ~36 ratings a day for ten years, via the store's bulk import path."""
    sys.path.insert(0, str(ROOT))
    from coach.model import Profile
    from coach.store import Rating, Store

    store = Store(directory)
    store.save_profile(Profile(screened=True))  # screened: the app opens on home
    now = datetime.now().astimezone()
    step = timedelta(days=3650) / RATINGS
    areas = ("neck", "shoulders", "upper-back", "low-back", "forearm-wrist")
    phases = ("before", "after", "check-in")
    store.add_ratings(
        Rating(area=areas[n % len(areas)], rating=(n * 7) % 11, phase=phases[n % 3],
               at=now - step * (RATINGS - n))
        for n in range(RATINGS)
    )


def time_to_paint(argv: list[str], env: dict) -> float:
    started = time.time()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    painted = [line for line in result.stderr.splitlines() if line.startswith("painted ")]
    if result.returncode != 0 or not painted:
        raise SystemExit(f"{argv[0]} did not paint: {result.stderr.strip()[-500:]}")
    return float(painted[-1].split()[1]) - started


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        seed_lifetime(home)
        env = {**os.environ, "COACH_HOME": str(home), "COACH_EXIT_ON_PAINT": "1"}
        commands = {
            "coach": [str(VENV_BIN / "coach")],
            "minimal": [sys.executable, "-c", MINIMAL_APP],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        time_to_paint(commands["coach"], env)  # warm the file cache and bytecode once
        for _ in range(ROUNDS):
            for name, argv in commands.items():
                samples[name].append(time_to_paint(argv, env))
    coach_s = statistics.median(samples["coach"])
    minimal_s = statistics.median(samples["minimal"])
    ratio = coach_s / minimal_s
    ok = report("app launch to home painted, 130,000 ratings",
                f"{ratio:.2f}x ({coach_s * 1000:.0f}/{minimal_s * 1000:.0f} ms)",
                f"<= {TARGET}x", ratio <= TARGET)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
