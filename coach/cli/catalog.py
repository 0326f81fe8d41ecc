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
    """List the problem areas, habits, tools and muscles coach knows."""
    if check_path is not None:
        _check(check_path)
        return
    library = load_catalog_with_warnings()
    data = {
        "areas": [{"id": area.id, "label": area.label} for area in library.areas.values()],
        "habits": [{"id": habit.id, "label": habit.label} for habit in library.habits.values()],
        "tools": [{"id": tool.id, "label": tool.label} for tool in library.tools.values()],
        "muscles": [{"id": target.id, "name": target.name, "areas": list(target.areas)}
                    for target in library.targets.values()],
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
    click.echo("Muscles:")
    for muscle in data["muscles"]:
        click.echo(f"  {muscle['id']:<26} {muscle['name']}  ({', '.join(muscle['areas'])})")


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
