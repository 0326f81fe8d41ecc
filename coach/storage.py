"""The low-level file layer under the store: atomic writes, one lock, damaged-file handling.

TinyDB's own JSONStorage rewrites its file in place, so a crash mid-write tears it.
Ours writes a temporary file in the same directory, fsyncs it, renames it over the
old one and fsyncs the directory: after a crash there is the old file or the new one.

Files hold one document per line so that a damaged file can still be salvaged
line by line (see `salvage`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from tinydb.storages import Storage

from coach.errors import CoachError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"
DAMAGED_MARK = ".corrupt-"

_DOC_LINE = re.compile(r'^"(\d+)": (\{.*\}),?$')
_TABLE_LINE = re.compile(r'^"((?:[^"\\]|\\.)*)": \{$')


class DamagedFile(CoachError):
    """A store file that cannot be read as our JSON; the store turns it into a StoreError."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def ensure_dir(path: Path) -> None:
    """Create a private directory (and its parents), fsyncing the parent so it survives a crash."""
    if path.is_dir():
        return
    ensure_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=DIR_MODE)
        os.chmod(path, DIR_MODE)
        fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    ensure_dir(path.parent)
    temp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    fsync_dir(path.parent)


def serialize(data: dict) -> bytes:
    """TinyDB's {table: {doc_id: doc}} as JSON with one document per line."""
    tables = []
    for name, docs in data.items():
        lines = [
            f"{json.dumps(str(doc_id))}: {json.dumps(doc, ensure_ascii=False, sort_keys=True)}"
            for doc_id, doc in docs.items()
        ]
        body = ",\n".join(lines)
        key = json.dumps(name)
        tables.append(f"{key}: {{\n{body}\n}}" if lines else f"{key}: {{}}")
    return ("{\n" + ",\n".join(tables) + "\n}\n").encode("utf-8")


def parse(path: Path, raw: bytes) -> dict:
    """Decode and check the shape TinyDB expects, or raise DamagedFile."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise DamagedFile(path, f"not valid JSON ({error})") from None
    if not isinstance(data, dict) or not all(
        isinstance(docs, dict) and all(isinstance(doc, dict) for doc in docs.values())
        for docs in data.values()
    ):
        raise DamagedFile(path, "not a coach data file (unexpected structure)")
    return data


def read_file(path: Path) -> dict | None:
    """The file's tables, None when it does not exist; DamagedFile when it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DamagedFile(path, f"cannot be read ({error.strerror})") from None
    return parse(path, raw)


def salvage(raw: bytes) -> dict[str, dict[str, dict]]:
    """Every whole document line that still decodes in a damaged file, grouped by table."""
    tables: dict[str, dict[str, dict]] = {}
    current = "_default"
    for line in raw.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        table_match = _TABLE_LINE.match(line)
        if table_match:
            with contextlib.suppress(ValueError):
                current = json.loads(f'"{table_match.group(1)}"')
            continue
        doc_match = _DOC_LINE.match(line)
        if not doc_match:
            continue
        try:
            doc = json.loads(doc_match.group(2))
        except ValueError:
            continue
        if isinstance(doc, dict):
            tables.setdefault(current, {})[doc_match.group(1)] = doc
    return tables


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never writes in place (see the module docstring)."""

    def __init__(self, path: str | Path, **_ignored):
        self.path = Path(path)

    def read(self) -> dict | None:
        return read_file(self.path)

    def write(self, data: dict) -> None:
        atomic_write(self.path, serialize(data))

    def close(self) -> None:
        pass


class FileLock:
    """One exclusive lock (flock on a file in the data directory) shared by every coach process.

    Re-entrant within a thread so store methods can call each other; a thread lock
    keeps two threads sharing one Store (the TUI and its hosted scheduler) apart.
    The kernel drops the flock when a process dies, even by SIGKILL.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._depth = 0
        self._thread_lock = threading.RLock()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock, self._flock():
            yield

    @contextlib.contextmanager
    def _flock(self) -> Iterator[None]:
        if self._depth == 0:
            ensure_dir(self.path.parent)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
