"""SVG snapshots of every app screen at 80x24 and 120x40 (the main ones also at 200x60 and
without colour), on a fixed clock and fixed demo data.

Update after a deliberate change with: pytest tests/tui/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from coach.demo import seed
from coach.model import Profile

pytestmark = pytest.mark.xdist_group("tui-snapshots")

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
WIDE = [*SIZES, pytest.param((200, 60), id="200x60")]
ALL = [pytest.param((60, 18), id="60x18"), *WIDE]


@pytest.fixture
def demo_app(store, catalog, clock, make_app):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    return make_app(store)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_onboarding_first_question(snap_compare, store, make_app, size):
    assert snap_compare(make_app(store), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_onboarding_urgent_yes(snap_compare, store, make_app, size):
    app = make_app(store)

    async def answer_urgent_yes(pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        urgent = next(q for q in screen.questions if q.urgent)
        checklist = screen.query_one("#safety-list")
        checklist.highlighted = [o.value for o in checklist.options].index(urgent.caution)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=answer_urgent_yes)


@pytest.mark.parametrize("size", SIZES)
def test_onboarding_areas(snap_compare, store, make_app, size):
    async def to_areas(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.show_page(pilot.app.screen.pages.index("areas"))
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=size, run_before=to_areas)


@pytest.mark.parametrize("size", ALL)
def test_home(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, run_before=settle)


@pytest.fixture
def no_colour(monkeypatch):
    # Textual reads NO_COLOR when the app is made (and takes it out of the environment).
    monkeypatch.setenv("NO_COLOR", "1")


def test_home_without_colour(snap_compare, no_colour, store, catalog, clock, make_app):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    app = make_app(store)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_trends_without_colour(snap_compare, no_colour, store, catalog, clock, make_app):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    app = make_app(store)

    async def open_trends(pilot) -> None:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_trends)


@pytest.mark.parametrize("size", WIDE)
def test_trends(snap_compare, demo_app, size):
    async def open_trends(pilot) -> None:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=open_trends)


@pytest.mark.parametrize("size", ALL)
def test_settings(snap_compare, store, make_app, size):
    store.save_profile(Profile(screened=True))

    async def open_settings(pilot) -> None:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=size, run_before=open_settings)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, press=["question_mark"],
                        run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_quick_log(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, press=["l"], run_before=settle)


def finished_session(store, clock):
    """A session a person ended early after two steps, one skipped, rated before and after."""
    from datetime import timedelta

    from coach.store import Rating, SessionRecord

    started = clock.wall() - timedelta(minutes=12)
    steps = [{"muscle": muscle, "area": area, "side": side, "tool": "ball",
              "technique": "sustained-pressure", "seconds": seconds, "completed": done,
              "skipped": skipped}
             for muscle, area, side, seconds, done, skipped in [
                 ("upper-trapezius", "neck", "left", 110, True, False),
                 ("upper-trapezius", "neck", "right", 110, True, False),
                 ("levator-scapulae", "neck", "left", 4, False, True),
                 ("infraspinatus", "shoulders", "left", 60, False, False),
                 ("infraspinatus", "shoulders", "right", 0, False, False)]]
    record = SessionRecord(id="s1", day=started.date(), started_at=started,
                           finished_at=clock.wall(), planned_s=600, done_s=284, steps=steps,
                           status="ended-early")
    store.save_session(record)
    store.add_rating(Rating("neck", 6, "before", started, session_id="s1"))
    store.add_rating(Rating("neck", 4, "after", started + timedelta(minutes=4),
                            session_id="s1"))
    store.add_rating(Rating("shoulders", 5, "before", started + timedelta(minutes=4),
                            session_id="s1", note="stiff after the meeting"))
    return record


async def open_summary(pilot) -> None:
    from coach.tui.screens.summary import SummaryScreen

    await settle(pilot)
    pilot.app.push_screen(SummaryScreen("s1"))
    await settle(pilot)


@pytest.mark.parametrize("size", ALL)
def test_summary(snap_compare, store, clock, make_app, size):
    store.save_profile(Profile(screened=True))
    finished_session(store, clock)
    assert snap_compare(make_app(store), terminal_size=size, run_before=open_summary)


def test_summary_without_colour(snap_compare, no_colour, store, clock, make_app):
    store.save_profile(Profile(screened=True))
    finished_session(store, clock)
    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=open_summary)


def test_history_without_colour(snap_compare, no_colour, store, clock, make_app):
    store.save_profile(Profile(screened=True))
    finished_session(store, clock)

    async def open_history(pilot) -> None:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=open_history)


def test_settings_error_without_colour(snap_compare, no_colour, store, make_app):
    store.save_profile(Profile(screened=True))

    async def wrong_hours(pilot) -> None:
        from textual.widgets import Input

        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        pilot.app.screen.query_one("#reminder-hours", Input).value = "17:00-09:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # under load the toast and the scroll to the error may land a frame later
        for _ in range(50):
            if pilot.app._notifications and "Not saved" in str(
                    pilot.app.screen.query_one("#error-reminder-hours").render()):
                break
            await pilot.pause(0.02)
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=wrong_hours)
