"""Events as typed objects: one check from a stored document, and back unchanged.

A stored event document read into an Event and written back with to_doc is the same
document (nothing a person stored is dropped); anything else is refused with one
RecordError sentence; and importing an event the store already holds adds nothing,
however its time was spelled.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.store import (
    EVENT_KINDS,
    REMINDER_EVENT_KINDS,
    SORENESS_LEVELS,
    Event,
    ImportBatch,
    Rating,
    RecordError,
    SorenessAnswer,
    Store,
    event_from_doc,
)
from coach.store.files import serialize

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=timezone(timedelta(hours=1)))

offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(8999, 12, 31),
                       timezones=offsets)
times = moments.map(datetime.isoformat)
names = st.text(min_size=1, max_size=30).filter(str.strip)
scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40))
plain = scalars | st.lists(scalars, max_size=5)
KNOWN = {"kind", "at", "reminder", "due", "snoozes", "delivered", "until", "by", "via",
         "reason", "title", "body", "suggestion", "muscles", "area", "level", "session_id",
         "rating"}
extras = st.dictionaries(st.text(max_size=12).filter(lambda key: key not in KNOWN), plain,
                         max_size=4)
ratings = st.builds(
    Rating, area=names, rating=st.integers(0, 10), phase=st.sampled_from(["before", "after",
                                                                        "check-in"]),
    at=moments, note=st.text(max_size=40), session_id=st.none() | names,
    muscle=st.none() | names, technique=st.none() | names, id=st.text(max_size=32),
).map(Rating.to_doc)


def optional(key: str, values) -> st.SearchStrategy[dict]:
    """The field left out, or given one of `values`."""
    return st.just({}) | values.map(lambda value: {key: value})


@st.composite
def event_docs(draw) -> dict:
    """A valid stored event document of any kind, with the fields coach writes and more."""
    kind = draw(st.sampled_from(EVENT_KINDS))
    doc = {"kind": kind, "at": draw(times)}
    doc.update(draw(extras))
    if kind in REMINDER_EVENT_KINDS:
        doc["reminder"] = draw(names)
        doc.update(draw(optional("due", st.none() | times)))
        for key in ("by", "via", "reason", "title", "body", "suggestion", "area",
                    "session_id"):
            doc.update(draw(optional(key, scalars)))
        doc.update(draw(optional("muscles", st.lists(names, max_size=4) | plain)))
    else:
        doc.update(draw(optional("reminder", scalars)))
        doc.update(draw(optional("due", scalars)))  # not checked outside a reminder's events
    if kind == "paused":
        doc["until"] = draw(times)
    else:
        doc.update(draw(optional("until", st.none() | times)))
    doc.update(draw(optional("snoozes", st.integers(0, 1000))))
    doc.update(draw(optional("delivered", st.booleans())))
    if kind == "soreness":
        doc["area"] = draw(names)
        doc["level"] = draw(st.sampled_from(SORENESS_LEVELS))
        doc.update(draw(optional("session_id", st.none() | names)))
    if kind == "rating-deleted":
        doc["rating"] = draw(ratings)
    return doc


def same(one: dict, other: dict) -> bool:
    """Equal as JSON: True and 1 differ, and so do 1 and 1.0."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)


@settings(max_examples=200, deadline=None)
@given(event_docs())
def test_a_stored_event_reads_into_an_event_and_writes_back_unchanged(doc):
    event = event_from_doc(doc)
    assert event.kind == doc["kind"]
    assert event.at == datetime.fromisoformat(doc["at"]) and event.at.utcoffset() is not None
    assert same(event.to_doc(), doc)
    assert event_from_doc(event.to_doc()) == event
    assert list(event.to_doc())[:2] == ["kind", "at"]


@settings(max_examples=100, deadline=None)
@given(event_docs())
def test_the_fields_coach_reads_are_typed(doc):
    event = event_from_doc(doc)
    if event.kind in REMINDER_EVENT_KINDS:
        assert event.reminder == doc["reminder"]
        if doc.get("due") is not None:
            assert event.due == datetime.fromisoformat(doc["due"])
    if event.kind == "paused":
        assert event.until == datetime.fromisoformat(doc["until"])
    if event.kind == "soreness":
        assert (event.area, event.level) == (doc["area"], doc["level"])
        assert event.session_id == doc.get("session_id")
        assert SorenessAnswer.from_event(event) == SorenessAnswer(
            doc["area"], doc["level"], event.at, doc.get("session_id"))
    if event.kind == "rating-deleted":
        assert event.rating == Rating.from_doc(doc["rating"])
    for name in ("by", "via", "reason", "title", "body", "suggestion"):
        value = doc.get(name)
        assert getattr(event, name) == (value if isinstance(value, str) else None)
    if isinstance(doc.get("muscles"), list) and all(isinstance(m, str) for m in doc["muscles"]):
        assert event.muscles == tuple(doc["muscles"])


def nested(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


json_values = st.recursive(
    scalars | st.sampled_from(["2026-11-20T09:00:00+01:00", "2026-11-20T09:00", "break",
                               "sent", "soreness", "some", "paused"]),
    nested, max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(event_docs(), st.sampled_from(sorted(KNOWN)), json_values)
def test_any_field_changed_to_anything_is_an_event_or_one_record_error_sentence(doc, key,
                                                                                  value):
    doc = {**doc, key: value}
    try:
        event = event_from_doc(doc)
    except RecordError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) < 200
        return
    assert event_from_doc(event.to_doc()) == event


@pytest.mark.parametrize(("doc", "words"), [
    ([1, 2], "the record is not an object"),
    ({"kind": "exploded", "at": NOW.isoformat()}, "the event kind 'exploded' is not one of"),
    ({"kind": "resumed"}, "the time is not an ISO 8601 time"),
    ({"kind": "resumed", "at": "2026-11-20T11:00"}, "the time has no time-zone offset"),
    ({"kind": "sent", "at": NOW.isoformat()}, "the reminder is not text"),
    ({"kind": "sent", "at": NOW.isoformat(), "reminder": "break", "due": "soon"},
     "the due time 'soon' is not an ISO 8601 time"),
    ({"kind": "paused", "at": NOW.isoformat()}, "the end of the pause is not an ISO 8601 time"),
    ({"kind": "resumed", "at": NOW.isoformat(), "snoozes": -1},
     "snoozes -1 is not a whole number from 0 to 1000"),
    ({"kind": "sent", "at": NOW.isoformat(), "reminder": "break", "delivered": "yes"},
     "delivered is not true or false"),
    ({"kind": "soreness", "at": NOW.isoformat(), "area": "neck", "level": "very"},
     "the soreness level 'very' is not one of none, some, a-lot"),
    ({"kind": "rating-deleted", "at": NOW.isoformat(), "rating": {"area": "neck"}},
     "the rating has no time (at)"),
    ({"kind": "resumed", "at": NOW.isoformat(), "note": {"nested": 1}},
     "the event's note is not a plain value"),
])
def test_an_invalid_event_is_one_plain_sentence(doc, words):
    with pytest.raises(RecordError) as raised:
        event_from_doc(doc)
    assert str(raised.value).startswith(words)


def test_add_event_takes_the_stored_spelling_or_the_typed_values(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    due = NOW - timedelta(minutes=1)
    typed = store.add_event("snoozed", NOW, reminder="break", due=due, snoozes=1,
                            until=NOW + timedelta(minutes=10), muscles=("scalenes",))
    spelled = store.add_event("snoozed", NOW, reminder="break", due=due.isoformat(),
                              snoozes=1, until=(NOW + timedelta(minutes=10)).isoformat(),
                              muscles=["scalenes"])
    assert typed == spelled and typed.due == due and typed.muscles == ("scalenes",)
    assert store.events() == [typed, spelled]
    raw = json.loads((tmp_path / "events" / "2026-11.json").read_text())
    assert list(raw["events"].values())[0] == typed.to_doc()


def test_an_event_stored_by_an_older_coach_reads_back_with_every_field(tmp_path):
    # add_event wrote the fields first, then kind and at; a hand-added field stays too
    store = Store(tmp_path, clock=lambda: NOW)
    old = {"reminder": "break", "due": NOW.isoformat(), "snoozes": 0, "delivered": True,
           "title": "coach", "body": "Time for a break", "mood": "fine", "kind": "sent",
           "at": NOW.isoformat()}
    assert store.import_batch(ImportBatch(events=[event_from_doc(old)])).events_added == 1
    [event] = store.events()
    assert event.to_doc() == old and event.extra == {"mood": "fine"}
    assert (event.title, event.delivered, event.snoozes) == ("coach", True, 0)


def test_importing_an_event_again_adds_nothing_however_its_time_is_spelled(tmp_path):
    store = Store(tmp_path, clock=lambda: NOW)
    zulu = {"kind": "acted", "at": "2026-11-20T10:00:00Z", "reminder": "break"}
    assert store.add_events([event_from_doc(zulu)]) == 1
    [stored] = store.events()
    assert stored.at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert stored.to_doc()["at"] == "2026-11-20T10:00:00+00:00"
    assert store.add_events([event_from_doc(zulu)]) == 0
    assert store.add_events([stored]) == 0
    assert store.add_events([Event("acted", stored.at, reminder="routine")]) == 1


def test_an_event_an_older_coach_imported_as_it_was_spelled_is_not_imported_again(tmp_path):
    # before events were typed, an import stored the document as the file spelled it
    folder = tmp_path / "events"
    folder.mkdir(mode=0o700)
    zulu = {"kind": "acted", "at": "2026-11-20T10:00:00.000Z", "reminder": "break"}
    (folder / "2026-11.json").write_bytes(serialize({"events": {"1": zulu}}))
    (folder / "2026-11.json").chmod(0o600)
    store = Store(tmp_path, clock=lambda: NOW)
    [stored] = store.events()
    assert store.add_events([event_from_doc(zulu)]) == 0
    assert store.add_events([stored]) == 0


def test_a_soreness_answer_is_built_from_its_event():
    event = event_from_doc({"kind": "soreness", "at": NOW.isoformat(), "area": "neck",
                            "level": "some", "session_id": "s1"})
    answer = SorenessAnswer.from_event(event)
    assert answer == SorenessAnswer("neck", "some", NOW, "s1")
    assert answer.to_event() == event
    with pytest.raises(RecordError, match="a 'resumed' event is not a soreness answer"):
        SorenessAnswer.from_event(Event("resumed", NOW))


def test_export_then_import_keeps_every_event_and_adds_nothing_twice(tmp_path):
    from coach.catalog import load_catalog
    from coach.transfer import export_json, parse_import

    source = Store(tmp_path / "source", clock=lambda: NOW)
    rating = source.add_rating(Rating("neck", 4, "check-in", NOW - timedelta(hours=1)))
    source.delete_rating(rating.id, NOW)
    source.add_event("sent", NOW, reminder="break", due=NOW, snoozes=0, delivered=False,
                     title="coach", body="Time for a short break.", area="neck",
                     suggestion="pressure", muscles=["upper-trapezius"])
    source.add_event("snoozed", NOW, reminder="break", due=NOW, snoozes=1,
                     until=NOW + timedelta(minutes=10))
    source.add_event("paused", NOW, until=NOW + timedelta(hours=1))
    source.add_event("resumed", NOW)
    source.add_event("soreness", NOW, area="neck", level="some", session_id=None)
    old = {"reminder": "routine", "due": NOW.isoformat(), "snoozes": 0, "by": "planner",
           "reason": "you are away", "mood": ["fine", 3], "kind": "missed-away",
           "at": NOW.isoformat()}  # as an older coach wrote it, with a hand-added field
    source.add_events([event_from_doc(old)])
    on_disk = (tmp_path / "source" / "events" / "2026-11.json").read_bytes()

    text = export_json(source)
    exported = json.loads(text)["events"]
    assert len(exported) == 7 and old in exported
    assert exported == [event.to_doc() for event in source.events()]
    target = Store(tmp_path / "target", clock=lambda: NOW)
    assert target.import_batch(parse_import(text, "all.json", load_catalog())).events_added == 7
    assert json.loads(export_json(target))["events"] == exported
    for store in (source, target):
        assert store.import_batch(parse_import(text, "all.json", load_catalog())
                                  ).events_added == 0
    assert (tmp_path / "source" / "events" / "2026-11.json").read_bytes() == on_disk
