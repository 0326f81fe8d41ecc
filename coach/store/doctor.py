"""`coach doctor`'s work: check every file and record, repair what can be repaired.

- An import cut short is finished or undone.
- Only files coach knows are touched; anything else in the data folder is reported
  and left as it is (it may be the person's own). Links are never followed.
- A file that is not readable JSON (or nested too deeply) is set aside and rebuilt
  from the newest backup by its recorded time (never by its folder's name; a backup
  dated in the future is reported and not used) plus every record still readable in
  the damaged file, whatever its JSON layout.
- A record that does not validate (coach.store.records) is moved to damaged/ with its
  reason; the other records stay.
- "Everything checks out" (no problem finding) only when every record validates.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coach.store import backup
from coach.store.files import (
    COMMIT_PREFIX,
    DAMAGED_MARK,
    DIR_MODE,
    FILE_MODE,
    JOURNAL,
    TEMP_PREFIX,
    DamagedFile,
    UnsafeFile,
    atomic_write,
    ensure_dir,
    finish_interrupted,
    fsync_dir,
    read_bytes,
    read_file,
    salvage,
    serialize,
    write_new,
)
from coach.store.records import RecordError, profile_from_doc, record_problem

# What coach itself keeps in its data folder; everything else is left alone.
KNOWN_FILES = {"coach.json", ".lock", JOURNAL, "reminders.lock", "reminders-status.json",
               "coach.log", "coach.log.1", "coach.log.2"}
KNOWN_FOLDERS = {"ratings", "sessions", "events", "backups", "damaged", "cache"}
PERSON_FOLDERS = {"routines"}  # the person's own routine files: never changed, never reported


@dataclass(frozen=True)
class Finding:
    """One line of `coach doctor`: level is "ok", "fixed", "warning" or "problem"."""

    level: str
    message: str


def run_doctor(store) -> list[Finding]:
    from coach.store.repository import KINDS, MAIN_FILE, SCHEMA_VERSION  # noqa: F401

    findings: list[Finding] = []
    with store._lock.held():
        done = finish_interrupted(store.directory, store._data_folders())
        if done:
            findings.append(Finding("fixed", done + "."))
        findings += _check_folder(store)
        findings += _remove_dead_temp_files(store)
        for path in store.data_files():
            try:
                read_file(path)
            except DamagedFile as damaged:
                store.set_aside(path)
                # a "fixed" line: the rebuild below says whether anything could be recovered
                findings.append(Finding("fixed", f"{store._relative(path)} was damaged "
                                        f"({damaged.reason}) and has been set aside."))
            except UnsafeFile as error:
                findings.append(Finding("problem", str(error)))
        now = datetime.now(UTC)
        usable, future = backup.usable(store.directory, now)
        for late in future:
            findings.append(Finding("warning", f"backups/{late.name} is dated in the future "
                                    f"({late.made_at.isoformat() if late.made_at else late.name})"
                                    "; it is not used to recover anything."))
        for path, aside in _set_aside_files(store):
            findings.append(_recover(store, path, aside, usable))
        findings += _check_main(store)
        for kind in KINDS:
            for month in store._month_files(kind):
                findings += _check_records(store, kind, store._path(kind, month))
        store._schema_checked = False
        findings += _summary(store, usable)
    return findings


# --- the folder -------------------------------------------------------------------------


def _check_folder(store) -> list[Finding]:
    """Private permissions on coach's own files; foreign files and links reported, untouched."""
    directory = store.directory
    fixed = 0
    findings = []
    foreign = []

    def private(path: Path, mode: int) -> None:
        nonlocal fixed
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            findings.append(Finding("problem", f"{store._relative(path)} is a symbolic link; "
                                    "coach does not follow links in its data folder: remove "
                                    "it."))
            return
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode, follow_symlinks=False)
            fixed += 1

    private(directory, DIR_MODE)
    for name in sorted(os.listdir(directory)):
        path = directory / name
        if name in PERSON_FOLDERS:
            continue
        if name in KNOWN_FILES or _coach_leftover(name):
            private(path, FILE_MODE)
        elif name in KNOWN_FOLDERS:
            if os.path.islink(path) or not path.is_dir():
                private(path, DIR_MODE)
                continue
            for root, dirs, files in os.walk(path):
                for sub in dirs:
                    private(Path(root) / sub, DIR_MODE)
                for sub in files:
                    if name in store_kinds() and root == str(path) and not _month_name(sub):
                        foreign.append(Path(root) / sub)
                        continue
                    private(Path(root) / sub, FILE_MODE)
            private(path, DIR_MODE)
        else:
            foreign.append(path)
    for path in foreign:
        findings.append(Finding("warning", f"{store._relative(path)} is not a coach file; it "
                                "was left as it is."))
    if fixed:
        findings.insert(0, Finding("fixed", f"made {fixed} of coach's files or folders private "
                                   "again (folders 0700, files 0600)."))
    else:
        findings.insert(0, Finding("ok", f"{directory} and coach's files in it are private."))
    return findings


def store_kinds() -> tuple[str, ...]:
    from coach.store.repository import KINDS

    return KINDS


def _month_name(name: str) -> bool:
    from coach.store.repository import is_month_file

    return is_month_file(name) or DAMAGED_MARK in name or _coach_leftover(name)


def _coach_leftover(name: str) -> bool:
    return name.startswith((TEMP_PREFIX, COMMIT_PREFIX)) or (
        DAMAGED_MARK in name and not name.startswith("."))


def _remove_dead_temp_files(store) -> list[Finding]:
    """Half-written temp files of writers that died: the real file was never replaced."""
    removed = 0
    for folder in store._data_folders():
        if not folder.is_dir():
            continue
        for name in os.listdir(folder):
            if not name.startswith(TEMP_PREFIX):
                continue
            pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and backup.process_alive(int(pid)):
                continue
            (folder / name).unlink(missing_ok=True)
            removed += 1
    if removed:
        return [Finding("fixed", f"removed {removed} unfinished temporary files left by "
                        "coach processes that were stopped mid-write (no data was in them).")]
    return []


# --- records ----------------------------------------------------------------------------


def _move_aside(store, path: Path, bad: list[tuple[str, object, str]]) -> str:
    """Write the unreadable records, with their reasons, to damaged/; its relative name."""
    kept = store.directory / "damaged"
    ensure_dir(kept)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    relative = store._relative(path)
    target = kept / f"{relative.replace(os.sep, '-')}.records-{stamp}.json"
    body = {"from": relative, "moved_at": datetime.now(UTC).isoformat(),
            "records": [{"id": doc_id, "reason": reason, "record": doc}
                        for doc_id, doc, reason in bad]}
    write_new(target, json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8"))
    fsync_dir(kept)
    return store._relative(target)


def _check_records(store, kind: str, path: Path) -> list[Finding]:
    try:
        data = read_file(path) or {}
    except (DamagedFile, UnsafeFile):
        return []  # reported above
    table = data.get(kind, {})
    bad = []
    for doc_id, doc in table.items():
        reason = record_problem(kind, doc)
        if reason is not None:
            bad.append((doc_id, doc, reason))
    others = [name for name in data if name != kind]
    if others:
        # records under another table name: not read by coach; keep them with the bad ones
        for name in others:
            for doc_id, doc in data[name].items():
                bad.append((f"{name}:{doc_id}", doc, f"stored under {name!r}, not {kind!r}"))
    if not bad:
        return []
    moved_to = _move_aside(store, path, bad)
    bad_ids = {doc_id for doc_id, _, _ in bad}
    atomic_write(path, serialize({kind: {doc_id: doc for doc_id, doc in table.items()
                                         if doc_id not in bad_ids}}))
    reasons = sorted({reason for _, _, reason in bad})
    shown = "; ".join(reasons[:3]) + ("; ..." if len(reasons) > 3 else "")
    return [Finding("fixed", f"{store._relative(path)}: moved {len(bad)} record"
                    f"{'s' if len(bad) != 1 else ''} coach cannot read to {moved_to} "
                    f"({shown}); the other {len(table) - len(bad_ids & set(table))} are kept.")]


def _check_main(store) -> list[Finding]:
    from coach.store.repository import MAIN_FILE, SCHEMA_VERSION

    path = store.directory / MAIN_FILE
    try:
        data = read_file(path)
    except (DamagedFile, UnsafeFile):
        return []
    if data is None:
        return []
    findings, bad = [], []
    meta = list(data.get("meta", {}).values())
    version = meta[0].get("schema") if meta else None
    if meta and (isinstance(version, bool) or not isinstance(version, int) or version < 0):
        bad.append(("meta", meta[0], f"the schema version {str(version)[:20]!r} is not a "
                    "whole number"))
        data["meta"] = {"1": {"key": "meta", "schema": SCHEMA_VERSION}}
    profiles = list(data.get("profile", {}).items())
    for doc_id, doc in profiles:
        try:
            profile_from_doc(doc)
        except RecordError as error:
            bad.append((f"profile:{doc_id}", doc, str(error)))
            data["profile"].pop(doc_id)
    for doc_id, doc in list(data.get("settings", {}).items()):
        if not isinstance(doc.get("value"), dict):
            bad.append((f"settings:{doc_id}", doc, "the settings are not an object"))
            data["settings"].pop(doc_id)
    if not bad:
        return findings
    moved_to = _move_aside(store, path, bad)
    atomic_write(path, serialize(data))
    return [Finding("fixed", f"{MAIN_FILE}: moved what coach cannot read to {moved_to} ("
                    f"{'; '.join(reason for _, _, reason in bad)}); the rest is kept.")]


# --- damaged files ----------------------------------------------------------------------


def _set_aside_files(store) -> list[tuple[Path, list[Path]]]:
    found: dict[Path, list[Path]] = {}
    for folder in store._data_folders():
        if not folder.is_dir():
            continue
        for name in sorted(os.listdir(folder)):
            if DAMAGED_MARK in name and not name.startswith("."):
                original = folder / name.split(DAMAGED_MARK)[0]
                found.setdefault(original, []).append(folder / name)
    return sorted(found.items())


def _kind_of(store, path: Path) -> str | None:
    return path.parent.name if path.parent != store.directory else None


def _recover(store, path: Path, aside: list[Path], usable: list) -> Finding:
    relative = store._relative(path)
    kind = _kind_of(store, path)
    tables: dict[str, dict] = {}
    sources = []
    used = None
    for candidate in usable:
        try:
            copy = read_file(candidate.path / relative)
        except (DamagedFile, UnsafeFile):
            continue
        if copy is not None:
            _merge_tables(tables, copy, kind)
            used = candidate
            break
    from_backup = _count(tables)
    for damaged in aside:
        try:
            raw = read_bytes(damaged) or b""
        except (DamagedFile, UnsafeFile):
            raw = b""
        _merge_tables(tables, salvage(raw), kind)
    salvaged = _count(tables) - from_backup
    if used is not None:
        sources.append(f"the backup of {used.name}")
    if salvaged or used is None:
        sources.append(f"{salvaged} records still readable in the damaged file")
    try:
        current = read_file(path)
    except (DamagedFile, UnsafeFile):
        current = None
    if current:
        _merge_tables(tables, current, kind)
    renumbered = {
        name: {str(number): doc for number, doc in enumerate(docs.values(), start=1)}
        for name, docs in tables.items()
    }
    atomic_write(path, serialize(renumbered))
    kept = store.directory / "damaged"
    ensure_dir(kept)
    kept_names = []
    for damaged in aside:
        prefix = "" if damaged.parent == store.directory else f"{damaged.parent.name}-"
        target = kept / f"{prefix}{damaged.name}"
        os.replace(damaged, target)
        kept_names.append(store._relative(target))
    fsync_dir(path.parent)
    fsync_dir(kept)
    total = _count(renumbered)
    level = "fixed" if total else "problem"
    return Finding(level, f"{relative}: rebuilt with {total} records from "
                   f"{' and '.join(sources)}; the damaged file is kept as "
                   f"{', '.join(kept_names)}.")


def _record_key(table: str, doc: dict) -> str:
    """What makes two records in a recovered file the same record."""
    if table == "profile":
        return "profile"
    if "key" in doc:
        return f"key:{doc['key']}"
    if doc.get("id"):
        return f"id:{doc['id']}"
    return repr(tuple(sorted((key, repr(value)) for key, value in doc.items())))


def _merge_tables(into: dict[str, dict], data: dict[str, dict], kind: str | None) -> None:
    """Add `data`'s records to `into`; a record seen again replaces the earlier copy.

    Records salvaged without their table (another JSON layout) go to the file's kind.
    """
    for table, docs in data.items():
        name = kind if (table == "_default" and kind) else table
        target = into.setdefault(name, {})
        for doc in docs.values():
            if isinstance(doc, dict):
                target[_record_key(name, doc)] = doc


def _count(tables: dict[str, dict]) -> int:
    return sum(len(docs) for name, docs in tables.items() if name not in ("meta",))


# --- summary ----------------------------------------------------------------------------


def _summary(store, usable: list) -> list[Finding]:
    from coach.store.repository import KINDS

    counts = {}
    for kind in KINDS:
        months = store._month_files(kind)
        total = 0
        for month in months:
            with contextlib.suppress(DamagedFile, UnsafeFile):
                total += len((read_file(store._path(kind, month)) or {}).get(kind, {}))
        counts[kind] = (total, len(months))
    lines = [Finding("ok", f"{counts['ratings'][0]:,} ratings, {counts['sessions'][0]:,} "
                     f"sessions and {counts['events'][0]:,} events in "
                     f"{sum(months for _, months in counts.values())} month files.")]
    if usable:
        lines.append(Finding("ok", f"{len(usable)} daily backups, newest {usable[0].name} "
                             f"(kept for {backup.BACKUP_DAYS} days in backups/)."))
    else:
        lines.append(Finding("ok", "no backups yet; one is made before each day's first "
                             "change."))
    return lines
