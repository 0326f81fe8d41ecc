"""`coach export` (everything, JSON lossless or ratings as CSV) and `coach import FILE`.

The formats and the checks live in coach.transfer; the store writes an import as one
transaction.
"""

from __future__ import annotations

from pathlib import Path

import click

from coach.errors import UsageError


@click.command()
@click.option("--format", "file_format", type=click.Choice(["json", "csv", "fhir"]),
              default="json", show_default=True,
              help="json: everything, lossless. csv: the pain ratings. fhir: a FHIR R4 Bundle "
                   "of pain ratings (Observations) and sessions (Procedures) for a clinic.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (private, 0600) instead of printing.")
def export(file_format: str, output: Path | None) -> None:
    """Export your data: profile, settings, sessions, ratings and reminder events.

    CSV cells that a spreadsheet would run as a formula (starting with = + - @) are
    written with a leading ' so they show as text.
    """
    from coach.store import Store
    from coach.transfer import export_csv, export_fhir, export_json

    store = Store()
    exporters = {"json": export_json, "csv": export_csv, "fhir": export_fhir}
    text = exporters[file_format](store)
    if output is None:
        click.echo(text, nl=False)
        return
    from coach.store.files import DiskError, UnsafeFile, atomic_write, describe_os_error

    if not output.parent.is_dir():  # never create a folder tree behind the person's back
        raise UsageError(f"the folder {output.parent} does not exist; create it first or "
                         "choose another file.")
    try:
        atomic_write(output, text.encode("utf-8"))
    except (DiskError, UnsafeFile) as error:
        raise UsageError(f"{str(error).rstrip('.')}; choose another file.") from None
    except OSError as error:
        raise UsageError(f"cannot write {output}: {describe_os_error(error, output)}; choose "
                         "another file.") from None
    click.echo(f"Exported to {output}.", err=True)


@click.command(name="import")
@click.argument("file", metavar="FILE")
def import_(file: str) -> None:
    """Import a coach JSON export, a FHIR Bundle (pain Observations, coach's sessions), or a
    CSV with the header at,area,rating,phase,note.

    Importing the same file twice adds nothing. Everything is checked first and then
    stored together: if anything is bad, or the import is stopped, nothing is imported.
    Files over 200 MB are refused.
    """
    if not file.strip():
        raise UsageError("give the path of a coach export or CSV file, e.g. "
                         "'coach import coach-export.json'.")
    from coach.catalog import load_catalog
    from coach.reminders.settings import check_imported
    from coach.store import Store
    from coach.transfer import parse_import, read_import_file

    path = Path(file)
    text = read_import_file(path)
    batch = parse_import(text, path.name, load_catalog(), check_imported)
    result = Store().import_batch(batch)
    notes = []
    if result.profile_saved is not None:
        notes.append("the profile" if result.profile_saved else
                     "not the profile (you already have one; change it with 'coach profile "
                     "set')")
    if result.settings_saved is not None:
        notes.append("the settings" if result.settings_saved else
                     "not the settings (yours are kept)")
    message = f"Imported {result.ratings_added:,} ratings"
    if batch.sessions or batch.events:
        message += (f", {result.sessions_added:,} sessions and {result.events_added:,} "
                    "reminder events")
    if result.ratings_skipped:
        message += f" ({result.ratings_skipped:,} ratings were already there)"
    if notes:
        message += "; " + ", ".join(notes)
    click.echo(message + ".")
