"""Trends: the chart, this week against last, what works and advice, loaded in a worker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual_plotext import PlotextPlot

from coach.demo import seed
from coach.model import Profile
from coach.store import Rating, Store
from coach.trends import FLAG_WORDS, weekly_report
from coach.tui.screens.trends import WEEKS, TrendsScreen, advice_text, week_table
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-app")
TZ = ZoneInfo("Europe/Berlin")


def resting(area, values, monday):
    """Check-in ratings at 9:00 on the days of the week of `monday`."""
    return [Rating(area, value, "check-in",
                   datetime.combine(monday + timedelta(days=index % 7), time(9), TZ))
            for index, value in enumerate(values)]




@sync
async def test_eight_weeks_of_history_fill_the_chart_and_tables(store, make_app, catalog, clock):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.report.weeks) == 8
        chart = screen.query_one(PlotextPlot).render()
        chart_text = str(chart)
        assert "ISO week" in chart_text and "pain 0-10" in chart_text
        assert screen.report.weeks[0].week.split("-")[-1] in chart_text
        legend = str(screen.query_one("#trends-legend").render())
        assert all(app.area_label(area) in legend for area in app.profile().areas)
        works = str(screen.query_one("#trends-works").render())
        assert "pressure" in works or "rolling" in works


@sync
async def test_a_worsening_area_gets_clinician_advice(profile_store, make_app, clock):
    now = clock.wall()
    for weeks_ago, value in ((2, 5), (1, 7), (0, 9)):
        for minute in range(3):
            profile_store.add_rating(Rating(area="neck", rating=value, phase="check-in",
                                            at=now - timedelta(weeks=weeks_ago, minutes=minute)))
    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        advice = app.screen.query_one("#trends-advice")
        assert "-hidden" not in advice.classes
        assert "Neck: see a clinician" in str(advice.render())
        assert "worsening" in str(app.screen.query_one("#trends-week").render())


def test_tables_read_without_colour():
    weeks = weekly_report(resting("neck", (6, 6, 6), date(2026, 11, 9))
                          + resting("neck", (3, 3, 3, 3), date(2026, 11, 16)),
                          [], [], weeks=2, until=date(2026, 11, 16), tz=TZ).weeks
    text = week_table(weeks, ["neck"], str.title)
    assert "Neck" in text and "6.0" in text and "3.0" in text and "↓ improving" in text
    assert advice_text([{"area": "neck", "advice": "see a clinician",
                         "reason": "neck: it got worse"}], str.title) == (
        "Neck: see a clinician. it got worse")


# ------------------------------------------------ the screen and `coach report --json` agree

def _report_json(home, day: date) -> dict:
    """`coach report --weeks 8 --json` through the real entry point, on the same data."""
    env = {**os.environ, "COACH_HOME": str(home), "TZ": "Europe/Berlin"}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "report", "--weeks", str(WEEKS), "--until",
         day.isoformat(), "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def _screen_report(app):
    """The report the trends screen shows, and its "this week vs last" table's text."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        return screen.report, str(screen.query_one("#trends-week").render())


def _assert_same_means_and_flags(shown, table: str, printed: dict, label) -> None:
    assert [week.week for week in shown.weeks] == [week["week"] for week in printed["weeks"]]
    for week, printed_week in zip(shown.weeks, printed["weeks"], strict=True):
        assert set(week.areas) == set(printed_week["areas"])
        for area, stats in week.areas.items():
            want = printed_week["areas"][area]
            assert (stats.mean, stats.flag, stats.baseline_flag) == (
                want["mean"], want["flag"], want["baseline_flag"]), (week.week, area)
    assert [item["reason"] for item in printed["advice"]] == [
        item["reason"] for item in shown.advice]
    # and what the table prints for this week is the printed mean and flag
    for area, want in printed["weeks"][-1]["areas"].items():
        row = next(line for line in table.splitlines() if line.startswith(label(area)[:10]))
        assert FLAG_WORDS[want["flag"]] in row, (row, want)
        if want["mean"] is not None:
            assert f"{want['mean']:.1f}" in row, (row, want)


@sync
async def test_the_screen_and_coach_report_json_agree_on_the_demo(
        store, make_app, catalog, clock, coach_home):
    day = clock.wall().date()
    seed(store, catalog, today=day, tz=TZ)
    app = make_app(store)
    shown, table = await _screen_report(app)
    _assert_same_means_and_flags(shown, table, _report_json(coach_home, day), app.area_label)


# ratings over the 8 weeks on screen and the 5 before them, some on the edges of weeks
history = st.lists(
    st.tuples(st.sampled_from(("neck", "upper-back", "jaw")), st.integers(0, 10),
              st.sampled_from(("before", "check-in", "after")),
              st.integers(0, (WEEKS + 5) * 7 * 24 - 1)),
    min_size=0, max_size=120)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=history)
def test_the_screen_and_coach_report_json_agree_on_any_history(
        items, make_app, clock, tmp_path_factory):
    home = tmp_path_factory.mktemp("coach-home")
    home.chmod(0o700)
    store = Store(home)
    store.save_profile(Profile(areas=("neck", "upper-back", "jaw"), screened=True))
    day = clock.wall().date()
    first = datetime.combine(day - timedelta(days=day.weekday(), weeks=WEEKS + 4), time(), TZ)
    store.add_ratings(Rating(area, value, phase, first + timedelta(hours=hours))
                      for area, value, phase, hours in items)
    app = make_app(store)
    shown, table = asyncio.run(_screen_report(app))
    _assert_same_means_and_flags(shown, table, _report_json(home, day), app.area_label)


@sync
async def test_s_on_trends_writes_a_private_report_and_shows_where(store, make_app, catalog,
                                                                     clock):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        html, pdf = app.shared_report
        assert html.parent == store.directory / "reports" and html.name.startswith("coach-report-")
        assert oct(html.stat().st_mode & 0o777) == oct(pdf.stat().st_mode & 0o777) == "0o600"
        assert "Pain and self-care report" in html.read_text()
        assert pdf.read_bytes().startswith(b"%PDF-")
        shown = " ".join(str(toast.message) for toast in app._notifications)
        assert str(html) in shown and str(pdf) in shown


@sync
async def test_the_palette_offers_share_a_report(profile_store, make_app):
    from coach.tui.commands import ACTIONS

    assert ("Share a report", "share_report") in [(name, action) for name, action, _ in ACTIONS]
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.run_action("share_report")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.shared_report is not None and app.shared_report[1].is_file()
