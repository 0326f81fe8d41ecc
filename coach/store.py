"""The one repository for everything coach remembers: profile, settings, sessions, ratings, events.

Layout of the data directory (all files 0600, directories 0700):

    coach.json              schema version, profile, settings
    ratings/2026-11.json    the pain ratings given in that month (UTC), one file per month
    sessions/2026-11.json   sessions started in that month
    events/2026-11.json     reminder events of that month
    backups/2026-11-22/     a copy of the store as it was before that day's first change
    .lock                   held (flock) around every read-modify-write

One file per month keeps a write as cheap after ten years as on the first day, and a
report reads only the months it shows. Every read-modify-write runs under one lock
shared by all coach processes (TUI, reminder runner, `coach log` in a shell), and
every file is replaced atomically (coach.storage).

A damaged file is renamed aside (name.corrupt-TIMESTAMP), never overwritten or
deleted; until `coach doctor` has recovered it, the store refuses to touch that
file again, so a fresh empty month can never quietly hide the old one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from tinydb import Query, TinyDB

from coach import locations
from coach.errors import CoachError, UsageError
from coach.model import History, Profile
from coach.storage import (
    DAMAGED_MARK,
    DIR_MODE,
    FILE_MODE,
    TEMP_PREFIX,
    AtomicJSONStorage,
    DamagedFile,
    FileLock,
    atomic_write,
    ensure_dir,
    fsync_dir,
    read_file,
    salvage,
    serialize,
)

SCHEMA_VERSION = 1
PHASES = ("before", "after", "check-in")
SESSION_STATUSES = ("in-progress", "finished", "ended-early")
EVENT_KINDS = ("sent", "snoozed", "skipped", "acted", "paused", "resumed", "rating-deleted")
MAX_NOTE_CHARS = 2000
BACKUP_DAYS = 7
HISTORY_DAYS = 7
LAST_DONE_DAYS = 28

MAIN_FILE = "coach.json"
KINDS = ("ratings", "sessions", "events")
_MONTH_FILE = re.compile(r"^\d{4}-\d{2}\.json$")
_BACKUP_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StoreError(CoachError):
    """A store file could not be read or written; the message names the file and what to do."""


@dataclass(frozen=True)
class Rating:
    """One 0-10 pain rating (Numeric Rating Scale) for one area at one moment."""

    area: str
    rating: int
    phase: str  # "before" | "after" | "check-in"
    at: datetime  # timezone-aware, carrying the local offset at that moment
    note: str = ""
    session_id: str | None = None
    muscle: str | None = None
    technique: str | None = None
    id: str = ""  # assigned by the store

    def to_doc(self) -> dict:
        return {
            "id": self.id,
            "area": self.area,
            "rating": self.rating,
            "phase": self.phase,
            "at": self.at.isoformat(),
            "note": self.note,
            "session_id": self.session_id,
            "muscle": self.muscle,
            "technique": self.technique,
        }

    @classmethod
    def from_doc(cls, doc: dict) -> Rating:
        return cls(
            area=doc["area"],
            rating=doc["rating"],
            phase=doc["phase"],
            at=datetime.fromisoformat(doc["at"]),
            note=doc.get("note") or "",
            session_id=doc.get("session_id"),
            muscle=doc.get("muscle"),
            technique=doc.get("technique"),
            id=doc.get("id", ""),
        )

    def key(self) -> tuple:
        """What makes two ratings the same one (for idempotent imports): not the id."""
        return (self.at.astimezone(UTC), self.area, self.rating, self.phase, self.note)


@dataclass
class SessionRecord:
    """One guided session, saved as it starts and again as it ends."""

    id: str
    day: date
    started_at: datetime
    finished_at: datetime | None
    planned_s: int
    done_s: int
    # {"muscle","area","side","tool","technique","seconds","completed": bool}
    steps: list[dict] = field(default_factory=list)
    status: str = "in-progress"  # "in-progress" | "finished" | "ended-early"

    def to_doc(self) -> dict:
        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "planned_s": self.planned_s,
            "done_s": self.done_s,
            "steps": [dict(step) for step in self.steps],
            "status": self.status,
        }

    @classmethod
    def from_doc(cls, doc: dict) -> SessionRecord:
        finished = doc.get("finished_at")
        return cls(
            id=doc["id"],
            day=date.fromisoformat(doc["day"]),
            started_at=datetime.fromisoformat(doc["started_at"]),
            finished_at=datetime.fromisoformat(finished) if finished else None,
            planned_s=int(doc["planned_s"]),
            done_s=int(doc["done_s"]),
            steps=list(doc.get("steps") or []),
            status=doc.get("status", "finished"),
        )


def validate_rating(rating: Rating) -> None:
    """Raise UsageError with one sentence when a rating cannot be stored."""
    if not isinstance(rating.area, str) or not rating.area.strip():
        raise UsageError("the area must be a non-empty name.")
    if isinstance(rating.rating, bool) or not isinstance(rating.rating, int) or not (
        0 <= rating.rating <= 10
    ):
        raise UsageError(f"the rating must be a whole number from 0 to 10, not {rating.rating!r}.")
    if rating.phase not in PHASES:
        raise UsageError(f"the phase must be one of {', '.join(PHASES)}, not {rating.phase!r}.")
    if not isinstance(rating.at, datetime) or rating.at.utcoffset() is None:
        raise UsageError("the time of a rating must carry its time-zone offset.")
    if not isinstance(rating.note, str) or len(rating.note) > MAX_NOTE_CHARS:
        raise UsageError(f"the note must be at most {MAX_NOTE_CHARS} characters long.")


def _aware(moment: datetime, what: str) -> datetime:
    if moment.utcoffset() is None:
        raise UsageError(f"the {what} time must carry its time-zone offset.")
    return moment


def _month_of(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def _months_between(since: datetime, until: datetime) -> list[str]:
    start, end = since.astimezone(UTC), until.astimezone(UTC)
    year, month = start.year, start.month
    months = []
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _in_range(moment: datetime, since: datetime | None, until: datetime | None) -> bool:
    """since <= moment < until, either bound optional."""
    return (since is None or moment >= since) and (until is None or moment < until)


class Store:
    """Everything coach remembers, safe to use from several processes at once."""

    def __init__(
        self,
        directory: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.directory = Path(directory) if directory is not None else locations.data_dir()
        ensure_dir(self.directory)
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._lock = FileLock(self.directory / ".lock")
        self._schema_checked = False

    # ------------------------------------------------------------------ files

    def _path(self, kind: str, month: str) -> Path:
        return self.directory / kind / f"{month}.json"

    def _month_files(self, kind: str) -> list[str]:
        folder = self.directory / kind
        if not folder.is_dir():
            return []
        return sorted(name[:-5] for name in os.listdir(folder) if _MONTH_FILE.match(name))

    def _relative(self, path: Path) -> str:
        with contextlib.suppress(ValueError):
            return str(path.relative_to(self.directory))
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

    def _damaged(self, damaged: DamagedFile) -> StoreError:
        """Set a damaged file aside (renamed, never deleted) and explain what to do."""
        path = damaged.path
        with self._lock.held():
            try:
                path.read_bytes()
                still_there = True
            except FileNotFoundError:
                still_there = False
            except OSError:
                still_there = True
            aside_name = ""
            if still_there:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                aside = path.with_name(f"{path.name}{DAMAGED_MARK}{stamp}")
                os.replace(path, aside)
                fsync_dir(path.parent)
                aside_name = aside.name
        where = f"set aside as {aside_name}" if aside_name else "set aside"
        return StoreError(
            f"{self._relative(path)} is damaged ({damaged.reason}); it was {where} and nothing "
            "was changed. Run 'coach doctor' to recover it from the backups."
        )

    @contextlib.contextmanager
    def _table(self, path: Path, name: str, names: Iterable[str] | None = None) -> Iterator:
        """A TinyDB table over one of our files, with the query cache off."""
        self._refuse_if_set_aside(path, names)
        database = TinyDB(path, storage=AtomicJSONStorage)
        try:
            yield database.table(name, cache_size=0)
        except DamagedFile as damaged:
            raise self._damaged(damaged) from None
        except OSError as error:
            raise StoreError(
                f"could not write {self._relative(path)} ({error.strerror}); check that the "
                "disk has space and the data directory is writable, then try again."
            ) from None

    def _read_docs(self, kind: str, months: Iterable[str]) -> list[dict]:
        self._check_schema()
        folder = self.directory / kind
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        present = set(names)
        docs: list[dict] = []
        for month in months:
            path = folder / f"{month}.json"
            if path.name not in present:
                self._refuse_if_set_aside(path, names)
                continue
            self._refuse_if_set_aside(path, names)
            # Straight through our TinyDB storage: Table.all() would wrap every
            # document, and a report reads thousands of them.
            try:
                data = AtomicJSONStorage(path).read() or {}
            except DamagedFile as damaged:
                raise self._damaged(damaged) from None
            docs.extend(data.get(kind, {}).values())
        return docs

    def _months_for(self, kind: str, since: datetime | None, until: datetime | None) -> list[str]:
        existing = self._month_files(kind)
        if since is None and until is None:
            return existing
        low = _month_of(since) if since is not None else "0000-00"
        high = _month_of(until) if until is not None else "9999-99"
        return [month for month in existing if low <= month <= high]

    # ------------------------------------------------------------ write path

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock, check the schema and take today's backup before any change."""
        with self._lock.held():
            self._check_schema(write=True)
            self._daily_backup()
            yield

    def _schema_version(self) -> int | None:
        with self._table(self.directory / MAIN_FILE, "meta") as meta:
            docs = meta.all()
        return int(docs[0].get("schema", 0)) if docs else None

    def _set_schema_version(self, version: int) -> None:
        with self._table(self.directory / MAIN_FILE, "meta") as meta:
            meta.upsert({"key": "meta", "schema": version}, Query().key == "meta")

    def _check_schema(self, write: bool = False) -> None:
        """Refuse data from a newer coach; migrate older data forward, under the lock."""
        if self._schema_checked:
            return
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
            self._set_schema_version(SCHEMA_VERSION)
            version = SCHEMA_VERSION
        self._schema_checked = version is not None

    def _daily_backup(self) -> None:
        """Before the first change of each local day, keep a copy of the store (last 7 days).

        Files that have not changed since the previous backup are hard-linked to it
        (like rsync --link-dest), so the daily cost is the files that changed.
        """
        backups = self.directory / "backups"
        today = self._clock().date().isoformat()
        if (backups / today).is_dir():
            return
        sources = [self.directory / MAIN_FILE] if (self.directory / MAIN_FILE).exists() else []
        for kind in KINDS:
            sources += [self._path(kind, month) for month in self._month_files(kind)]
        if not sources:
            return
        ensure_dir(backups)
        previous = sorted(name for name in os.listdir(backups) if _BACKUP_DIR.match(name))
        partial = backups / f".partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        for source in sources:
            relative = source.relative_to(self.directory)
            target = partial / relative
            ensure_dir(target.parent)
            earlier = backups / previous[-1] / relative if previous else None
            try:
                if earlier is not None and _same_file_content(earlier, source):
                    os.link(earlier, target)
                else:
                    shutil.copy2(source, target)
            except FileNotFoundError:
                continue
            except OSError:
                shutil.copy2(source, target)
        os.replace(partial, backups / today)
        fsync_dir(backups)
        for old in previous[: max(0, len(previous) + 1 - BACKUP_DAYS)]:
            shutil.rmtree(backups / old, ignore_errors=True)
        for name in os.listdir(backups):
            if name.startswith(".partial-") and name != partial.name:
                _remove_if_orphan(backups / name)

    # ------------------------------------------------------------ profile

    def load_profile(self) -> Profile | None:
        self._check_schema()
        with self._table(self.directory / MAIN_FILE, "profile") as table:
            docs = table.all()
        return Profile.from_dict(docs[0]) if docs else None

    def save_profile(self, profile: Profile) -> None:
        with self._writing(), self._table(self.directory / MAIN_FILE, "profile") as table:
            table.truncate()
            table.insert(profile.to_dict())

    # ------------------------------------------------------------ settings

    def load_settings(self) -> dict:
        self._check_schema()
        with self._table(self.directory / MAIN_FILE, "settings") as table:
            docs = table.all()
        return dict(docs[0]["value"]) if docs else {}

    def update_settings(self, change: Callable[[dict], dict]) -> dict:
        """Read, change and write the settings under the lock; returns what was saved."""
        with self._writing(), self._table(self.directory / MAIN_FILE, "settings") as table:
            docs = table.all()
            current = dict(docs[0]["value"]) if docs else {}
            updated = change(current)
            if not isinstance(updated, dict):
                raise TypeError("the settings change must return a dict")
            table.upsert({"key": "settings", "value": updated}, Query().key == "settings")
        return updated

    # ------------------------------------------------------------ ratings

    def add_rating(self, rating: Rating) -> Rating:
        """Store one rating; it is on disk (fsynced) before this returns."""
        validate_rating(rating)
        stored = rating if rating.id else _with_id(rating, uuid.uuid4().hex)
        path = self._path("ratings", _month_of(stored.at))
        with self._writing(), self._table(path, "ratings") as table:
            table.insert(stored.to_doc())
        return stored

    def add_ratings(self, ratings: Iterable[Rating]) -> int:
        """Store many ratings at once (import), skipping any already stored; returns how many."""
        by_month: dict[str, list[Rating]] = {}
        for rating in ratings:
            validate_rating(rating)
            by_month.setdefault(_month_of(rating.at), []).append(rating)
        added = 0
        with self._writing():
            # read every month first: a damaged one stops the import before anything is written
            self._read_docs("ratings", sorted(by_month))
            for month, batch in sorted(by_month.items()):
                with self._table(self._path("ratings", month), "ratings") as table:
                    existing = [Rating.from_doc(doc) for doc in table.all()]
                    seen_ids = {rating.id for rating in existing if rating.id}
                    seen_keys = {rating.key() for rating in existing}
                    fresh = []
                    for rating in batch:
                        if rating.id in seen_ids or rating.key() in seen_keys:
                            continue
                        stored = rating if rating.id else _with_id(rating, uuid.uuid4().hex)
                        seen_ids.add(stored.id)
                        seen_keys.add(stored.key())
                        fresh.append(stored.to_doc())
                    if fresh:
                        table.insert_multiple(fresh)
                    added += len(fresh)
        return added

    def delete_rating(self, rating_id: str, at: datetime) -> Rating:
        """Remove one rating and keep an audit event ("rating-deleted", with its fields).

        Nothing vanishes silently: the event is stored (and exported) with the rating as it
        was. Raises UsageError when no rating has that id.
        """
        _aware(at, "deletion")
        with self._writing():
            self._read_docs("ratings", self._month_files("ratings"))  # a damaged month stops it
            for month in self._month_files("ratings"):
                with self._table(self._path("ratings", month), "ratings") as table:
                    doc = table.get(Query().id == rating_id)
                    if doc is None:
                        continue
                    deleted = dict(doc)
                    table.remove(Query().id == rating_id)
                event = {"kind": "rating-deleted", "at": at.isoformat(), "rating": deleted}
                path = self._path("events", _month_of(at))
                with self._table(path, "events") as table:
                    table.insert(event)
                return Rating.from_doc(deleted)
        raise UsageError(f"no rating has the id {rating_id!r}; 'coach history' lists them.")

    def ratings(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Rating]:
        """Ratings with since <= at < until, oldest first."""
        since = _aware(since, "start") if since is not None else None
        until = _aware(until, "end") if until is not None else None
        docs = self._read_docs("ratings", self._months_for("ratings", since, until))
        found = []
        for doc in docs:
            if since is None and until is None:
                found.append(Rating.from_doc(doc))
                continue
            moment = datetime.fromisoformat(doc["at"])
            if _in_range(moment, since, until):
                found.append(Rating.from_doc(doc))
        found.sort(key=lambda rating: rating.at)
        return found

    # ------------------------------------------------------------ sessions

    def save_session(self, session: SessionRecord) -> None:
        """Insert the session, or replace the one with the same id."""
        if session.status not in SESSION_STATUSES:
            raise UsageError(f"unknown session status {session.status!r}.")
        _aware(session.started_at, "session start")
        path = self._path("sessions", _month_of(session.started_at))
        with self._writing(), self._table(path, "sessions") as table:
            table.upsert(session.to_doc(), Query().id == session.id)

    def sessions(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions started with since <= started_at < until, oldest first."""
        since = _aware(since, "start") if since is not None else None
        until = _aware(until, "end") if until is not None else None
        docs = self._read_docs("sessions", self._months_for("sessions", since, until))
        found = [SessionRecord.from_doc(doc) for doc in docs]
        found = [record for record in found if _in_range(record.started_at, since, until)]
        found.sort(key=lambda record: record.started_at)
        return found

    def add_sessions(self, records: Iterable[SessionRecord]) -> int:
        """Store sessions not stored yet (import); a stored session is never overwritten."""
        by_month: dict[str, list[SessionRecord]] = {}
        for record in records:
            if record.status not in SESSION_STATUSES:
                raise UsageError(f"unknown session status {record.status!r}.")
            _aware(record.started_at, "session start")
            by_month.setdefault(_month_of(record.started_at), []).append(record)
        added = 0
        with self._writing():
            for month, batch in sorted(by_month.items()):
                with self._table(self._path("sessions", month), "sessions") as table:
                    seen = {doc.get("id") for doc in table.all()}
                    fresh = []
                    for record in batch:
                        if record.id not in seen:
                            seen.add(record.id)
                            fresh.append(record.to_doc())
                    if fresh:
                        table.insert_multiple(fresh)
                    added += len(fresh)
        return added

    # ------------------------------------------------------------ events

    def add_event(self, kind: str, at: datetime, **data) -> None:
        """Record a reminder event ("sent", "snoozed", "skipped", "acted", "paused", "resumed")."""
        if kind not in EVENT_KINDS:
            raise UsageError(f"unknown reminder event {kind!r}.")
        _aware(at, "event")
        doc = {**data, "kind": kind, "at": at.isoformat()}
        with self._writing(), self._table(self._path("events", _month_of(at)), "events") as table:
            table.insert(doc)

    def add_events(self, events: Iterable[dict]) -> int:
        """Store many events (import), skipping exact duplicates; returns how many were added."""
        by_month: dict[str, list[dict]] = {}
        for event in events:
            if event.get("kind") not in EVENT_KINDS:
                raise UsageError(f"unknown reminder event {event.get('kind')!r}.")
            moment = _aware(datetime.fromisoformat(event["at"]), "event")
            by_month.setdefault(_month_of(moment), []).append(dict(event))
        added = 0
        with self._writing():
            for month, batch in sorted(by_month.items()):
                with self._table(self._path("events", month), "events") as table:
                    seen = {_event_key(doc) for doc in table.all()}
                    fresh = []
                    for event in batch:
                        if _event_key(event) not in seen:
                            seen.add(_event_key(event))
                            fresh.append(event)
                    if fresh:
                        table.insert_multiple(fresh)
                    added += len(fresh)
        return added

    def events(self, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
        """Reminder events with since <= at < until, oldest first; each has "kind" and "at"."""
        since = _aware(since, "start") if since is not None else None
        until = _aware(until, "end") if until is not None else None
        docs = self._read_docs("events", self._months_for("events", since, until))
        found = [
            (datetime.fromisoformat(doc["at"]), dict(doc))
            for doc in docs
        ]
        found = [(moment, doc) for moment, doc in found if _in_range(moment, since, until)]
        found.sort(key=lambda pair: pair[0])
        return [doc for _, doc in found]

    # ------------------------------------------------------------ history

    def builder_history(self, day: date, tz: tzinfo) -> History:
        """Resting pain per area over the 7 days ending `day`, and when each muscle was last done.

        A rating counts for the local date it was given on (its stored offset), as in
        the weekly trends.
        """
        first = day - timedelta(days=HISTORY_DAYS - 1)
        # A day of margin either side: a rating's own offset may differ from tz.
        since = datetime.combine(first, time(), tz) - timedelta(days=1)
        until = datetime.combine(day + timedelta(days=1), time(), tz) + timedelta(days=1)
        totals: dict[str, list[int]] = {}
        for rating in self.ratings(since, until):
            if rating.phase == "after" or not first <= rating.at.date() <= day:
                continue
            totals.setdefault(rating.area, []).append(rating.rating)
        pain = {area: round(sum(values) / len(values), 2) for area, values in totals.items()}

        recent = datetime.combine(day - timedelta(days=LAST_DONE_DAYS), time(), tz)
        last_done: dict[str, date] = {}
        for session in self.sessions(recent, until):
            if session.day > day:
                continue
            for step in session.steps:
                muscle = step.get("muscle")
                if not (muscle and step.get("completed")):
                    continue
                if last_done.get(muscle, date.min) < session.day:
                    last_done[muscle] = session.day
        return History(pain=pain, last_done=last_done)


    # ------------------------------------------------------------ doctor

    def doctor(self) -> list[Finding]:
        """Check every file, repair what can be repaired, and say what was found.

        Repairs: private permissions, temp files of writers that died, damaged files
        (set aside, then rebuilt from the newest readable backup plus every record that
        still reads in the damaged file; the damaged file is kept in damaged/).
        """
        findings: list[Finding] = []
        with self._lock.held():
            findings += self._fix_permissions()
            findings += self._remove_dead_temp_files()
            for path in self._data_files():
                try:
                    data = read_file(path)
                except DamagedFile as damaged:
                    self._damaged(damaged)
                    findings.append(Finding("problem", f"{self._relative(path)} was damaged "
                                            f"({damaged.reason}) and has been set aside."))
                    continue
                findings += self._check_records(path, data or {})
            for path, aside in self._set_aside_files():
                findings.append(self._recover(path, aside))
            findings += self._summary()
        return findings

    def _data_files(self) -> list[Path]:
        files = [self.directory / MAIN_FILE] if (self.directory / MAIN_FILE).exists() else []
        for kind in KINDS:
            files += [self._path(kind, month) for month in self._month_files(kind)]
        return files

    def _set_aside_files(self) -> list[tuple[Path, list[Path]]]:
        found: dict[Path, list[Path]] = {}
        for folder in [self.directory, *(self.directory / kind for kind in KINDS)]:
            if not folder.is_dir():
                continue
            for name in sorted(os.listdir(folder)):
                if DAMAGED_MARK in name and not name.startswith("."):
                    original = folder / name.split(DAMAGED_MARK)[0]
                    found.setdefault(original, []).append(folder / name)
        return sorted(found.items())

    def _fix_permissions(self) -> list[Finding]:
        fixed = 0
        for root, dirs, files in os.walk(self.directory):
            for name, mode in [(name, DIR_MODE) for name in dirs] + [
                (name, FILE_MODE) for name in files
            ]:
                path = os.path.join(root, name)
                if os.path.islink(path):
                    continue
                if stat.S_IMODE(os.stat(path).st_mode) != mode:
                    os.chmod(path, mode)
                    fixed += 1
        if stat.S_IMODE(os.stat(self.directory).st_mode) != DIR_MODE:
            os.chmod(self.directory, DIR_MODE)
            fixed += 1
        if fixed:
            things = "file or folder" if fixed == 1 else "files or folders"
            return [Finding("fixed", f"made {fixed} {things} private again "
                            "(folders 0700, files 0600).")]
        return [Finding("ok", f"{self.directory} and its files are private.")]

    def _remove_dead_temp_files(self) -> list[Finding]:
        """Half-written temp files of writers that died: the real file was never replaced."""
        removed = 0
        for folder in [self.directory, *(self.directory / kind for kind in KINDS)]:
            if not folder.is_dir():
                continue
            for name in os.listdir(folder):
                if not name.startswith(TEMP_PREFIX):
                    continue
                pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
                if pid.isdigit() and _process_alive(int(pid)):
                    continue
                (folder / name).unlink(missing_ok=True)
                removed += 1
        if removed:
            files = "file" if removed == 1 else "files"
            return [Finding("fixed", f"removed {removed} unfinished temporary {files} left by "
                            "coach processes that were stopped mid-write (no data was in them).")]
        return []

    def _check_records(self, path: Path, data: dict) -> list[Finding]:
        kind = path.parent.name if path.parent != self.directory else MAIN_FILE
        loader = {"ratings": _check_rating_doc, "sessions": SessionRecord.from_doc,
                  "events": _check_event_doc}.get(kind)
        if loader is None:
            return []
        bad = []
        for doc_id, doc in data.get(kind, {}).items():
            try:
                loader(doc)
            except (KeyError, TypeError, ValueError, UsageError):
                bad.append(doc_id)
        if not bad:
            return []
        return [Finding("problem", f"{self._relative(path)}: {len(bad)} records cannot be read "
                        f"(ids {', '.join(bad[:5])}); they are left as they are for you to "
                        "inspect.")]

    def _recover(self, path: Path, aside: list[Path]) -> Finding:
        relative = self._relative(path)
        tables: dict[str, dict] = {}
        sources = []
        backup_day = None
        for day in sorted(_backup_days(self.directory / "backups"), reverse=True):
            try:
                copy = read_file(self.directory / "backups" / day / relative)
            except DamagedFile:
                continue
            if copy is not None:
                _merge_tables(tables, copy)
                backup_day = day
                break
        from_backup = _count(tables)
        for damaged in aside:
            _merge_tables(tables, salvage(damaged.read_bytes()))
        salvaged = _count(tables) - from_backup
        if backup_day:
            sources.append(f"the backup of {backup_day}")
        if salvaged or not backup_day:
            sources.append(f"{salvaged} records still readable in the damaged file")
        try:
            current = read_file(path)
        except DamagedFile:
            current = None
        if current:
            _merge_tables(tables, current)
        renumbered = {
            name: {str(number): doc for number, doc in enumerate(docs.values(), start=1)}
            for name, docs in tables.items()
        }
        atomic_write(path, serialize(renumbered))
        kept = self.directory / "damaged"
        ensure_dir(kept)
        kept_names = []
        for damaged in aside:
            prefix = "" if damaged.parent == self.directory else f"{damaged.parent.name}-"
            target = kept / f"{prefix}{damaged.name}"
            os.replace(damaged, target)
            kept_names.append(self._relative(target))
        fsync_dir(path.parent)
        fsync_dir(kept)
        total = _count(renumbered)
        level = "fixed" if total else "problem"
        return Finding(level, f"{relative}: rebuilt with {total} records from "
                       f"{' and '.join(sources)}; the damaged file is kept as "
                       f"{', '.join(kept_names)}.")

    def _summary(self) -> list[Finding]:
        counts = {}
        for kind in KINDS:
            months = self._month_files(kind)
            total = 0
            for month in months:
                with contextlib.suppress(DamagedFile):
                    total += len((read_file(self._path(kind, month)) or {}).get(kind, {}))
            counts[kind] = (total, len(months))
        lines = [Finding("ok", f"{counts['ratings'][0]:,} ratings, {counts['sessions'][0]:,} "
                         f"sessions and {counts['events'][0]:,} reminder events in "
                         f"{sum(months for _, months in counts.values())} month files.")]
        days = _backup_days(self.directory / "backups")
        if days:
            lines.append(Finding("ok", f"{len(days)} daily backups, newest {days[-1]} "
                                 f"(kept for {BACKUP_DAYS} days in backups/)."))
        else:
            lines.append(Finding("ok", "no backups yet; one is made before each day's first "
                                 "change."))
        return lines


def _with_id(rating: Rating, new_id: str) -> Rating:
    from dataclasses import replace

    return replace(rating, id=new_id)


def _event_key(event: dict) -> tuple:
    return tuple(sorted((key, repr(value)) for key, value in event.items()))


def _same_file_content(earlier: Path, source: Path) -> bool:
    """True when a backup copy still matches the file (copy2 keeps size and mtime)."""
    try:
        before, now = earlier.stat(), source.stat()
    except FileNotFoundError:
        return False
    return before.st_size == now.st_size and before.st_mtime_ns == now.st_mtime_ns


@dataclass(frozen=True)
class Finding:
    """One line of `coach doctor`: level is "ok", "fixed" or "problem"."""

    level: str
    message: str


def _check_rating_doc(doc: dict) -> None:
    validate_rating(Rating.from_doc(doc))


def _check_event_doc(doc: dict) -> None:
    if doc["kind"] not in EVENT_KINDS:
        raise ValueError(doc["kind"])
    datetime.fromisoformat(doc["at"])


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _backup_days(backups: Path) -> list[str]:
    with contextlib.suppress(FileNotFoundError):
        return sorted(name for name in os.listdir(backups) if _BACKUP_DIR.match(name))
    return []


def _record_key(table: str, doc: dict) -> str:
    """What makes two records in a recovered file the same record."""
    if table == "profile":
        return "profile"
    if "key" in doc:
        return f"key:{doc['key']}"
    if doc.get("id"):
        return f"id:{doc['id']}"
    return repr(_event_key(doc))


def _merge_tables(into: dict[str, dict], data: dict[str, dict]) -> None:
    """Add `data`'s records to `into`; a record seen again replaces the earlier copy."""
    for table, docs in data.items():
        target = into.setdefault(table, {})
        for doc in docs.values():
            target[_record_key(table, doc)] = doc


def _count(tables: dict[str, dict]) -> int:
    return sum(len(docs) for name, docs in tables.items() if name not in ("meta",))


def _remove_if_orphan(path: Path) -> None:
    """Drop a half-made backup left by a process that died (its pid no longer runs)."""
    pid_text = path.name.removeprefix(".partial-")
    if pid_text.isdigit() and _process_alive(int(pid_text)):
        return
    shutil.rmtree(path, ignore_errors=True)


# Forward migrations: MIGRATIONS[n] turns a schema-n store into schema n+1, in place,
# under the lock. Schema 1 is the first released layout.
MIGRATIONS: dict[int, Callable[[Store], None]] = {}

__all__ = [
    "MAX_NOTE_CHARS",
    "PHASES",
    "Rating",
    "SessionRecord",
    "Store",
    "StoreError",
    "TEMP_PREFIX",
]
