"""History screen: entries by day, fix a wrong rating (edit, delete) with an audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable

from coach.store import Rating
from coach.tui.dialogs.confirm import ConfirmDialog
from coach.tui.dialogs.rating import RatingDialog
from coach.tui.screens.history import HistoryScreen
from tests.helpers import screen_lines, sync

pytestmark = pytest.mark.xdist_group("tui-app")


def seed_ratings(store, clock):
    now = clock.wall()
    store.add_rating(Rating("neck", 4, "check-in", now - timedelta(days=1), note="stiff"))
    store.add_rating(Rating("neck", 9, "check-in", now - timedelta(minutes=5)))


@sync
async def test_history_lists_by_day_and_edits_then_deletes_a_rating(profile_store, make_app,
                                                                    clock):
    seed_ratings(profile_store, clock)
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = "\n".join(screen_lines(app))
        assert "9/10 Neck (check-in)" in text and '"stiff"' in text
        # the newest (the slip: 9) is chosen first; correct it to 3
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RatingDialog)
        await pilot.press("3", "enter")
        await pilot.pause()
        values = sorted(rating.rating for rating in profile_store.ratings())
        assert values == [3, 4]
        kinds = [event.kind for event in profile_store.events()]
        assert kinds == ["rating-deleted"]
        # delete the old one too, after saying yes
        table = app.screen.query_one(DataTable)
        row = next(index for index, entry in enumerate(app.screen.entries)
                   if entry.get("rating") == 4 and entry["kind"] == "check-in")
        table.move_cursor(row=row)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert [rating.rating for rating in profile_store.ratings()] == [3]
        assert [event.rating.rating for event in profile_store.events()] == [9, 4]
        text = "\n".join(screen_lines(app))
        assert "deleted a rating: 4/10 Neck" in text


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 60)])
def test_history_snapshot(snap_compare, profile_store, make_app, clock, size):
    seed_ratings(profile_store, clock)

    async def open_history(pilot) -> None:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(make_app(profile_store), terminal_size=size, run_before=open_history)
