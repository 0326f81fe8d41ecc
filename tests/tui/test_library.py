"""The library screen (browse, search where it hurts, open a card with its map), the body map
widget, and the map beside the player's countdown; with snapshots of the card and the map.

Update after a deliberate change with: pytest tests/tui/test_library.py --snapshot-update
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from coach.tui.screens.library import CardScreen, LibraryScreen
from coach.tui.widgets.body_map import BodyMapView
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-snapshots")

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
ALL_SIZES = [(60, 18), (80, 24), (120, 40), (200, 60)]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def listed_ids(screen: LibraryScreen) -> list[str]:
    listing = screen.query_one("#library-list", OptionList)
    return [option.id.rsplit("/", 1)[-1] for option in listing.options if option.id]


async def open_card(pilot, muscle: str) -> None:
    await settle(pilot)
    await pilot.press("b")
    await pilot.pause()
    await pilot.press("slash")
    await pilot.press(*muscle)
    await pilot.pause()
    await pilot.press("enter", "enter")  # to the list, then open the best match
    await settle(pilot)


@sync
async def test_home_opens_the_library_and_it_lists_every_entry_by_area(profile_store, make_app,
                                                                        catalog):
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert set(listed_ids(screen)) == set(catalog.targets)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LibraryScreen)


@sync
async def test_search_where_it_hurts_then_open_the_card_with_its_map(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.press(*"pain behind the eye")
        await pilot.pause()
        screen = app.screen
        found = listed_ids(screen)
        assert found[0] == "upper-trapezius"
        assert {"sternocleidomastoid", "suboccipitals"} <= set(found)
        assert "gastrocnemius" not in found
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen)
        assert app.screen.target.id == "upper-trapezius"
        body_map = app.screen.query_one(BodyMapView)
        assert body_map.body_map is app.catalog.targets["upper-trapezius"].body_map
        text = str(body_map.render())
        assert "●" in text and "front" in text and "back" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("escape")  # clears the search first
        await pilot.pause()
        assert app.screen.query_one("#library-search", Input).value == ""


@sync
async def test_the_command_palette_opens_the_library(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"library")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


@sync
async def test_nothing_found_says_so(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "slash", *"xyzzy")
        await pilot.pause()
        assert listed_ids(app.screen) == []
        status = str(app.screen.query_one("#library-status").render())
        assert "Nothing matches" in status


@pytest.mark.parametrize("size", ALL_SIZES)
@sync
async def test_library_and_card_fit_every_size(profile_store, make_app, size):
    app = make_app(profile_store)
    async with app.run_test(size=size) as pilot:
        await pilot.press("b")
        await settle(pilot)
        focused = app.focused
        assert focused is not None and focused.region.right <= size[0]
        await open_card(pilot, "scalenes")
        assert isinstance(app.screen, CardScreen)
        map_view = app.screen.query_one(BodyMapView)
        assert map_view.region.width >= 20 and map_view.region.height >= 12, map_view.region
        assert map_view.region.right <= size[0] and map_view.region.bottom <= size[1]


# --- snapshots: the card and the map, with and without colour -----------------------------------

@pytest.fixture
def no_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.mark.parametrize("size", SIZES)
def test_card_snapshot(snap_compare, profile_store, make_app, size):
    async def to_card(pilot) -> None:
        await open_card(pilot, "upper trapezius")

    assert snap_compare(make_app(profile_store), terminal_size=size, run_before=to_card)


@pytest.mark.parametrize("size", SIZES)
def test_card_snapshot_without_colour(snap_compare, no_colour, profile_store, make_app, size):
    app = make_app(profile_store)
    assert app.no_color

    async def to_card(pilot) -> None:
        await open_card(pilot, "gluteus minimus")

    assert snap_compare(app, terminal_size=size, run_before=to_card)


@pytest.mark.parametrize("size", SIZES)
def test_library_list_snapshot(snap_compare, profile_store, make_app, size):
    async def to_search(pilot) -> None:
        await settle(pilot)
        await pilot.press("b", "slash", *"pain behind the eye")
        await settle(pilot)

    assert snap_compare(make_app(profile_store), terminal_size=size, run_before=to_search)


# --- the map in the player ----------------------------------------------------------------------

async def into_the_session(pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("5", "enter")  # the "before" rating
    await settle(pilot)


@sync
async def test_the_player_shows_the_map_when_wide_and_p_toggles_it(profile_store, make_app):
    from coach.tui.screens.player import PlayerScreen

    for size, shown_at_start in (((120, 40), True), ((80, 24), False)):
        app = make_app(profile_store)
        async with app.run_test(size=size) as pilot:
            await into_the_session(pilot)
            screen = app.screen
            assert isinstance(screen, PlayerScreen)
            step = screen.routine.steps[0]
            view = screen.query_one("#player-map", BodyMapView)
            assert view.body_map is app.catalog.targets[step.muscle].body_map
            assert view.side == (step.side if step.side in ("left", "right") else None)
            assert view.display == shown_at_start, size
            await pilot.press("p")
            await pilot.pause()
            assert view.display != shown_at_start, size
            await pilot.press("p")
            await pilot.pause()
            assert view.display == shown_at_start, size
            await pilot.press("q")  # end; what was done is kept
            await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_player_map_snapshot(snap_compare, profile_store, make_app, size):
    async def with_the_map(pilot) -> None:
        await into_the_session(pilot)
        if size[0] < 100:
            await pilot.press("p")
            await pilot.pause()

    assert snap_compare(make_app(profile_store), terminal_size=size, run_before=with_the_map)
