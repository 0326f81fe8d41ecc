"""`coach profile show` and `coach profile set`: where it hurts, how you work, what you own."""

from __future__ import annotations

from dataclasses import replace

import click

from coach.errors import UsageError
from coach.model import MAX_MINUTES, MIN_MINUTES, Profile


@click.group()
def profile() -> None:
    """Show or change your saved profile (used by 'coach today' and the app)."""


@profile.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(as_json: bool) -> None:
    """Show the saved profile (or the default one if none is saved yet)."""
    from coach.store import Store

    saved = Store().load_profile()
    current = saved or Profile()
    if as_json:
        from coach.cli.common import print_json

        print_json({"saved": saved is not None, **current.to_dict()})
        return
    if saved is None:
        click.echo("No profile saved yet; this is the desk-worker default "
                   "(change it with 'coach profile set').", err=True)
    click.echo(format_profile(current))


def format_profile(current: Profile) -> str:
    def listed(values) -> str:
        return ", ".join(values) if values else "(none)"

    return "\n".join([
        f"areas:     {listed(current.areas)}",
        f"habits:    {listed(current.habits)}",
        f"tools:     {listed(current.tools)}",
        f"minutes:   {current.minutes}",
        f"desk only: {'yes' if current.desk_only else 'no'}",
        f"cautions:  {listed(current.cautions)}",
    ])


@profile.command(name="set")
@click.option("--areas", metavar="A,B", help="Problem areas, by id or name, e.g. neck,low-back.")
@click.option("--habits", metavar="X,Y", help="Posture habits, e.g. prolonged-sitting.")
@click.option("--tools", metavar="T,U", help="Tools you own, e.g. ball,wall.")
@click.option("--minutes", type=click.IntRange(MIN_MINUTES, MAX_MINUTES),
              help=f"Daily routine length ({MIN_MINUTES}-{MAX_MINUTES} minutes).")
@click.option("--desk-only/--no-desk-only", default=None,
              help="Only steps you can do seated at a desk.")
def set_(areas, habits, tools, minutes, desk_only) -> None:
    """Change parts of your profile; what you leave out stays as it was."""
    if all(value is None for value in (areas, habits, tools, minutes, desk_only)):
        raise UsageError("nothing to change; give at least one of --areas, --habits, --tools, "
                         "--minutes, --desk-only/--no-desk-only.")
    from coach.catalog import load_catalog

    catalog = load_catalog()
    changes = {}
    for kind, text in (("area", areas), ("habit", habits), ("tool", tools)):
        if text is None:
            continue
        resolved = catalog.resolve_list(kind, text)
        if kind == "area" and not resolved:
            raise UsageError("give at least one area, e.g. --areas neck.")
        changes[f"{kind}s"] = resolved
    if minutes is not None:
        changes["minutes"] = minutes
    if desk_only is not None:
        changes["desk_only"] = desk_only
    from coach.store import Store

    store = Store()
    updated = replace(store.load_profile() or Profile(), **changes)
    store.save_profile(updated)
    click.echo("Saved your profile:\n" + format_profile(updated))
