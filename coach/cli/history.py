"""`coach history`: ratings, sessions and check-ins by day; `coach history delete ID`."""

from __future__ import annotations

import json

import click

from coach.cli.pain import now_local


@click.group(invoke_without_command=True)
@click.option("--days", default=14, show_default=True, type=int,
              help="How many days back, today included.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def history(ctx: click.Context, days: int, as_json: bool) -> None:
    """Your ratings, sessions and check-ins by day, with notes and deletions."""
    if ctx.invoked_subcommand is not None:
        return
    from coach.catalog import load_catalog
    from coach.history import by_day, entry_text, history_entries, history_since
    from coach.store import Store

    now = now_local()
    tz = now.tzinfo
    since = history_since(now.date(), days, tz)
    store = Store()
    entries = history_entries(store.ratings(since=since), store.sessions(since=since),
                              store.events(since=since), tz)
    if as_json:
        click.echo(json.dumps({"days": days, "since": since.isoformat(), "entries": entries},
                              indent=2))
        return
    if not entries:
        day_word = "day" if days == 1 else f"{days} days"
        click.echo(f"Nothing in the last {day_word}; log pain with 'coach log neck 4'.")
        return
    catalog = load_catalog()

    def label(area: str) -> str:
        known = catalog.areas.get(area)
        return known.label if known else area

    for day, day_entries in by_day(entries):
        click.echo(f"{day}")
        for entry in day_entries:
            ident = f"  [{entry['id'][:8]}]" if entry["kind"] in ("rating", "check-in") else ""
            click.echo(f"  {entry_text(entry, tz, label)}{ident}")


@history.command("delete")
@click.argument("rating_id", metavar="ID")
def delete(rating_id: str) -> None:
    """Delete the rating with this ID (or the start of it, as 'coach history' shows it)."""
    from coach.errors import UsageError
    from coach.history import delete_rating
    from coach.store import Store

    store = Store()
    wanted = rating_id.strip()
    if len(wanted) < 4:
        raise UsageError("give at least the first 4 characters of the ID 'coach history' shows.")
    matches = [rating for rating in store.ratings() if rating.id.startswith(wanted)]
    if not matches:
        raise UsageError(f"no rating has the ID {wanted!r}; 'coach history' lists them.")
    if len(matches) > 1:
        raise UsageError(f"{len(matches)} ratings start with {wanted!r}; give more of the ID.")
    deleted = delete_rating(store, matches[0].id, now_local())
    click.echo(f"Deleted {deleted.area} {deleted.rating}/10 ({deleted.phase}) from "
               f"{deleted.at:%a %d %b %Y %H:%M}; the deletion is kept in your history.")
