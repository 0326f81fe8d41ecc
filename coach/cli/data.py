"""`coach export` (everything, JSON lossless or ratings as CSV) and `coach import FILE`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import click

from coach.errors import UsageError

EXPORT_FORMAT = "coach-export"
EXPORT_VERSION = 1
CSV_HEADER = ["at", "area", "rating", "phase", "note"]
SHOWN_ROW_ERRORS = 5


class BadRow(ValueError):
    """One row of an import file that cannot be stored; the message says why."""


@click.command()
@click.option("--format", "file_format", type=click.Choice(["json", "csv", "fhir"]),
              default="json", show_default=True,
              help="json: everything, lossless. csv: the pain ratings. fhir: a FHIR R4 Bundle "
                   "of pain ratings (Observations) and sessions (Procedures) for a clinic.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (private, 0600) instead of printing.")
def export(file_format: str, output: Path | None) -> None:
    """Export your data: profile, settings, sessions, ratings and reminder events."""
    from coach.store import Store

    store = Store()
    exporters = {"json": export_json, "csv": export_csv, "fhir": export_fhir}
    text = exporters[file_format](store)
    if output is None:
        click.echo(text, nl=False)
        return
    from coach.storage import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {output} ({error.strerror}); choose another file.") \
            from None
    click.echo(f"Exported to {output}.", err=True)


def export_json(store) -> str:
    from coach.store import SCHEMA_VERSION

    profile = store.load_profile()
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema": SCHEMA_VERSION,
        "exported_at": datetime.now().astimezone().isoformat(),
        "profile": profile.to_dict() if profile else None,
        "settings": store.load_settings(),
        "ratings": [rating.to_doc() for rating in store.ratings()],
        "sessions": [session.to_doc() for session in store.sessions()],
        "events": store.events(),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def export_fhir(store) -> str:
    from coach.catalog import load_catalog
    from coach.fhir import dumps, export_bundle

    bundle = export_bundle(store.ratings(), store.sessions(), load_catalog(),
                           datetime.now().astimezone())
    return dumps(bundle)


def export_csv(store) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rating in store.ratings():
        writer.writerow([rating.at.isoformat(), rating.area, rating.rating, rating.phase,
                         rating.note])
    return buffer.getvalue()


@click.command(name="import")
@click.argument("file", metavar="FILE")
def import_(file: str) -> None:
    """Import a coach JSON export, a FHIR Bundle (pain Observations, coach's sessions), or a
    CSV with the header at,area,rating,phase,note.

    Importing the same file twice adds nothing. Every row is checked first: if any
    row is bad, nothing is imported.
    """
    text = read_text(Path(file))
    plan = parse_import(text, Path(file).name)
    from coach.store import Store

    store = Store()
    added = store.add_ratings(plan["ratings"])
    sessions_added = store.add_sessions(plan["sessions"]) if plan["sessions"] else 0
    events_added = store.add_events(plan["events"]) if plan["events"] else 0
    notes = []
    if plan["profile"] is not None:
        if store.load_profile() is None:
            store.save_profile(plan["profile"])
            notes.append("the profile")
        else:
            notes.append("not the profile (you already have one; change it with 'coach profile "
                         "set')")
    if plan["settings"]:
        if not store.load_settings():
            store.update_settings(lambda _current: plan["settings"])
            notes.append("the settings")
        else:
            notes.append("not the settings (yours are kept)")
    skipped = len(plan["ratings"]) - added
    message = f"Imported {added:,} ratings"
    if plan["sessions"] or plan["events"]:
        message += f", {sessions_added:,} sessions and {events_added:,} reminder events"
    if skipped:
        message += f" ({skipped:,} ratings were already there)"
    if notes:
        message += "; " + ", ".join(notes)
    click.echo(message + ".")


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist; give the path of a coach export or CSV file.") \
            from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give the path of a coach export or CSV file.") \
            from None
    except OSError as error:
        raise UsageError(f"cannot read {path} ({error.strerror}).") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; export it again as UTF-8 CSV or JSON.") \
            from None


def parse_import(text: str, name: str) -> dict:
    """Everything the file holds, checked; UsageError naming the bad rows if any row is bad."""
    from coach.catalog import load_catalog

    areas = AreaResolver(load_catalog())
    now = datetime.now().astimezone()
    if text.lstrip().startswith("{"):
        data = _json(text, name)
        from coach.fhir import is_bundle

        if is_bundle(data):
            return parse_fhir(data, name, areas, now)
        plan = parse_export(text, name, areas, now)
    else:
        plan = {"ratings": parse_csv(text, name, areas, now), "sessions": [], "events": [],
                "profile": None, "settings": {}}
    return plan


class AreaResolver:
    """catalog.resolve_area with a cache: an import names the same few areas many times."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.known: dict[str, str] = {}

    def __call__(self, name: object) -> str:
        if not isinstance(name, str) or not name.strip():
            raise BadRow("the area is missing")
        if name not in self.known:
            try:
                self.known[name] = self.catalog.resolve_area(name)
            except UsageError as error:
                raise BadRow(str(error).split(" (")[0].rstrip(" :")) from None
        return self.known[name]


def make_rating(at: object, area: object, rating: object, phase: object, note: object,
                areas: AreaResolver, now: datetime, **extra):
    """A Rating from one row's values, or BadRow saying what is wrong."""
    from coach.cli.pain import MAX_FUTURE
    from coach.store import MAX_NOTE_CHARS, PHASES, Rating

    if not isinstance(at, str):
        raise BadRow("the time is missing")
    try:
        moment = datetime.fromisoformat(at.strip())
        if moment.tzinfo is None:
            moment = moment.astimezone()
    except (ValueError, OverflowError, OSError):
        raise BadRow(f"time {at!r} is not ISO 8601") from None
    if moment.year < 1900:
        raise BadRow(f"time {at!r} is too far in the past")
    if moment - now > MAX_FUTURE:
        raise BadRow(f"time {at!r} is in the future")
    if isinstance(rating, str) and rating.strip().isdigit() and len(rating.strip()) <= 2:
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
        raise BadRow(f"rating {rating!r} is not a whole number from 0 to 10")
    phase = phase or "check-in"
    if phase not in PHASES:
        raise BadRow(f"phase {phase!r} is not one of {', '.join(PHASES)}")
    note = "" if note is None else note
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise BadRow(f"the note is not text of at most {MAX_NOTE_CHARS} characters")
    for key in ("session_id", "muscle", "technique", "id"):
        if extra.get(key) is not None and not isinstance(extra[key], str):
            raise BadRow(f"{key} is not text")
    return Rating(areas(area), rating, phase, moment, note=note,
                  session_id=extra.get("session_id"), muscle=extra.get("muscle"),
                  technique=extra.get("technique"), id=extra.get("id") or "")


def refuse_bad_rows(name: str, bad: list[tuple[str, str]]) -> None:
    if not bad:
        return
    shown = "; ".join(f"{where}: {why}" for where, why in bad[:SHOWN_ROW_ERRORS])
    more = f"; and {len(bad) - SHOWN_ROW_ERRORS} more" if len(bad) > SHOWN_ROW_ERRORS else ""
    rows = "row is" if len(bad) == 1 else "rows are"
    raise UsageError(f"nothing was imported from {name}: {len(bad)} {rows} not valid "
                     f"({shown}{more}); fix them and import again.")


def parse_csv(text: str, name: str, areas: AreaResolver, now: datetime) -> list:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if header is None or [cell.strip().lower() for cell in header] != CSV_HEADER:
        raise UsageError(f"{name} is neither a coach JSON export nor a CSV whose first line is "
                         f"{','.join(CSV_HEADER)}.")
    ratings, bad = [], []
    try:
        for row in reader:
            where = f"row {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) not in (len(CSV_HEADER) - 1, len(CSV_HEADER)):
                bad.append((where, f"expected {len(CSV_HEADER)} columns, found {len(row)}"))
                continue
            try:
                ratings.append(make_rating(*row, *([""] * (len(CSV_HEADER) - len(row))),
                                           areas=areas, now=now))
            except BadRow as error:
                bad.append((where, str(error)))
    except csv.Error as error:
        bad.append((f"row {reader.line_num}", f"not readable as CSV ({error})"))
    refuse_bad_rows(name, bad)
    return ratings


def _json(text: str, name: str):
    try:
        return json.loads(text)
    except ValueError as error:
        raise UsageError(f"{name} is not valid JSON ({error}); give a file made by "
                         "'coach export'.") from None


def parse_fhir(data: dict, name: str, areas: AreaResolver, now: datetime) -> dict:
    """A FHIR Bundle's pain Observations and coach sessions, checked like any other import."""
    from coach.fhir import NotFhir, parse_bundle
    from coach.store import SESSION_STATUSES, SessionRecord

    snomed_areas: dict[str, str] = {}
    for area in areas.catalog.areas.values():
        if area.snomed:
            snomed_areas.setdefault(area.snomed, area.id)
    try:
        rows, docs, bad = parse_bundle(data, snomed_areas)
    except NotFhir as error:
        raise UsageError(f"{name} cannot be imported: {error}.") from None
    ratings = []
    for number, fields in enumerate(rows, start=1):
        try:
            ratings.append(make_rating(areas=areas, now=now, **fields))
        except BadRow as error:
            bad.append((f"observation {number}", str(error)))
    sessions = []
    for number, doc in enumerate(docs, start=1):
        try:
            record = SessionRecord.from_doc(doc)
            if record.status not in SESSION_STATUSES or record.started_at.utcoffset() is None:
                raise ValueError
            sessions.append(record)
        except (KeyError, TypeError, ValueError):
            bad.append((f"procedure {number}", "is not a valid session"))
    refuse_bad_rows(name, bad)
    if data.get("entry") and not ratings and not sessions:
        raise UsageError(f"{name} is a FHIR Bundle without pain ratings (LOINC 72514-3) or "
                         "coach sessions; nothing was imported.")
    return {"ratings": ratings, "sessions": sessions, "events": [], "profile": None,
            "settings": {}}


def parse_export(text: str, name: str, areas: AreaResolver, now: datetime) -> dict:
    from coach.model import Profile
    from coach.store import EVENT_KINDS, SESSION_STATUSES, SessionRecord

    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"{name} is not valid JSON ({error}); give a file made by "
                         "'coach export'.") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise UsageError(f"{name} is not a coach export (no \"format\": \"{EXPORT_FORMAT}\").")
    if not isinstance(data.get("version"), int) or data["version"] > EXPORT_VERSION:
        raise UsageError(f"{name} was exported by a newer coach; upgrade coach to import it.")
    bad: list[tuple[str, str]] = []

    def items(key: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            bad.append((key, "is not a list"))
            return []
        return value

    ratings = []
    for number, doc in enumerate(items("ratings"), start=1):
        try:
            if not isinstance(doc, dict):
                raise BadRow("is not an object")
            fields = {key: doc.get(key) for key in ("at", "area", "rating", "phase", "note",
                                                     "session_id", "muscle", "technique", "id")}
            ratings.append(make_rating(areas=areas, now=now, **fields))
        except BadRow as error:
            bad.append((f"ratings row {number}", str(error)))
    sessions = []
    for number, doc in enumerate(items("sessions"), start=1):
        try:
            record = SessionRecord.from_doc(doc)
            if record.status not in SESSION_STATUSES or record.started_at.utcoffset() is None:
                raise ValueError
            if not isinstance(record.id, str) or not all(isinstance(s, dict) for s in record.steps):
                raise ValueError
            sessions.append(record)
        except (KeyError, TypeError, ValueError, AttributeError):
            bad.append((f"sessions row {number}", "is not a valid session"))
    events = []
    for number, doc in enumerate(items("events"), start=1):
        try:
            if doc["kind"] not in EVENT_KINDS or datetime.fromisoformat(doc["at"]).tzinfo is None:
                raise ValueError
            events.append(dict(doc))
        except (KeyError, TypeError, ValueError):
            bad.append((f"events row {number}", "is not a valid reminder event"))
    profile = None
    if data.get("profile") is not None:
        try:
            profile = Profile.from_dict(data["profile"])
            profile = Profile(
                areas=tuple(areas(area) for area in profile.areas),
                habits=profile.habits, tools=profile.tools, minutes=profile.minutes,
                desk_only=profile.desk_only, cautions=profile.cautions,
            )
        except (TypeError, ValueError, AttributeError) as error:
            bad.append(("profile", f"is not a valid profile ({error})"))
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        bad.append(("settings", "is not an object"))
    refuse_bad_rows(name, bad)
    return {"ratings": ratings, "sessions": sessions, "events": events, "profile": profile,
            "settings": settings}
