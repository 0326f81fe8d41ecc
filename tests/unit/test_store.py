"""The store: round trips, partitions, privacy, locking, damaged files, backups, schema."""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import store as store_module
from coach.errors import UsageError
from coach.model import Profile
from coach.store import Event, Rating, SessionRecord, Store, StoreError

BERLIN = ZoneInfo("Europe/Berlin")


class SteppedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def at(year, month, day, hour=9, minute=0, tz=BERLIN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "data", clock=SteppedClock(at(2026, 11, 22)))


def test_rating_round_trip_keeps_offset_and_fields(store):
    given = Rating("neck", 6, "before", at(2026, 11, 20), note="stiff", session_id="s1",
                   muscle="upper-trapezius", technique="sustained-pressure")
    stored = store.add_rating(given)
    assert stored.id
    [loaded] = store.ratings()
    assert loaded == stored
    assert loaded.at.utcoffset() == timedelta(hours=1)
    assert loaded.at == given.at


def test_a_stored_rating_keeps_only_fields_not_at_their_defaults_and_reads_back_whole(store):
    plain = store.add_rating(Rating("neck", 3, "check-in", at(2026, 11, 20)))
    store.add_ratings([Rating("jaw", 2, "after", at(2026, 11, 21), note="better",
                              session_id="s1", muscle="masseter", technique="stroking")])
    stored = json.loads((store.directory / "ratings" / "2026-11.json").read_text())["ratings"]
    shapes = sorted(sorted(doc) for doc in stored.values())
    assert shapes == [["area", "at", "id", "muscle", "note", "phase", "rating", "session_id",
                       "technique"], ["area", "at", "id", "phase", "rating"]]
    first, second = store.ratings()
    assert first == plain and (first.note, first.session_id, first.muscle) == ("", None, None)
    assert (second.note, second.session_id, second.muscle, second.technique) == (
        "better", "s1", "masseter", "stroking")
    # what leaves coach (export) still names every field, defaults included
    assert sorted(first.to_doc()) == shapes[0]


def test_ratings_are_partitioned_by_month_and_filtered_by_range(store):
    for month in (9, 10, 11):
        store.add_rating(Rating("neck", month - 8, "check-in", at(2026, month, 15)))
    names = sorted(os.listdir(store.directory / "ratings"))
    assert names == ["2026-09.json", "2026-10.json", "2026-11.json"]
    found = store.ratings(since=at(2026, 10, 1), until=at(2026, 11, 1))
    assert [rating.rating for rating in found] == [2]
    assert [rating.rating for rating in store.ratings()] == [1, 2, 3]


def test_ratings_come_back_oldest_first_across_offsets(store):
    store.add_rating(Rating("neck", 1, "check-in", datetime(2026, 11, 20, 10, tzinfo=UTC)))
    # 09:30 UTC, given in New York: earlier instant although the clock time is earlier too
    new_york = ZoneInfo("America/New_York")
    store.add_rating(Rating("neck", 2, "check-in", at(2026, 11, 20, 4, 30, new_york)))
    assert [rating.rating for rating in store.ratings()] == [2, 1]


@pytest.mark.parametrize("bad", [
    Rating("neck", 11, "check-in", at(2026, 11, 20)),
    Rating("neck", -1, "check-in", at(2026, 11, 20)),
    Rating("neck", True, "check-in", at(2026, 11, 20)),
    Rating("neck", 5, "during", at(2026, 11, 20)),
    Rating("neck", 5, "before", datetime(2026, 11, 20, 9)),
    Rating("", 5, "before", at(2026, 11, 20)),
    Rating("neck", 5, "before", at(2026, 11, 20), note="x" * 2001),
])
def test_invalid_ratings_are_refused_and_nothing_is_written(store, bad):
    with pytest.raises(UsageError):
        store.add_rating(bad)
    assert not (store.directory / "ratings").exists()


def test_files_are_private(store):
    store.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 20)))
    store.save_profile(Profile(areas=("neck",)))
    for root, dirs, files in os.walk(store.directory):
        for name in dirs:
            assert stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode) == 0o700, name
        for name in files:
            assert stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode) == 0o600, name


def test_profile_and_settings(store):
    assert store.load_profile() is None
    assert store.load_settings() == {}
    profile = Profile(areas=("neck", "jaw"), tools=("ball",), minutes=12, desk_only=True)
    store.save_profile(profile)
    assert store.load_profile() == profile
    saved = store.update_settings(lambda settings: {**settings, "reminders": {"every": 30}})
    assert saved == {"reminders": {"every": 30}}
    store.update_settings(lambda settings: {**settings, "theme": "dark"})
    assert Store(store.directory).load_settings() == {"reminders": {"every": 30}, "theme": "dark"}


def test_settings_updates_from_many_threads_are_not_lost(tmp_path):
    directory = tmp_path / "data"

    def bump(worker: int) -> None:
        own = Store(directory)  # a Store per thread, like separate processes
        for _ in range(10):
            own.update_settings(lambda s: {**s, "count": s.get("count", 0) + 1})

    threads = [threading.Thread(target=bump, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Store(directory).load_settings()["count"] == 40


def test_session_is_replaced_by_id(store):
    started = at(2026, 11, 20, 8)
    record = SessionRecord("s1", date(2026, 11, 20), started, None, 600, 0, [], "in-progress")
    store.save_session(record)
    record.done_s, record.status = 540, "finished"
    record.finished_at = started + timedelta(minutes=9)
    record.steps = [{"muscle": "upper-trapezius", "area": "neck", "completed": True}]
    store.save_session(record)
    [loaded] = store.sessions()
    assert loaded == record


def test_events_round_trip_with_data(store):
    store.add_event("sent", at(2026, 11, 20, 10), reminder="break")
    store.add_event("acted", at(2026, 11, 20, 10, 1), reminder="break")
    events = store.events(since=at(2026, 11, 20, 10, 1))
    assert events == [Event("acted", at(2026, 11, 20, 10, 1), reminder="break")]
    assert [event.to_doc() for event in events] == [
        {"kind": "acted", "at": at(2026, 11, 20, 10, 1).isoformat(), "reminder": "break"}]
    with pytest.raises(UsageError):
        store.add_event("exploded", at(2026, 11, 20))


def test_builder_history_uses_resting_ratings_of_the_last_seven_local_days(store):
    store.add_rating(Rating("neck", 8, "before", at(2026, 11, 16, 0, 0)))  # first day of window
    store.add_rating(Rating("neck", 4, "check-in", at(2026, 11, 22, 23, 59)))  # last day
    store.add_rating(Rating("neck", 0, "after", at(2026, 11, 20)))  # a session effect: not resting
    store.add_rating(Rating("neck", 10, "check-in", at(2026, 11, 15, 23, 59)))  # before window
    store.add_rating(Rating("jaw", 3, "check-in", at(2026, 11, 18)))
    store.save_session(SessionRecord(
        "s1", date(2026, 11, 10), at(2026, 11, 10), at(2026, 11, 10, 9, 10), 600, 600,
        [{"muscle": "masseter", "area": "jaw", "completed": True},
         {"muscle": "levator-scapulae", "area": "neck", "completed": False}], "finished"))
    history = store.builder_history(date(2026, 11, 22), BERLIN)
    assert history.pain == {"neck": 6.0, "jaw": 3.0}
    assert history.last_done == {"masseter": date(2026, 11, 10)}


def test_damaged_month_is_set_aside_and_not_replaced_by_a_fresh_file(store):
    store.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 20)))
    month = store.directory / "ratings" / "2026-11.json"
    month.write_text('{"ratings": {"1": {"area": "ne')
    with pytest.raises(StoreError, match="ratings/2026-11.json is damaged.*coach doctor"):
        store.ratings()
    aside = [name for name in os.listdir(month.parent) if ".corrupt-" in name]
    assert len(aside) == 1 and not month.exists()
    assert (month.parent / aside[0]).read_text() == '{"ratings": {"1": {"area": "ne'
    # the next write to that month must refuse, not start an empty month that hides the old one
    with pytest.raises(StoreError, match="set aside.*coach doctor"):
        store.add_rating(Rating("neck", 6, "check-in", at(2026, 11, 21)))
    assert not month.exists()
    # other months still work
    store.add_rating(Rating("neck", 6, "check-in", at(2026, 10, 21)))


def test_newer_schema_is_refused(store):
    store.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 20)))
    main = store.directory / "coach.json"
    data = json.loads(main.read_text())
    data["meta"]["1"]["schema"] = store_module.SCHEMA_VERSION + 1
    main.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer coach"):
        Store(store.directory).ratings()


def test_forward_migration_runs_once_under_the_lock(store, monkeypatch):
    store.save_profile(Profile(areas=("neck",)))
    main = store.directory / "coach.json"
    data = json.loads(main.read_text())
    data["meta"]["1"]["schema"] = store_module.SCHEMA_VERSION - 1
    main.write_text(json.dumps(data))
    calls = []
    monkeypatch.setitem(store_module.MIGRATIONS, store_module.SCHEMA_VERSION - 1, calls.append)
    reopened = Store(store.directory)
    assert reopened.load_profile() == Profile(areas=("neck",))
    Store(store.directory).load_profile()
    assert len(calls) == 1
    assert json.loads(main.read_text())["meta"]["1"]["schema"] == store_module.SCHEMA_VERSION


def test_daily_backups_keep_the_last_seven_days(tmp_path):
    clock = SteppedClock(at(2026, 11, 1))
    store = Store(tmp_path / "data", clock=clock)
    for day in range(1, 12):
        clock.now = at(2026, 11, day)
        store.add_rating(Rating("neck", day % 11, "check-in", at(2026, 11, day)))
    backups = sorted(os.listdir(tmp_path / "data" / "backups"))
    assert backups == [f"2026-11-{day:02d}" for day in range(5, 12)]
    # the backup of day 11 holds the store as it was before day 11's first change
    copy = json.loads((tmp_path / "data" / "backups" / "2026-11-11" / "ratings" /
                       "2026-11.json").read_text())
    assert len(copy["ratings"]) == 10


def test_unchanged_files_are_linked_not_copied_between_backups(tmp_path):
    clock = SteppedClock(at(2026, 11, 1))
    store = Store(tmp_path / "data", clock=clock)
    store.add_rating(Rating("neck", 3, "check-in", at(2026, 10, 5)))
    clock.now = at(2026, 11, 2)
    store.add_rating(Rating("neck", 4, "check-in", at(2026, 11, 2)))
    clock.now = at(2026, 11, 3)
    store.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 3)))
    backups = tmp_path / "data" / "backups"
    october_2 = (backups / "2026-11-02" / "ratings" / "2026-10.json").stat()
    october_3 = (backups / "2026-11-03" / "ratings" / "2026-10.json").stat()
    assert october_2.st_ino == october_3.st_ino
    november_3 = json.loads((backups / "2026-11-03" / "ratings" / "2026-11.json").read_text())
    assert [doc["rating"] for doc in november_3["ratings"].values()] == [4]


def test_import_batch_is_idempotent(store):
    batch = [Rating("neck", n % 11, "check-in", at(2026, 1 + n % 12, 1 + n % 28))
             for n in range(50)]
    assert store.add_ratings(batch) == 50
    assert store.add_ratings(batch) == 0
    assert len(store.ratings()) == 50


def test_write_is_atomic_and_leaves_no_temp_files(store):
    store.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 20)))
    leftovers = [name for name in os.listdir(store.directory / "ratings") if name.startswith(".")]
    assert leftovers == []


def test_offsets_other_than_whole_hours_survive(store):
    kathmandu = timezone(timedelta(hours=5, minutes=45))
    given = Rating("jaw", 2, "check-in", datetime(2026, 11, 20, 7, tzinfo=kathmandu))
    stored = store.add_rating(given)
    assert store.ratings()[0].at.utcoffset() == stored.at.utcoffset()


def test_doctor_rebuilds_from_the_backup_plus_what_still_reads(tmp_path):
    clock = SteppedClock(at(2026, 11, 20))
    store = Store(tmp_path / "data", clock=clock)
    store.add_rating(Rating("neck", 1, "check-in", at(2026, 11, 1), note="in backup only"))
    clock.now = at(2026, 11, 21)  # the backup of the 21st holds the first rating
    store.add_rating(Rating("neck", 2, "check-in", at(2026, 11, 2), note="salvaged"))
    month = store.directory / "ratings" / "2026-11.json"
    lines = month.read_text().splitlines()
    # the first record is torn, the second still reads
    month.write_text("\n".join([lines[0], lines[1], lines[2][:30], lines[3], "}"]))
    with pytest.raises(StoreError):
        store.ratings()
    findings = store.doctor()
    rebuilt = [finding for finding in findings if "rebuilt" in finding.message]
    assert len(rebuilt) == 1 and rebuilt[0].level == "fixed"
    assert "the backup of 2026-11-21" in rebuilt[0].message
    assert sorted(rating.note for rating in store.ratings()) == ["in backup only", "salvaged"]
    assert len(os.listdir(store.directory / "damaged")) == 1
    assert not [name for name in os.listdir(month.parent) if ".corrupt-" in name]


KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14: a local day and its UTC month differ


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_builder_history_reads_only_the_months_of_its_sessions_and_sees_the_same(
        tmp_path_factory, data):
    """builder_history reads older ratings only from the month files its sessions' ratings
    can be in; around month ends and in a zone 14 hours from UTC the History equals the one
    made from every rating of the half year."""
    from coach.response import history_for
    from coach.store import ImportBatch

    tz = data.draw(st.sampled_from([BERLIN, KIRITIMATI, UTC]))
    day = date(2026, 3, 2)
    store = Store(tmp_path_factory.mktemp("history") / "data",
                  clock=SteppedClock(datetime(2026, 3, 2, 12, tzinfo=UTC)))
    minutes = st.integers(0, 200 * 24 * 60).map(lambda n: datetime(2026, 3, 3, tzinfo=tz)
                                                 - timedelta(minutes=n))
    month_ends = [datetime(2025, month, 1, tzinfo=UTC) for month in range(9, 13)] + [
        datetime(2026, month, 1, tzinfo=UTC) for month in (1, 2, 3)]
    near_a_month_end = st.builds(
        lambda end, offset: (end + timedelta(minutes=offset)).astimezone(tz),
        st.sampled_from(month_ends), st.integers(-720, 720))
    starts = data.draw(st.lists(near_a_month_end | minutes, max_size=4))
    sessions = [SessionRecord(f"s{index}", start.date(), start, start + timedelta(minutes=10),
                              600, 600, [{"muscle": "upper-trapezius", "area": "neck",
                                          "completed": True}], "finished")
                for index, start in enumerate(starts)]
    ratings = []
    for session in sessions:
        for phase, offset in (("before", -data.draw(st.integers(0, 600))),
                              ("after", data.draw(st.integers(0, 600)))):
            ratings.append(Rating("neck", data.draw(st.integers(0, 10)), phase,
                                  session.started_at + timedelta(minutes=offset),
                                  session_id=session.id))
    # ratings of a session that is not stored, and resting ratings, anywhere in the year
    for moment in data.draw(st.lists(minutes, max_size=6)):
        ratings.append(Rating("neck", 5, "before", moment,
                              session_id=data.draw(st.sampled_from([None, "gone"]))))
    store.import_batch(ImportBatch(ratings=ratings, sessions=sessions))
    since = datetime.combine(day - timedelta(days=183), datetime.min.time(), tz)
    until = datetime.combine(day + timedelta(days=2), datetime.min.time(), tz)
    everything = history_for(day, tz, store.ratings(since, until), store.sessions(since, until))
    assert store.builder_history(day, tz) == everything


def test_a_month_read_once_is_read_again_after_any_write(tmp_path):
    """The store keeps month files it parsed (a report reads overlapping months), but a
    write by this store, another store object or another process is always seen."""
    reader = Store(tmp_path / "data", clock=SteppedClock(at(2026, 11, 22)))
    writer = Store(tmp_path / "data", clock=SteppedClock(at(2026, 11, 22)))
    reader.add_rating(Rating("neck", 5, "check-in", at(2026, 11, 20)))
    assert [r.rating for r in reader.ratings()] == [5]
    writer.add_rating(Rating("neck", 6, "check-in", at(2026, 11, 21)))
    assert [r.rating for r in reader.ratings()] == [5, 6]
    writer.delete_rating(reader.ratings()[0].id, at(2026, 11, 22))
    assert [r.rating for r in reader.ratings()] == [6]
    # what a caller gets is its own list: changing it changes nothing stored or kept
    first = reader.ratings()
    first.clear()
    assert [r.rating for r in reader.ratings()] == [6]


EXTREME_OFFSETS = [timedelta(hours=-23, minutes=-59), timedelta(hours=-12), timedelta(hours=-5),
                   timedelta(0), timedelta(hours=1), timedelta(hours=5, minutes=45),
                   timedelta(hours=14), timedelta(hours=23, minutes=59)]


def _other_iso_spelling(moment: datetime, style: int) -> str:
    """The same instant as a hand edit might spell it: ISO basic, a space, a week date."""
    if style == 0:
        return moment.strftime("%Y%m%dT%H%M%S%z")
    if style == 1:
        return moment.isoformat(sep=" ")
    year, week, weekday = moment.isocalendar()
    return f"{year}-W{week:02d}-{weekday}T{moment.strftime('%H:%M:%S')}" + \
        moment.isoformat()[19:]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_window_read_gives_exactly_the_ratings_in_it_whatever_their_offset(
        tmp_path_factory, data):
    """Reads of a window build only the ratings whose stored local date can be in it; every
    rating in [since, until) still comes back, in any offset up to a day from UTC, spelt as
    coach writes it or as a hand edit might, read before or after other windows."""
    home = tmp_path_factory.mktemp("window") / "data"
    store = Store(home, clock=SteppedClock(datetime(2026, 3, 20, tzinfo=UTC)))
    base = datetime(2026, 2, 20, tzinfo=UTC)
    instants = data.draw(st.lists(st.integers(0, 30 * 24 * 60), max_size=25), label="minutes")
    stored, keys = [], set()
    for number, minutes in enumerate(instants):
        offset = data.draw(st.sampled_from(EXTREME_OFFSETS), label="offset")
        moment = (base + timedelta(minutes=minutes)).astimezone(timezone(offset))
        rating = Rating("neck", number % 11, "check-in", moment, id=f"r{number}")
        if rating.key() not in keys:  # the same rating twice is stored once (import rule)
            keys.add(rating.key())
            stored.append(rating)
    store.add_ratings(stored)
    numbers = [int(rating.id[1:]) for rating in stored]
    respelt = data.draw(st.sets(st.sampled_from(numbers), max_size=4)
                        if stored else st.just(set()), label="hand-edited")
    by_number = dict(zip(numbers, stored, strict=True))
    if respelt:  # some times written another way, as a hand edit might
        for path in (home / "ratings").glob("*.json"):
            tables = json.loads(path.read_text())
            for doc in tables["ratings"].values():
                number = int(doc["id"][1:])
                if number in respelt:
                    doc["at"] = _other_iso_spelling(by_number[number].at, number % 3)
            path.write_text(json.dumps(tables))
    edge = st.integers(-2 * 24 * 60, 32 * 24 * 60).map(lambda n: base + timedelta(minutes=n))
    zones = st.sampled_from([UTC, BERLIN, KIRITIMATI, ZoneInfo("Pacific/Pago_Pago")])
    reader = Store(home)
    for _ in range(3):
        since = data.draw(edge, label="since").astimezone(data.draw(zones, label="zone"))
        until = since + timedelta(minutes=data.draw(st.integers(1, 12 * 24 * 60), label="span"))
        expected = sorted((rating for rating in stored if since <= rating.at < until),
                          key=lambda rating: (rating.at, rating.id))
        got = reader.ratings(since, until)
        assert [rating.at for rating in got] == sorted(rating.at for rating in got)
        got = sorted(got, key=lambda rating: (rating.at, rating.id))  # ties: any order
        assert [rating.id for rating in got] == [rating.id for rating in expected]
        assert got == expected
    assert sorted(reader.ratings(), key=lambda rating: rating.id) == sorted(
        stored, key=lambda rating: rating.id)
