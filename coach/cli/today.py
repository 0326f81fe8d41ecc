"""`coach today`: today's routine as readable text or JSON."""

from __future__ import annotations

from datetime import date

import click

from coach.cli.common import load_catalog_with_warnings, parse_day, print_json
from coach.errors import UsageError
from coach.model import (
    MAX_MINUTES,
    MIN_MINUTES,
    STRETCH_ONLY,
    History,
    Profile,
    Routine,
    duration_text,
)

NOT_SCREENED = ("coach: the safety questions are not answered yet, so today's routine is "
                "gentle; answer them with 'coach profile screen' (or open the app).")


@click.command()
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="Build the routine for this day.")
@click.option("--minutes", type=click.IntRange(MIN_MINUTES, MAX_MINUTES),
              help=f"Time you have today ({MIN_MINUTES}-{MAX_MINUTES} minutes).")
@click.option("--desk", is_flag=True, default=None, help="Only steps you can do seated at a desk.")
@click.option("--areas", metavar="A,B", help="Problem areas, by id or name (e.g. neck,'Low back').")
@click.option("--habits", metavar="X,Y", help="Posture habits, e.g. prolonged-sitting,driving.")
@click.option("--tools", metavar="T,U", help="Tools you own, e.g. ball,hands,wall.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def today(day_text, minutes, desk, areas, habits, tools, as_json) -> None:
    """Show today's routine: which muscles, how, for how long, and why."""
    catalog = load_catalog_with_warnings()
    day = parse_day(day_text) or date.today()
    changes = {}
    if areas is not None:
        changes["areas"] = catalog.resolve_list("area", areas)
        if not changes["areas"]:  # as 'coach profile set --areas ""' refuses it
            raise UsageError("give at least one area, e.g. --areas neck.")
    if habits is not None:
        changes["habits"] = catalog.resolve_list("habit", habits)
    if tools is not None:
        changes["tools"] = catalog.resolve_list("tool", tools)
    if minutes is not None:
        changes["minutes"] = minutes
    if desk:
        changes["desk_only"] = True
    if not as_json and day_text is None:
        _ask_soreness_once(day)
    profile, history = _saved_profile_and_history(day)
    if profile is None and not {"areas", "habits", "tools"} <= set(changes):
        click.echo("coach: no saved profile, so this uses a desk-worker default, gentle until "
                   "you answer the safety questions ('coach profile screen'; set the rest "
                   "with 'coach profile set').", err=True)
    elif profile is None or not profile.screened:
        click.echo(NOT_SCREENED, err=True)
    profile = profile or Profile()
    profile = profile._replace(**changes)

    from coach.builder import build_routine

    routine = build_routine(profile, day, history, catalog)
    if as_json:
        print_json(routine.to_json())
    else:
        click.echo(format_routine(routine, catalog))


def _saved_profile_and_history(day: date) -> tuple[Profile | None, History]:
    """The saved profile and recent pain, or (None, empty) when nothing is saved yet."""
    from coach.store import Store

    store = Store()
    profile = store.load_profile()
    return profile, store.builder_history(day, _local_zone())


def _ask_soreness_once(day: date) -> None:
    """The day after a session, in a terminal, ask once per area worked whether it is still
    sore; the answers are stored as "soreness" events and lower that area's dose if needed."""
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return
    from datetime import datetime, time, timedelta

    from coach.response import soreness_due
    from coach.store import Store

    store, zone = Store(), _local_zone()
    since = datetime.combine(day - timedelta(days=2), time(), zone)
    until = datetime.combine(day + timedelta(days=1), time(), zone)
    answered = [event for event in store.events(since, until) if event.kind == "soreness"]
    due = soreness_due(day, store.sessions(since, until), answered)
    if due is None:
        return
    session, areas = due
    catalog = load_catalog_with_warnings()
    click.echo("Still sore from yesterday's session? (none / some / a lot; Enter: none)")
    for area in areas:
        label = catalog.areas[area].label if area in catalog.areas else area
        answer = click.prompt(f"  {label}", default="none", show_default=False,
                              type=click.Choice(["none", "some", "a lot", "a-lot"],
                                                case_sensitive=False), show_choices=False)
        store.add_event("soreness", datetime.now(zone), area=area,
                        level=answer.lower().replace(" ", "-"), session_id=session.id)
    click.echo(SORENESS_NOTE)
    click.echo("")


SORENESS_NOTE = ("Soreness like after exercise is normal and goes within 24-48 hours; "
                 "if it lasts longer, the dose was too much, and coach makes it lighter.")


def _local_zone():
    from datetime import datetime

    return datetime.now().astimezone().tzinfo


def format_routine(routine: Routine, catalog) -> str:
    from coach.catalog import POSITIONS, TECHNIQUES

    lines = []
    if routine.safety_level == "see-clinician":
        lines.append(routine.safety_reasons[0])
        lines.extend(f"  {reason}" for reason in routine.safety_reasons[1:])
        return "\n".join(lines)
    notes = list(routine.notes)
    if notes and routine.safety_reasons and notes[0] == routine.safety_reasons[0]:
        lines += [notes.pop(0), ""]  # the clinician sentence comes first
    lines += [f"Today, {routine.day.strftime('%A %d %B %Y')}: "
              f"{duration_text(routine.total_s)} of your {routine.minutes} minutes", ""]
    if routine.safety_level != "ok":
        lines.append(f"Safety: {routine.safety_level}.")
        lines.extend(f"  {reason}" for reason in routine.safety_reasons
                     if reason not in lines)
        lines.append("")
    # A bilateral muscle is two steps with the same dose: show it once, "left, then right".
    entries: list[list] = []
    for step in routine.steps:
        if step.side == "right" and entries and entries[-1][0].muscle == step.muscle:
            entries[-1].append(step)
        else:
            entries.append([step])
    for number, sides in enumerate(entries, start=1):
        step = sides[0]
        side = {1: "" if step.side == "both" else f", {step.side}", 2: ", left then right"}[
            len(sides)]
        seconds = sum(each.seconds for each in sides)
        tools = " + ".join(catalog.tools[tool].label.lower() if tool in catalog.tools else tool
                           for tool in step.tools)
        lines.append(f"{number:>2}. {step.muscle_name}{side}  ({duration_text(seconds)})")
        if step.technique == STRETCH_ONLY:
            lines.append(f"    {POSITIONS.get(step.position, step.position)}: "
                         "stretch only, no pressure")
        else:
            lines.append(f"    {tools}, {POSITIONS.get(step.position, step.position)}: "
                         f"{TECHNIQUES.get(step.technique, step.technique)} {step.hold_s} s "
                         f"x {step.reps}, release {step.release_s} s")
        if step.stretch:
            lines.append(f"    then stretch: {step.stretch.name}, {step.stretch.hold_s} s "
                         f"x {step.stretch.reps}")
        lines.append(f"    why: {step.reason}")
        for caution in step.cautions:
            lines.append(f"    careful: {caution}")
    if not routine.steps:
        lines.append("No steps today.")
    for note in notes:
        lines.append(f"Note: {note}")
    lines.append("")
    lines.append("Press to a strong but bearable ache (about 5-7 out of 10), never a wince. "
                 "Stop and see a clinician if you feel numbness, tingling or sharp, shooting pain.")
    return "\n".join(lines)
