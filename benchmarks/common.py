"""Shared helpers for the benchmark scripts: timing side by side and one report line per target.

Machines here are noisy, so every target is a ratio of two things measured in the
same run, interleaved, and we keep the median of several rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _compile_bytecode() -> None:
    """Measure coach as a person runs it: an installed package has its bytecode written,
    but a shell with PYTHONDONTWRITEBYTECODE set would make every timed process compile
    every coach module again (the libraries it is compared with are compiled at install)."""
    import compileall

    for package in ("coach", "routines"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


_compile_bytecode()


def report(name: str, measured: str, target: str, ok: bool) -> bool:
    """Print the one line `make bench` shows for a target."""
    print(f"{name:<48} {measured:>18}   target {target:<14} {'PASS' if ok else 'MISS'}", flush=True)
    return ok


def time_commands(commands: dict[str, list[str]], rounds: int = 9, env: dict | None = None):
    """Median wall time in seconds of each command, run interleaved round by round."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    full_env = {**os.environ, **(env or {})}
    for _ in range(rounds):
        for name, argv in commands.items():
            started = time.perf_counter()
            subprocess.run(argv, env=full_env, check=True, capture_output=True)
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}
