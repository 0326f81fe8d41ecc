"""A SelectionList whose tick is drawn only on chosen entries.

Textual's SelectionList draws an X on every entry and tells chosen from not chosen by
colour alone, which disappears under NO_COLOR or on a monochrome terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist


class TickList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self.selected:
            return strip
        segments = list(strip)
        for index, segment in enumerate(segments[:3]):
            if segment.text == ToggleButton.BUTTON_INNER:
                segments[index] = Segment(" " * len(segment.text), segment.style,
                                          segment.control)
                return Strip(segments, strip.cell_length)
        return strip
