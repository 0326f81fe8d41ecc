"""Trends: the chart, this week against last, what works and advice, loaded in a worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual_plotext import PlotextPlot

from coach.demo import seed
from coach.store import Rating
from coach.tui.screens.trends import TrendsScreen, advice_text, week_table
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-app")




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
        assert len(screen.report["weeks"]) == 8
        chart = screen.query_one(PlotextPlot).render()
        chart_text = str(chart)
        assert "ISO week" in chart_text and "resting pain 0-10" in chart_text
        assert screen.report["weeks"][0]["week"].split("-")[-1] in chart_text
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
    weeks = [{"areas": {"neck": {"mean": 6.0, "n": 3, "change": None, "flag": "too few"}}},
             {"areas": {"neck": {"mean": 3.0, "n": 4, "change": -3.0, "flag": "improving"}}}]
    text = week_table(weeks, ["neck"], str.title)
    assert "Neck" in text and "6.0" in text and "3.0" in text and "↓ improving" in text
    assert advice_text([{"area": "neck", "advice": "see a clinician",
                         "reason": "neck: it got worse"}], str.title) == (
        "Neck: see a clinician. it got worse")


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
