"""The key bar at the bottom of every screen but home (home's is key_bar.KeyBar), tighter
on narrow terminals.

Textual's footer pads each key on both sides; below 80 columns that padding is what pushes
the last key off the edge ("? H"), so there it packs the keys closer instead.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

NARROW_COLUMNS = 80


class KeyFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < NARROW_COLUMNS
