"""The store stays fast for a lifetime: ten years of ratings cost (almost) nothing extra.

Targets (ratios measured side by side in this run):
- `coach log` with 130,000 ratings stored is within 1.2x of an empty store;
- `coach report --weeks 12` likewise within 1.25x;
- `coach import` of 130,000 ratings runs at 10,000 ratings/s or better.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import VENV_BIN, report, time_commands  # noqa: E402

RATINGS = 130_000
AREAS = ("neck", "shoulders", "upper-back", "low-back", "forearm-wrist", "jaw")
PHASES = ("before", "after", "check-in")


def write_lifetime_csv(path: Path) -> None:
    """~36 ratings a day for ten years, ending now, in local time with offsets."""
    now = datetime.now().astimezone()
    step = timedelta(days=3650) / RATINGS
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["at", "area", "rating", "phase", "note"])
        for number in range(RATINGS):
            moment = (now - step * (RATINGS - number)).astimezone()
            writer.writerow([moment.isoformat(timespec="seconds"), AREAS[number % len(AREAS)],
                             (number * 7) % 11, PHASES[number % 3], ""])


def main() -> int:
    coach = str(VENV_BIN / "coach")
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        lifetime = scratch_dir / "lifetime.csv"
        write_lifetime_csv(lifetime)
        big, empty = scratch_dir / "big", scratch_dir / "empty"

        started = time.perf_counter()
        subprocess.run([coach, "import", str(lifetime)], env={"COACH_HOME": str(big)},
                       check=True, capture_output=True)
        rate = RATINGS / (time.perf_counter() - started)
        ok &= report("coach import of 130,000 ratings", f"{rate:,.0f} ratings/s",
                     ">= 10,000/s", rate >= 10_000)

        import os

        def home(directory: Path) -> list[str]:
            return ["env", f"COACH_HOME={directory}", coach]

        env = {"PATH": os.environ.get("PATH", "")}
        logs = time_commands({
            "big": [*home(big), "log", "neck", "4"],
            "empty": [*home(empty), "log", "neck", "4"],
        }, env=env)
        ratio = logs["big"] / logs["empty"]
        ok &= report("coach log: 130,000 stored vs empty", f"{ratio:.2f}x", "<= 1.2x",
                     ratio <= 1.2)

        reports = time_commands({
            "big": [*home(big), "report", "--weeks", "12"],
            "empty": [*home(empty), "report", "--weeks", "12"],
        }, env=env)
        ratio = reports["big"] / reports["empty"]
        ok &= report("coach report --weeks 12: 130,000 stored vs empty", f"{ratio:.2f}x",
                     "<= 1.25x", ratio <= 1.25)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
