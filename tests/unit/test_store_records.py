"""One validation per record, and a doctor that moves exactly the invalid records aside.

The hypothesis test writes random JSON values into every field of stored records (the
way a hand edit, a bad sync or another program might) and proves: reading never
crashes (a StoreError sentence at most), doctor moves exactly the invalid records to
damaged/ and keeps the rest, and afterwards everything the commands read works.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.errors import UsageError
from coach.store import (
    EVENT_KINDS,
    Rating,
    SessionRecord,
    SorenessAnswer,
    Store,
    StoreError,
)
from coach.store.files import serialize
from coach.store.records import record_problem
from coach.transfer import export_csv, export_json

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=BERLIN)

GOOD = {
    "ratings": {"id": "r1", "area": "neck", "rating": 4, "phase": "check-in",
                "at": "2026-11-20T09:00:00+01:00", "note": "fine", "session_id": None,
                "muscle": None, "technique": None},
    "sessions": {"id": "s1", "day": "2026-11-20", "started_at": "2026-11-20T10:00:00+01:00",
                 "finished_at": "2026-11-20T10:10:00+01:00", "planned_s": 600, "done_s": 600,
                 "steps": [{"muscle": "upper-trapezius", "seconds": 60, "completed": True}],
                 "status": "finished"},
    "events": {"kind": "sent", "at": "2026-11-20T11:00:00+01:00", "reminder": "break",
               "due": "2026-11-20T11:00:00+01:00", "snoozes": 0, "delivered": True,
               "title": "coach", "body": "Time for a break [/] [link=x]"},
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20)
    | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.sampled_from(["", "5", "99", "2026-11-20T09:00", "2026-11-20T09:00:00+01:00",
                       "0001-01-01T00:00:00+00:00", "neck", "before", "finished", "sent",
                       "soreness", "some"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def write_month(home, kind: str, docs: list) -> None:
    folder = home / kind
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "2026-11.json"
    path.write_bytes(serialize({kind: {str(n): doc for n, doc in enumerate(docs, 1)}}))
    os.chmod(path, 0o600)


def read_everything(store: Store) -> None:
    """What report, today and export read."""
    store.ratings()
    store.sessions()
    store.events()
    store.builder_history(date(2026, 11, 22), BERLIN)
    json.loads(export_json(store))
    export_csv(store)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(GOOD)), data=st.data())
def test_random_field_values_never_crash_and_doctor_moves_exactly_the_bad(tmp_path_factory,
                                                                          kind, data):
    home = tmp_path_factory.mktemp("home")
    good = dict(GOOD[kind])
    field = data.draw(st.sampled_from(sorted(good) + ["extra"]), label="field")
    mutated = dict(good, id="r2") if kind != "events" else dict(good, title="second")
    if data.draw(st.booleans(), label="remove the field"):
        mutated.pop(field, None)
    else:
        mutated[field] = data.draw(json_values, label="value")
    if kind == "sessions":
        mutated.setdefault("id", "s2")
        if mutated.get("id") == "s1":
            mutated["id"] = "s2"
    write_month(home, kind, [good, mutated])
    expected_bad = record_problem(kind, mutated) is not None

    store = Store(home)
    try:
        read_everything(store)
    except StoreError as error:
        assert expected_bad, error
        assert "coach doctor" in str(error)

    findings = Store(home).doctor()
    problems = [finding for finding in findings if finding.level == "problem"]
    assert not problems, problems
    kept = json.loads((home / kind / "2026-11.json").read_text())[kind]
    moved = list((home / "damaged").glob("*.json")) if (home / "damaged").exists() else []
    if expected_bad:
        assert len(kept) == 1 and list(kept.values())[0] == good
        assert len(moved) == 1
        aside = json.loads(moved[0].read_text())["records"]
        assert [entry["record"] for entry in aside] == [mutated] and aside[0]["reason"]
    else:
        assert len(kept) == 2 and not moved
    read_everything(Store(home))


edge_values = st.sampled_from([
    None, "", " ", "\t", "x" * 200, "x" * 201, "n" * 2000, "n" * 2001, 0, 10, -1, 11, True,
    False, 5.0, "neck", "before", "after", "check-in", "during", "2026-11-20T09:00",
    "2026-11-20T09:00:00Z", "2026-11-20T09:00:00+14:00", "1899-12-31T23:00:00+00:00",
    "9000-12-31T23:59:59-23:59", "9001-01-01T00:00:00+00:00", "2026-11-20T09:00:00+01:00" * 3,
])


@settings(max_examples=400, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD["ratings"]) + ["extra"]),
                               edge_values | json_values, max_size=4),
       removed=st.sets(st.sampled_from(sorted(GOOD["ratings"]))))
def test_the_fast_rating_read_agrees_with_the_field_by_field_check(changes, removed):
    """rating_from_doc's one-pass check never accepts what the full check refuses, and
    gives the same Rating (every field, and the offset of its time) when both accept."""
    from coach.store.records import _checked_rating_from_doc, rating_from_doc

    doc = {key: value for key, value in {**GOOD["ratings"], **changes}.items()
           if key not in removed}
    try:
        expected = _checked_rating_from_doc(doc)
    except UsageError as error:
        with pytest.raises(UsageError) as refused:
            rating_from_doc(doc)
        assert str(refused.value) == str(error)
        return
    rating = rating_from_doc(doc)
    assert rating == expected
    assert [type(value) for value in rating] == [type(value) for value in expected]
    assert rating.at.utcoffset() == expected.at.utcoffset()


@pytest.mark.parametrize("bad", [
    {"rating": 99}, {"rating": "5"}, {"rating": None}, {"at": None}, {"rating": True},
    {"at": "2026-11-20T09:00"}, {"phase": "during"}, {"area": ""}, {"note": ["x"]},
])
def test_known_bad_ratings_are_refused_then_moved_aside(tmp_path, bad):
    doc = {**GOOD["ratings"], **bad}
    if bad == {"at": None}:
        doc.pop("at")
    write_month(tmp_path, "ratings", [GOOD["ratings"], doc])
    with pytest.raises(StoreError, match="coach doctor"):
        Store(tmp_path).ratings()
    findings = Store(tmp_path).doctor()
    assert any(f.level == "fixed" and "moved 1 record" in f.message for f in findings)
    assert [r.rating for r in Store(tmp_path).ratings()] == [4]


def test_event_kinds_include_soreness_and_the_new_reminder_kinds(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    assert {"soreness", "deferred", "missed-away"} <= set(EVENT_KINDS)
    store.add_event("soreness", NOW, area="neck", level="some", session_id="s1")
    store.add_event("deferred", NOW, reminder="break", due=NOW.isoformat(), snoozes=0)
    store.add_event("missed-away", NOW, reminder="routine", due=NOW.isoformat())
    with pytest.raises(UsageError):
        store.add_event("soreness", NOW, area="neck", level="very")
    with pytest.raises(UsageError):
        store.add_event("sent", NOW, due=NOW.isoformat())  # no reminder field
    events = store.events()
    assert [event.kind for event in events] == ["soreness", "deferred", "missed-away"]
    answer = SorenessAnswer.from_event(events[0])
    assert (answer.area, answer.level, answer.session_id) == ("neck", "some", "s1")


def test_a_schema_that_is_not_a_number_is_a_sentence_and_doctor_repairs_it(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    store.add_rating(Rating("neck", 3, "check-in", NOW))
    main = tmp_path / "coach.json"
    data = json.loads(main.read_text())
    data["meta"]["1"]["schema"] = "1.0"
    main.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="coach doctor"):
        Store(tmp_path).ratings()
    findings = Store(tmp_path).doctor()
    assert not [f for f in findings if f.level == "problem"]
    assert len(Store(tmp_path).ratings()) == 1


def test_doctor_uses_the_newest_backup_by_its_recorded_time_never_a_future_one(tmp_path):
    clock = {"now": datetime(2026, 11, 20, 9, tzinfo=BERLIN)}
    store = Store(tmp_path, clock=lambda: clock["now"])
    store.add_rating(Rating("neck", 1, "check-in", clock["now"]))
    clock["now"] = datetime(2026, 11, 21, 9, tzinfo=BERLIN)
    store.add_rating(Rating("neck", 2, "check-in", clock["now"]))  # backup of the 21st: 1 rating
    clock["now"] = datetime(2031, 1, 1, 9, tzinfo=BERLIN)  # a run with the clock far ahead
    store.add_rating(Rating("neck", 3, "check-in", datetime(2026, 11, 21, 10, tzinfo=BERLIN)))
    assert (tmp_path / "backups" / "2031-01-01").is_dir()
    (tmp_path / "ratings" / "2026-11.json").write_text("{ damaged")
    findings = Store(tmp_path).doctor()
    text = "\n".join(f.message for f in findings)
    assert "2031-01-01 is dated in the future" in text
    assert "the backup of 2026-11-21" in text
    assert not [f for f in findings if f.level == "problem"]


def test_deep_nesting_is_a_damaged_file_not_a_crash(tmp_path):
    Store(tmp_path, clock=lambda: NOW).add_rating(Rating("neck", 3, "check-in", NOW))
    (tmp_path / "ratings" / "2026-12.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(StoreError, match="damaged"):
        Store(tmp_path).ratings()
    findings = Store(tmp_path).doctor()
    assert any("2026-12.json" in f.message for f in findings)
    Store(tmp_path).ratings()


def test_doctor_salvages_a_damaged_pretty_printed_file(tmp_path):
    docs = [dict(GOOD["ratings"], id=f"r{n}", rating=n) for n in range(5)]
    text = json.dumps({"ratings": {str(n): doc for n, doc in enumerate(docs, 1)}}, indent=4)
    (tmp_path / "ratings").mkdir(mode=0o700)
    (tmp_path / "ratings" / "2026-11.json").write_text(text[: len(text) - 20])  # cut short
    Store(tmp_path).doctor()
    ratings = Store(tmp_path).ratings()
    assert sorted(r.rating for r in ratings) == [0, 1, 2, 3]  # the last one was cut


def test_doctor_leaves_foreign_files_alone_and_says_so(tmp_path):
    Store(tmp_path, clock=lambda: NOW).add_rating(Rating("neck", 3, "check-in", NOW))
    script = tmp_path / "sync.sh"
    script.write_text("#!/bin/sh\n")
    os.chmod(script, 0o755)
    findings = Store(tmp_path).doctor()
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert any(f.level == "warning" and "sync.sh" in f.message for f in findings)
    assert not [f for f in findings if f.level == "problem"]


def test_session_planned_seconds_out_of_range_is_refused(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    record = SessionRecord("s", NOW.date(), NOW, None, 10**9, 0, [], "in-progress")
    with pytest.raises(UsageError):
        store.save_session(record)
    assert store.sessions(NOW - timedelta(days=1)) == []


# --- records as values: what the code relies on, whatever class makes them -------------


def test_an_event_is_immutable_hashable_and_equal_by_its_fields_extra_included():
    from coach.store import Event, event_from_doc

    doc = {"kind": "sent", "at": NOW.isoformat(), "reminder": "break", "mood": "fine",
           "tags": ["a", "b"]}
    event, again = event_from_doc(doc), event_from_doc(dict(doc))
    assert event == again and hash(event) == hash(again)  # extra (a dict) is not hashed
    assert event.extra == {"mood": "fine", "tags": ["a", "b"]}
    assert event != event_from_doc({**doc, "mood": "tired"})  # but it is compared
    assert len({event, again}) == 1
    bare = Event("paused", NOW, until=NOW + timedelta(hours=1))
    assert bare.extra == {} and bare == event_from_doc(bare.to_doc())
    with pytest.raises(AttributeError):
        event.kind = "acted"
    with pytest.raises(TypeError):
        bare.extra["mood"] = "fine"  # the shared empty default cannot be changed
    assert repr(bare).startswith("Event(kind='paused', at=datetime.datetime(2026, 11, 22")


def test_a_session_record_changes_in_place_and_is_equal_by_its_fields():
    record = SessionRecord("s1", NOW.date(), NOW, None, 600, 0)
    assert record.steps == [] and record.status == "in-progress"
    assert record.steps is not SessionRecord("s2", NOW.date(), NOW, None, 600, 0).steps
    same = SessionRecord(id="s1", day=NOW.date(), started_at=NOW, finished_at=None,
                         planned_s=600, done_s=0, steps=[], status="in-progress")
    assert record == same and record != SessionRecord("s1", NOW.date(), NOW, None, 600, 5)
    record.done_s, record.status = 540, "finished"
    assert record != same and record == SessionRecord.from_doc(record.to_doc())
    with pytest.raises(TypeError):
        hash(record)  # mutable: never a dict key
    with pytest.raises(AttributeError):
        record.misspelt_status = "finished"  # a typo is an error, not a new field
    assert repr(same) == (f"SessionRecord(id='s1', day={NOW.date()!r}, started_at={NOW!r}, "
                          "finished_at=None, planned_s=600, done_s=0, steps=[], "
                          "status='in-progress')")


def test_an_import_batch_starts_empty_with_lists_of_its_own():
    from coach.store import ImportBatch

    batch, other = ImportBatch(), ImportBatch()
    batch.ratings.append(Rating("neck", 3, "check-in", NOW))
    batch.profile = None
    assert other.ratings == [] and other.floating == [] and other.settings == {}
    assert batch != other and other == ImportBatch(settings={})
    assert repr(other) == ("ImportBatch(ratings=[], floating=[], sessions=[], events=[], "
                           "profile=None, settings={})")


@pytest.mark.parametrize(("name", "month"), [
    ("2026-11.json", True), ("1999-01.json", True), ("2026-1.json", False),
    ("2026-111.json", False), ("2026_11.json", False), ("2026-11.json.tmp", False),
    ("2026-11.json\n", False), ("\u0662026-11.json", False), ("abcd-ef.json", False),
    ("2026-11.JSON", False)])
def test_only_a_month_file_named_as_the_store_writes_it_is_read(name, month):
    from coach.store.repository import is_month_file

    assert is_month_file(name) is month
