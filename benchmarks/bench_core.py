"""Targets for the foundation: `coach today` start-up and the builder's speed.

1. `coach today` as a whole process vs `python -c "import click, tinydb"`, interleaved,
   median of several rounds (target: ratio <= 1.6).
2. The builder for a 60-minute routine over the full library (target: under 5 ms), with
   `build_routine` timed in-process over many repetitions; also printed as a ratio to a
   plain sort of the library so a slow machine shows as such.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date

from common import report, time_commands

from coach.builder import build_routine
from coach.catalog import load_catalog
from coach.model import History, Profile


def bench_today() -> bool:
    with tempfile.TemporaryDirectory() as home:
        medians = time_commands(
            {
                "baseline": [sys.executable, "-c", "import click, tinydb"],
                "today": [sys.executable, "-m", "coach", "today"],
            },
            rounds=11,
            env={"COACH_HOME": home},
        )
    ratio = medians["today"] / medians["baseline"]
    return report("coach today / python -c 'import click, tinydb'",
                  f"{ratio:.2f}x ({medians['today'] * 1000:.0f} ms)", "<= 1.6x", ratio <= 1.6)


def bench_builder() -> bool:
    catalog = load_catalog(include_user=False)
    profile = Profile(areas=tuple(catalog.areas), habits=tuple(catalog.habits),
                      tools=tuple(catalog.tools), minutes=60)
    history = History(pain={area: (index % 11) for index, area in enumerate(catalog.areas)})
    timings = []
    for offset in range(200):
        day = date.fromordinal(date(2026, 1, 1).toordinal() + offset)
        started = time.perf_counter()
        build_routine(profile, day, history, catalog)
        timings.append(time.perf_counter() - started)
    median_ms = statistics.median(timings) * 1000
    return report("builder, 60-minute routine, full library", f"{median_ms:.2f} ms",
                  "< 5 ms", median_ms < 5)


if __name__ == "__main__":
    results = [bench_today(), bench_builder()]
    sys.exit(0 if all(results) else 3)
