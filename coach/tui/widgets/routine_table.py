"""Today's routine as a table: fixed columns of plain text, a header, a row cursor.

Home used Textual's DataTable, which does far more than home needs (any number of rows,
cell cursors, sorting, hover, per-cell Rich rendering) and cost the first paint about a
tenth of the app's start-up. Home shows a dozen short rows in columns it has already
fitted to the width, so this draws each line itself (Textual's Line API): the header stays
on the first line, the rows scroll under it, and the cursor row says which step's reason
is shown below the table. Enter, or a click on the cursor row, selects it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1  # a space either side of every cell
HEADER_LINES = 1


class RoutineTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"routine-table--header", "routine-table--cursor"}
    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]
    # The colours of Textual's own tables, so home looks as it did with a DataTable.
    DEFAULT_CSS = """
    RoutineTable {
        height: auto;
        max-height: 100%;
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
        }
        & > .routine-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .routine-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .routine-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .routine-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class RowMessage(Message):
        """About the table's cursor row."""

        def __init__(self, table: RoutineTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

        @property
        def control(self) -> RoutineTable:
            return self.table

    class RowHighlighted(RowMessage):
        """The cursor moved to another row."""

    class RowSelected(RowMessage):
        """Enter, or a click on the cursor row."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: tuple[tuple[str, int], ...] = ()  # (label, width) in order
        self.rows: list[tuple[str, ...]] = []  # one cell per column
        self.cursor_row = 0

    def set_rows(self, columns: Sequence[tuple[str, int]],
                 rows: Sequence[Sequence[str]]) -> None:
        """Show these columns and rows, the cursor on the first row. A cell longer than its
        column is cut at the column's edge (the caller fits its words first)."""
        self.columns = tuple(columns)
        self.rows = [tuple(row) for row in rows]
        self.cursor_row = 0
        width = sum(width + 2 * CELL_PADDING for _, width in self.columns)
        self.virtual_size = Size(width, HEADER_LINES + len(self.rows))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    # ----- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y < HEADER_LINES:
            cells = [label for label, _ in self.columns]
            style = base + self.get_component_rich_style("routine-table--header")
        else:
            row = self.scroll_offset.y + y - HEADER_LINES
            if row >= len(self.rows):
                return Strip.blank(self.size.width, base)
            cells = self.rows[row]
            style = base
            if row == self.cursor_row:
                style += self.get_component_rich_style("routine-table--cursor")
        return self._line(cells, style)

    def _line(self, cells: Sequence[str], style: Style) -> Strip:
        padding = " " * CELL_PADDING
        text = "".join(padding + set_cell_size(cell, width) + padding
                       for cell, (_, width) in zip(cells, self.columns, strict=False))
        scroll_x = self.scroll_offset.x
        # The header and the cursor row reach across the table, past the last column.
        return Strip([Segment(text, style)]).crop_extend(scroll_x, scroll_x + self.size.width,
                                                         style)

    # ----- the cursor -------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        """Put the cursor on this row (kept inside the table) and scroll it into view."""
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        visible_rows = self._visible_rows()
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible_rows:
            self.scroll_to(y=row - visible_rows + 1, animate=False, immediate=True)
        if row != self.cursor_row:
            self.cursor_row = row
            self.post_message(self.RowHighlighted(self, row))
        self.refresh()

    def _visible_rows(self) -> int:
        """How many rows show under the header (a page, for page up and down)."""
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._visible_rows())

    def action_select_cursor(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to that row; a click on the cursor row selects it."""
        if event.y < HEADER_LINES:
            return
        row = self.scroll_offset.y + event.y - HEADER_LINES
        if row >= len(self.rows):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row)
