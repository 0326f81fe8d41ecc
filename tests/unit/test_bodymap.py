"""coach.bodymap: the outline, the map checks, the character grid and the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import bodymap
from coach.bodymap import BodyMap, MapSide, Point, Zone

ONE_SIDED = BodyMap((MapSide("whole", (Point("back", 0.48, 0.115), Point("back", 0.52, 0.115)),
                             (Zone("front", "ellipse", (0.5, 0.05, 0.036, 0.02)),)),))
LEFT = MapSide("left", (Point("back", 0.43, 0.2),),
               (Zone("back", "polygon", ((0.45, 0.25), (0.47, 0.25), (0.46, 0.3))),))
BILATERAL = BodyMap((LEFT, MapSide("right", tuple(p.mirrored() for p in LEFT.points),
                                   tuple(z.mirrored() for z in LEFT.zones))))


def test_the_outline_holds_the_body_and_not_the_space_around_it():
    for x, y in ((0.5, 0.07), (0.5, 0.3), (0.45, 0.8), (0.34, 0.35), (0.66, 0.35)):
        assert bodymap.inside_outline(x, y), (x, y)
    for x, y in ((0.1, 0.5), (0.5, 0.75), (0.4, 0.07), (0.5, 0.999), (0.9, 0.1)):
        assert not bodymap.inside_outline(x, y), (x, y)


def test_the_outline_is_symmetric():
    for step in range(200):
        x, y = 0.29 + 0.42 * (step % 20) / 19, (step // 20) / 10 + 0.03
        assert bodymap.inside_outline(x, y) == bodymap.inside_outline(1 - x, y), (x, y)


def test_problems_of_a_good_and_broken_maps():
    assert bodymap.problems(ONE_SIDED, bilateral=False) == []
    assert bodymap.problems(BILATERAL, bilateral=True) == []
    assert bodymap.problems(ONE_SIDED, bilateral=True)[0][0] == "map"
    outside = BodyMap((MapSide("whole", (Point("front", 0.05, 0.5),), ONE_SIDED.sides[0].zones),))
    assert "outside the body outline" in bodymap.problems(outside, False)[0][1]
    flat = BodyMap((MapSide("whole", ONE_SIDED.sides[0].points,
                            (Zone("front", "polygon", ((0.5, 0.1), (0.5, 0.2), (0.5, 0.3))),)),))
    assert "empty" in bodymap.problems(flat, False)[0][1]


@pytest.mark.parametrize("style", bodymap.STYLES)
@pytest.mark.parametrize("size", [(20, 12), (36, 18), (80, 24), (120, 40)])
def test_render_fills_exactly_the_size_asked_with_point_and_zone(style, size):
    columns, rows = size
    grid = bodymap.render(BILATERAL, columns, rows, style=style)
    assert len(grid) == rows and all(len(row) == columns for row in grid)
    roles = {cell.role for row in grid for cell in row}
    assert {"outline", "point", "label"} <= roles
    if columns >= 36:
        assert "zone" in roles
    assert "back" in bodymap.to_text(grid).splitlines()[-1]


def test_a_side_draws_only_that_side():
    both = bodymap.render(BILATERAL, 40, 20)
    left = bodymap.render(BILATERAL, 40, 20, side="left")
    count = lambda grid: sum(cell.role == "point" for row in grid for cell in row)  # noqa: E731
    assert count(both) == 2 and count(left) == 1


def test_focus_zooms_in_on_the_map():
    wide = bodymap.render(ONE_SIDED, 40, 20)
    near = bodymap.render(ONE_SIDED, 40, 20, focus=True)
    filled = lambda grid: sum(cell.role == "zone" for row in grid for cell in row)  # noqa: E731
    assert filled(near) > filled(wide)


def test_too_small_is_refused():
    with pytest.raises(ValueError, match="at least 20x12"):
        bodymap.render(ONE_SIDED, 19, 12)
    with pytest.raises(ValueError, match="at least 20x12"):
        bodymap.render(ONE_SIDED, 20, 11)


@settings(max_examples=60, deadline=None)
@given(columns=st.integers(20, 90), rows=st.integers(12, 40), focus=st.booleans(),
       style=st.sampled_from(bodymap.STYLES))
def test_render_any_size_keeps_its_shape_and_points(columns, rows, focus, style):
    grid = bodymap.render(BILATERAL, columns, rows, focus=focus, style=style)
    assert len(grid) == rows and all(len(row) == columns for row in grid)
    assert sum(cell.role == "point" for row in grid for cell in row) == 2


def test_svg_is_well_formed_with_zone_and_points():
    svg = bodymap.to_svg(BILATERAL, title="Upper <trapezius>")
    root = ElementTree.fromstring(svg)
    tags = [element.tag.rsplit("}", 1)[-1] for element in root.iter()]
    assert tags.count("circle") == 2
    assert "polygon" in tags and "ellipse" in tags
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Upper <trapezius>"
