"""The store: everything coach remembers, one package with one job per module.

    records.py     the records (Rating, SessionRecord, Event, SorenessAnswer) and their
                   one validation each, used by the store, import and doctor alike
    files.py       atomic, private (0600, O_EXCL|O_NOFOLLOW) writes, locking, journal
    logfile.py     the reminder runner's private rotating log
    backup.py      daily backups with a manifest recording when each was made
    doctor.py      check and repair files and records
    repository.py  the Store

The rest of coach imports from `coach.store`. Backups and doctor load on first use: most
commands only read, and importing them costs start-up time.
"""

from coach.store.files import TEMP_PREFIX, DamagedFile
from coach.store.records import (
    EVENT_KINDS,
    MAX_NOTE_CHARS,
    PHASES,
    REMINDER_EVENT_KINDS,
    SESSION_STATUSES,
    SORENESS_LEVELS,
    Event,
    Rating,
    RecordError,
    SessionRecord,
    SorenessAnswer,
    event_from_doc,
    profile_from_doc,
    rating_from_doc,
    session_from_doc,
    validate_rating,
)
from coach.store.repository import (
    HISTORY_DAYS,
    KINDS,
    LAST_DONE_DAYS,
    MAIN_FILE,
    MIGRATIONS,
    SCHEMA_VERSION,
    ImportBatch,
    ImportResult,
    Store,
    StoreError,
)

_LAZY = {"BACKUP_DAYS": "coach.store.backup", "Finding": "coach.store.doctor"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'coach.store' has no attribute {name!r}")


__all__ = [
    "BACKUP_DAYS",
    "EVENT_KINDS",
    "HISTORY_DAYS",
    "KINDS",
    "LAST_DONE_DAYS",
    "MAIN_FILE",
    "MAX_NOTE_CHARS",
    "MIGRATIONS",
    "PHASES",
    "REMINDER_EVENT_KINDS",
    "SCHEMA_VERSION",
    "SESSION_STATUSES",
    "SORENESS_LEVELS",
    "TEMP_PREFIX",
    "DamagedFile",
    "Event",
    "Finding",
    "ImportBatch",
    "ImportResult",
    "Rating",
    "RecordError",
    "SessionRecord",
    "SorenessAnswer",
    "Store",
    "StoreError",
    "event_from_doc",
    "profile_from_doc",
    "rating_from_doc",
    "session_from_doc",
    "validate_rating",
]
