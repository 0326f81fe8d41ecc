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
        urgent = next(n for n, q in enumerate(screen.questions) if q.urgent)
        screen.show_page(urgent)
        await pilot.pause()
        screen._answered_yes(urgent)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=answer_urgent_yes)


@pytest.mark.parametrize("size", SIZES)
def test_onboarding_areas(snap_compare, store, make_app, size):
    async def to_areas(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.show_page(pilot.app.screen.pages.index("areas"))
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=size, run_before=to_areas)


@pytest.mark.parametrize("size", WIDE)
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


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, store, make_app, size):
    store.save_profile(Profile())

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
