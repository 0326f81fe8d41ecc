"""The one repository for everything coach remembers: profile, settings, sessions, ratings, events.

Layout of the data directory (all files 0600, directories 0700):

    coach.json              schema version, profile, settings
    ratings/2026-11.json    the pain ratings given in that month (UTC), one file per month
    sessions/2026-11.json   sessions started in that month
    events/2026-11.json     reminder events (and soreness check-ins) of that month
    backups/2026-11-22/     a copy of the store as it was before that day's first change
    damaged/                damaged files and unreadable records, set aside by doctor
    .lock                   held (flock) around every read-modify-write

One file per month keeps a write as cheap after ten years as on the first day, and a
report reads only the months it shows. Every read-modify-write runs under one lock
shared by all coach processes (TUI, reminder runner, `coach log` in a shell); every
file is replaced atomically, and an import changes all its files or none
(coach.store.files).

A damaged file is renamed aside (name.corrupt-TIMESTAMP), never overwritten or
deleted; until `coach doctor` has recovered it, the store refuses to touch that
file again, so a fresh empty month can never quietly hide the old one. A record
that does not validate (coach.store.records) stops the command with a sentence
pointing at `coach doctor`, which moves it aside.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from coach import locations
from coach.errors import CoachError, UsageError
from coach.model import History, MutableRecord, Profile
from coach.store.files import (
    DAMAGED_MARK,
    AtomicJSONStorage,
    DamagedFile,
    DiskError,
    FileLock,
    UnsafeFile,
    commit_files,
    describe_os_error,
    finish_interrupted,
    fsync_dir,
    interrupted,
    read_file,
    say_notice,
    secure_data_dir,
    serialize,
)
from coach.store.records import (
    EVENT_KINDS,
    READERS,
    SESSION_STATUSES,
    Event,
    Rating,
    RecordError,
    SessionRecord,
    event_from_doc,
    new_event,
    profile_from_doc,
    rating_from_doc,
    session_from_doc,
    validate_rating,
)

SCHEMA_VERSION = 1
HISTORY_DAYS = 7
LAST_DONE_DAYS = 28
RESPONSE_DAYS = 183

MAIN_FILE = "coach.json"
KINDS = ("ratings", "sessions", "events")


def is_month_file(name: str) -> bool:
    """A month file's name as the store writes it, YYYY-MM.json (not a regular expression:
    compiling one cost every start about 0.7M instructions)."""
    return (len(name) == 12 and name.isascii() and name[:4].isdigit() and name[4] == "-"
            and name[5:7].isdigit() and name.endswith(".json"))


PARSED_MONTHS_KEPT = 13  # month files kept parsed: a year of reports, bounded for the app


class _ParsedMonth:
    """One month file as read: its stamp (inode, mtime, size), its documents, and, for
    ratings, the records made from them once each is needed."""

    __slots__ = ("stamp", "docs", "records")

    def __init__(self, stamp: tuple | None, docs: tuple[dict, ...]):
        self.stamp = stamp
        self.docs = docs
        self.records: list[Rating | None] | None = None  # one place per document

    def ratings(self, days: tuple[str, str] | None) -> list[Rating]:
        """The month's ratings, each made once and then shared (ratings are immutable).

        With days (first, last: ISO dates), a document whose time is spelt as coach writes
        it (YYYY-MM-DD first) and whose local date is outside them is passed over: its
        rating cannot be in the window (days are a margin wider than it). Any other document
        is read, so a rating spelt another way is never missed and a broken one is still
        reported. Home's first paint needs the last week's ratings, not the whole month's."""
        docs = self.docs
        if self.records is None:
            self.records = [None] * len(docs)
        records = self.records
        found = []
        for index, doc in enumerate(docs):
            rating = records[index]
            if rating is None:
                if days is not None and type(doc) is dict:
                    at = doc.get("at")
                    if (type(at) is str and len(at) >= 10 and at[4] == "-" and at[7] == "-"
                            and not days[0] <= at[:10] <= days[1]):
                        continue
                rating = records[index] = rating_from_doc(doc)
            found.append(rating)
        return found


class StoreError(CoachError):
    """A store file could not be read or written; the message names the file and what to do."""


class ImportBatch(MutableRecord):
    """Everything one import adds, already checked; stored all together or not at all.

    floating: the ratings whose time had no offset in the file; they are matched
    against stored ratings by their wall-clock time, so importing the same file
    twice adds nothing under any time zone.
    """

    __slots__ = ("ratings", "floating", "sessions", "events", "profile", "settings")

    def __init__(self, ratings: list[Rating] | None = None,
                 floating: list[Rating] | None = None,
                 sessions: list[SessionRecord] | None = None,
                 events: list[Event] | None = None, profile: Profile | None = None,
                 settings: dict | None = None):
        # each list (and the settings) its own, filled in as the file is read
        self.ratings: list[Rating] = [] if ratings is None else ratings
        self.floating: list[Rating] = [] if floating is None else floating
        self.sessions: list[SessionRecord] = [] if sessions is None else sessions
        self.events: list[Event] = [] if events is None else events
        self.profile = profile  # None: the file has no profile
        self.settings: dict = {} if settings is None else settings


class ImportResult(NamedTuple):
    ratings_added: int = 0
    ratings_skipped: int = 0
    sessions_added: int = 0
    events_added: int = 0
    profile_saved: bool | None = None  # None: the file had no profile
    settings_saved: bool | None = None


def _aware(moment: datetime, what: str) -> datetime:
    if moment.utcoffset() is None:
        raise UsageError(f"the {what} time must carry its time-zone offset.")
    return moment


def month_of(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def _days_around(since: datetime | None, until: datetime | None) -> tuple[str, str] | None:
    """ISO dates (first, last) that every local date of a moment in [since, until) falls
    within: a stored offset is less than a day from UTC, and a day more is kept for margin."""
    if since is None or until is None:
        return None
    try:
        first = since.astimezone(UTC) - timedelta(days=2)
        last = until.astimezone(UTC) + timedelta(days=2)
    except OverflowError:  # at the ends of the calendar: read every document
        return None
    return first.date().isoformat(), last.date().isoformat()


def _covers(days: tuple[str, str], month: str) -> bool:
    """Whether days take in every local date a record of this month file can have (the
    file holds a UTC month; a local date is at most a day from it)."""
    try:
        start = date.fromisoformat(f"{month}-01")
    except ValueError:
        return False
    return (days[0] <= (start - timedelta(days=2)).isoformat()
            and days[1] >= (start + timedelta(days=33)).isoformat())


class Store:
    """Everything coach remembers, safe to use from several processes at once."""

    def __init__(
        self,
        directory: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.directory = Path(directory) if directory is not None else locations.data_dir(
            create=False)
        with self._errors():
            notice = secure_data_dir(self.directory)
        if notice:
            say_notice(notice)
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._lock = FileLock(self.directory / ".lock")
        self._schema_checked = False
        self._parsed: OrderedDict[Path, _ParsedMonth] = OrderedDict()

    # ------------------------------------------------------------------ files

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Disk trouble (full, read-only, a link in the way) as one sentence, exit 1."""
        try:
            yield
        except (DiskError, UnsafeFile) as error:
            raise StoreError(str(error)) from None
        except OSError as error:
            where = self._relative(Path(error.filename)) if error.filename else self.directory
            raise StoreError(f"{describe_os_error(error, where)}; nothing was changed.") from None

    def _path(self, kind: str, month: str) -> Path:
        return self.directory / kind / f"{month}.json"

    def _month_files(self, kind: str) -> list[str]:
        folder = self.directory / kind
        if not folder.is_dir():
            return []
        return sorted(name[:-5] for name in os.listdir(folder) if is_month_file(name))

    def _data_folders(self) -> list[Path]:
        return [self.directory, *(self.directory / kind for kind in KINDS)]

    def _relative(self, path: Path) -> str:
        with contextlib.suppress(ValueError):
            return str(Path(path).relative_to(self.directory))
        return str(path)

    def _set_aside_copies(self, path: Path) -> list[str]:
        """Damaged copies of `path` set aside and not yet recovered by `coach doctor`."""
        prefix = path.name + DAMAGED_MARK
        with contextlib.suppress(FileNotFoundError):
            return sorted(name for name in os.listdir(path.parent) if name.startswith(prefix))
        return []

    def _refuse_if_set_aside(self, path: Path, names: Iterable[str] | None = None) -> None:
        prefix = path.name + DAMAGED_MARK
        aside = (
            [name for name in names if name.startswith(prefix)]
            if names is not None
            else self._set_aside_copies(path)
        )
        if aside:
            raise StoreError(
                f"{self._relative(path)} was found damaged and set aside as {aside[-1]}; "
                "run 'coach doctor' to recover it before coach uses that file again."
            )

    def set_aside(self, path: Path) -> str:
        """Rename a damaged file aside (never deleted); the name it now has, or ""."""
        self._parsed.clear()
        with self._lock.held():
            if not os.path.lexists(path):
                return ""
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            aside = path.with_name(f"{path.name}{DAMAGED_MARK}{stamp}")
            os.replace(path, aside)
            fsync_dir(path.parent)
            return aside.name

    def _damaged(self, damaged: DamagedFile) -> StoreError:
        """Set a damaged file aside and explain what to do."""
        try:
            aside_name = self.set_aside(damaged.path)
        except OSError:
            aside_name = ""
        where = f"set aside as {aside_name}" if aside_name else "left where it is"
        return StoreError(
            f"{self._relative(damaged.path)} is damaged ({damaged.reason}); it was {where} and "
            "nothing was changed. Run 'coach doctor' to recover it from the backups."
        )

    def _unreadable_record(self, path: Path, error: RecordError) -> StoreError:
        return StoreError(
            f"{self._relative(path)} holds a record coach cannot read "
            f"({str(error).rstrip('.')}); run 'coach doctor' to move it aside."
        )

    def _read(self, path: Path) -> dict:
        """A data file's tables ({} when missing); damaged files are set aside."""
        try:
            return read_file(path) or {}
        except DamagedFile as damaged:
            raise self._damaged(damaged) from None
        except UnsafeFile as error:
            raise StoreError(str(error)) from None

    @contextlib.contextmanager
    def _table(self, path: Path, name: str, names: Iterable[str] | None = None) -> Iterator:
        """A TinyDB table over one of our files, with the query cache off. (TinyDB is
        imported here, on the first write: reads go straight through our storage.)"""
        from tinydb import TinyDB

        self._refuse_if_set_aside(path, names)
        database = TinyDB(path, storage=AtomicJSONStorage)
        try:
            yield database.table(name, cache_size=0)
        except DamagedFile as damaged:
            raise self._damaged(damaged) from None
        except (DiskError, UnsafeFile) as error:
            raise StoreError(str(error)) from None
        except OSError as error:
            raise StoreError(
                f"{describe_os_error(error, self._relative(path))}; nothing was changed."
            ) from None

    def _read_months(self, kind: str, months: Iterable[str]) -> list[tuple[Path, _ParsedMonth]]:
        self._check_schema()
        folder = self.directory / kind
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        present = set(names)
        found = []
        for month in months:
            path = folder / f"{month}.json"
            self._refuse_if_set_aside(path, names)
            if path.name in present:
                found.append((path, self._parsed_month(path, kind)))
        return found

    def _parsed_month(self, path: Path, kind: str) -> _ParsedMonth:
        """A month file's documents, parsed once while the file stays the same: a report and
        the builder's history read overlapping months, and the app reads them on every view.
        Every write replaces the file (a new inode), so a changed file is always read again."""
        try:
            info = os.stat(path, follow_symlinks=False)
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        cached = self._parsed.get(path)
        if cached is not None and stamp is not None and cached.stamp == stamp:
            self._parsed.move_to_end(path)
            return cached
        # Straight through our storage: Table.all() would wrap every document, and a
        # report reads thousands of them.
        parsed = _ParsedMonth(stamp, tuple(self._read(path).get(kind, {}).values()))
        if stamp is not None:
            self._parsed[path] = parsed
            self._parsed.move_to_end(path)
            while len(self._parsed) > PARSED_MONTHS_KEPT:
                self._parsed.popitem(last=False)
        return parsed

    def _records(self, kind: str, months: Iterable[str],
                 keep: Callable[[dict], bool] | None = None,
                 days: tuple[str, str] | None = None) -> list:
        """The records of these months (passing `keep`); for ratings, `days` (first, last
        ISO dates) lets a month pass over documents from other days (_ParsedMonth.ratings)."""
        reader = READERS[kind]
        records = []
        for path, month in self._read_months(kind, months):
            try:
                if keep is None and kind == "ratings":
                    covered = days is None or _covers(days, path.stem)
                    records.extend(month.ratings(None if covered else days))
                else:
                    records.extend(reader(doc) for doc in month.docs
                                   if keep is None or keep(doc))
            except RecordError as error:
                raise self._unreadable_record(path, error) from None
        return records

    def _months_for(self, kind: str, since: datetime | None, until: datetime | None) -> list[str]:
        existing = self._month_files(kind)
        if since is None and until is None:
            return existing
        low = month_of(since) if since is not None else "0000-00"
        high = month_of(until) if until is not None else "9999-99"
        return [month for month in existing if low <= month <= high]

    # ------------------------------------------------------------ write path

    def _finish_interrupted(self) -> None:
        """A group commit (import) cut short by a crash: finish or undo it, under the lock."""
        if not interrupted(self.directory, self._data_folders()):
            return
        self._parsed.clear()
        with self._lock.held(), self._errors():
            finish_interrupted(self.directory, self._data_folders())

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock, check the schema and take today's backup before any change."""
        with self._errors(), self._lock.held():
            self._finish_interrupted()
            self._check_schema(write=True)
            self._daily_backup()
            try:
                yield
            finally:
                # The stamp already tells a replaced file; after our own writes nothing kept
                # is trusted, even where a file system's times are coarse.
                self._parsed.clear()

    def _schema_version(self) -> int | None:
        meta = self._read(self.directory / MAIN_FILE).get("meta", {})
        docs = list(meta.values())
        if not docs:
            return None
        version = docs[0].get("schema", 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise StoreError(
                f"{MAIN_FILE} records the schema version {str(version)[:20]!r}, which coach "
                "cannot read; run 'coach doctor' to repair it."
            )
        return version

    def _set_schema_version(self, version: int) -> None:
        with self._table(self.directory / MAIN_FILE, "meta") as meta:
            from tinydb import Query

            meta.upsert({"key": "meta", "schema": version}, Query().key == "meta")

    def _check_schema(self, write: bool = False) -> None:
        """Refuse data from a newer coach; migrate older data forward, under the lock."""
        if self._schema_checked:
            return
        self._finish_interrupted()
        version = self._schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{MAIN_FILE} in {self.directory} was written by a newer coach "
                f"(schema {version}); upgrade coach to use this data."
            )
        if version is not None and version < SCHEMA_VERSION:
            with self._lock.held():
                version = self._schema_version() or 0
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](self)
                    self._set_schema_version(step + 1)
                version = SCHEMA_VERSION
        if version is None and write:
            with self._errors():
                self._set_schema_version(SCHEMA_VERSION)
            version = SCHEMA_VERSION
        self._schema_checked = version is not None

    def data_files(self) -> list[Path]:
        files = [self.directory / MAIN_FILE] if (self.directory / MAIN_FILE).exists() else []
        for kind in KINDS:
            files += [self._path(kind, month) for month in self._month_files(kind)]
        return files

    def _daily_backup(self) -> None:
        """Before the first change of each local day, keep a copy of the store (last 7 days)."""
        from coach.store import backup  # only on a write: reading the store needs none of it

        backup.take_daily(self.directory, self.data_files(), self._clock())

    # ------------------------------------------------------------ profile

    def load_profile(self) -> Profile | None:
        self._check_schema()
        docs = list(self._read(self.directory / MAIN_FILE).get("profile", {}).values())
        if not docs:
            return None
        try:
            return profile_from_doc(docs[0])
        except RecordError as error:
            raise self._unreadable_record(self.directory / MAIN_FILE, error) from None

    def save_profile(self, profile: Profile) -> None:
        profile_from_doc(profile.to_dict())
        with self._writing(), self._main_tables() as tables:
            tables["profile"] = {"1": profile.to_dict()}

    # ------------------------------------------------------------ settings

    def load_settings(self) -> dict:
        self._check_schema()
        docs = list(self._read(self.directory / MAIN_FILE).get("settings", {}).values())
        if not docs:
            return {}
        value = docs[0].get("value")
        if not isinstance(value, dict):
            raise self._unreadable_record(self.directory / MAIN_FILE,
                                          RecordError("the settings are not an object"))
        return dict(value)

    def update_settings(self, change: Callable[[dict], dict],
                        profile: Profile | None = None) -> dict:
        """Read, change and write the settings under the lock, with the profile when one is
        given, in one write of coach.json; returns what was saved. `change` runs inside the
        lock: whatever it raises, nothing is written."""
        if profile is not None:
            profile_from_doc(profile.to_dict())
        with self._writing(), self._main_tables() as tables:
            docs = tables.get("settings", {})
            doc_id, doc = next(iter(docs.items()), ("1", {}))
            current = dict(doc["value"]) if isinstance(doc.get("value"), dict) else {}
            updated = change(current)
            if not isinstance(updated, dict):
                raise TypeError("the settings change must return a dict")
            tables["settings"] = {doc_id: {"key": "settings", "value": updated}}
            if profile is not None:
                tables["profile"] = {"1": profile.to_dict()}
        return updated

    @contextlib.contextmanager
    def _main_tables(self) -> Iterator[dict]:
        """coach.json's tables to change in place; written once, atomically, on leaving."""
        with self._table(self.directory / MAIN_FILE, "settings") as table:
            tables = table.storage.read() or {}
            yield tables
            table.storage.write(tables)

    # ------------------------------------------------------------ ratings

    def add_rating(self, rating: Rating) -> Rating:
        """Store one rating; it is on disk (fsynced) before this returns."""
        validate_rating(rating)
        stored = rating if rating.id else rating._replace(id=uuid.uuid4().hex)
        path = self._path("ratings", month_of(stored.at))
        with self._writing(), self._table(path, "ratings") as table:
            table.insert(stored.to_stored_doc())
        return stored

    def add_ratings(self, ratings: Iterable[Rating]) -> int:
        """Store many ratings at once (import), skipping any already stored; returns how many."""
        return self.import_batch(ImportBatch(ratings=list(ratings))).ratings_added

    def delete_rating(self, rating_id: str, at: datetime) -> Rating:
        """Remove one rating and keep an audit event ("rating-deleted", with the rating as it
        was), both in one transaction: nothing vanishes silently, and the event is exported.
        Raises UsageError when no rating has that id."""
        _aware(at, "deletion")
        with self._writing():
            for month in self._month_files("ratings"):
                path, data, table = self._month_tables("ratings", month)
                key = next((key for key, doc in table.items()
                            if isinstance(doc, dict) and doc.get("id") == rating_id), None)
                if key is None:
                    continue
                deleted = dict(table.pop(key))
                event = new_event("rating-deleted", at, rating=deleted)
                event_path, event_data, events = self._month_tables("events", month_of(at))
                events[str(_next_id(events))] = event.to_doc()
                commit_files(self.directory, [(path, serialize(data)),
                                              (event_path, serialize(event_data))])
                return Rating.from_doc(deleted)
        raise UsageError(f"no rating has the id {rating_id!r}; 'coach history' lists them.")

    def ratings(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Rating]:
        """Ratings with since <= at < until, oldest first."""
        return self._between("ratings", since, until, attrgetter("at"))

    # ------------------------------------------------------------ sessions

    def save_session(self, session: SessionRecord) -> None:
        """Insert the session, or replace the one with the same id."""
        if session.status not in SESSION_STATUSES:
            raise UsageError(f"unknown session status {session.status!r}.")
        _aware(session.started_at, "session start")
        session_from_doc(session.to_doc())
        path = self._path("sessions", month_of(session.started_at))
        with self._writing(), self._table(path, "sessions") as table:
            from tinydb import Query

            table.upsert(session.to_doc(), Query().id == session.id)

    def sessions(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions started with since <= started_at < until, oldest first."""
        return self._between("sessions", since, until, attrgetter("started_at"))

    def add_sessions(self, records: Iterable[SessionRecord]) -> int:
        """Store sessions not stored yet (import); a stored session is never overwritten."""
        return self.import_batch(ImportBatch(sessions=list(records))).sessions_added

    # ------------------------------------------------------------ events

    def add_event(self, kind: str, at: datetime, **data) -> Event:
        """Record an event: a reminder's ("sent", "snoozed", "skipped", "acted", "deferred",
        "missed-away"), "paused", "resumed", or a next-day "soreness" answer; `data` are its
        fields as stored (Event's names). Returns the Event stored."""
        if kind not in EVENT_KINDS:
            raise UsageError(f"unknown reminder event {kind!r}.")
        _aware(at, "event")
        event = new_event(kind, at, **data)
        with self._writing(), self._table(self._path("events", month_of(at)), "events") as table:
            table.insert(event.to_doc())
        return event

    def add_events(self, events: Iterable[Event]) -> int:
        """Store many events (import), skipping exact duplicates; returns how many were added."""
        return self.import_batch(ImportBatch(events=list(events))).events_added

    def events(self, since: datetime | None = None, until: datetime | None = None
               ) -> list[Event]:
        """Events with since <= at < until, oldest first."""
        return self._between("events", since, until, attrgetter("at"))

    def _between(self, kind: str, since: datetime | None, until: datetime | None,
                 moment_of: Callable, keep: Callable[[dict], bool] | None = None,
                 only_months: set[str] | None = None) -> list:
        """Records of `kind` whose moment is in [since, until), oldest first (and whose
        stored document passes `keep`, and whose month is in `only_months`, when given)."""
        since = _aware(since, "start") if since is not None else None
        until = _aware(until, "end") if until is not None else None
        months = self._months_for(kind, since, until)
        if only_months is not None:
            months = [month for month in months if month in only_months]
        # In UTC: a record stored in UTC then compares without asking either side's offset
        low = since.astimezone(UTC) if since is not None else _EARLIEST
        high = until.astimezone(UTC) if until is not None else _LATEST
        records = self._records(kind, months, keep, _days_around(since, until))
        found = [record for record in records if low <= moment_of(record) < high]
        found.sort(key=moment_of)  # stable: records at the same moment keep their order
        return found

    # ------------------------------------------------------------ import

    def import_batch(self, batch: ImportBatch) -> ImportResult:
        """Store everything in `batch` not stored yet, as one transaction: after a crash or a
        full disk at any moment, either all of it is in the store or none of it."""
        floating_ids = {id(rating) for rating in batch.floating}
        ratings = [*batch.ratings, *batch.floating]
        for rating in ratings:
            validate_rating(rating)
        events = [event_from_doc(event.to_doc()) for event in batch.events]
        for record in batch.sessions:
            session_from_doc(record.to_doc())
        if batch.profile is not None:
            profile_from_doc(batch.profile.to_dict())
        result: dict = {}
        with self._writing():
            changes: list[tuple[Path, bytes]] = []
            added, skipped = self._stage_ratings(ratings, floating_ids, changes)
            result["ratings_added"], result["ratings_skipped"] = added, skipped
            result["sessions_added"] = self._stage(
                "sessions", [(record.started_at, record.to_doc()) for record in batch.sessions],
                lambda doc: doc.get("id"), changes)
            result["events_added"] = self._stage(
                "events", [(event.at, event.to_doc()) for event in events], _event_key, changes)
            result.update(self._stage_main(batch, changes))
            commit_files(self.directory, changes)
        return ImportResult(**result)

    def _month_tables(self, kind: str, month: str) -> tuple[Path, dict, dict]:
        path = self._path(kind, month)
        self._refuse_if_set_aside(path)
        data = self._read(path)
        return path, data, data.setdefault(kind, {})

    def _stage_ratings(self, ratings: list[Rating], floating_ids: set[int],
                       changes: list) -> tuple[int, int]:
        by_month: dict[str, list[Rating]] = {}
        for rating in ratings:
            by_month.setdefault(month_of(rating.at), []).append(rating)
        added = 0
        for month, batch in sorted(by_month.items()):
            path, data, table = self._month_tables("ratings", month)
            existing = []
            for doc in table.values():
                try:
                    existing.append(Rating.from_doc(doc))
                except RecordError as error:
                    raise self._unreadable_record(path, error) from None
            seen_ids = {rating.id for rating in existing if rating.id}
            seen_keys = {rating.key() for rating in existing}
            seen_local = {rating.local_key() for rating in existing} if floating_ids else set()
            next_id = _next_id(table)
            fresh = 0
            for rating in batch:
                floating = id(rating) in floating_ids
                if rating.id in seen_ids or rating.key() in seen_keys or (
                        floating and rating.local_key() in seen_local):
                    continue
                doc = rating.to_stored_doc()
                if not rating.id:
                    doc["id"] = os.urandom(16).hex()  # as unique as a uuid4, cheaper
                seen_ids.add(doc["id"])
                seen_keys.add(rating.key())
                if floating_ids:
                    seen_local.add(rating.local_key())
                table[str(next_id)] = doc
                next_id += 1
                fresh += 1
            if fresh:
                changes.append((path, serialize(data)))
            added += fresh
        return added, len(ratings) - added

    def _stage(self, kind: str, items: list[tuple[datetime, dict]], key: Callable,
               changes: list) -> int:
        by_month: dict[str, list[dict]] = {}
        for moment, doc in items:
            by_month.setdefault(month_of(moment), []).append(doc)
        added = 0
        for month, batch in sorted(by_month.items()):
            path, data, table = self._month_tables(kind, month)
            seen = {key(doc) for doc in table.values()}
            next_id = _next_id(table)
            fresh = 0
            for doc in batch:
                if key(doc) in seen:
                    continue
                seen.add(key(doc))
                table[str(next_id)] = doc
                next_id += 1
                fresh += 1
            if fresh:
                changes.append((path, serialize(data)))
            added += fresh
        return added

    def _stage_main(self, batch: ImportBatch, changes: list) -> dict:
        """The profile and settings of an import, each only when the store has none yet."""
        result: dict = {}
        path = self.directory / MAIN_FILE
        data = self._read(path)
        changed = False
        if batch.profile is not None:
            result["profile_saved"] = not data.get("profile")
            if result["profile_saved"]:
                data["profile"] = {"1": batch.profile.to_dict()}
                changed = True
        if batch.settings:
            settings = data.get("settings", {})
            current = next(iter(settings.values()), {}).get("value") if settings else None
            result["settings_saved"] = not current
            if not current:
                data["settings"] = {"1": {"key": "settings", "value": batch.settings}}
                changed = True
        if changed:
            changes.append((path, serialize(data)))
        return result

    # ------------------------------------------------------------ history

    def builder_history(self, day: date, tz: tzinfo) -> History:
        """What the builder needs for `day`: recent resting pain, latest ratings and notes,
        the sessions done (last done, how often, the last dose), how pain changed after
        each muscle, and soreness answers; response.history_for does the summing up."""
        from coach.response import history_for

        until = datetime.combine(day + timedelta(days=1), time(), tz) + timedelta(days=1)
        recent = datetime.combine(day - timedelta(days=LAST_DONE_DAYS), time(), tz)
        soreness = [event for event in self.events(recent, until) if event.kind == "soreness"]
        # half a year back: a muscle not done for that long starts at the low end again;
        # before the last week only ratings given in those sessions count (how pain changed
        # after each muscle), so only those are read (a day of margin for offsets)
        since = datetime.combine(day - timedelta(days=RESPONSE_DAYS), time(), tz)
        week = datetime.combine(day - timedelta(days=HISTORY_DAYS + 1), time(), tz)
        sessions = self.sessions(since, until)
        ratings = self._session_ratings(sessions, since, week) + self.ratings(week, until)
        return history_for(day, tz, ratings, sessions, soreness)

    def _session_ratings(self, sessions: list[SessionRecord], since: datetime,
                         until: datetime) -> list[Rating]:
        """Ratings given in these sessions, since <= at < until. Only the month files they
        can be in are read: a rating is filed by its own (UTC) month, and a session's
        ratings are given within a day of its start. Months without a session are skipped,
        which keeps a long history from slowing `coach today` and the report."""
        if not sessions:
            return []  # and no month file to list (the caller's read checked the schema)
        wanted = {session.id for session in sessions}
        months = {month_of(session.started_at + shift) for session in sessions
                  for shift in (-timedelta(days=1), timedelta(days=2))}
        return self._between("ratings", since, until, attrgetter("at"),
                             keep=lambda doc: doc.get("session_id") in wanted,
                             only_months=months)


    # ------------------------------------------------------------ doctor

    def doctor(self) -> list:
        """Check every file, repair what can be repaired, and say what was found
        (a list of coach.store.doctor.Finding)."""
        from coach.store.doctor import run_doctor

        with self._errors():
            return run_doctor(self)

    def clock(self) -> datetime:
        return self._clock()


def _next_id(table: dict) -> int:
    numbers = [int(key) for key in table if str(key).isdigit()]
    return max(numbers, default=0) + 1


def _event_key(doc: dict) -> tuple:
    """What makes two events the same one (for idempotent imports): every field, as coach
    writes it (so a time stored as "...Z" matches the same time exported as "+00:00")."""
    # a damaged stored event ('coach doctor' sets it aside) is compared as it is
    with contextlib.suppress(RecordError):
        doc = event_from_doc(doc).to_doc()
    return tuple(sorted((key, repr(value)) for key, value in doc.items()))


# Forward migrations: MIGRATIONS[n] turns a schema-n store into schema n+1, in place,
# under the lock. Schema 1 is the first released layout.
MIGRATIONS: dict[int, Callable[[Store], None]] = {}
