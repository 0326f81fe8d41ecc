"""The player's big countdown: what to do now, the seconds left (big digits), and a short cue."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from coach.model import duration_text
from coach.tui.widgets.big_clock import BigClock


def clock_text(seconds: float) -> str:
    """m:ss, rounded up: a phase shows 0:30 at its start and 0:00 only once it is over."""
    return duration_text(math.ceil(seconds - 1e-9))


class PhaseCountdown(Vertical):
    """Phase label, the big clock (it takes the free height) and the cue; a flash marks a
    phase change visibly."""

    DEFAULT_CSS = """
    PhaseCountdown {
        height: 1fr;
        min-height: 4;
        border: round $primary;
        padding: 0 1;
    }
    PhaseCountdown.-flash {
        border: double $accent;
        background: $accent 25%;
    }
    PhaseCountdown.-paused {
        border: dashed $warning;
    }
    PhaseCountdown #countdown-phase {
        text-style: bold;
        width: 100%;
        text-align: center;
    }
    PhaseCountdown #countdown-digits {
        width: 100%;
        height: 1fr;
    }
    PhaseCountdown #countdown-cue {
        width: 100%;
        text-align: center;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="countdown-phase", markup=False)
        yield BigClock("0:00", id="countdown-digits")
        yield Static("", id="countdown-cue", markup=False)

    def show(self, phase_text: str, remaining_s: float, cue: str, paused: bool) -> None:
        """Update only what changed, so a redraw tick is cheap."""
        heading = f"{phase_text} · PAUSED (space to go on)" if paused else phase_text
        set_text(self.query_one("#countdown-phase", Static), heading)
        digits = self.query_one("#countdown-digits", BigClock)
        text = clock_text(remaining_s)
        if digits.value != text:
            digits.update(text)
        set_text(self.query_one("#countdown-cue", Static), cue)
        self.set_class(paused, "-paused")

    def set_flash(self, on: bool) -> None:
        self.set_class(on, "-flash")


def set_text(widget: Static, text: str) -> None:
    """Update a Static only when its text changes, so redraw ticks stay cheap."""
    if widget.content != text:
        widget.update(text)
