"""Make docs/report.png, the README's picture of the clinician report's first page.

The report is `coach report --pdf` on the demo history (the same eight weeks as `coach --demo`,
on a fixed date), drawn by pdftoppm (poppler-utils).

Run: .venv/bin/python docs/make_report_picture.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from coach.catalog import load_catalog
from coach.demo import seed
from coach.store import Store

DOCS = Path(__file__).resolve().parent
TODAY = date(2026, 11, 30)


def main() -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        seed(Store(home), load_catalog(include_user=False), today=TODAY,
             tz=ZoneInfo("Europe/Berlin"))
        pdf = Path(folder) / "report.pdf"
        env = {**os.environ, "COACH_HOME": str(home), "TZ": "Europe/Berlin"}
        subprocess.run([sys.executable, "-m", "coach", "report", "--until", "2026-11-29",
                        "--pdf", str(pdf)], env=env, check=True)
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(DOCS / "report")], check=True)
    print(f"wrote {DOCS / 'report.png'}")


if __name__ == "__main__":
    main()
