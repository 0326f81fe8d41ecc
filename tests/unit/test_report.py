"""The clinician report's model, its blocks, the HTML page and the PDF, from real records."""

from __future__ import annotations

import os
import re
import stat
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.catalog import load_catalog
from coach.demo import seed
from coach.model import Profile
from coach.report import write_private
from coach.report.html import render_html
from coach.report.model import MAX_NOTES, Period, build_from, build_report
from coach.report.pdf import render_pdf
from coach.sessions import COUNTS_AS_DONE_S, counts_as_done
from coach.store import Rating, SessionRecord, Store, event_from_doc
from coach.trends import weekly_report

TZ = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 30)  # a Monday: the demo's eight weeks end the Sunday before
NOW = datetime.combine(TODAY, time(9), TZ)
CATALOG = load_catalog(include_user=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo"))
    seed(store, CATALOG, today=TODAY, tz=TZ)
    return store


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def test_periods_are_whole_iso_weeks():
    period = Period.of(8, date(2026, 11, 25))
    assert (period.first, period.last, period.weeks) == (date(2026, 10, 5), date(2026, 11, 29), 8)
    between = Period.between(date(2026, 11, 4), date(2026, 11, 18))
    assert (between.first, between.last, between.weeks) == (
        date(2026, 11, 2), date(2026, 11, 22), 3)
    assert Period.between(date(2026, 11, 18), date(2026, 11, 18)).weeks == 1


def test_the_model_keeps_the_weekly_report_and_adds_the_period_means(demo):
    period = Period.of(8, TODAY - timedelta(days=1))
    model = build_report(demo, CATALOG, period, NOW, TZ)
    data = model.to_json()
    # the weekly report's keys are exactly what coach.trends computes for the same weeks
    expected = weekly_report(demo.ratings(), demo.sessions(), demo.events(), weeks=8,
                             until=period.last, tz=TZ).to_json()
    assert {key: data[key] for key in expected} == expected
    # the flags are the trends' own, against last week and against the 4-week baseline
    for area in model.areas:
        assert [(w.flag, w.baseline_flag, w.baseline) for w in area.weeks] == [
            (week["areas"][area.id]["flag"], week["areas"][area.id]["baseline_flag"],
             week["areas"][area.id]["baseline"]) for week in expected["weeks"]]
    # each area's mean over the period, computed plainly from the stored ratings
    for area in model.areas:
        values = [r.rating for r in demo.ratings() if r.area == area.id
                  and r.phase in ("before", "check-in") and period.first <= r.at.date()
                  <= period.last]
        assert area.n == len(values) > 0
        assert area.mean == round(sum(values) / len(values), 2) == data["areas"][area.id]["mean"]
        assert (area.low, area.high) == (min(values), max(values))
    assert [area.id for area in model.areas] == list(demo.load_profile().areas)
    assert data["areas"]["neck"]["snomed"] == "45048000"
    assert data["areas"]["upper-back"]["snomed"] is None
    assert model.sessions == len([s for s in demo.sessions() if counts_as_done(s)
                                  and period.first <= s.started_at.date() <= period.last])
    assert [week.breaks_taken for week in model.activity] == [
        week["breaks"]["taken"] for week in expected["weeks"]]
    assert all(week.completion == 100 for week in model.activity if week.sessions)
    assert model.helped and all(item.n > 0 for item in model.helped)


def test_activity_counts_each_kind_of_break_and_only_sessions_done(tmp_path):
    monday = date(2026, 11, 16)
    events = [event_from_doc(doc) for doc in [
        {"kind": "sent", "reminder": "break", "at": at(monday).isoformat()},
        {"kind": "acted", "reminder": "break", "at": at(monday).isoformat()},
        {"kind": "snoozed", "reminder": "break", "at": at(monday, 11).isoformat()},
        {"kind": "skipped", "reminder": "break", "by": "person",
         "at": at(monday, 12).isoformat()},
        {"kind": "missed-away", "reminder": "break", "at": at(monday, 13).isoformat()},
        {"kind": "skipped", "reminder": "break", "at": at(monday, 14).isoformat(),
         "by": "planner", "reason": "outside working hours or in a quiet period"},
    ]]
    steps = [{"muscle": "upper-trapezius", "area": "neck", "technique": "sustained-pressure",
              "completed": True},
             {"muscle": "levator-scapulae", "area": "neck", "technique": "sustained-pressure",
              "completed": False}]
    session = SessionRecord("s1", monday, at(monday, 12), at(monday, 12) + timedelta(minutes=5),
                            600, 300, steps, "ended-early")
    # ended after a few seconds: kept in the history, not a session done (coach.sessions)
    brief = SessionRecord("s0", monday, at(monday, 8), at(monday, 8) + timedelta(seconds=40),
                          600, COUNTS_AS_DONE_S - 1, [dict(steps[0])], "ended-early")
    ratings = [
        Rating("neck", 6, "before", at(monday, 12), session_id="s1"),
        Rating("neck", 3, "after", at(monday, 13), session_id="s1", muscle="upper-trapezius",
               technique="sustained-pressure", note="looser"),
    ]
    model = build_from(ratings, [brief, session], events, Profile(areas=("neck",)), CATALOG,
                       Period.of(1, monday), NOW, TZ)
    week = model.activity[0]
    assert week.sessions == 1 and model.sessions == 1
    assert (week.breaks_taken, week.breaks_skipped, week.breaks_snoozed,
            week.breaks_missed_away) == (1, 1, 1, 1)
    assert (week.steps_done, week.steps_planned, week.completion) == (1, 2, 50)
    assert week.minutes == 5.0 and week.session_change == -3
    assert [(c.id, c.count) for c in model.muscles] == [("upper-trapezius", 1)]
    assert [(h.kind, h.id, h.n, h.mean_change) for h in model.helped] == [
        ("muscle", "upper-trapezius", 1, -3.0), ("technique", "sustained-pressure", 1, -3.0)]
    assert [note.text for note in model.notes] == ["looser"]


def test_notes_are_the_most_recent_twenty_of_the_period():
    monday = date(2026, 11, 2)
    ratings = [Rating("neck", day % 10, "check-in", at(monday + timedelta(days=day)),
                      note=f"note {day}") for day in range(28)]
    model = build_from(ratings, [], [], None, CATALOG, Period.of(4, monday + timedelta(days=27)),
                       NOW, TZ)
    assert len(model.notes) == MAX_NOTES
    assert [note.text for note in model.notes] == [f"note {day}" for day in range(27, 7, -1)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["neck", "jaw", "calves"]), st.integers(0, 10),
                          st.sampled_from(["before", "after", "check-in"]),
                          st.integers(0, 41 * 24)), max_size=60),
       st.integers(1, 6))
def test_area_means_are_the_plain_means_of_resting_ratings(rows, weeks):
    start = datetime(2026, 9, 28, tzinfo=TZ)
    ratings = [Rating(area, value, phase, start + timedelta(hours=hour))
               for area, value, phase, hour in rows]
    period = Period.of(weeks, date(2026, 11, 8))
    model = build_from(ratings, [], [], None, CATALOG, period, NOW, TZ)
    for area in model.areas:
        values = [r.rating for r in ratings if r.area == area.id and r.phase != "after"
                  and period.first <= r.at.date() <= period.last]
        assert area.n == len(values)
        assert area.mean == (round(sum(values) / len(values), 2) if values else None)
    assert {area.id for area in model.areas} == {
        r.area for r in ratings if r.phase != "after" and period.first <= r.at.date()
        <= period.last}


def test_html_is_one_private_self_contained_page(demo, tmp_path):
    model = build_report(demo, CATALOG, Period.of(8, TODAY - timedelta(days=1)), NOW, TZ)
    page = render_html(model)
    assert "<script" not in page.lower()
    assert not re.search(r"https?:", page), "the page must name no address"
    assert not re.search(r"\b(src|href)\s*=", page, re.IGNORECASE)
    assert "@media print" in page and "@page" in page
    assert page.count("<svg") == 2  # the weekly chart and the body map
    for area in model.areas:
        assert f">{area.mean:g}<" in page
        assert f"{area.label}: {area.mean:g}" in page  # the body map's legend
        latest = area.latest
        assert f"{latest.baseline_flag} ({latest.baseline_change:+.1f})" in page
    assert "vs its 4-week baseline" in page and "Safety today" in page
    assert model.safety.level == "ok"  # the demo person is screened, with no caution
    assert "not a diagnosis" in page
    target = tmp_path / "report.html"
    write_private(target, page.encode())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == page


def test_a_link_at_the_target_is_replaced_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.html"
    os.symlink(victim, link)
    write_private(link, b"<p>report</p>")
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and link.read_bytes() == b"<p>report</p>"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "victim.txt"]


def test_pdf_is_made_from_the_same_model(demo):
    model = build_report(demo, CATALOG, Period.of(8, TODAY - timedelta(days=1)), NOW, TZ)
    data = render_pdf(model)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_without_dejavu_the_pdf_falls_back_to_a_built_in_font(demo, monkeypatch):
    import coach.report.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "FONT_DIRS", ())
    model = build_report(demo, CATALOG, Period.of(8, TODAY - timedelta(days=1)), NOW, TZ)
    data = render_pdf(model, "letter")
    assert data.startswith(b"%PDF-") and b"/Helvetica" in data
    assert b"/MediaBox [0 0 612.00 792.00]" in data


def test_soreness_answers_are_counted_per_area():
    from coach.report.content import document

    monday = date(2026, 11, 16)
    events = [event_from_doc(doc) for doc in [
        {"kind": "soreness", "at": at(monday, 9).isoformat(), "area": "neck", "level": "some",
         "session_id": "s1"},
        {"kind": "soreness", "at": at(monday + timedelta(days=2), 9).isoformat(), "area": "neck",
         "level": "none", "session_id": "s2"},
        {"kind": "soreness", "at": at(monday - timedelta(days=3), 9).isoformat(), "area": "neck",
         "level": "a-lot"},  # before the period
    ]]
    model = build_from([], [], events, Profile(areas=("neck",)), CATALOG, Period.of(1, monday),
                       NOW, TZ)
    assert [(answer.area, answer.level) for answer in model.soreness] == [
        ("neck", "none"), ("neck", "some")]
    assert model.to_json()["soreness"][0]["level"] == "none"
    section = next(s for s in document(model).sections if s.title.startswith("Soreness"))
    assert [block.text for block in section.blocks[:-1]] == [
        "Neck: not sore 1, a little sore 1, very sore 0 (latest: not sore, 2026-11-18)."]


def test_pain_bands_cover_zero_to_ten_and_the_map_shades_each_rated_area():
    from coach.bodymap import OUTLINE
    from coach.report.charts import PAIN_BANDS, body_map_chart, pain_fill
    from coach.report.regions import REGIONS

    assert [pain_fill(value) for value in (0, 1.99, 2, 5.5, 7.99, 8, 10)] == [
        PAIN_BANDS[0][1], PAIN_BANDS[0][1], PAIN_BANDS[1][1], PAIN_BANDS[2][1],
        PAIN_BANDS[3][1], PAIN_BANDS[4][1], PAIN_BANDS[4][1]]
    monday = date(2026, 11, 16)
    ratings = [Rating("neck", 5, "check-in", at(monday, 9)),
               Rating("neck", 4, "before", at(monday, 10)),  # neck: 4.5
               Rating("calves", 9, "check-in", at(monday, 9)),  # calves: 9
               Rating("jaw", 8, "after", at(monday, 9))]  # an "after" only: not resting pain
    model = build_from(ratings, [], [], Profile(areas=("neck", "calves", "jaw")), CATALOG,
                       Period.of(1, monday), NOW, TZ)
    svg = body_map_chart(model).svg
    outline_ellipses = sum(1 for shape in OUTLINE if shape.shape == "ellipse")
    assert svg.count("<ellipse") == 2 * outline_ellipses + len(REGIONS["neck"]) + len(
        REGIONS["calves"])
    assert f'fill="{PAIN_BANDS[2][1]}"' in svg and f'fill="{PAIN_BANDS[4][1]}"' in svg
    assert "Neck: 4.5" in svg and "Calves: 9" in svg and "Jaw" not in svg
    assert "0 to under 2" in svg and "8 to 10" in svg
    # every library area has a place on the outline, inside it
    from coach.bodymap import inside_outline

    assert set(REGIONS) == set(CATALOG.areas)
    for shapes in REGIONS.values():
        for shape in shapes:
            assert shape.view in ("front", "back")
            assert inside_outline(*shape.coords[:2])


def test_the_safety_level_and_its_reasons_are_on_the_page():
    from coach.report.model import Safety

    safety = Safety("stretch-only", ("Neck: stretches only today, no pressure; you noted "
                                     "'tingling'.",), "")
    model = build_from([], [], [], Profile(areas=("neck",)), CATALOG,
                       Period.of(1, TODAY), NOW, TZ, safety)
    page = render_html(model)
    assert "stretch only: no pressure or rolling" in page
    assert "you noted &#x27;tingling&#x27;" in page
    assert model.to_json()["safety"] == {"level": "stretch-only",
                                         "reasons": list(safety.reasons), "clinician": ""}
    # without a screened profile, the report says so, as coach today does
    unscreened = build_from([], [], [], Profile(areas=("neck",)), CATALOG, Period.of(1, TODAY),
                            NOW, TZ)
    assert unscreened.safety.level != "ok" and unscreened.safety.reasons


def test_a_period_that_ends_this_week_says_so():
    from coach.report.content import document

    model = build_from([], [], [], None, CATALOG, Period.of(2, TODAY), NOW, TZ)
    period = dict(document(model).sections[0].blocks[0].rows)["Period"]
    assert period == "Mon 23 Nov 2026 to today, Mon 30 Nov 2026 (2 weeks, the last one so far)"
    done = build_from([], [], [], None, CATALOG, Period.of(2, TODAY - timedelta(days=1)), NOW, TZ)
    assert dict(document(done).sections[0].blocks[0].rows)["Period"] == (
        "Mon 16 Nov 2026 to Sun 29 Nov 2026 (2 weeks)")
