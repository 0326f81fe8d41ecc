"""A body map drawn to fit the widget: the core's character grid (coach.bodymap) in colour.

Without colour (NO_COLOR) it still reads: the outline is a thin dotted line, the zone a
solid block of dots, the point a bold marker.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from coach import bodymap
from coach.bodymap import BodyMap


class BodyMapView(Widget):
    COMPONENT_CLASSES = {"bodymap--outline", "bodymap--zone", "bodymap--point",
                         "bodymap--label"}
    DEFAULT_CSS = """
    BodyMapView {
        width: 36;
        height: 18;
    }
    BodyMapView > .bodymap--outline {
        color: $text-muted;
    }
    BodyMapView > .bodymap--zone {
        color: $error;
    }
    BodyMapView > .bodymap--point {
        color: $warning;
        text-style: bold;
    }
    BodyMapView > .bodymap--label {
        color: $text-muted;
    }
    """

    def __init__(self, body_map: BodyMap | None = None, *, side: str | None = None,
                 focus: bool = True, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.body_map = body_map
        self.side = side
        self.focus_map = focus

    def show(self, body_map: BodyMap | None, side: str | None = None) -> None:
        if (body_map, side) != (self.body_map, self.side):
            self.body_map, self.side = body_map, side
            self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        if self.body_map is None:
            return Text("")
        if width < bodymap.MIN_COLUMNS or height < bodymap.MIN_ROWS:
            return Text("(a wider window shows the body map)", style="italic")
        grid = bodymap.render(self.body_map, width, height, side=self.side,
                              focus=self.focus_map)
        styles = {role: self.get_component_rich_style(f"bodymap--{role}")
                  for role in ("outline", "zone", "point", "label")}
        text = Text(no_wrap=True, overflow="crop")
        for number, row in enumerate(grid):
            if number:
                text.append("\n")
            for cell in row:
                text.append(cell.char, styles.get(cell.role))
        return text
