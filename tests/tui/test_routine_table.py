"""Home's routine table, driven as a person does: keys and clicks move the cursor, the
reason below follows it, the header stays put while the rows scroll, Enter starts."""

from __future__ import annotations

import pytest
from textual.app import App

from coach.tui.widgets.routine_table import RoutineTable
from tests.helpers import screen_lines, sync

pytestmark = pytest.mark.xdist_group("tui-app")

COLUMNS = [("#", 2), ("Muscle", 12), ("Time", 5)]
ROWS = [[str(number), f"muscle {number}", f"{number} min"] for number in range(1, 13)]


class TableApp(App[None]):
    """The table alone, at a height that shows a few of its rows."""

    CSS = "RoutineTable { height: 5; }"

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[int] = []
        self.selected: list[int] = []

    def compose(self):
        yield RoutineTable()

    def on_mount(self) -> None:
        self.query_one(RoutineTable).set_rows(COLUMNS, ROWS)

    def on_routine_table_row_highlighted(self, event: RoutineTable.RowHighlighted) -> None:
        self.highlighted.append(event.cursor_row)

    def on_routine_table_row_selected(self, event: RoutineTable.RowSelected) -> None:
        self.selected.append(event.cursor_row)


@sync
async def test_keys_move_the_cursor_and_the_header_stays_while_rows_scroll():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(RoutineTable)
        table.focus()
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[0].split() == ["#", "Muscle", "Time"]
        assert lines[1].split()[:3] == ["1", "muscle", "1"] and "muscle 5" not in "".join(lines)

        await pilot.press("down", "down", "down", "down", "down")  # to row 6: out of view
        await pilot.pause()
        assert table.cursor_row == 5
        assert app.highlighted == [1, 2, 3, 4, 5]
        lines = screen_lines(app)
        assert lines[0].split()[:3] == ["#", "Muscle", "Time"]  # still the first line
        assert "muscle 6" in lines[4] and "muscle 1 " not in "".join(lines[:5])

        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 11 and "muscle 12" in screen_lines(app)[4]
        await pilot.press("down")  # at the last row: stays, says nothing new
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and "muscle 1 " in screen_lines(app)[1]
        assert app.highlighted[-2:] == [11, 0]

        await pilot.press("pagedown")  # four rows show under the header
        await pilot.pause()
        assert table.cursor_row == 4
        await pilot.press("pageup", "up")  # and never above the first
        await pilot.pause()
        assert table.cursor_row == 0

        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [0]


@sync
async def test_a_click_moves_the_cursor_and_a_second_click_selects():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(RoutineTable)
        await pilot.click(RoutineTable, offset=(3, 0))  # the header: nothing happens
        await pilot.click(RoutineTable, offset=(3, 3))  # the third row
        await pilot.pause()
        assert table.cursor_row == 2 and app.selected == []
        await pilot.click(RoutineTable, offset=(3, 3))
        await pilot.pause()
        assert app.selected == [2]


@sync
async def test_new_rows_put_the_cursor_back_on_the_first_and_cut_long_cells():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(RoutineTable)
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        table.set_rows(COLUMNS, [["1", "a muscle with a long name", "1 min"]])
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        line = screen_lines(app)[1]
        assert " a muscle wit  1 min " in line  # cut at the column's edge, never wider
        assert table.virtual_size.width == 2 + 2 + 12 + 2 + 5 + 2


@sync
async def test_on_home_the_reason_follows_the_cursor_and_enter_starts(profile_store,
                                                                        make_app):
    from coach.tui.screens.player import PlayerScreen

    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        assert len(home.rows) > 1
        why = home.query_one("#step-why")
        assert str(why.render()).startswith(f"Why {home.rows[0]['name'].lower()}")
        await pilot.press("down")
        await pilot.pause()
        assert str(why.render()).startswith(f"Why {home.rows[1]['name'].lower()}")
        await pilot.press("enter")
        await pilot.pause()
        assert [screen for screen in app.screen_stack if isinstance(screen, PlayerScreen)]
