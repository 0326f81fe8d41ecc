"""Home's key bar on its own: it follows the screen's bindings, leaves a key out whole when
it does not fit, dims a key that cannot be used now, and a click presses the key."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.binding import Binding

from coach.tui.widgets.key_bar import KeyBar
from tests.helpers import screen_lines, sync

pytestmark = pytest.mark.xdist_group("tui-app")


class BarApp(App[None]):
    BINDINGS = [
        Binding("a", "count('a')", "Add"),
        Binding("b", "count('b')", "Back"),
        Binding("c", "count('c')", "Copy", show=False),
        Binding("d", "count('d')", "Delete"),
        Binding("question_mark", "count('?')", "Help", key_display="?"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.back_allowed: bool | None = False  # False: hidden, None: shown dimmed
        self.bells = 0

    def compose(self):
        yield KeyBar()

    def action_count(self, name: str) -> None:
        self.pressed.append(name)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "count" and parameters == ("b",):
            return self.back_allowed
        return True

    def bell(self) -> None:
        self.bells += 1


@sync
async def test_the_bar_follows_the_bindings_and_a_click_presses_a_key():
    app = BarApp()
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        assert screen_lines(app)[-1].rstrip() == "a Add d Delete ? Help"
        assert [key.key for key in bar.shown_keys()] == ["a", "d", "question_mark"]

        app.back_allowed = True
        app.refresh_bindings()
        await pilot.pause()
        assert screen_lines(app)[-1].rstrip() == "a Add b Back d Delete ? Help"

        line = screen_lines(app)[-1]
        await pilot.click(KeyBar, offset=(line.index("Back"), 0))
        await pilot.click(KeyBar, offset=(line.index("?"), 0))
        await pilot.click(KeyBar, offset=(line.index("Back") - 3, 0))  # the gap: nothing
        await pilot.pause()
        assert app.pressed == ["b", "?"]


@sync
async def test_a_key_that_cannot_be_used_now_is_dim_and_only_rings_the_bell():
    app = BarApp()
    app.back_allowed = None
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        back = next(key for key in bar.shown_keys() if key.key == "b")
        assert not back.enabled
        line = bar.render()
        assert any(span.style.dim for span in line.spans
                   if "Back" in line.plain[span.start:span.end])
        shown = screen_lines(app)[-1]
        await pilot.click(KeyBar, offset=(shown.index("Back"), 0))
        await pilot.pause()
        assert app.pressed == [] and app.bells == 1


@sync
async def test_a_key_that_does_not_fit_is_left_out_whole():
    app = BarApp()
    async with app.run_test(size=(16, 3)) as pilot:
        await pilot.pause()
        assert screen_lines(app)[-1].rstrip() == "a Add d Delete"  # not "a Add d Delete ?"
        assert [key.key for key in app.query_one(KeyBar).shown_keys()] == ["a", "d"]
