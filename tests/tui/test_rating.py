"""The 0-10 rating dialog: every value by keyboard and mouse, Esc skips."""

from __future__ import annotations

import pytest
from textual.app import App

from coach.tui.dialogs.rating import RatingDialog, band
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-rating")




class RatingApp(App):
    """Opens one RatingDialog and keeps what it returned."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[int | None] = []

    def on_mount(self) -> None:
        self.push_screen(
            RatingDialog("Neck: how much does it hurt right now?",
                         "Before the session · 0 = no pain, 10 = worst imaginable"),
            callback=self.results.append,
        )


async def rate_with_keys(keys: list[str]) -> list[int | None]:
    app = RatingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return app.results


@pytest.mark.parametrize("value", range(10))
@sync
async def test_each_digit_then_enter_saves_it(value):
    assert await rate_with_keys([str(value), "enter"]) == [value]


@sync
async def test_ten_by_typing_one_zero_and_by_arrows_and_end():
    assert await rate_with_keys(["1", "0", "enter"]) == [10]
    assert await rate_with_keys(["9", "right", "enter"]) == [10]
    assert await rate_with_keys(["end", "enter"]) == [10]


@sync
async def test_arrows_move_from_the_middle_and_stop_at_the_ends():
    assert await rate_with_keys(["right", "enter"]) == [5]
    assert await rate_with_keys(["left", "left", "enter"]) == [4]
    assert await rate_with_keys(["0", "left", "enter"]) == [0]
    assert await rate_with_keys(["home", "right", "enter"]) == [1]


@sync
async def test_zero_after_another_digit_is_zero():
    assert await rate_with_keys(["3", "0", "enter"]) == [0]


@sync
async def test_escape_skips_and_enter_without_a_choice_keeps_asking():
    assert await rate_with_keys(["escape"]) == [None]
    app = RatingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, RatingDialog)
        await pilot.press("7", "enter")
        await pilot.pause()
    assert app.results == [7]


@pytest.mark.parametrize("value", range(11))
@sync
async def test_a_click_on_each_number_saves_it(value):
    app = RatingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await pilot.click(f"#rating-{value}")
        await pilot.pause()
    assert app.results == [value]


@sync
async def test_the_chosen_value_is_shown_in_words():
    app = RatingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        chosen = str(app.screen.query_one("#rating-chosen").render())
        assert "6 (moderate)" in chosen
        assert app.screen.query_one("#rating-6").has_class("-selected")
        assert not app.screen.query_one("#rating-5").has_class("-selected")


def test_bands_follow_the_clinical_convention():
    assert [band(value) for value in range(11)] == (
        ["no pain"] + ["mild"] * 3 + ["moderate"] * 3 + ["severe"] * 4)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_rating_dialog_snapshot(snap_compare, size):
    assert snap_compare(RatingApp(), press=["4"], terminal_size=size)
