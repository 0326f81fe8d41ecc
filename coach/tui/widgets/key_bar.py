"""Home's key bar: the screen's keys on one line, drawn by one widget.

Textual's Footer mounts a widget for every key, and home shows six: styling, laying out
and painting them cost the first paint about as much as the rest of the footer's screen.
This draws the same line ("s Start t Trends ...", in the footer's colours, as compact as
Textual's compact footer) from the screen's active bindings, follows them as they change,
and a click on a key presses it. A key that does not fit is left out whole, never cut.
The other screens keep Textual's footer (coach.tui.widgets.footer.KeyFooter).
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

KEY_GAP = 1  # spaces between one key's description and the next key
DISABLED = Style(dim=True)  # a key shown but not usable now (as Textual's footer dims it)


class ShownKey(NamedTuple):
    key: str  # what app.simulate_key presses ("comma")
    display: str  # what the bar shows (",")
    description: str
    enabled: bool


class KeyBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, ShownKey]] = []  # the cells each drawn key takes

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def keys(self) -> list[ShownKey]:
        """The bindings the footer would show, one per action, in the screen's order."""
        shown: dict[str, ShownKey] = {}
        for binding, enabled in ((active.binding, active.enabled)
                                 for active in self.screen.active_bindings.values()):
            if binding.show and binding.action not in shown:
                shown[binding.action] = ShownKey(binding.key, self.app.get_key_display(binding),
                                                 binding.description, enabled)
        return list(shown.values())

    def shown_keys(self) -> list[ShownKey]:
        """The keys drawn at the bar's width (the ones that fit whole)."""
        return [key for _, _, key in self._spans]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        description_style = self.get_component_rich_style("key-bar--description",
                                                          partial=True)
        width = self.size.width
        line = Text(no_wrap=True, end="")
        spans = []
        for key in self.keys():
            words = [(key.display, key_style)]
            if key.description:
                words.append((" " + key.description, description_style))
            length = sum(cell_len(text) for text, _ in words)  # in cells, as x is
            start = line.cell_len + (KEY_GAP if spans else 0)
            if start + length > width:
                break  # left out whole: a cut key ("? H") says nothing
            if spans:
                line.append(" " * KEY_GAP)
            for text, style in words:
                line.append(text, style if key.enabled else style + DISABLED)
            spans.append((start, start + length, key))
        self._spans = spans
        return line

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
