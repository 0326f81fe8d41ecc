"""Helpers the command modules share: the catalog with its warnings, names, dates, JSON."""

from __future__ import annotations

import json
from datetime import date

import click

from coach.errors import UsageError


def load_catalog_with_warnings():
    """The routine library; problems in the person's own files are shown, not fatal."""
    from coach.catalog import load_catalog

    catalog = load_catalog()
    for problem in catalog.problems:
        click.echo(f"coach: warning: {problem} (the entry was skipped).", err=True)
    return catalog


def parse_day(text: str | None, option: str = "--date") -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-22.") \
            from None
    if not 1900 <= day.year <= 9000:
        raise UsageError(f"{option} {text!r} is out of range; give a date between the years "
                         "1900 and 9000.")
    return day


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
