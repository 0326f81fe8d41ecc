"""History: ratings, sessions and check-ins by day; fix a wrong rating (edit or delete).

The words come from coach.history (the same as `coach history`); a deletion or an edit
goes through the core, which keeps an audit event, so nothing vanishes silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coach.errors import CoachError
from coach.history import delete_rating, edit_rating, entry_text, history_entries, history_since
from coach.tui.fit import fit_words
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.title_bar import TitleBar

DAYS = 30
WHEN_WIDTH = len("Wed 04 Mar 09:30")


class HistoryScreen(Screen):
    DEFAULT_CSS = """
    HistoryScreen #history-body {
        height: 1fr;
    }
    HistoryScreen #history-table {
        height: 1fr;
    }
    HistoryScreen #history-hint {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("d,delete", "delete", "Delete", key_display="d"),
        Binding("escape,q", "close", "Back", key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict] = []

    def compose(self) -> ComposeResult:
        yield TitleBar("History")
        with Vertical(id="history-body", classes="panel"):
            yield DataTable(id="history-table", cursor_type="row")
            yield Static("", id="history-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#history-body").border_title = f"The last {DAYS} days, newest first"
        self.reload()

    def on_resize(self) -> None:
        if self.is_mounted:
            self._show()

    def reload(self) -> None:
        app = self.app
        since = history_since(app.today(), DAYS, app.tz)
        try:
            self.entries = history_entries(app.store.ratings(since=since),
                                           app.store.sessions(since=since),
                                           app.store.events(since=since), app.tz)
        except CoachError as error:
            self.entries = []
            self.query_one("#history-hint", Static).update(str(error))
            return
        self._show()

    def _show(self) -> None:
        app = self.app
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        entry_width = max(20, app.size.width - WHEN_WIDTH - 12)  # borders, padding, scrollbar
        table.add_column("When", key="when", width=WHEN_WIDTH)
        table.add_column("What", key="what", width=entry_width)
        for index, entry in enumerate(self.entries):
            moment = datetime.fromisoformat(entry["at"]).astimezone(app.tz)
            text = entry_text(entry, app.tz, app.area_label).split("  ", 1)[1]
            table.add_row(f"{moment:%a %d %b %H:%M}", fit_words(text, entry_width),
                          key=str(index))
        if self.entries:
            table.move_cursor(row=min(row, len(self.entries) - 1))
        hint = ("Nothing here yet: ratings and sessions show up as you add them."
                if not self.entries else
                "e edits the chosen rating, d deletes it; a deletion is kept as a note here.")
        self.query_one("#history-hint", Static).update(hint)

    def _chosen_rating(self):
        table = self.query_one(DataTable)
        if not self.entries:
            return None
        entry = self.entries[min(table.cursor_row, len(self.entries) - 1)]
        if entry["kind"] not in ("rating", "check-in"):
            self.notify("Only a rating can be edited or deleted; choose one with ↑/↓.",
                        timeout=4)
            return None
        moment = datetime.fromisoformat(entry["at"])
        ratings = self.app.store.ratings(since=moment - timedelta(seconds=1),
                                         until=moment + timedelta(seconds=1))
        return next((rating for rating in ratings if rating.id == entry["id"]), None)

    def action_edit(self) -> None:
        rating = self._chosen_rating()
        if rating is None:
            return
        from coach.tui.dialogs.rating import RatingDialog

        when = rating.at.astimezone(self.app.tz)
        self.app.push_screen(
            RatingDialog(f"{self.app.area_label(rating.area)}: correct the rating",
                         f"Given {when:%a %d %b %H:%M} as {rating.rating}/10 ({rating.phase})"),
            callback=partial(self._edited, rating))

    def _edited(self, rating, value: int | None) -> None:
        if value is None or value == rating.rating:
            return
        try:
            edit_rating(self.app.store, rating, value, self.app.now())
        except CoachError as error:
            self.notify(str(error), title="Not changed", severity="error", timeout=10)
            return
        self.notify(f"Changed {rating.rating}/10 to {value}/10.", timeout=4)
        self.reload()

    def action_delete(self) -> None:
        rating = self._chosen_rating()
        if rating is None:
            return
        from coach.tui.dialogs.confirm import ConfirmDialog

        when = rating.at.astimezone(self.app.tz)
        self.app.push_screen(
            ConfirmDialog(f"Delete {self.app.area_label(rating.area)} {rating.rating}/10 from "
                          f"{when:%a %d %b %H:%M}? A note of the deletion is kept.",
                          yes="Delete", no="Keep it"),
            callback=partial(self._delete_confirmed, rating))

    def _delete_confirmed(self, rating, yes: bool | None) -> None:
        if not yes:
            return
        try:
            delete_rating(self.app.store, rating.id, self.app.now())
        except CoachError as error:
            self.notify(str(error), title="Not deleted", severity="error", timeout=10)
            return
        self.notify("Deleted; the trends no longer count it.", timeout=4)
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
