"""The next day's check-in: "still sore from yesterday's session?" for one area."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

ANSWERS = (("none", "No"), ("some", "Some"), ("a-lot", "A lot"))
SORENESS_NOTE = ("Soreness like after exercise is normal and goes within 24-48 hours; "
                 "longer means too much, and coach makes that area lighter.")


class SorenessDialog(ModalScreen[str | None]):
    """Returns "none", "some" or "a-lot"; Esc returns None (not asked again today)."""

    BINDINGS = [Binding("escape", "skip", "Skip")]

    def __init__(self, area_label: str) -> None:
        super().__init__(classes="coach-dialog")
        self.area_label = area_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"{self.area_label}: still sore from yesterday's session?",
                         classes="title")
            with Horizontal(classes="buttons"):
                for value, label in ANSWERS:
                    yield Button(label, id=f"sore-{value}",
                                 variant="primary" if value == "none" else "default")
            yield Static(SORENESS_NOTE, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#sore-none", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("sore-"))

    def action_skip(self) -> None:
        self.dismiss(None)
