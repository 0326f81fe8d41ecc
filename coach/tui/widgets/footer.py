"""The key bar at the bottom of every screen, tighter on narrow terminals.

Textual's footer pads each key on both sides; below 80 columns that padding is what pushes
the last key off the edge ("? H"), so there it packs the keys closer instead.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

try:  # not exported: what Footer composes
    from textual.widgets._footer import FooterKey
except ImportError:  # a Textual that moved it: its keys then take the class as they mount
    FooterKey = ()

NARROW_COLUMNS = 80


class KeyFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < NARROW_COLUMNS


class CompactFooter(Footer):
    """A footer that is compact from the start (home's: its keys fit 60 columns).

    Textual's keys learn `compact` from the footer as they mount, and only then take their
    "-compact" class, which styles each key (and its parts) once more before the screen's
    first paint; keys made with the class have nothing left to change.
    """

    def __init__(self, **options) -> None:
        super().__init__(compact=True, **options)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget
