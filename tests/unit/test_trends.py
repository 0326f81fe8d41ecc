"""Weekly trends against a plain reference implementation, across DST changes and week edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coach import trends
from coach.store import Event, Rating, SessionRecord, event_from_doc
from coach.trends import BASELINE_WEEKS

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AREAS = ("neck", "jaw", "low-back")

# Weeks around the 2026 DST changes: Berlin 29 Mar / 25 Oct, New York 8 Mar / 1 Nov.
UNTIL_DAYS = [date(2026, 3, 9), date(2026, 3, 30), date(2026, 10, 26), date(2026, 11, 2),
              date(2026, 11, 22)]


def weekly_report(*args, **kwargs) -> dict:
    """The report as `coach report --json` prints it."""
    return trends.weekly_report(*args, **kwargs).to_json()


# ------------------------------------------------------------- the reference, written plainly

def reference_week_of(moment: datetime) -> tuple[int, int]:
    """The ISO (year, week) of the local calendar date the rating was given on."""
    year, week, _ = moment.date().isocalendar()
    return year, week


def reference_report(ratings, weeks: int, until: date) -> dict:
    """Resting-pain stats per ISO week, flags by Farrar's thresholds, in Decimal arithmetic."""
    wanted = []
    monday = until - timedelta(days=until.weekday())
    for back in range(weeks, -1, -1):
        day = monday - timedelta(days=7 * back)
        wanted.append(tuple(day.isocalendar()[:2]))
    values = {week: {} for week in wanted}
    for rating in ratings:
        week = reference_week_of(rating.at)
        if week in values and rating.phase in ("before", "check-in"):
            values[week].setdefault(rating.area, []).append(rating.rating)
    areas = sorted({area for week in wanted[1:] for area in values[week]})
    result = []
    for previous, week in zip(wanted, wanted[1:], strict=False):
        stats = {}
        for area in areas:
            now_values = values[week].get(area, [])
            before_values = values[previous].get(area, [])
            mean = Decimal(sum(now_values)) / len(now_values) if now_values else None
            old = Decimal(sum(before_values)) / len(before_values) if before_values else None
            change = mean - old if mean is not None and old is not None else None
            pct = change / old * 100 if change is not None and old != 0 else None
            if len(now_values) < 3 or len(before_values) < 3:
                flag = "too few"
            elif abs(change) >= 2 or (abs(pct) >= 30 if pct is not None else False) and \
                    abs(change) >= 1:
                flag = "improving" if change < 0 else "worsening"
            else:
                flag = "stable"
            stats[area] = {
                "mean": None if mean is None else round(float(mean), 2),
                "n": len(now_values),
                "min": min(now_values) if now_values else None,
                "max": max(now_values) if now_values else None,
                "change": None if change is None else round(float(change), 2),
                "change_pct": None if pct is None else round(float(pct), 1),
                "flag": flag,
            }
        result.append({"week": f"{week[0]}-W{week[1]:02d}", "areas": stats})
    return result


# ------------------------------------------------------------- generated ratings

zones = st.sampled_from([BERLIN, NEW_YORK])


@st.composite
def rating_lists(draw):
    until = draw(st.sampled_from(UNTIL_DAYS))
    zone = draw(zones)
    first = until - timedelta(days=until.weekday() + 7 * 4)
    count = draw(st.integers(min_value=0, max_value=60))
    ratings = []
    for _ in range(count):
        day = first + timedelta(days=draw(st.integers(0, 34)))
        # the week edges on purpose: 23:59 Sunday and 00:00 Monday, plus any minute
        clock = draw(st.sampled_from([(23, 59), (0, 0), (12, 0)]) | st.tuples(
            st.integers(0, 23), st.integers(0, 59)))
        moment = datetime(day.year, day.month, day.day, *clock, tzinfo=zone)
        # store it as the store would: a fixed offset, as read back from ISO text
        moment = datetime.fromisoformat(moment.isoformat())
        ratings.append(Rating(
            area=draw(st.sampled_from(AREAS)),
            rating=draw(st.integers(0, 10)),
            phase=draw(st.sampled_from(["before", "after", "check-in"])),
            at=moment,
        ))
    return until, ratings


@settings(max_examples=300, deadline=None)
@given(rating_lists(), st.integers(min_value=1, max_value=4))
def test_weekly_stats_match_the_reference(case, weeks):
    until, ratings = case
    report = weekly_report(ratings, [], [], weeks=weeks, until=until, tz=BERLIN)
    expected = reference_report(ratings, weeks, until)
    assert [week["week"] for week in report["weeks"]] == [week["week"] for week in expected]
    for got, want in zip(report["weeks"], expected, strict=True):
        assert set(got["areas"]) == set(want["areas"])
        for area, stats in want["areas"].items():
            assert {key: got["areas"][area][key] for key in stats} == stats


def resting(area, values, monday, zone=BERLIN, hour=9):
    return [Rating(area, value, "check-in",
                   datetime.combine(monday + timedelta(days=index % 7),
                                    datetime.min.time(), zone) + timedelta(hours=hour))
            for index, value in enumerate(values)]


def test_sunday_2359_and_monday_0000_fall_in_different_weeks():
    sunday = datetime(2026, 10, 25, 23, 59, tzinfo=BERLIN)  # the night the clocks go back
    monday = datetime(2026, 10, 26, 0, 0, tzinfo=BERLIN)
    ratings = [Rating("neck", 3, "check-in", sunday), Rating("neck", 7, "check-in", monday)]
    report = weekly_report(ratings, [], [], weeks=2, until=date(2026, 10, 26), tz=BERLIN)
    first, second = report["weeks"]
    assert (first["week"], first["areas"]["neck"]["mean"]) == ("2026-W43", 3.0)
    assert (second["week"], second["areas"]["neck"]["mean"]) == ("2026-W44", 7.0)


def test_a_rating_stays_in_the_week_of_its_own_offset_even_read_elsewhere():
    # 23:30 Sunday in New York is already Monday in Berlin; it counts for Sunday
    late = datetime.fromisoformat("2026-11-22T23:30:00-05:00")
    report = weekly_report([Rating("jaw", 5, "before", late)], [], [], weeks=1,
                           until=date(2026, 11, 22), tz=BERLIN)
    assert report["weeks"][0]["week"] == "2026-W47"
    assert report["weeks"][0]["areas"]["jaw"]["n"] == 1


def test_flags_follow_the_thresholds():
    last, this = date(2026, 11, 9), date(2026, 11, 16)
    cases = {
        # (last week's ratings, this week's) -> flag
        ((6, 6, 6), (4, 4, 4)): "improving",   # -2 points
        ((3, 3, 3), (2, 2, 2)): "improving",   # -1 point, -33 %
        ((6, 6, 6), (5, 5, 5)): "stable",      # -1 point, -17 %
        ((2, 2, 2), (3, 3, 3)): "worsening",   # +1 point, +50 %
        ((1, 1, 1), (1, 2, 1)): "stable",      # +33 % but only a third of a point
        ((6, 6), (2, 2, 2)): "too few",
    }
    for (before, after), flag in cases.items():
        ratings = resting("neck", before, last) + resting("neck", after, this)
        report = weekly_report(ratings, [], [], weeks=1, until=this, tz=BERLIN)
        assert report["weeks"][0]["areas"]["neck"]["flag"] == flag, (before, after)


def test_change_pct_is_null_when_last_week_was_zero():
    ratings = resting("neck", (0, 0, 0), date(2026, 11, 9)) + \
        resting("neck", (2, 2, 2), date(2026, 11, 16))
    stats = weekly_report(ratings, [], [], weeks=1, until=date(2026, 11, 16),
                          tz=BERLIN)["weeks"][0]["areas"]["neck"]
    assert (stats["change"], stats["change_pct"], stats["flag"]) == (2.0, None, "worsening")


def test_sessions_minutes_session_change_and_what_works():
    monday = date(2026, 11, 16)
    start = datetime(2026, 11, 17, 8, 0, tzinfo=BERLIN)
    steps = [
        {"muscle": "upper-trapezius", "area": "neck", "technique": "sustained-pressure",
         "completed": True},
        {"muscle": "levator-scapulae", "area": "neck", "technique": "short-strokes",
         "completed": False},
        {"muscle": "masseter", "area": "jaw", "technique": "short-strokes", "completed": True},
    ]
    session = SessionRecord("s1", start.date(), start, start + timedelta(minutes=9), 600, 540,
                            steps, "finished")
    ratings = [
        Rating("neck", 6, "before", start, session_id="s1"),
        Rating("jaw", 4, "before", start, session_id="s1"),
        Rating("neck", 3, "after", start + timedelta(minutes=9), session_id="s1"),
        Rating("jaw", 3, "after", start + timedelta(minutes=9), session_id="s1"),
    ]
    events = [Event("acted", start), Event("sent", start)]
    report = weekly_report(ratings, [session], events, weeks=1, until=monday, tz=BERLIN)
    week = report["weeks"][0]
    assert (week["sessions"], week["minutes"], week["reminders_acted"]) == (1, 9.0, 1)
    assert week["session_change"] == -2.0  # mean of neck -3 and jaw -1
    works = {(item["kind"], item["id"]): (item["mean_change"], item["count"])
             for item in report["after_vs_before"]}
    assert works == {
        ("muscle", "upper-trapezius"): (-3.0, 1),
        ("muscle", "masseter"): (-1.0, 1),
        ("technique", "sustained-pressure"): (-3.0, 1),
        ("technique", "short-strokes"): (-1.0, 1),  # levator was not completed
    }


def test_advice_for_high_pain_two_weeks_running():
    ratings = resting("low-back", (7, 8, 7), date(2026, 11, 9)) + \
        resting("low-back", (8, 7, 7), date(2026, 11, 16)) + \
        resting("neck", (3, 3, 3), date(2026, 11, 16))
    report = weekly_report(ratings, [], [], weeks=2, until=date(2026, 11, 16), tz=BERLIN)
    assert [item["area"] for item in report["advice"]] == ["low-back"]
    assert report["advice"][0]["advice"] == "see a clinician"
    assert "2026-W46" in report["advice"][0]["reason"]
    assert "2026-W47" in report["advice"][0]["reason"]


def test_advice_for_worsening_two_weeks_running():
    ratings = resting("neck", (1, 1, 1), date(2026, 11, 2)) + \
        resting("neck", (3, 3, 3), date(2026, 11, 9)) + \
        resting("neck", (5, 5, 5), date(2026, 11, 16))
    report = weekly_report(ratings, [], [], weeks=2, until=date(2026, 11, 22), tz=BERLIN)
    assert [week["areas"]["neck"]["flag"] for week in report["weeks"]] == \
        ["worsening", "worsening"]
    assert "worse two weeks running" in report["advice"][0]["reason"]


def test_the_week_counts_breaks_taken_skipped_snoozed_and_missed_while_away():
    monday = date(2025, 6, 2)
    at = datetime(2025, 6, 3, 10, 0, tzinfo=BERLIN).isoformat()
    events = [event_from_doc(doc) for doc in [
        {"kind": "sent", "at": at, "reminder": "break"},
        {"kind": "acted", "at": at, "reminder": "break", "via": "person"},
        {"kind": "acted", "at": at, "reminder": "break", "via": "session"},
        {"kind": "skipped", "at": at, "reminder": "break", "by": "person"},
        {"kind": "skipped", "at": at, "reminder": "break", "by": "planner"},  # not the person
        {"kind": "snoozed", "at": at, "reminder": "break"},
        {"kind": "missed-away", "at": at, "reminder": "break", "by": "planner"},
        {"kind": "deferred", "at": at, "reminder": "break", "by": "planner"},
        {"kind": "acted", "at": at, "reminder": "routine"},  # a routine, not a break
    ]]
    report = weekly_report([], [], events, weeks=1, until=monday, tz=BERLIN)
    assert report["weeks"][0]["breaks"] == {"taken": 2, "skipped": 1, "snoozed": 1,
                                            "missed_away": 1}
    assert report["weeks"][0]["reminders_acted"] == 3


def test_a_skipped_session_rated_worse_credits_no_muscle_and_nothing_rose_is_listed_as_helping():
    start = datetime(2026, 11, 17, 8, 0, tzinfo=BERLIN)
    steps = [{"muscle": "levator-scapulae", "area": "neck", "technique": "sustained-pressure",
              "completed": False}]
    session = SessionRecord("s1", start.date(), start, start, 600, 0, steps, "ended-early")
    ratings = [Rating("neck", 6, "before", start, session_id="s1",
                      muscle="levator-scapulae", technique="sustained-pressure"),
               Rating("neck", 10, "after", start + timedelta(minutes=1), session_id="s1",
                      muscle="levator-scapulae", technique="sustained-pressure")]
    report = weekly_report(ratings, [session], [], weeks=1, until=start.date(), tz=BERLIN)
    assert report["after_vs_before"] == [] and report["pain_rose_after"] == []
    assert "tolerate" in report["caveat"]


def test_a_muscle_after_which_pain_rose_twice_is_a_pattern_and_never_helps():
    sessions, ratings = [], []
    for number, day in enumerate((17, 18)):
        start = datetime(2026, 11, day, 8, 0, tzinfo=BERLIN)
        sessions.append(SessionRecord(f"s{number}", start.date(), start, start, 600, 600, [
            {"muscle": "levator-scapulae", "area": "neck", "technique": "sustained-pressure",
             "completed": True}], "finished"))
        ratings += [Rating("neck", 5, "before", start, session_id=f"s{number}"),
                    Rating("neck", 8, "after", start + timedelta(minutes=9),
                           session_id=f"s{number}")]
    report = weekly_report(ratings, sessions, [], weeks=1, until=date(2026, 11, 18), tz=BERLIN)
    assert all(item["id"] != "levator-scapulae" for item in report["after_vs_before"])
    assert ("muscle", "levator-scapulae") in {(p["kind"], p["id"]) for p in report["patterns"]}


def test_a_week_at_seven_or_more_is_flagged_high():
    ratings = resting("neck", (7, 8, 7), date(2026, 11, 16))
    week = weekly_report(ratings, [], [], weeks=1, until=date(2026, 11, 16), tz=BERLIN)
    assert week["weeks"][0]["areas"]["neck"]["high"] is True


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, 6), weeks=st.integers(4, 8), per_week=st.integers(3, 5))
def test_a_steady_rise_of_one_point_a_week_is_flagged_within_three_weeks(start, weeks, per_week):
    first = date(2026, 9, 7)  # a Monday
    values = [min(10, start + week) for week in range(weeks)]
    assume(values[3] - values[0] == 3)
    ratings = []
    for week, value in enumerate(values):
        ratings += resting("neck", (value,) * per_week, first + timedelta(weeks=week))
    until = first + timedelta(weeks=weeks - 1)
    report = weekly_report(ratings, [], [], weeks=weeks, until=until, tz=BERLIN)
    flags = [week["areas"]["neck"]["baseline_flag"] for week in report["weeks"]]
    assert "worsening" in flags[:4], flags  # by the third week of rising


@settings(max_examples=200, deadline=None)
@given(value=st.integers(0, 10), weeks=st.integers(1, 8), per_week=st.integers(1, 5))
def test_a_flat_series_is_never_flagged(value, weeks, per_week):
    first = date(2026, 9, 7)
    ratings = []
    for week in range(weeks + BASELINE_WEEKS):
        ratings += resting("neck", (value,) * per_week, first + timedelta(weeks=week))
    until = first + timedelta(weeks=weeks + BASELINE_WEEKS - 1)
    report = weekly_report(ratings, [], [], weeks=weeks, until=until, tz=BERLIN)
    for week in report["weeks"]:
        stats = week["areas"]["neck"]
        assert stats["flag"] in ("stable", "too few")
        assert stats["baseline_flag"] in ("stable", "too few")
    for item in report["advice"]:
        assert "got worse" not in item["reason"] and "getting worse for" not in item["reason"]


def regular_sessions(first_monday, weeks, per_week=2):
    sessions = []
    for week in range(weeks):
        for number in range(per_week):
            start = datetime.combine(first_monday + timedelta(weeks=week, days=number),
                                     datetime.min.time(), BERLIN) + timedelta(hours=12)
            sessions.append(SessionRecord(f"w{week}s{number}", start.date(), start,
                                          start + timedelta(minutes=10), 600, 600, [],
                                          "finished"))
    return sessions


def test_no_improvement_after_four_weeks_of_regular_sessions_is_advised_until_it_improves():
    first = date(2026, 10, 12)
    flat = [rating for week in range(7)
            for rating in resting("neck", (5, 5, 5), first + timedelta(weeks=week))]
    sessions = regular_sessions(first, 7)
    report = weekly_report(flat, sessions, [], weeks=4, until=date(2026, 11, 23), tz=BERLIN)
    [advice] = report["advice"]
    assert "no improvement after 4 weeks of regular sessions (to 2026-W48)" in advice["reason"]

    better = flat[:-3] + resting("neck", (2, 2, 2), date(2026, 11, 23))
    report = weekly_report(better, sessions, [], weeks=4, until=date(2026, 11, 23), tz=BERLIN)
    assert report["weeks"][-1]["areas"]["neck"]["baseline_flag"] == "improving"
    assert report["advice"] == [], "an improving week answers the older plateau"

    few = [session for session in sessions if session.id.endswith("s0")]  # once a week
    report = weekly_report(flat, few, [], weeks=4, until=date(2026, 11, 23), tz=BERLIN)
    assert report["advice"] == [], "not regular: no claim about what sessions did"


# ------------------------------------------- the flags' maths against the plain Fraction rules

def fraction_classify(previous: list[int], current: list[int]):
    """classify as first written: every step a Fraction (the rules, to check against)."""
    from fractions import Fraction

    def mean(values):
        return Fraction(sum(values), len(values)) if values else None

    previous_mean, current_mean = mean(previous), mean(current)
    change = None if previous_mean is None or current_mean is None else current_mean - previous_mean
    percent = None if change is None or previous_mean == 0 else change / previous_mean * 100
    if len(previous) < trends.MIN_RATINGS or len(current) < trends.MIN_RATINGS:
        return change, percent, "too few"
    return change, percent, fraction_flag(change, percent)


def fraction_flag(change, percent) -> str:
    """The 2-point or 30 % rule on Fractions."""
    matters = abs(change) >= trends.POINTS_THRESHOLD or (
        percent is not None and abs(percent) >= trends.PERCENT_THRESHOLD
        and abs(change) >= trends.PERCENT_MIN_POINTS)
    if not matters:
        return "stable"
    return "improving" if change < 0 else "worsening"


def fraction_against_baseline(before: list[list[int]], current: list[int]):
    """against_baseline as first written, every step a Fraction."""
    from fractions import Fraction

    def mean(values):
        return Fraction(sum(values), len(values)) if values else None

    means = [mean(values) for values in before if values]
    if not means or not current:
        return None, None, "too few"
    baseline = sum(means, Fraction(0)) / len(means)
    change = mean(current) - baseline
    if len(current) < trends.MIN_RATINGS or sum(len(values) for values in before) < \
            trends.MIN_RATINGS:
        return baseline, change, "too few"
    percent = None if baseline == 0 else change / baseline * 100
    return baseline, change, fraction_flag(change, percent)


# Mostly a few ratings a week (where the 3-rating rule and the thresholds' edges are), and
# sometimes a lot of them; all from 0 to 10, as the scale allows.
week_values = st.lists(st.integers(0, 10), max_size=8) | st.lists(st.integers(0, 10),
                                                                  max_size=60)


@settings(max_examples=600)
@given(previous=week_values, current=week_values)
def test_classify_in_whole_numbers_gives_the_fraction_rules_answer(previous, current):
    got = trends.classify(previous, current)
    assert got == fraction_classify(previous, current)
    assert [type(value) for value in got] == [type(value) for value in
                                              fraction_classify(previous, current)]


@settings(max_examples=600)
@given(before=st.lists(week_values, max_size=BASELINE_WEEKS), current=week_values)
def test_against_baseline_in_whole_numbers_gives_the_fraction_rules_answer(before, current):
    got = trends.against_baseline(before, current)
    expected = fraction_against_baseline(before, current)
    assert got == expected
    assert [type(value) for value in got] == [type(value) for value in expected]


@given(before=st.lists(week_values, min_size=1, max_size=BASELINE_WEEKS),
       current=st.lists(st.integers(0, 10), min_size=3, max_size=8),
       shift=st.sampled_from([-2, -1, 1, 2]))
def test_the_flags_edges_are_exact_at_two_points_and_thirty_percent(before, current, shift):
    """Where a change is exactly on a threshold, the whole-number maths and the Fraction
    maths agree (no rounding at 2 points or 30 %)."""
    nudged = [min(10, max(0, value + shift)) for value in current]
    assert trends.classify(current, nudged) == fraction_classify(current, nudged)
    assert trends.against_baseline(before, nudged) == fraction_against_baseline(before, nudged)


@pytest.mark.parametrize(("previous", "current", "flag"), [
    ([3, 3, 4], [4, 4, 5], "worsening"),   # +1 point, exactly +30 %
    ([4, 4, 5], [3, 3, 4], "stable"),      # -1 point, -23 %
    ([2, 2, 2], [4, 4, 4], "worsening"),   # exactly +2 points
    ([6, 6, 6], [4, 4, 4], "improving"),   # exactly -2 points
    ([3, 3, 3], [4, 4, 4], "worsening"),   # +1 point, +33 %
    ([4, 4, 4], [5, 5, 5], "stable"),      # +1 point, +25 %
    ([1, 1, 1], [1, 2, 2], "stable"),      # +67 %, but under 1 point
    ([0, 0, 0], [1, 1, 1], "stable"),      # no percent from zero, 1 point
    ([3, 3, 4], [4, 4, 5, 9], "worsening"),
])
def test_the_thresholds_edges_by_hand(previous, current, flag):
    assert trends.classify(previous, current)[2] == flag == fraction_classify(previous, current)[2]
    # the same week pair as a baseline of one week gives the same flag
    assert trends.against_baseline([previous], current)[2] == flag
