"""Import and export formats (coach JSON export, CSV of ratings, FHIR R4 Bundle) <-> store
records.

An import is checked completely before anything is stored (every row, the profile, the
settings, the events, with the rules the CLI and the store use) and then stored as one
transaction (Store.import_batch): all of it or none of it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from coach.errors import UsageError
from coach.store import (
    MAX_NOTE_CHARS,
    PHASES,
    SCHEMA_VERSION,
    ImportBatch,
    Rating,
    RecordError,
    event_from_doc,
    profile_from_doc,
    session_from_doc,
)
from coach.store.files import loads
from coach.store.records import EARLIEST_YEAR, LATEST_YEAR

EXPORT_FORMAT = "coach-export"
EXPORT_VERSION = 1
CSV_HEADER = ["at", "area", "rating", "phase", "note"]
SHOWN_ROW_ERRORS = 5
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_FUTURE = timedelta(days=1)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class BadRow(ValueError):
    """One row of an import file that cannot be stored; the message says why."""


# --- local times ------------------------------------------------------------------------


def local_time(naive: datetime, what: str) -> datetime:
    """A wall-clock time without offset, placed in the computer's time zone.

    A time that does not exist there (skipped when the clocks went forward) or happens
    twice (when they went back) is refused with a sentence saying how to be explicit.
    """
    try:
        first = naive.replace(fold=0).astimezone()
        second = naive.replace(fold=1).astimezone()
    except (OverflowError, OSError, ValueError):
        raise UsageError(f"{what} is not a usable local time.") from None
    if first.replace(tzinfo=None) != naive and second.replace(tzinfo=None) != naive:
        raise UsageError(f"{what} does not exist in your time zone (the clocks skipped that "
                         "hour); give the time with its offset, e.g. "
                         f"{naive.isoformat(timespec='minutes')}{_offset(first)}.")
    if first.utcoffset() != second.utcoffset():
        raise UsageError(f"{what} happens twice in your time zone (the clocks went back); "
                         "give the offset to choose: "
                         f"{naive.isoformat(timespec='minutes')}{_offset(first)} (the first) or "
                         f"{naive.isoformat(timespec='minutes')}{_offset(second)} (the second).")
    return first


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}" if text else ""


def parse_time(text: str, what: str) -> tuple[datetime, bool]:
    """An ISO 8601 time; without an offset it is local time. (moment, had no offset)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} is not ISO 8601") from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise UsageError(f"{what} is out of range (years {EARLIEST_YEAR}-{LATEST_YEAR})")
    if moment.tzinfo is None:
        return local_time(moment, what), True
    return moment, False


# --- export -----------------------------------------------------------------------------


def export_json(store) -> str:
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
        "events": [event.to_doc() for event in store.events()],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def export_fhir(store) -> str:
    """A FHIR R4 Bundle: each rating an Observation, each session a Procedure (coach.fhir)."""
    from coach.catalog import load_catalog
    from coach.fhir import dumps, export_bundle

    bundle = export_bundle(store.ratings(), store.sessions(), load_catalog(),
                           datetime.now().astimezone())
    return dumps(bundle)


def escape_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading '.

    Reversible: a cell that already starts with ' before such a character gets one more,
    and `unescape_cell` removes exactly one.
    """
    if text.lstrip("'").startswith(FORMULA_START):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def export_csv(store) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rating in store.ratings():
        writer.writerow([rating.at.isoformat(), escape_cell(rating.area), rating.rating,
                         escape_cell(rating.phase), escape_cell(rating.note)])
    return buffer.getvalue()


# --- import -----------------------------------------------------------------------------


def read_import_file(path: Path) -> str:
    """The file's text; refused (UsageError) before reading when it is not a regular file
    or larger than MAX_IMPORT_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist; give the path of a coach export or CSV "
                         "file.") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give the path of a coach export or CSV "
                         "file.") from None
    except OSError as error:
        raise UsageError(f"cannot read {path} ({error.strerror}).") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{path} is a folder; give the path of a coach export or CSV file.")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path} is not a regular file; give the path of a coach export "
                             "or CSV file.")
        if info.st_size > MAX_IMPORT_BYTES:
            raise UsageError(f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; "
                             "coach imports files up to that size.")
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > MAX_IMPORT_BYTES:
                raise UsageError(f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} "
                                 "MB; coach imports files up to that size.")
            chunks.append(chunk)
    except OSError as error:
        raise UsageError(f"cannot read {path} ({error.strerror}).") from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; export it again as UTF-8 CSV or JSON.") \
            from None


def parse_import(text: str, name: str, catalog,
                 check_settings: Callable[[dict], None] | None = None,
                 now: datetime | None = None) -> ImportBatch:
    """Everything the file holds, checked; UsageError naming the bad rows if any is bad."""
    areas = AreaResolver(catalog)
    now = now or datetime.now().astimezone()
    if text.lstrip().startswith("{"):
        data = _load_json(text, name)
        from coach.fhir import is_bundle

        if is_bundle(data):
            return parse_fhir(data, name, areas, now)
        return parse_export(data, name, areas, now, catalog, check_settings)
    ratings, floating = parse_csv(text, name, areas, now)
    return ImportBatch(ratings=ratings, floating=floating)


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
                areas: AreaResolver, now: datetime, **extra) -> tuple[Rating, bool]:
    """A Rating from one row's values and whether its time had no offset; BadRow if wrong."""
    if not isinstance(at, str):
        raise BadRow("the time is missing")
    try:
        moment, floating = parse_time(at, f"time {at.strip()!r}"[:80])
    except UsageError as error:
        raise BadRow(str(error).rstrip(".")) from None
    if moment - now > MAX_FUTURE:
        raise BadRow(f"time {at!r} is in the future")
    if isinstance(rating, str) and rating.strip().isdigit() and len(rating.strip()) <= 2:
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
        raise BadRow(f"rating {repr(rating)[:40]} is not a whole number from 0 to 10")
    phase = phase or "check-in"
    if phase not in PHASES:
        raise BadRow(f"phase {repr(phase)[:40]} is not one of {', '.join(PHASES)}")
    note = "" if note is None else note
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise BadRow(f"the note is not text of at most {MAX_NOTE_CHARS} characters")
    for key in ("session_id", "muscle", "technique", "id"):
        value = extra.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise BadRow(f"{key} is not text")
    return Rating(areas(area), rating, phase, moment, note=note,
                  session_id=extra.get("session_id"), muscle=extra.get("muscle"),
                  technique=extra.get("technique"), id=extra.get("id") or ""), floating


def refuse_bad_rows(name: str, bad: list[tuple[str, str]]) -> None:
    if not bad:
        return
    shown = "; ".join(f"{where}: {why}" for where, why in bad[:SHOWN_ROW_ERRORS])
    more = f"; and {len(bad) - SHOWN_ROW_ERRORS} more" if len(bad) > SHOWN_ROW_ERRORS else ""
    rows = "row is" if len(bad) == 1 else "rows are"
    raise UsageError(f"nothing was imported from {name}: {len(bad)} {rows} not valid "
                     f"({shown}{more}); fix them and import again.")


def parse_csv(text: str, name: str, areas: AreaResolver,
              now: datetime) -> tuple[list[Rating], list[Rating]]:
    """(ratings with an offset, ratings whose time had none)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if header is None or [cell.strip().lower() for cell in header] != CSV_HEADER:
        raise UsageError(f"{name} is neither a coach JSON export nor a CSV whose first line is "
                         f"{','.join(CSV_HEADER)}.")
    ratings, floating, bad = [], [], []
    try:
        for row in reader:
            where = f"row {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) not in (len(CSV_HEADER) - 1, len(CSV_HEADER)):
                bad.append((where, f"expected {len(CSV_HEADER)} columns, found {len(row)}"))
                continue
            cells = [unescape_cell(cell) for cell in row]
            cells += [""] * (len(CSV_HEADER) - len(cells))
            try:
                rating, no_offset = make_rating(*cells, areas=areas, now=now)
            except BadRow as error:
                bad.append((where, str(error)))
                continue
            (floating if no_offset else ratings).append(rating)
    except csv.Error as error:
        bad.append((f"row {reader.line_num}", f"not readable as CSV ({error})"))
    refuse_bad_rows(name, bad)
    return ratings, floating


def _load_json(text: str, name: str):
    try:
        return loads(text)
    except ValueError as error:
        raise UsageError(f"{name} is not valid JSON ({str(error)[:80]}); give a file made by "
                         "'coach export'.") from None


def parse_export(data, name: str, areas: AreaResolver, now: datetime, catalog,
                 check_settings: Callable[[dict], None] | None = None) -> ImportBatch:
    """A coach JSON export, already read as JSON."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise UsageError(f"{name} is not a coach export (no \"format\": \"{EXPORT_FORMAT}\").")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version > EXPORT_VERSION:
        raise UsageError(f"{name} was exported by a newer coach; upgrade coach to import it.")
    bad: list[tuple[str, str]] = []

    def items(key: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            bad.append((key, "is not a list"))
            return []
        return value

    batch = ImportBatch()
    for number, doc in enumerate(items("ratings"), start=1):
        try:
            if not isinstance(doc, dict):
                raise BadRow("is not an object")
            fields = {key: doc.get(key) for key in ("at", "area", "rating", "phase", "note",
                                                     "session_id", "muscle", "technique", "id")}
            rating, no_offset = make_rating(areas=areas, now=now, **fields)
            (batch.floating if no_offset else batch.ratings).append(rating)
        except BadRow as error:
            bad.append((f"ratings row {number}", str(error)))
    for number, doc in enumerate(items("sessions"), start=1):
        try:
            batch.sessions.append(session_from_doc(doc))
        except RecordError as error:
            bad.append((f"sessions row {number}", f"is not a valid session ({error})"))
    for number, doc in enumerate(items("events"), start=1):
        try:
            batch.events.append(event_from_doc(doc))
        except RecordError as error:
            bad.append((f"events row {number}", f"is not a valid event ({error})"))
    if data.get("profile") is not None:
        try:
            batch.profile = _checked_profile(data["profile"], catalog)
        except (RecordError, BadRow, UsageError) as error:
            bad.append(("profile", f"is not a valid profile ({str(error).rstrip('.')})"))
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        bad.append(("settings", "is not an object"))
    elif settings and check_settings is not None:
        try:
            check_settings(settings)
        except Exception as error:  # any failure of the settings' own parser is bad input
            bad.append(("settings", f"are not valid ({str(error).rstrip('.')[:120]})"))
    if isinstance(settings, dict):
        batch.settings = settings
    refuse_bad_rows(name, bad)
    return batch


def parse_fhir(data: dict, name: str, areas: AreaResolver, now: datetime) -> ImportBatch:
    """A FHIR Bundle's pain Observations and coach sessions, checked like any other import."""
    from coach.fhir import NotFhir, parse_bundle

    snomed_areas: dict[str, str] = {}
    for area in areas.catalog.areas.values():
        if area.snomed:
            snomed_areas.setdefault(area.snomed, area.id)
    try:
        rows, docs, bad = parse_bundle(data, snomed_areas)
    except NotFhir as error:
        raise UsageError(f"{name} cannot be imported: {error}.") from None
    batch = ImportBatch()
    for number, fields in enumerate(rows, start=1):
        try:
            rating, no_offset = make_rating(areas=areas, now=now, **fields)
            (batch.floating if no_offset else batch.ratings).append(rating)
        except BadRow as error:
            bad.append((f"observation {number}", str(error)))
    for number, doc in enumerate(docs, start=1):
        try:
            batch.sessions.append(session_from_doc(doc))
        except RecordError as error:
            bad.append((f"procedure {number}", f"is not a valid session ({error})"))
    refuse_bad_rows(name, bad)
    if data.get("entry") and not (batch.ratings or batch.floating or batch.sessions):
        raise UsageError(f"{name} is a FHIR Bundle without pain ratings (LOINC 72514-3) or "
                         "coach sessions; nothing was imported.")
    return batch


def _checked_profile(doc, catalog):
    profile = profile_from_doc(doc)
    return profile._replace(
        areas=tuple(catalog.resolve_area(area) for area in profile.areas),
        habits=tuple(catalog.resolve_habit(habit) for habit in profile.habits),
        tools=tuple(catalog.resolve_tool(tool) for tool in profile.tools),
        cautions=tuple(catalog.resolve_caution(caution) for caution in profile.cautions),
        avoid_areas=tuple(catalog.resolve_area(area) for area in profile.avoid_areas),
    )
