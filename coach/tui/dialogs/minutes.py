""""I only have N minutes": ask for today's budget, checked against the same limits as the CLI."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from coach.model import MAX_MINUTES, MIN_MINUTES, parse_minutes


class MinutesDialog(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: int) -> None:
        super().__init__(classes="coach-dialog")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("How many minutes do you have today?", classes="title")
            yield Input(str(self.current), id="minutes", type="integer")
            yield Static("", id="minutes-error", classes="error")
            yield Static(f"{MIN_MINUTES}-{MAX_MINUTES} · Enter rebuilds today's routine · "
                         "Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            minutes = parse_minutes(event.value)
        except ValueError as error:
            self.query_one("#minutes-error", Static).update(str(error))
            return
        self.dismiss(minutes)

    def action_cancel(self) -> None:
        self.dismiss(None)
