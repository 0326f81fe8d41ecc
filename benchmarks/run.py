"""`make bench`: run every benchmarks/bench_*.py and print one line per target."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        if result.returncode not in (0, 3):  # 3: ran, but a target was missed
            print(f"{script.name}: crashed (exit {result.returncode})", flush=True)
            failed += 1
        elif result.returncode == 3:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
