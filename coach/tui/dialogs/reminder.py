"""A reminder shown inside the app, with its own answers: done, snooze, skip (as the CLI)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from coach.reminders.texts import SNOOZE_HINT


def in_app_body(body: str) -> str:
    """The notification's text without the CLI hint: in the app the buttons answer."""
    return "\n".join(line for line in body.splitlines() if line.strip() != SNOOZE_HINT).strip()


class ReminderDialog(ModalScreen[str | None]):
    """Dismisses with "done", "snooze", "skip", or None (Esc: answer later)."""

    BINDINGS = [
        Binding("d", "answer('done')", "Done", show=False),
        Binding("z", "answer('snooze')", "Snooze", show=False),
        Binding("k", "answer('skip')", "Skip", show=False),
        Binding("escape", "answer(None)", "Later", show=False),
    ]

    def __init__(self, title: str, body: str, snooze_min: int) -> None:
        super().__init__(classes="coach-dialog")
        self.title_text, self.body_text, self.snooze_min = title, in_app_body(body), snooze_min

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.body_text, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Done", id="done", variant="primary")
                yield Button(f"Snooze {self.snooze_min} min", id="snooze")
                yield Button("Skip", id="skip")
            yield Static("d done · z snooze · k skip · Esc answer later", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#done", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
