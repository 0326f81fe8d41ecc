"""`l` from anywhere: choose the area to rate (the rating itself is the RatingDialog)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class QuickLogDialog(ModalScreen[str | None]):
    """Returns the chosen area id, or None on Esc. Your own areas come first."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__(classes="coach-dialog")
        self.choices = choices  # (area id, label)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Log pain: which area?", classes="title")
            yield OptionList(*(Option(label, id=area) for area, label in self.choices),
                             id="areas")
            yield Static("Enter chooses · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
