"""Daily backups: a copy of the store as it was before each local day's first change.

backups/2026-11-22/ holds the copy and a manifest.json recording when it was made
(an aware ISO time). Which backup is newest is read from the manifests, never from the
folder names: a run with the clock in 2031, or a day-ahead time zone, must not make
its backup win forever. Files that have not changed since the previous backup are
hard-linked to it (like rsync --link-dest), so the daily cost is the files that changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach.store.files import (
    ensure_dir,
    fsync_dir,
    loads,
    read_bytes,
    write_new,
)

BACKUP_DAYS = 7
MANIFEST = "manifest.json"
PARTIAL_PREFIX = ".partial-"
BACKUP_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A backup recorded later than now by more than this is dated in the future.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Backup:
    name: str  # the folder name (the local day it was made on)
    path: Path
    made_at: datetime | None  # from the manifest; None for a backup without one


def backups(directory: Path) -> list[Backup]:
    """Every complete backup, in no particular order."""
    folder = directory / "backups"
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        if BACKUP_DIR.match(name) and (folder / name).is_dir():
            found.append(Backup(name, folder / name, _made_at(folder / name)))
    return found


def _made_at(path: Path) -> datetime | None:
    with contextlib.suppress(Exception):
        made = datetime.fromisoformat(loads(read_bytes(path / MANIFEST) or b"")["made_at"])
        if made.utcoffset() is not None:
            return made
    return None


def usable(directory: Path, now: datetime) -> tuple[list[Backup], list[Backup]]:
    """(backups to recover from, newest first; backups dated in the future)."""
    usable_ones, future = [], []
    for backup in backups(directory):
        made = backup.made_at
        if made is None:
            # an old backup without a manifest: its folder's day, only if not in the future
            try:
                made = datetime.fromisoformat(backup.name).replace(tzinfo=UTC)
            except ValueError:
                continue
            if made > now:
                future.append(backup)
                continue
            backup = Backup(backup.name, backup.path, made - timedelta(days=1))
        elif made > now + CLOCK_SLACK:
            future.append(backup)
            continue
        usable_ones.append(backup)
    usable_ones.sort(key=lambda backup: backup.made_at, reverse=True)
    return usable_ones, future


def take_daily(directory: Path, sources: list[Path], now: datetime) -> None:
    """Copy `sources` into backups/<local day>/ unless today's backup exists; keep 7."""
    folder = directory / "backups"
    today = now.date().isoformat()
    if (folder / today).is_dir() or not sources:
        return
    ensure_dir(folder)
    newest = usable(directory, now)[0]
    previous = newest[0] if newest else None
    partial = folder / f"{PARTIAL_PREFIX}{os.getpid()}"
    _remove_tree(partial)
    try:
        ensure_dir(partial)
        for source in sources:
            relative = source.relative_to(directory)
            target = partial / relative
            ensure_dir(target.parent)
            earlier = previous.path / relative if previous else None
            if earlier is not None and _same_file_content(earlier, source):
                with contextlib.suppress(OSError):
                    os.link(earlier, target, follow_symlinks=False)
                    continue
            data = read_bytes(source)
            if data is not None:
                write_new(target, data)
                _copy_times(source, target)
        manifest = {"made_at": now.isoformat(),
                    "files": [str(source.relative_to(directory)) for source in sources]}
        write_new(partial / MANIFEST, json.dumps(manifest).encode("utf-8"))
        os.replace(partial, folder / today)
    except BaseException:
        _remove_tree(partial)
        raise
    fsync_dir(folder)
    _prune(directory, now)
    for name in os.listdir(folder):
        if name.startswith(PARTIAL_PREFIX) and name != partial.name:
            _remove_if_orphan(folder / name)


def _prune(directory: Path, now: datetime) -> None:
    """Keep the newest BACKUP_DAYS usable backups (by their recorded time)."""
    kept, _future = usable(directory, now)
    for old in kept[BACKUP_DAYS:]:
        _remove_tree(old.path)


def _copy_times(source: Path, target: Path) -> None:
    with contextlib.suppress(OSError):
        info = os.stat(source, follow_symlinks=False)
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


def _same_file_content(earlier: Path, source: Path) -> bool:
    """True when a backup copy still matches the file (the copy keeps size and mtime)."""
    try:
        before, now = os.lstat(earlier), os.lstat(source)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return before.st_size == now.st_size and before.st_mtime_ns == now.st_mtime_ns


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_if_orphan(path: Path) -> None:
    """Drop a half-made backup left by a process that died (its pid no longer runs)."""
    pid_text = path.name.removeprefix(PARTIAL_PREFIX)
    if pid_text.isdigit() and process_alive(int(pid_text)):
        return
    _remove_tree(path)


def _remove_tree(path: Path) -> None:
    import shutil  # only when a backup is made or pruned: it costs start-up time

    shutil.rmtree(path, ignore_errors=True)
