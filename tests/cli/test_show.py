"""`coach show MUSCLE`: a target's card with its map, as text (with and without colour) and
JSON, through the real entry point."""

from __future__ import annotations

import json

import pytest

from coach.bodymap import POINT_CHAR
from tests.cli.conftest import assert_one_line_error


def test_show_prints_the_card_with_its_map(coach):
    result = coach("show", "upper-trapezius")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Upper trapezius\n")
    for heading in ("Find it:", "Refers pain to:", "How, by tool:", "Dose:",
                    "Stretch afterwards:", "Careful:", "Sources:"):
        assert heading in text, heading
    assert POINT_CHAR in text and "front" in text and "back" in text
    assert "\x1b[" not in text  # not a terminal: no colour codes
    assert "behind the eye" in " ".join(text.split())
    assert "Travell & Simons, Trigger Point Manual" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_show_by_name_and_in_colour(coach):
    result = coach("show", "Upper Trapezius", "--color")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" in result.stdout  # ANSI colour on the map
    plain = coach("show", "upper-trapezius", "--no-color").stdout
    assert "\x1b[" not in plain


def test_no_colour_is_respected(coach):
    coach.env["NO_COLOR"] = "1"
    assert "\x1b[" not in coach("show", "masseter").stdout


def test_show_json_has_the_same_data_and_the_map_geometry(coach):
    data = json.loads(coach("show", "sternocleidomastoid", "--json").stdout)
    assert data["id"] == "sternocleidomastoid" and data["kind"] == "pressure"
    assert data["bilateral"] is True
    assert set(data["map"]) == {"left", "right"}
    left = data["map"]["left"]
    assert left["points"][0]["view"] == "front"
    assert all(0 <= left["points"][0][axis] <= 1 for axis in ("x", "y"))
    assert any("ellipse" in zone or "polygon" in zone for zone in left["zones"])
    [method] = data["methods"]
    assert method["pressure"].startswith("light")
    assert "30 s" in method["limits"] and "2 times" in method["limits"]
    assert data["sources"] and data["cautions"]


def test_show_a_stretch_only_entry_and_a_movement(coach):
    scalenes = coach("show", "scalenes")
    assert scalenes.returncode == 0
    assert "stretch only, no pressure" in scalenes.stdout
    assert "How, by tool:" not in scalenes.stdout
    movement = json.loads(coach("show", "chin-tucks", "--json").stdout)
    assert movement["kind"] == "movement" and movement["map"] is None
    assert movement["seconds"] == 30 and movement["position"] == "seated"


def test_show_lists_the_cautions_that_rule_it_out(coach):
    data = json.loads(coach("show", "quadratus-lumborum", "--json").stdout)
    ids = {caution["id"] for caution in data["avoid_if"]}
    assert "pregnancy" in ids
    assert all(set(caution) == {"id", "label", "urgent", "question"}
               for caution in data["avoid_if"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["show", "pain behind the eye"], "these match: upper-trapezius"),
        (["show", "upper-trap"], "these match: upper-trapezius"),
        (["show", "xyzzy"], "no muscle is called 'xyzzy'"),
        (["show"], "Missing argument"),
    ],
)
def test_show_bad_names_get_one_line(coach, args, words):
    line = assert_one_line_error(coach(*args))
    assert words in line


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_card_snapshot(snapshot, columns, colour):
    """The card with its map as a terminal 80 or 120 columns wide shows it, with and
    without colour (ANSI codes kept in the snapshot)."""
    from coach.catalog import load_catalog
    from coach.cli.show import card_lines
    from coach.library import card

    catalog = load_catalog(include_user=False)
    lines = card_lines(card(catalog, catalog.targets["upper-trapezius"]), columns, colour)
    assert all(len(click_unstyle(line)) <= columns for line in lines)
    assert ("\x1b[" in "\n".join(lines)) == colour
    assert "\n".join(lines) == snapshot


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)
