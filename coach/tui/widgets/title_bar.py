"""A one-line title: "coach — <where you are>".

Used instead of Textual's Header: the Header updates its title from a task started on
mount, which crashed (NoMatches on HeaderTitle) when onboarding was left quickly.
"""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 1fr;
        height: 1;
        background: $panel;
        color: $foreground;
        text-align: center;
        text-style: bold;
    }
    """

    def __init__(self, where: str = "") -> None:
        super().__init__()
        self.where = where

    def on_mount(self) -> None:
        self.show(self.where)

    def show(self, where: str) -> None:
        self.where = where
        demo = " · demo: sample data, your real history is untouched" if self.app.demo else ""
        self.update(f"coach — {where}{demo}" if where else f"coach{demo}")
