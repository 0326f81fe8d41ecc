"""`coach show MUSCLE`: one library entry's card, with its body map; `--json` for the data."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

import click

from coach.cli.common import load_catalog_with_warnings, print_json

MAP_COLUMNS, MAP_ROWS = 36, 18
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
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    click.echo("\n".join(card_lines(entry, width, colour)), color=colour)


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


def card_lines(entry, width: int, colour: bool) -> list[str]:
    from coach import bodymap

    target = entry.target
    lines = [_bold(target.name, colour), *_wrap(entry.summary(), width)]
    if target.body_map is not None:
        lines.append("")
        grid = bodymap.render(target.body_map, MAP_COLUMNS, MAP_ROWS, focus=True)
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
    if not colour:
        return "".join(cell.char for cell in row).rstrip()
    out = []
    for cell in row:
        shade = MAP_COLOURS.get(cell.role)
        if cell.role == "blank" or (shade is None and cell.role != "label"):
            out.append(cell.char)
        else:
            out.append(click.style(cell.char, fg=shade, bold=cell.role == "point"))
    return "".join(out).rstrip()
