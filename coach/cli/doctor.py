"""`coach doctor`: check every data file, repair what can be repaired, report the rest."""

from __future__ import annotations

import click

from coach.errors import CoachError

MARKS = {"ok": "ok     ", "fixed": "fixed  ", "warning": "warning", "problem": "PROBLEM",
         "note": "note   "}


@click.command()
def doctor() -> None:
    """Check your data (every file, permissions, backups) and the routine library."""
    from coach.store import Finding, Store

    store = Store()
    click.echo(f"Data folder: {store.directory}")
    findings = store.doctor()
    try:
        from coach.catalog import load_catalog

        problems = load_catalog().problems
    except CoachError as error:
        problems = [error]
    if problems:
        findings += [Finding("problem", f"routine library: {problem}") for problem in problems]
    else:
        findings.append(Finding("ok", "routine library loads without problems."))
    findings += _speech_findings(Finding)
    for finding in findings:
        click.echo(f"{MARKS[finding.level]} {finding.message}")
    remaining = sum(1 for finding in findings if finding.level == "problem")
    if remaining:
        raise CoachError(f"{remaining} problem{'s' if remaining != 1 else ''} found; "
                         "see the lines marked PROBLEM above.")
    click.echo("Everything checks out.")


def _speech_findings(finding) -> list:
    """Spoken cues are optional: a missing speech service is a note with how to install one,
    never a problem."""
    from coach.voice import doctor_lines

    return [finding(level, message) for level, message in doctor_lines()]
