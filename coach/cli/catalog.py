"""`coach catalog`: what the routine library holds, and `--check FILE` to validate a file."""

from __future__ import annotations

from pathlib import Path

import click

from coach.cli.common import load_catalog_with_warnings, print_json


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--check", "check_path", metavar="PATH", type=click.Path(path_type=Path),
              help="Validate a routine file without installing it (exit 0 valid, 2 invalid).")
def catalog(as_json: bool, check_path: Path | None) -> None:
    """List the problem areas, habits, tools, muscles, stretches, desk movements and health
    cautions coach knows."""
    if check_path is not None:
        _check(check_path)
        return
    from coach.library import caution_json

    library = load_catalog_with_warnings()
    data = {
        "areas": [{"id": area.id, "label": area.label} for area in library.areas.values()],
        "habits": [{"id": habit.id, "label": habit.label} for habit in library.habits.values()],
        "tools": [{"id": tool.id, "label": tool.label} for tool in library.tools.values()],
        "muscles": [_entry_json(target) for target in library.targets.values()],
        "cautions": [caution_json(caution) for caution in library.cautions.values()],
    }
    if as_json:
        print_json(data)
        return
    for title, key, name in (("Problem areas", "areas", "label"), ("Posture habits", "habits",
                             "label"), ("Tools", "tools", "label")):
        click.echo(f"{title}:")
        for entry in data[key]:
            click.echo(f"  {entry['id']:<26} {entry[name]}")
        click.echo("")
    for kind, title in (("pressure", "Muscles"), ("stretch", "Stretch only (no pressure)"),
                        ("movement", "Desk movements (for breaks)")):
        entries = [muscle for muscle in data["muscles"] if muscle["kind"] == kind]
        if not entries:
            continue
        click.echo(f"{title}:")
        for muscle in entries:
            detail = (f"{muscle['seconds']} s, {muscle['position']}" if kind == "movement"
                      else ", ".join(muscle["areas"]))
            click.echo(f"  {muscle['id']:<26} {muscle['name']}  ({detail})")
        click.echo("")
    click.echo("Health cautions:")
    for caution in data["cautions"]:
        urgent = "  (see a clinician first)" if caution["urgent"] else ""
        click.echo(f"  {caution['id']:<26} {caution['label']}{urgent}")
    click.echo("\n'coach show MUSCLE' shows one muscle's card with its body map.")


def _entry_json(target) -> dict:
    entry = {"id": target.id, "name": target.name, "kind": target.kind,
             "areas": list(target.areas),
             "map": target.body_map.to_json() if target.body_map else None}
    if target.kind == "movement":
        entry.update(how=target.how, seconds=target.seconds, position=target.position)
    return entry


def _check(path: Path) -> None:
    from coach.catalog import check_file
    from coach.errors import UsageError

    if path.is_dir():
        raise UsageError(f"{path} is a folder; give one library file, e.g. "
                         "'coach catalog --check my-muscles.toml'.")
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the path of a library TOML file.")
    problems = check_file(path)
    if problems:
        for problem in problems[1:]:
            click.echo(f"coach: {problem}", err=True)
        raise UsageError(f"{problems[0]} ({len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''} in all).")
    click.echo(f"{path}: valid.")
