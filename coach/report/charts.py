"""Charts for the clinician report as plain SVG text: drawn here, no JavaScript, no fonts fetched.

Made to print in black and white: every area has its own marker shape and dash pattern, axes
carry their labels and numbers, and nothing relies on colour. The same SVG goes into the HTML
page (inline) and into the PDF (fpdf2 draws SVG as vectors), so both show one chart.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from coach.report.model import ReportModel

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus")
GREYS = ("#000", "#444", "#222", "#555", "#111", "#333")
WIDTH = 720
LEGEND_COLUMNS = 3


class Drawing(NamedTuple):
    svg: str  # with its namespace (the PDF library wants it; the HTML page drops it)
    width: int  # in the SVG's own units
    height: int


def _marker(shape: str, x: float, y: float, stroke: str) -> str:
    size = 3.6
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="#fff" stroke="{stroke}"/>'
    if shape == "square":
        return (f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" '
                f'height="{2 * size}" fill="{stroke}"/>')
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - size - 1:.1f} {x - size - 0.5:.1f},{y + size:.1f} '
                f'{x + size + 0.5:.1f},{y + size:.1f}" fill="#fff" stroke="{stroke}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y:.1f} '
                f'{x:.1f},{y + size + 1:.1f} {x - size - 1:.1f},{y:.1f}" fill="{stroke}"/>')
    if shape == "cross":
        return (f'<path d="M{x - size:.1f},{y - size:.1f}L{x + size:.1f},{y + size:.1f}'
                f'M{x - size:.1f},{y + size:.1f}L{x + size:.1f},{y - size:.1f}" '
                f'stroke="{stroke}" stroke-width="1.6"/>')
    return (f'<path d="M{x - size - 1:.1f},{y:.1f}L{x + size + 1:.1f},{y:.1f}'
            f'M{x:.1f},{y - size - 1:.1f}L{x:.1f},{y + size + 1:.1f}" stroke="{stroke}" '
            f'stroke-width="1.6"/>')


def _text(x: float, y: float, text: str, size: float = 10, anchor: str = "start",
          extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="{FONT}" '
            f'text-anchor="{anchor}"{extra}>{escape(text)}</text>')


def area_style(index: int) -> tuple[str, str, str]:
    """(marker shape, dash pattern, stroke) of the index-th area: the legend uses the same."""
    return MARKERS[index % len(MARKERS)], DASHES[index % len(DASHES)], GREYS[index % len(GREYS)]


def pain_chart(model: ReportModel) -> Drawing:
    """Resting pain per area per week: a line per area on a fixed 0-10 axis, legend below."""
    legend_rows = max(1, -(-len(model.areas) // LEGEND_COLUMNS))
    left, right, top, bottom = 46, 12, 10, 48 + 14 * legend_rows
    width, height = WIDTH, 128 + bottom
    plot_w, plot_h = width - left - right, height - top - bottom
    weeks = model.weeks
    count = max(1, len(weeks))
    step = plot_w / count

    def x_at(index: int) -> float:
        return left + step * (index + 0.5)

    def y_at(value: float) -> float:
        return top + plot_h * (1 - value / 10)

    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="Resting pain per area per week, 0 to 10">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="#000" stroke-width="0.8"/>',
    ]
    for value in range(0, 11, 2):
        y = y_at(value)
        if 0 < value < 10:
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                         f'stroke="#bbb" stroke-width="0.5" stroke-dasharray="2 3"/>')
        parts.append(_text(left - 6, y + 3.5, str(value), 9, "end"))
    for index, (label, _monday) in enumerate(weeks):
        parts.append(_text(x_at(index), top + plot_h + 14, label.split("-")[-1], 9, "middle"))
    parts.append(_text(left + plot_w / 2, top + plot_h + 28, "ISO week (Monday to Sunday)", 10,
                       "middle"))
    parts.append(_text(12, top + plot_h / 2, "resting pain, 0-10", 10, "middle",
                       f' transform="rotate(-90 12 {top + plot_h / 2:.1f})"'))
    for number, area in enumerate(model.areas):
        shape, dash, stroke = area_style(number)
        by_week = {week.week: week.mean for week in area.weeks}
        points = [(x_at(index), y_at(by_week[label]))
                  for index, (label, _monday) in enumerate(weeks) if by_week.get(label) is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{stroke}" '
                         f'stroke-width="1.4"{dashing}/>')
        parts += [_marker(shape, x, y, stroke) for x, y in points]
        column, row = number % LEGEND_COLUMNS, number // LEGEND_COLUMNS
        legend_x, legend_y = left + column * plot_w / LEGEND_COLUMNS, top + plot_h + 44 + row * 14
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{legend_x:.1f}" y1="{legend_y:.1f}" x2="{legend_x + 26:.1f}" '
                     f'y2="{legend_y:.1f}" stroke="{stroke}" stroke-width="1.4"{dashing}/>')
        parts.append(_marker(shape, legend_x + 13, legend_y, stroke))
        parts.append(_text(legend_x + 32, legend_y + 3.5, area.label, 9.5))
    parts.append("</svg>")
    return Drawing("".join(parts), width, height)


# Resting pain bands for the body map: (upper bound, fill). Grey steps that stay apart when
# printed in black and white; the legend prints each band's numbers.
PAIN_BANDS = ((2, "#f4f4f4"), (4, "#cfcfcf"), (6, "#a3a3a3"), (8, "#6b6b6b"), (10, "#2e2e2e"))


def pain_fill(mean: float) -> str:
    """The band fill for a mean resting pain: the first band whose upper bound it is below."""
    for upper, fill in PAIN_BANDS:
        if mean < upper or upper == 10:
            return fill
    return PAIN_BANDS[-1][1]


def _shape_svg(shape, place, scale: float, attributes: str = "") -> str:
    if shape.shape == "ellipse":
        cx, cy, rx, ry = shape.coords
        x, y = place(cx, cy)
        return (f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{rx * scale:.1f}" '
                f'ry="{ry * scale:.1f}"{attributes}/>')
    points = " ".join("{:.1f},{:.1f}".format(*place(x, y)) for x, y in shape.coords)
    return f'<polygon points="{points}"{attributes}/>'


def body_map_chart(model: ReportModel) -> Drawing:
    """Front and back figures (coach.bodymap's outline) with each area's region shaded by its
    mean resting pain over the period and numbered; the legend gives the pain bands and, per
    number, the area and its mean in numbers."""
    from coach.bodymap import FIGURE_BOX, OUTLINE, VIEWS
    from coach.report.regions import REGIONS

    box_left, box_top, box_right, box_bottom = FIGURE_BOX
    figure_h = 230
    scale = figure_h / (box_bottom - box_top)
    figure_w = (box_right - box_left) * scale
    legend_left = figure_w * len(VIEWS) + 12 * len(VIEWS)
    rated = [area for area in model.areas if area.mean is not None]
    # the legend's text is as large as the page's text once the drawing is scaled to its place
    line = 19
    height = max(figure_h + 18, 28 + (len(PAIN_BANDS) + len(rated) + 1) * line)
    width = round(legend_left + 390)
    parts = [f'<svg xmlns="{SVG_NAMESPACE}" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" '
             f'aria-label="Body map: each area shaded by its mean resting pain">']
    for index, view in enumerate(VIEWS):
        shift = index * (figure_w + 12)

        def place(x: float, y: float, shift=shift) -> tuple[float, float]:
            return shift + (x - box_left) * scale, (y - box_top) * scale

        parts.append('<g fill="#fff" stroke="#000" stroke-width="0.9">')
        parts += [_shape_svg(shape, place, scale) for shape in OUTLINE]
        parts.append("</g>")
        # the darkest last: where regions touch, the higher pain stays visible
        for number, area in sorted(enumerate(rated, start=1), key=lambda pair: pair[1].mean):
            mine = [shape for shape in REGIONS.get(area.id, ()) if shape.view == view]
            if not mine:
                continue
            fill = pain_fill(area.mean)
            parts += [_shape_svg(shape, place, scale,
                                 f' fill="{fill}" stroke="#000" stroke-width="0.5"')
                      for shape in mine]
            x, y = place(*_centre(mine[0]))
            dark = fill in ("#6b6b6b", "#2e2e2e")
            parts.append(_text(x, y + 4.5, str(number), 12, "middle",
                               f' font-weight="bold" fill="{"#fff" if dark else "#000"}"'))
        parts.append(_text(shift + figure_w / 2, figure_h + 15, view, 13, "middle"))
    left = legend_left
    parts.append(_text(left, 15, "mean resting pain, 0-10", 14, extra=' font-weight="bold"'))
    lower = 0
    for row, (upper, fill) in enumerate(PAIN_BANDS):
        y = 24 + row * line
        parts.append(f'<rect x="{left:.1f}" y="{y}" width="22" height="15" fill="{fill}" '
                     f'stroke="#000" stroke-width="0.6"/>')
        band = f"{lower} to {upper}" if upper == 10 else f"{lower} to under {upper}"
        parts.append(_text(left + 30, y + 12.5, band, 13.5))
        lower = upper
    y = 24 + len(PAIN_BANDS) * line + line
    for number, area in enumerate(rated, start=1):
        where = "" if REGIONS.get(area.id) else " (not on the map)"
        parts.append(_text(left, y, f"{number}", 13.5, extra=' font-weight="bold"'))
        parts.append(_text(left + 22, y, f"{area.label}: {area.mean:g}{where}", 13.5))
        y += line
    parts.append("</svg>")
    return Drawing("".join(parts), width, height)


def _centre(shape) -> tuple[float, float]:
    if shape.shape == "ellipse":
        return shape.coords[0], shape.coords[1]
    xs = [x for x, _ in shape.coords]
    ys = [y for _, y in shape.coords]
    return sum(xs) / len(xs), sum(ys) / len(ys)
