"""`coach show MUSCLE`: one library entry's card, with its body map; `--json` for the data."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from itertools import groupby

import click

from coach.cli.common import load_catalog_with_warnings, print_json

MAP_SHARE = 0.45  # of the terminal's width: 36x18 cells on 80 columns, 54x27 on 120
MAX_TEXT_WIDTH = 100
MAP_KEY = "● press here (stretch only: feel the stretch here) · shaded: where the pain goes"
# Colour per map cell role (ANSI through click.style); the point is also bold.
MAP_COLOURS = {"outline": "bright_black", "zone": "red", "point": "yellow", "label": None}


@click.command()
@click.argument("muscle")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the map geometry).")
@click.option("--color/--no-color", "colour", default=None,
              help="Colour the map (default: when printing to a terminal, unless NO_COLOR).")
def show(muscle: str, as_json: bool, colour: bool | None) -> None:
    """Show a muscle's card: its map, where to find it, where it refers, how to work it with
    each tool, the dose, the stretch, cautions and sources. MUSCLE is an id or a name
    ('coach catalog' lists them)."""
    from coach.library import card

    library = load_catalog_with_warnings()
    target = library.targets[_resolve(library, muscle)]
    entry = card(library, target)
    if as_json:
        print_json(entry.to_json())
        return
    if colour is None:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    columns = max(40, shutil.get_terminal_size((80, 24)).columns)
    click.echo("\n".join(card_lines(entry, columns, colour)), color=colour)


def _resolve(library, muscle: str) -> str:
    """An id or a name; otherwise say which entries match the words, as search would."""
    from coach.errors import UsageError
    from coach.library import search

    try:
        return library.resolve_target(muscle)
    except UsageError as unknown:
        found = [match.target.id for match in search(library, muscle)][:5]
        if not found:
            if "did you mean" in str(unknown):
                raise
            raise UsageError(f"no muscle is called {muscle.strip()!r}, and none refers pain "
                             "there ('coach catalog' lists them all).") from None
        raise UsageError(f"no muscle is called {muscle.strip()!r}; these match: "
                         f"{', '.join(found)} (run 'coach show' with one of them).") from None


def card_lines(entry, columns: int, colour: bool) -> list[str]:
    """The card for a terminal `columns` wide: text wrapped to at most MAX_TEXT_WIDTH, the
    map in proportion to the terminal."""
    from coach import bodymap

    target = entry.target
    width = min(columns, MAX_TEXT_WIDTH)
    lines = [_bold(target.name, colour), *_wrap(entry.summary(), width)]
    if target.body_map is not None:
        lines.append("")
        map_columns = max(bodymap.MIN_COLUMNS, int(columns * MAP_SHARE))
        map_rows = max(bodymap.MIN_ROWS, map_columns // 2)
        grid = bodymap.render(target.body_map, map_columns, map_rows, focus=True)
        lines += [_map_row(row, colour) for row in grid]
        lines.append(MAP_KEY)
    for heading, paragraphs in entry.sections():
        lines += ["", f"{heading}:"]
        bullet = len(paragraphs) > 1 or heading in ("How, by tool", "Careful", "Sources")
        for paragraph in paragraphs:
            for number, part in enumerate(paragraph.split("\n")):
                first = ("  - " if number == 0 else "    ") if bullet else "  "
                lines += _wrap(part, width, first, "    " if bullet else "  ")
    return lines


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _bold(text: str, colour: bool) -> str:
    return click.style(text, bold=True) if colour else text


def _map_row(row, colour: bool) -> str:
    """One row of the map; in colour, each run of cells of one role styled once."""
    if not colour:
        return "".join(cell.char for cell in row).rstrip()
    out = []
    for role, cells in groupby(row, key=lambda cell: cell.role):
        chars = "".join(cell.char for cell in cells)
        shade = MAP_COLOURS.get(role)
        out.append(click.style(chars, fg=shade, bold=role == "point") if shade else chars)
    return "".join(out).rstrip()
