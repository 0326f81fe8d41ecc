"""`coach profile show` and `coach profile set`: where it hurts, how you work, what you own."""

from __future__ import annotations

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
        f"left out:  {listed(current.avoid_areas)}",
        f"screened:  {'yes' if current.screened else 'no (run coach profile screen)'}",
    ])


@profile.command(name="set")
@click.option("--areas", metavar="A,B", help="Problem areas, by id or name, e.g. neck,low-back.")
@click.option("--habits", metavar="X,Y", help="Posture habits, e.g. prolonged-sitting.")
@click.option("--tools", metavar="T,U", help="Tools you own, e.g. ball,wall.")
@click.option("--minutes", type=click.IntRange(MIN_MINUTES, MAX_MINUTES),
              help=f"Daily routine length ({MIN_MINUTES}-{MAX_MINUTES} minutes).")
@click.option("--desk-only/--no-desk-only", default=None,
              help="Only steps you can do seated at a desk.")
@click.option("--cautions", metavar="ID,ID",
              help="Your health cautions (ids from 'coach catalog --json'); this answers the "
                   "safety questions.")
@click.option("--no-cautions", is_flag=True, default=False,
              help="None of the safety questions apply to you.")
@click.option("--avoid-areas", metavar="A,B",
              help="Areas to leave out entirely (an injury, surgery, implant or wound there); "
                   "'' for none.")
def set_(areas, habits, tools, minutes, desk_only, cautions, no_cautions, avoid_areas) -> None:
    """Change parts of your profile; what you leave out stays as it was."""
    if all(value is None for value in (areas, habits, tools, minutes, desk_only, cautions,
                                       avoid_areas)) and not no_cautions:
        raise UsageError("nothing to change; give at least one of --areas, --habits, --tools, "
                         "--minutes, --desk-only/--no-desk-only, --cautions, --no-cautions, "
                         "--avoid-areas.")
    if cautions is not None and no_cautions:
        raise UsageError("give either --cautions or --no-cautions, not both.")
    from coach.catalog import load_catalog

    catalog = load_catalog()
    changes = {}
    if cautions is not None:
        changes["cautions"] = catalog.resolve_list("caution", cautions)
        changes["screened"] = True
    if no_cautions:
        changes["cautions"] = ()
        changes["screened"] = True
    if avoid_areas is not None:
        changes["avoid_areas"] = catalog.resolve_list("area", avoid_areas)
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
    updated = (store.load_profile() or Profile())._replace(**changes)
    store.save_profile(updated)
    click.echo("Saved your profile:\n" + format_profile(updated))
    _say_what_the_cautions_mean(catalog, updated)


def _say_what_the_cautions_mean(catalog, current: Profile) -> None:
    from coach import safety

    if any(caution in safety.WHERE_CAUTIONS for caution in current.cautions) and not (
            current.avoid_areas):
        click.echo("Which areas should coach leave out? Say so with "
                   "'coach profile set --avoid-areas neck,low-back'; until then routines are "
                   "gentle.")
    questions = safety.screening_questions(catalog)
    for line in safety.clinician_first(questions, current.cautions):
        click.echo(line)


@profile.command()
def screen() -> None:
    """Answer the safety questions in the terminal (the same ones the app asks)."""
    from coach import safety
    from coach.catalog import load_catalog
    from coach.store import Store

    catalog = load_catalog()
    store = Store()
    current = store.load_profile() or Profile()
    click.echo("Safety questions before your first routine. Answer y or n (Enter: n).")
    yes: list[str] = []
    for question in safety.screening_questions(catalog):
        if click.confirm(question.text, default=False):
            yes.append(question.caution)
            click.echo(safety.answer_text(question))
            click.echo("")
    avoid = current.avoid_areas
    if any(caution in safety.WHERE_CAUTIONS for caution in yes):
        names = ", ".join(catalog.areas)
        text = click.prompt(f"Which areas should coach leave out? ({names})",
                            default=",".join(avoid), show_default=bool(avoid))
        avoid = catalog.resolve_list("area", text)
    updated = current._replace(cautions=tuple(yes), avoid_areas=avoid, screened=True)
    store.save_profile(updated)
    click.echo("Saved your answers:\n" + format_profile(updated))
    _say_what_the_cautions_mean(catalog, updated)
