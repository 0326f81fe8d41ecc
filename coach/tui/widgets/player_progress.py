"""One labelled progress row of the player: "Step  [=====     ]  0:45 / 2:10"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from coach.model import duration_text
from coach.tui.widgets.countdown import clock_text, set_text


class TimedProgress(Horizontal):
    DEFAULT_CSS = """
    TimedProgress {
        height: 1;
        width: 1fr;
    }
    TimedProgress .progress-name {
        width: 9;
        text-style: bold;
    }
    TimedProgress ProgressBar {
        width: 1fr;
    }
    TimedProgress ProgressBar Bar {
        width: 1fr;
    }
    TimedProgress .progress-times {
        width: 15;
        text-align: right;
    }
    """

    def __init__(self, name_text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.name_text = name_text

    def compose(self) -> ComposeResult:
        yield Static(self.name_text, classes="progress-name", markup=False)
        yield ProgressBar(total=1, show_percentage=False, show_eta=False)
        yield Static("", classes="progress-times", markup=False)

    def show(self, done_s: float, total_s: float) -> None:
        bar = self.query_one(ProgressBar)
        total = max(total_s, 1e-9)
        done = min(done_s, total)
        if bar.total != total or bar.progress != done:
            bar.update(total=total, progress=done)
        set_text(self.query_one(".progress-times", Static),
                 f"{duration_text(done)} / {clock_text(total_s)}")
