"""`coach --demo` history: 8 realistic weeks via the real Store, the same each time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coach.catalog import load_catalog
from coach.demo import DEMO_WEEKS, seed
from coach.store import Store
from coach.trends import weekly_report
from tests.helpers import snapshot_dir

TZ = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 4)


def _seeded(directory):
    store = Store(directory)
    counts = seed(store, load_catalog(include_user=False), today=TODAY, tz=TZ)
    return store, counts


def test_eight_weeks_of_history_fill_every_screen(tmp_path):
    store, counts = _seeded(tmp_path / "demo")
    assert store.load_profile() is not None
    ratings = store.ratings()
    assert counts["ratings"] == len(ratings) > 300
    first = ratings[0].at.date()
    assert TODAY - timedelta(weeks=DEMO_WEEKS) <= first < TODAY - timedelta(weeks=DEMO_WEEKS - 1)
    assert ratings[-1].at.date() < TODAY
    assert {rating.phase for rating in ratings} == {"before", "after", "check-in"}
    assert all(0 <= rating.rating <= 10 for rating in ratings)
    sessions = store.sessions()
    assert counts["sessions"] == len(sessions) >= 25
    assert all(record.status == "finished" for record in sessions)

    since = datetime.combine(TODAY - timedelta(weeks=DEMO_WEEKS + 1), time(), TZ)
    report = weekly_report(store.ratings(since=since), store.sessions(since=since),
                           store.events(since=since), weeks=DEMO_WEEKS, until=TODAY, tz=TZ)
    weeks_with_pain = [week for week in report["weeks"][:-1] if week["areas"]]
    assert len(weeks_with_pain) == DEMO_WEEKS - 1  # every full week has resting ratings
    assert all(week["sessions"] > 0 for week in report["weeks"][:-1])
    assert any(week["reminders_acted"] > 0 for week in report["weeks"])
    assert report["works"], "before/after pairs give a 'what works' list"
    neck = [week["areas"]["neck"]["mean"] for week in report["weeks"] if "neck" in week["areas"]]
    assert neck[-1] < neck[0], "the demo's neck story improves"


def test_the_same_demo_every_time(tmp_path):
    first, _ = _seeded(tmp_path / "one")
    second, _ = _seeded(tmp_path / "two")

    def shape(store):
        return [(r.area, r.rating, r.phase, r.at) for r in store.ratings()]

    assert shape(first) == shape(second)


def test_coach_demo_never_touches_the_real_data_dir(tmp_path):
    """The real `coach --demo`, run to its first paint, leaves the data dir byte-identical."""
    home = tmp_path / "real-home"
    home.mkdir()
    env = {**os.environ, "COACH_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "coach", "log", "neck", "4"], env=env, check=True,
                   capture_output=True)
    before = snapshot_dir(home)
    result = subprocess.run([sys.executable, "-m", "coach", "--demo"], capture_output=True,
                            text=True, timeout=120, env={**env, "COACH_EXIT_ON_PAINT": "1"})
    assert result.returncode == 0, result.stderr
    assert "painted" in result.stderr
    assert snapshot_dir(home) == before
