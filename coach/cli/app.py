"""`coach` with no command: open the Textual app (on throw-away sample data with --demo)."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from coach.tui.app import EXIT_ON_PAINT_ENV


def open_app(demo: bool = False, voice: str | None = None) -> None:
    """voice: `--voice auto|speech-dispatcher|espeak-ng|off` (None: as in the settings)."""
    from coach.catalog import load_catalog
    from coach.store import Store
    from coach.tui.app import CoachApp

    if not demo:
        store = Store()
        # Read the main file before the screen opens: a damaged store is reported as one
        # plain sentence (the CLI's exit 1), not as a crash inside the app.
        store.load_profile()
        _run(CoachApp(store, load_catalog(), voice=voice))
        return
    # The demo lives in its own temporary directory, and COACH_HOME points there for this
    # process, so nothing it does (ratings, settings, catalog overrides) reaches real data.
    from coach.demo import make_demo_home, remove_stale_demo_homes, seed

    remove_stale_demo_homes()
    demo_home = make_demo_home()
    previous_home = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(demo_home)
    previous_handlers = _remove_on_signals(demo_home)
    try:
        store = Store(demo_home)
        seed(store)
        _run(CoachApp(store, load_catalog(), demo=True, voice=voice))
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
        if previous_home is None:
            os.environ.pop("COACH_HOME", None)
        else:
            os.environ["COACH_HOME"] = previous_home
        shutil.rmtree(demo_home, ignore_errors=True)


def _remove_on_signals(demo_home: Path) -> dict:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) ends the demo without running the
    `finally` above: remove the folder first, then end as the signal would have."""

    def remove_and_end(signum, _frame) -> None:
        shutil.rmtree(demo_home, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    previous = {}
    for signum in (signal.SIGHUP, signal.SIGTERM):
        previous[signum] = signal.signal(signum, remove_and_end)
    return previous


def _run(app) -> None:
    app.run(headless=_headless())
    if app.return_code:  # the app stopped on an error it has already shown
        raise SystemExit(app.return_code)


def _headless() -> bool:
    """The start-up benchmark runs the real app without a terminal."""
    return bool(os.environ.get(EXIT_ON_PAINT_ENV))
