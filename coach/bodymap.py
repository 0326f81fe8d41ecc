"""Body maps: where to press and where the pain goes, drawn on a front and a back outline.

Pure core (no Textual): the library stores each target's map as points and zones in a unit
square per view (x to the right, y down, as the viewer sees the figure; in the front view
the person's left is on the viewer's right, in the back view on the viewer's left). This
module holds the outline, checks maps against it, and draws a map as a character grid
(braille dots or half blocks, at any size from 20x12 cells) or as SVG.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation into a ForwardRef as the class is made, about 50k instructions a field, and
# this module's named tuples are made at every start. (Quoted: a class named in its own
# body.)

from typing import NamedTuple

VIEWS = ("front", "back")
SIDES = ("left", "right", "whole")  # "whole": a non-bilateral target's one map
MIN_COLUMNS, MIN_ROWS = 20, 12
STYLES = ("braille", "blocks")


class Zone(NamedTuple):
    """Where the pain is felt: a polygon ((x, y), ...) or an ellipse (cx, cy, rx, ry)."""

    view: str
    shape: str  # "polygon" or "ellipse"
    coords: tuple[tuple[float, float], ...] | tuple[float, float, float, float]

    def contains(self, x: float, y: float) -> bool:
        if self.shape == "ellipse":
            return _in_ellipse(self.coords, x, y)
        return _in_polygon(self.coords, x, y)

    def mirrored(self) -> "Zone":
        if self.shape == "ellipse":
            cx, cy, rx, ry = self.coords
            return Zone(self.view, "ellipse", (round(1 - cx, 4), cy, rx, ry))
        return Zone(self.view, "polygon", tuple((round(1 - x, 4), y) for x, y in self.coords))

    def area(self) -> float:
        if self.shape == "ellipse":
            return 3.14159 * self.coords[2] * self.coords[3]
        points = self.coords
        twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                    in zip(points, points[1:] + points[:1], strict=True))
        return abs(twice) / 2

    def to_json(self) -> dict:
        if self.shape == "ellipse":
            return {"view": self.view, "ellipse": list(self.coords)}
        return {"view": self.view, "polygon": [list(point) for point in self.coords]}


class Point(NamedTuple):
    """Where to press."""

    view: str
    x: float
    y: float

    def mirrored(self) -> "Point":
        return Point(self.view, round(1 - self.x, 4), self.y)

    def to_json(self) -> dict:
        return {"view": self.view, "x": self.x, "y": self.y}


class MapSide(NamedTuple):
    side: str  # one of SIDES
    points: tuple[Point, ...]
    zones: tuple[Zone, ...]

    def to_json(self) -> dict:
        return {"points": [point.to_json() for point in self.points],
                "zones": [zone.to_json() for zone in self.zones]}


class BodyMap(NamedTuple):
    """A target's map: one MapSide per side ("left" and "right"), or one "whole"."""

    sides: tuple[MapSide, ...]

    def side(self, name: str) -> MapSide | None:
        return next((part for part in self.sides if part.side == name), None)

    def parts(self, side: str | None = None) -> tuple[MapSide, ...]:
        """The parts to draw: one side of a bilateral map, or all of it."""
        if side in ("left", "right") and self.side(side) is not None:
            return (self.side(side),)
        return self.sides

    def views(self, side: str | None = None) -> tuple[str, ...]:
        used = {item.view for part in self.parts(side) for item in part.points + part.zones}
        return tuple(view for view in VIEWS if view in used)

    def to_json(self) -> dict:
        return {part.side: part.to_json() for part in self.sides}


# --- the outline ---------------------------------------------------------------------------
# One standing figure, arms a little away from the body, in the unit square. Front and back
# share the silhouette; what differs is which side of the person is on which side of the
# picture. Shapes overlap; a point is inside the outline when it is inside any shape.

_HALF_BODY = (  # the viewer's right half of the trunk and legs, top to bottom
    (0.5, 0.125), (0.522, 0.128), (0.527, 0.163), (0.575, 0.176), (0.615, 0.19),
    (0.625, 0.215), (0.612, 0.26), (0.60, 0.31), (0.592, 0.36), (0.60, 0.42), (0.615, 0.47),
    (0.615, 0.53), (0.60, 0.62), (0.59, 0.70), (0.592, 0.74), (0.59, 0.80), (0.575, 0.90),
    (0.57, 0.945), (0.595, 0.985), (0.515, 0.985), (0.516, 0.94), (0.515, 0.90),
    (0.512, 0.80), (0.51, 0.70), (0.507, 0.60), (0.5, 0.53),
)
_HALF_ARM = (  # the viewer's right arm, shoulder to hand and back up the inside
    (0.605, 0.182), (0.63, 0.19), (0.65, 0.215), (0.658, 0.27), (0.662, 0.31),
    (0.672, 0.38), (0.678, 0.45), (0.69, 0.50), (0.675, 0.525), (0.655, 0.515),
    (0.652, 0.46), (0.638, 0.39), (0.627, 0.32), (0.622, 0.26), (0.615, 0.22),
)


def _mirror_polygon(points):
    return tuple((round(1 - x, 4), y) for x, y in points)


OUTLINE = (
    Zone("", "ellipse", (0.5, 0.072, 0.044, 0.058)),  # head
    Zone("", "polygon", _HALF_BODY + _mirror_polygon(reversed(_HALF_BODY[1:-1]))),
    Zone("", "polygon", _HALF_ARM),
    Zone("", "polygon", _mirror_polygon(_HALF_ARM)),
)
# The part of the unit square the figure fills, with a small margin: what the drawing shows.
FIGURE_BOX = (0.29, 0.0, 0.71, 1.0)


def inside_outline(x: float, y: float) -> bool:
    return any(shape.contains(x, y) for shape in OUTLINE)


def problems(body_map: BodyMap, bilateral: bool) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a map; empty when it is fine."""
    found: list[tuple[str, str]] = []
    names = [part.side for part in body_map.sides]
    wanted = ["left", "right"] if bilateral else ["whole"]
    if sorted(names) != sorted(wanted):
        found.append(("map", "a bilateral target needs [target.map.left] and "
                             "[target.map.right]" if bilateral
                      else "a one-sided target needs [target.map.whole]"))
    for part in body_map.sides:
        where = f"map.{part.side}"
        if not part.points:
            found.append((f"{where}.points", "needs at least one point"))
        if not part.zones:
            found.append((f"{where}.zones", "needs at least one zone"))
        for index, point in enumerate(part.points, start=1):
            if not inside_outline(point.x, point.y):
                found.append((f"{where}.points #{index}",
                              f"({point.x}, {point.y}) is outside the body outline"))
        for index, zone in enumerate(part.zones, start=1):
            if zone.area() <= 0.00001 or not _touches_outline(zone):
                found.append((f"{where}.zones #{index}", "is empty or lies outside the body"))
    return found


def _touches_outline(zone: Zone, steps: int = 24) -> bool:
    left, top, right, bottom = _bounds(zone)
    middle = ((left + right) / 2, (top + bottom) / 2)
    if zone.contains(*middle) and inside_outline(*middle):
        return True  # the usual case, answered without sampling
    for i in range(steps + 1):
        for j in range(steps + 1):
            x = left + (right - left) * i / steps
            y = top + (bottom - top) * j / steps
            if zone.contains(x, y) and inside_outline(x, y):
                return True
    return False


def _bounds(zone: Zone) -> tuple[float, float, float, float]:
    if zone.shape == "ellipse":
        cx, cy, rx, ry = zone.coords
        return cx - rx, cy - ry, cx + rx, cy + ry
    xs = [x for x, _ in zone.coords]
    ys = [y for _, y in zone.coords]
    return min(xs), min(ys), max(xs), max(ys)


def _in_ellipse(coords, x: float, y: float) -> bool:
    cx, cy, rx, ry = coords
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0


def _in_polygon(points, x: float, y: float) -> bool:
    inside = False
    count = len(points)
    for i in range(count):
        x1, y1 = points[i]
        x2, y2 = points[i - 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


# --- the character grid ----------------------------------------------------------------------

class Cell(NamedTuple):
    char: str
    role: str  # "blank", "outline", "zone", "point" or "label"


POINT_CHAR = "●"
_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column]
_ROLE_RANK = {"blank": 0, "outline": 1, "zone": 2}


def render(body_map: BodyMap, columns: int, rows: int, *, side: str | None = None,
           style: str = "braille", focus: bool = False) -> list[list[Cell]]:
    """The map as `rows` lists of `columns` cells: each view a figure with its name below,
    the outline as a thin line, the zone shaded, each point a bold marker. With `focus`,
    the drawing zooms in on the part of the body the map is about (the points and zones,
    never less than about a third of the figure)."""
    if columns < MIN_COLUMNS or rows < MIN_ROWS:
        raise ValueError(f"a body map needs at least {MIN_COLUMNS}x{MIN_ROWS} cells, "
                         f"not {columns}x{rows}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}")
    parts = body_map.parts(side)
    views = body_map.views(side) or ("front",)
    box = focus_box(parts) if focus else FIGURE_BOX
    grid = [[Cell(" ", "blank") for _ in range(columns)] for _ in range(rows)]
    figure_rows = rows - 1  # the last row names the view
    gap = 1 if len(views) > 1 else 0  # a blank column keeps two figures apart
    width = (columns - gap * (len(views) - 1)) // len(views)
    for number, view in enumerate(views):
        left = number * (width + gap)
        zones = [zone for part in parts for zone in part.zones if zone.view == view]
        points = [point for part in parts for point in part.points if point.view == view]
        _draw_figure(grid, left, width, figure_rows, box, zones, points, style)
        label = view[:width]
        start = left + (width - len(label)) // 2
        for offset, char in enumerate(label):
            grid[rows - 1][start + offset] = Cell(char, "label")
    return grid


FOCUS_MIN_HEIGHT = 0.3
FOCUS_MARGIN = 0.04


def focus_box(parts) -> tuple[float, float, float, float]:
    """The part of the figure a map is about: its points and zones with a margin, at least
    FOCUS_MIN_HEIGHT tall, kept inside the figure."""
    edges = [(point.x, point.y, point.x, point.y) for part in parts for point in part.points]
    edges += [_bounds(zone) for part in parts for zone in part.zones]
    if not edges:
        return FIGURE_BOX
    fig_left, fig_top, fig_right, fig_bottom = FIGURE_BOX
    left = max(fig_left, min(edge[0] for edge in edges) - FOCUS_MARGIN)
    right = min(fig_right, max(edge[2] for edge in edges) + FOCUS_MARGIN)
    top = max(fig_top, min(edge[1] for edge in edges) - FOCUS_MARGIN)
    bottom = min(fig_bottom, max(edge[3] for edge in edges) + FOCUS_MARGIN)
    if bottom - top < FOCUS_MIN_HEIGHT:
        middle = (top + bottom) / 2
        top = max(fig_top, min(middle - FOCUS_MIN_HEIGHT / 2, fig_bottom - FOCUS_MIN_HEIGHT))
        bottom = top + FOCUS_MIN_HEIGHT
    return left, top, right, bottom


def _draw_figure(grid, left: int, width: int, rows: int, box, zones, points,
                 style: str) -> None:
    per_x, per_y = (2, 4) if style == "braille" else (1, 2)
    pixels_x, pixels_y = width * per_x, rows * per_y
    box_left, box_top, box_right, box_bottom = box
    # Square pixels (a cell is about twice as tall as wide): one scale for both axes, the
    # box centred; what lies around the box in the cells is drawn too.
    scale = min(pixels_x / (box_right - box_left), pixels_y / (box_bottom - box_top))
    origin_x = (box_left + box_right) / 2 - pixels_x / 2 / scale
    origin_y = (box_top + box_bottom) / 2 - pixels_y / 2 / scale
    # Room to spare goes below the box rather than above the top of the head.
    shown_h = pixels_y / scale
    fig_top, fig_bottom = FIGURE_BOX[1], FIGURE_BOX[3]
    origin_y = max(min(origin_y, fig_bottom - shown_h), min(fig_top, box_top))

    def to_unit(px: int, py: int) -> tuple[float, float]:
        return origin_x + (px + 0.5) / scale, origin_y + (py + 0.5) / scale

    # One pixel of margin all round, so the edge of the cells is not taken for the edge
    # of the body when the drawing is zoomed in.
    inside = [[inside_outline(*to_unit(px, py)) for px in range(-1, pixels_x + 1)]
              for py in range(-1, pixels_y + 1)]
    role = [["blank"] * pixels_x for _ in range(pixels_y)]
    for py in range(pixels_y):
        for px in range(pixels_x):
            if not inside[py + 1][px + 1]:
                continue
            x, y = to_unit(px, py)
            if any(zone.contains(x, y) for zone in zones):
                role[py][px] = "zone"
            elif _is_edge(inside, px + 1, py + 1):
                role[py][px] = "outline"
    for row in range(rows):
        for column in range(width):
            cell_roles = [role[row * per_y + dy][column * per_x + dx]
                          for dy in range(per_y) for dx in range(per_x)]
            strongest = max(cell_roles, key=_ROLE_RANK.__getitem__)
            if strongest == "blank":
                continue
            if style == "braille":
                bits = sum(_BRAILLE_BITS[dy][dx] for dy in range(4) for dx in range(2)
                           if role[row * 4 + dy][column * 2 + dx] != "blank")
                char = chr(0x2800 + bits)
            else:
                top = role[row * 2][column] != "blank"
                bottom = role[row * 2 + 1][column] != "blank"
                char = "█" if top and bottom else "▀" if top else "▄"
            grid[row][left + column] = Cell(char, strongest)
    for point in points:
        px = int((point.x - origin_x) * scale)
        py = int((point.y - origin_y) * scale)
        if 0 <= px < pixels_x and 0 <= py < pixels_y:
            grid[py // per_y][left + px // per_x] = Cell(POINT_CHAR, "point")


def _is_edge(inside, px: int, py: int) -> bool:
    height, width = len(inside), len(inside[0])
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nx, ny = px + dx, py + dy
        if not (0 <= nx < width and 0 <= ny < height) or not inside[ny][nx]:
            return True
    return False


def to_text(grid: list[list[Cell]]) -> str:
    """The grid as plain lines, trailing spaces removed."""
    return "\n".join("".join(cell.char for cell in row).rstrip() for row in grid)


# --- SVG -------------------------------------------------------------------------------------

def to_svg(body_map: BodyMap, *, side: str | None = None, height: int = 240,
           title: str = "") -> str:
    """The map as a standalone SVG: grey figures, the zone in red, the points as dots."""
    parts = body_map.parts(side)
    views = body_map.views(side) or ("front",)
    box_left, box_top, box_right, box_bottom = FIGURE_BOX
    scale = height / (box_bottom - box_top)
    figure_w = (box_right - box_left) * scale
    width = round(figure_w * len(views))
    label_h = 16
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height + label_h}" viewBox="0 0 {width} {height + label_h}" '
           f'role="img">']
    if title:
        out.append(f"<title>{_escape(title)}</title>")
    for number, view in enumerate(views):
        shift = number * figure_w

        def place(x: float, y: float, shift=shift) -> str:
            return f"{shift + (x - box_left) * scale:.1f},{(y - box_top) * scale:.1f}"

        out.append('<g fill="#d9d9d9" stroke="#8c8c8c" stroke-width="1">')
        out.extend(_svg_shape(shape, place, scale) for shape in OUTLINE)
        out.append("</g>")
        out.append('<g fill="#d7301f" fill-opacity="0.55" stroke="none">')
        out.extend(_svg_shape(zone, place, scale) for part in parts for zone in part.zones
                   if zone.view == view)
        out.append("</g>")
        for part in parts:
            for point in part.points:
                if point.view == view:
                    cx, cy = place(point.x, point.y).split(",")
                    out.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="#111" '
                               f'stroke="#fff" stroke-width="1.5"/>')
        out.append(f'<text x="{shift + figure_w / 2:.1f}" y="{height + label_h - 3}" '
                   f'text-anchor="middle" font-family="sans-serif" font-size="12">'
                   f"{view}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _svg_shape(shape: Zone, place, scale: float) -> str:
    if shape.shape == "ellipse":
        cx, cy, rx, ry = shape.coords
        x, y = place(cx, cy).split(",")
        return f'<ellipse cx="{x}" cy="{y}" rx="{rx * scale:.1f}" ry="{ry * scale:.1f}"/>'
    points = " ".join(place(x, y) for x, y in shape.coords)
    return f'<polygon points="{points}"/>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
