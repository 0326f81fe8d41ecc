"""The store under SIGKILL and concurrent writers: nothing acknowledged is ever lost or doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coach.store import Store

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]

COACH = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "coach")
LOG_KILLS = 200
LOOP_KILLS = 50

# A writer that spends nearly all its time inside add_rating, printing each note after
# add_rating returned, so a kill lands mid-write far more often than with `coach log`.
WRITER_LOOP = """
import sys
from datetime import datetime
from coach.store import Rating, Store
store = Store()
for number in range(10_000):
    note = f"{sys.argv[1]}-{number}"
    store.add_rating(Rating("neck", number % 11, "check-in", datetime.now().astimezone(),
                            note=note))
    print(note, flush=True)
"""


def environment(home: Path) -> dict:
    return {**os.environ, "COACH_HOME": str(home)}


def run_log(home: Path, note: str) -> int:
    return subprocess.run([COACH, "log", "neck", "5", "--note", note], env=environment(home),
                          capture_output=True, timeout=60).returncode


def log_then_kill(home: Path, note: str, delay: float) -> bool:
    """Start `coach log`, SIGKILL it after `delay`; True when it had already exited 0."""
    process = subprocess.Popen([COACH, "log", "neck", "5", "--note", note],
                               env=environment(home), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60) == 0


def loop_then_kill(home: Path, name: str, delay: float) -> list[str]:
    """Run the writer loop, SIGKILL it after `delay`; the notes it reported as stored."""
    process = subprocess.Popen([sys.executable, "-c", WRITER_LOOP, name], env=environment(home),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=60)
    return output.split()


def notes_stored(home: Path) -> list[str]:
    return [rating.note for rating in Store(home).ratings()]


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    started = time.monotonic()
    assert run_log(tmp_path, "warm-up") == 0
    lifetime = time.monotonic() - started  # one whole `coach log`, start to exit

    with ThreadPoolExecutor(max_workers=6) as pool:
        survivors = [pool.submit(run_log, tmp_path, f"survivor-{n}") for n in range(20)]
        killed_logs = {
            f"victim-{n}": pool.submit(log_then_kill, tmp_path, f"victim-{n}",
                                       chance.uniform(0.3, 1.2) * lifetime)
            for n in range(LOG_KILLS)
        }
        killed_loops = [
            pool.submit(loop_then_kill, tmp_path, f"loop{n}", chance.uniform(0.3, 1.5) * lifetime)
            for n in range(LOOP_KILLS)
        ]
        acknowledged = [f"survivor-{n}" for n, job in enumerate(survivors) if job.result() == 0]
        acknowledged += [note for note, job in killed_logs.items() if job.result()]
        for job in killed_loops:
            acknowledged += job.result()

    assert len(acknowledged) >= 20, f"seed {seed}"
    stored = notes_stored(tmp_path)  # the store loads: no damaged file
    assert len(stored) == len(set(stored)), f"a rating was stored twice (seed {seed})"
    missing = set(acknowledged) - set(stored)
    assert not missing, f"acknowledged ratings lost: {sorted(missing)[:5]} (seed {seed})"

    report = subprocess.run([COACH, "doctor"], env=environment(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "PROBLEM" not in report.stdout


def test_four_writers_at_once_lose_nothing(tmp_path):
    per_writer = 12

    def writer(number: int) -> list[int]:
        return [run_log(tmp_path, f"w{number}-{n}") for n in range(per_writer)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = [code for job in [pool.submit(writer, n) for n in range(4)]
                 for code in job.result()]
    assert codes == [0] * 4 * per_writer
    stored = sorted(notes_stored(tmp_path))
    assert stored == sorted(f"w{number}-{n}" for number in range(4) for n in range(per_writer))
