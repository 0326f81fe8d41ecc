"""A 0-10 pain rating in a modal: every value by keyboard and by mouse, Esc skips.

Keys: a digit chooses it ("1" then "0" chooses 10), left/right move, Home/End jump
to 0/10, Enter saves. A click on a number saves it at once. Nothing is preselected,
so an Enter pressed by habit records nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Static

RATINGS = range(0, 11)


def band(value: int) -> str:
    """The usual clinical words for a 0-10 rating."""
    if value == 0:
        return "no pain"
    if value <= 3:
        return "mild"
    if value <= 6:
        return "moderate"
    return "severe"


class RatingButton(Button, can_focus=False):
    """One number; the dialog's keys choose, so the buttons never take focus."""


class RatingDialog(ModalScreen[int | None]):
    DEFAULT_CSS = """
    RatingDialog {
        align: center middle;
    }
    RatingDialog > #rating-box {
        width: auto;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    RatingDialog #rating-title {
        text-style: bold;
        width: 100%;
    }
    RatingDialog #rating-prompt, RatingDialog #rating-keys {
        color: $text-muted;
        width: 100%;
    }
    RatingDialog #rating-row {
        height: auto;
        width: auto;
        margin: 1 0 0 0;
    }
    RatingDialog RatingButton {
        width: 6;
        min-width: 6;
        margin: 0;
    }
    /* eleven numbers must fit 60 columns */
    RatingDialog.-narrow RatingButton {
        width: 5;
        min-width: 5;
    }
    RatingDialog RatingButton.-selected {
        text-style: bold reverse;
        border: tall $accent;
    }
    RatingDialog #rating-chosen {
        height: 1;
        width: 100%;
        text-style: bold;
        margin: 0 0 1 0;
    }
    """

    BINDINGS = [
        Binding("escape", "skip", "Skip"),
        Binding("enter", "save", "Save"),
        Binding("left", "move(-1)", "Less", show=False),
        Binding("right", "move(1)", "More", show=False),
        Binding("home", "choose(0)", show=False),
        Binding("end", "choose(10)", show=False),
        *[Binding(str(digit), f"digit({digit})", show=False) for digit in range(10)],
    ]

    selected: reactive[int | None] = reactive(None)

    def __init__(self, title: str, prompt: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt_text = prompt
        self._last_digit: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="rating-box"):
            yield Static(self.title_text, id="rating-title")
            if self.prompt_text:
                yield Static(self.prompt_text, id="rating-prompt")
            with Horizontal(id="rating-row"):
                for value in RATINGS:
                    yield RatingButton(str(value), id=f"rating-{value}")
            yield Static("", id="rating-chosen")
            yield Static("0-10 or ←/→ to choose · Enter save · Esc skip", id="rating-keys")

    def on_mount(self) -> None:
        self.watch_selected(self.selected)

    def watch_selected(self, value: int | None) -> None:
        if not self.is_mounted:
            return
        for number in RATINGS:
            self.query_one(f"#rating-{number}", RatingButton).set_class(
                number == value, "-selected")
        chosen = self.query_one("#rating-chosen", Static)
        if value is None:
            chosen.update("Nothing chosen yet")
        else:
            chosen.update(f"Chosen: {value} ({band(value)}) · Enter to save")

    def action_digit(self, digit: int) -> None:
        # "1" then "0" is ten; any other digit stands for itself.
        if digit == 0 and self._last_digit == 1 and self.selected == 1:
            self.selected = 10
            self._last_digit = None
            return
        self.selected = digit
        self._last_digit = digit

    def action_choose(self, value: int) -> None:
        self.selected = value
        self._last_digit = None

    def action_move(self, delta: int) -> None:
        self._last_digit = None
        if self.selected is None:
            self.selected = 5  # the middle: the fewest presses to any value
        else:
            self.selected = min(10, max(0, self.selected + delta))

    def action_save(self) -> None:
        if self.selected is None:
            self.notify("Choose a number from 0 to 10 first, or press Esc to skip.",
                        timeout=3)
            return
        self.dismiss(self.selected)

    def action_skip(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(int(str(event.button.label)))
