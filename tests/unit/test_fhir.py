"""FHIR R4 export: valid against a FHIR model, read back exactly, and importing it adds nothing."""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.catalog import load_catalog
from coach.errors import UsageError
from coach.fhir import PAIN_CODE, SNOMED, export_bundle, parse_bundle
from coach.store import Rating, SessionRecord, Store
from coach.transfer import AreaResolver, parse_fhir

# fhir.resources' R4B module: Bundle, Observation and Procedure are as in FHIR R4.
R4B = pytest.importorskip("fhir.resources.R4B.bundle")

CATALOG = load_catalog(include_user=False)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone(timedelta(hours=1)))
AREAS = sorted(CATALOG.areas)
STEP = st.fixed_dictionaries({
    "muscle": st.sampled_from(sorted(CATALOG.targets)),
    "area": st.sampled_from(AREAS),
    "side": st.sampled_from(["left", "right", "both"]),
    "tool": st.sampled_from(["ball", "hands", "wall"]),
    "technique": st.sampled_from(["sustained-pressure", "short-strokes", "rolling"]),
    "seconds": st.integers(10, 300),
    "completed": st.booleans(),
}, optional={"skipped": st.booleans()})
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=1)),
                           timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])


@st.composite
def moments(draw):
    start = datetime(2025, 1, 1)
    seconds = draw(st.integers(0, 600 * 24 * 3600))
    return (start + timedelta(seconds=seconds)).replace(tzinfo=draw(OFFSETS))


@st.composite
def sessions(draw):
    started = draw(moments())
    steps = draw(st.lists(STEP, max_size=4))
    done = draw(st.integers(0, 1800))
    status = draw(st.sampled_from(["finished", "ended-early", "in-progress"]))
    finished = None if status == "in-progress" else started + timedelta(seconds=done)
    return SessionRecord(uuid.UUID(int=draw(st.integers(0, 2**128 - 1))).hex,
                         started.date(), started, finished, draw(st.integers(0, 1800)), done,
                         steps, status)


@st.composite
def histories(draw):
    records = draw(st.lists(sessions(), max_size=3, unique_by=lambda s: s.id))
    ratings = []
    for _ in range(draw(st.integers(0, 8))):
        session = draw(st.sampled_from(records)) if records and draw(st.booleans()) else None
        ratings.append(Rating(
            area=draw(st.sampled_from(AREAS)), rating=draw(st.integers(0, 10)),
            phase=draw(st.sampled_from(["before", "after", "check-in"])),
            at=session.started_at if session else draw(moments()),
            note=draw(st.text(max_size=30)),
            session_id=session.id if session else None,
            muscle=draw(st.none() | st.sampled_from(sorted(CATALOG.targets))),
            technique=draw(st.none() | st.just("rolling")),
        ))
    return ratings, records


def import_plan(bundle: dict):
    """The ImportBatch coach.transfer makes of the bundle, as `coach import` does."""
    return parse_fhir(json.loads(json.dumps(bundle)), "bundle.json", AreaResolver(CATALOG), NOW)


def stored(store: Store) -> tuple[list[dict], list[dict]]:
    return ([r.to_doc() for r in store.ratings()], [s.to_doc() for s in store.sessions()])


def test_a_bundle_validates_against_the_fhir_model():
    at = datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    session = SessionRecord("a1", at.date(), at, at + timedelta(minutes=8), 600, 480,
                            [{"muscle": "upper-trapezius", "area": "neck", "side": "left",
                              "tool": "ball", "technique": "sustained-pressure", "seconds": 90,
                              "completed": True}], "finished")
    ratings = [Rating("neck", 6, "before", at, session_id="a1", id="r1"),
               Rating("upper-back", 3, "check-in", at, note="after a long call", id="r2")]
    bundle = export_bundle(ratings, [session], CATALOG, NOW)
    parsed = R4B.Bundle.model_validate(bundle)
    assert parsed.type == "collection" and len(parsed.entry) == 3
    observation = bundle["entry"][1]["resource"]
    assert observation["code"]["coding"][0]["code"] == PAIN_CODE == "72514-3"
    assert observation["valueInteger"] == 6
    assert observation["bodySite"]["text"] == "Neck"
    assert {"system": SNOMED, "code": "45048000"} in observation["bodySite"]["coding"]
    assert observation["partOf"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    # an area without a SNOMED CT code that fits carries its text and coach's id only
    upper = bundle["entry"][2]["resource"]["bodySite"]
    assert upper["text"] == "Upper back" and all(c["system"] != SNOMED for c in upper["coding"])
    procedure = bundle["entry"][0]["resource"]
    assert procedure["status"] == "completed"
    assert procedure["performedPeriod"] == {"start": at.isoformat(),
                                           "end": (at + timedelta(minutes=8)).isoformat()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_export_validates_and_reads_back_exactly(history):
    ratings, records = history
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        store.add_ratings(ratings)
        store.add_sessions(records)
        bundle = export_bundle(store.ratings(), store.sessions(), CATALOG, NOW)
        R4B.Bundle.model_validate(bundle)
        plan = import_plan(bundle)
        assert not plan.floating
        assert sorted(r.to_doc()["id"] for r in plan.ratings) == sorted(
            r.id for r in store.ratings())
        assert [r.to_doc() for r in sorted(plan.ratings, key=lambda r: (r.at, r.id))] == [
            r.to_doc() for r in sorted(store.ratings(), key=lambda r: (r.at, r.id))]
        assert sorted((s.to_doc() for s in plan.sessions), key=lambda d: d["id"]) == sorted(
            (s.to_doc() for s in store.sessions()), key=lambda d: d["id"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_export_then_import_adds_nothing(history):
    ratings, records = history
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        store.add_ratings(ratings)
        store.add_sessions(records)
        before = stored(store)
        plan = import_plan(export_bundle(store.ratings(), store.sessions(), CATALOG, NOW))
        result = store.import_batch(plan)
        assert (result.ratings_added, result.sessions_added) == (0, 0)
        assert stored(store) == before


def test_a_foreign_bundle_imports_by_snomed_code_or_label_and_only_once(tmp_path):
    """A clinic's bundle: no coach ids, areas only as SNOMED CT or text; twice adds nothing."""
    def observation(value, site, when):
        return {"resource": {
            "resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": PAIN_CODE}]},
            "effectiveDateTime": when, "valueInteger": value, "bodySite": site}}

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        observation(5, {"coding": [{"system": SNOMED, "code": "37822005"}]},
                    "2026-11-20T08:00:00+01:00"),
        observation(2, {"text": "Calves"}, "2026-11-21T08:00:00+01:00"),
        {"resource": {"resourceType": "Patient", "id": "p"}},
    ]}
    plan = import_plan(bundle)
    assert [(r.area, r.rating, r.phase) for r in plan.ratings] == [
        ("low-back", 5, "check-in"), ("calves", 2, "check-in")]
    store = Store(tmp_path)
    assert store.import_batch(plan).ratings_added == 2
    assert store.import_batch(import_plan(bundle)).ratings_added == 0
    assert len(store.ratings()) == 2


def test_a_bad_observation_imports_nothing_and_says_where():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Observation", "status": "final",
                      "code": {"coding": [{"system": "http://loinc.org", "code": PAIN_CODE}]},
                      "effectiveDateTime": "2026-11-20T08:00:00+01:00", "valueInteger": 14,
                      "bodySite": {"text": "Neck"}}}]}
    with pytest.raises(UsageError, match=r"observation 1: rating 14 is not a whole number"):
        import_plan(bundle)
    ratings, sessions, bad = parse_bundle({"resourceType": "Bundle", "entry": [7]}, {})
    assert (ratings, sessions, bad) == ([], [], [("entry 1", "has no resource")])


def test_every_snomed_code_in_the_library_is_a_concept_id():
    codes = {area.id: area.snomed for area in CATALOG.areas.values() if area.snomed}
    assert codes["neck"] == "45048000" and codes["low-back"] == "37822005"
    assert all(code.isdigit() for code in codes.values())
