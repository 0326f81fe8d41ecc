"""Shared fixtures for the app's Pilot and snapshot tests: a fixed clock, a fresh store.

Time is injected: `clock` is a fake monotonic clock the test steps, and the wall clock
follows it from a fixed Wednesday morning in Berlin, so snapshots never depend on today.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.catalog import load_catalog
from coach.model import Profile
from coach.store import Store

TZ = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 4, 8, 30, tzinfo=TZ)  # a Wednesday


class FakeClock:
    """A monotonic clock that moves only when the test says so; the wall clock follows it."""

    def __init__(self, start: datetime = START) -> None:
        self.seconds = 1000.0
        self.start = start
        self._origin = self.seconds

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds

    def wall(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds - self._origin)


@pytest.fixture(scope="session")
def catalog():
    return load_catalog(include_user=False)


@pytest.fixture
def coach_home(tmp_path, monkeypatch):
    home = tmp_path / "coach-home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("COACH_HOME", str(home))
    return home


@pytest.fixture
def store(coach_home):
    return Store(coach_home)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def profile_store(store):
    """A store with the default desk-worker profile saved (the app opens on home)."""
    store.save_profile(Profile(screened=True))
    return store


@pytest.fixture
def make_app(catalog, clock):
    from coach.tui.app import CoachApp

    def make(store, **options):
        options.setdefault("voice", "off")  # no real speech in Pilot tests unless asked
        return CoachApp(store, catalog, clock=clock, wall_clock=clock.wall, tz=TZ,
                        reminders=False, **options)

    return make
