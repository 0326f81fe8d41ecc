"""`coach --demo` history: 8 realistic weeks via the real Store, the same each time."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time as clock
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.catalog import load_catalog
from coach.demo import DEMO_WEEKS, seed
from coach.store import Store
from coach.trends import report_for
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

    report = report_for(store, DEMO_WEEKS, TODAY, TZ).to_json()
    weeks_with_pain = [week for week in report["weeks"][:-1] if week["areas"]]
    assert len(weeks_with_pain) == DEMO_WEEKS - 1  # every full week has resting ratings
    assert all(week["sessions"] > 0 for week in report["weeks"][:-1])
    assert any(week["reminders_acted"] > 0 for week in report["weeks"])
    assert report["after_vs_before"], "before/after pairs give a pain-after-vs-before list"
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


def test_stale_demo_folders_are_removed_at_the_next_demo_start(tmp_path):
    from coach.demo import OWNER_FILE, make_demo_home, remove_stale_demo_homes

    dead = make_demo_home(tmp_path)
    (dead / OWNER_FILE).unlink()
    (dead / OWNER_FILE).write_text("999999")
    running = make_demo_home(tmp_path)
    (running / OWNER_FILE).unlink()
    (running / OWNER_FILE).write_text("4242")
    other = tmp_path / "not-a-demo"
    other.mkdir()
    (tmp_path / "coach-demo-link").symlink_to(other)
    assert oct((dead / OWNER_FILE).stat().st_mode & 0o777) != "0o0"
    removed = remove_stale_demo_homes(tmp_path, alive=lambda pid: pid == 4242)
    assert removed == 1
    assert not dead.exists() and running.exists() and other.exists()
    assert (tmp_path / "coach-demo-link").is_symlink()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_demo_ended_by_a_signal_removes_its_folder(tmp_path, signum):
    # Seen: closing the terminal left /tmp/coach-demo-* behind.
    leader, follower = pty.openpty()
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color",
           "COACH_HOME": str(tmp_path / "real-home")}
    env.pop("COACH_EXIT_ON_PAINT", None)
    process = subprocess.Popen([sys.executable, "-m", "coach", "--demo"], stdin=follower,
                               stdout=follower, stderr=follower, env=env, start_new_session=True)
    os.close(follower)
    try:
        folders = []
        for _ in range(600):  # the demo seeds its store, then the app paints
            folders = [path for path in tmp_path.glob("coach-demo-*")
                       if (path / "sessions").is_dir()]
            if folders:
                break
            _drain(leader)
            clock.sleep(0.1)
        assert folders, "the demo never made its folder"
        clock.sleep(1.0)
        _drain(leader)
        process.send_signal(signum)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert list(tmp_path.glob("coach-demo-*")) == []


def _drain(descriptor: int) -> None:
    """Read what the app drew, so it never blocks on a full terminal."""
    while select.select([descriptor], [], [], 0)[0]:
        try:
            if not os.read(descriptor, 65536):
                return
        except OSError:
            return


def test_the_builder_history_reads_less_and_sees_the_same(tmp_path):
    """builder_history reads only session ratings before the last week: the History is the
    one made from every rating of the half year."""
    from datetime import datetime, time

    from coach.response import history_for
    from coach.store import Rating

    store, _ = _seeded(tmp_path / "demo")
    # check-ins and a note older than a week, outside any session: read or not, no change
    old = datetime.combine(TODAY - timedelta(days=20), time(9), TZ)
    store.add_ratings([Rating("neck", 9, "check-in", old, note="old note"),
                       Rating("jaw", 8, "before", old + timedelta(hours=1))])
    for day in (TODAY, TODAY - timedelta(days=8), TODAY - timedelta(days=30)):
        since = datetime.combine(day - timedelta(days=183), time(), TZ)
        until = datetime.combine(day + timedelta(days=2), time(), TZ)
        recent = datetime.combine(day - timedelta(days=28), time(), TZ)
        soreness = [event for event in store.events(recent, until)
                    if event.get("kind") == "soreness"]
        everything = history_for(day, TZ, store.ratings(since, until),
                                 store.sessions(since, until), soreness)
        assert store.builder_history(day, TZ) == everything
