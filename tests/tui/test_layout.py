"""From 60x18 to 200x60 no screen cuts a word at its right edge or hides its focused button.

Static text wraps between words by itself; what can cut a word is a table cell, a line
that does not wrap, or a container that scrolls sideways. So on every screen: no widget
scrolls horizontally, every table fits its width with each cell inside its column, and
the focused widget (a button above all) lies inside the visible screen.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from coach.demo import seed
from coach.tui.widgets.routine_table import RoutineTable
from tests.helpers import sync

from .test_app_snapshots import finished_session

pytestmark = pytest.mark.xdist_group("tui-app")


def check_whole(app, where: str) -> None:
    screen = app.screen
    visible = screen.region
    for widget in screen.query("*"):
        if not widget.display or widget.region.area == 0:
            continue
        assert not widget.show_horizontal_scrollbar or widget.scrollbar_size_horizontal == 0, (
            f"{where}: {widget!r} scrolls sideways")
        if widget.is_scrollable:  # the footer too: a key cut to "?" says nothing
            assert widget.virtual_size.width <= widget.size.width, f"{where}: {widget!r} cut"
        if isinstance(widget, DataTable):
            assert widget.virtual_size.width <= widget.size.width, f"{where}: table too wide"
            for column in widget.columns.values():
                for row_key in widget.rows:
                    cell = str(widget.get_cell(row_key, column.key))
                    assert len(cell) <= column.get_render_width(widget) - 2, (where, cell)
        if isinstance(widget, RoutineTable):
            assert widget.virtual_size.width <= widget.size.width, f"{where}: table too wide"
            for row in widget.rows:
                for cell, (_, width) in zip(row, widget.columns, strict=True):
                    assert len(cell) <= width, (where, cell)
    focused = screen.focused
    if focused is not None:
        assert visible.contains_region(focused.region), f"{where}: {focused!r} is off screen"
        assert focused.region.area > 0, f"{where}: {focused!r} is hidden"


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 60)])
@sync
async def test_no_screen_cuts_a_word_or_hides_its_focused_button(store, catalog, clock,
                                                                 make_app, size):
    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    finished_session(store, clock)
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        check_whole(app, "home")
        for key, name in [("h", "history"), ("t", "trends"), ("comma", "settings"),
                          ("question_mark", "help"), ("l", "quick log")]:
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            check_whole(app, name)
            await pilot.press("escape")
            await pilot.pause()
        from coach.tui.screens.summary import SummaryScreen

        app.push_screen(SummaryScreen("s1"))
        await pilot.pause()
        check_whole(app, "summary")
        await pilot.press("enter")
        await pilot.pause()
        app.show_reminder("Time for a break", "Stand up and walk a few steps.")
        await pilot.pause()
        check_whole(app, "reminder")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        check_whole(app, "rating before a session")
        await pilot.press("5", "enter")
        await pilot.pause()
        for seconds in (3, 15, 45, 95):
            clock.advance(seconds)
            app.screen.tick()
            await pilot.pause()
            check_whole(app, f"player +{seconds}s")
        await pilot.press("q")
        await pilot.pause()
        check_whole(app, "end the session?")
