"""The file layer under the store: the only place coach opens a data file for writing.

- Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 from the start,
  under an unpredictable temporary name, then renamed into place: a file planted by
  another user (a symlink, a pre-created temp file) is never followed or reused.
- A write is atomic: temp file, fsync, rename over the old file, fsync the directory,
  so after a crash there is the old file or the new one.
- A group of files changes together through a journal (`commit_files`): all new files
  are written beside the old ones first, then the journal records the renames, then
  the renames run. A later start rolls a recorded journal forward, or removes the new
  files when no journal was recorded: all or nothing.
- Reading never follows a symlink and never recurses without bound.

Files hold one document per line so that a damaged file can still be salvaged line by
line; `salvage` also reads any other JSON layout.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from coach.errors import CoachError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"
COMMIT_PREFIX = ".commit-"
JOURNAL = ".journal.json"
DAMAGED_MARK = ".corrupt-"
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

# The lines of our own layout that salvage() looks for; compiled when it runs (a damaged
# file is rare, and compiling a pattern costs every start about 0.7M instructions).
_DOC_LINE = r'^"(\d+)": (\{.*\}),?$'
_TABLE_LINE = r'^"((?:[^"\\]|\\.)*)": \{$'


class DamagedFile(CoachError):
    """A store file that cannot be read as our JSON; the store turns it into a StoreError."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsafeFile(CoachError):
    """A path coach refuses to use: a symlink, or something other than a file or folder."""


class DiskError(CoachError):
    """Writing failed (disk full, read-only, no permission); the message says which and what
    to do. Nothing was changed."""


def describe_os_error(error: OSError, path: Path | str) -> str:
    """One sentence for an OSError met while writing `path`."""
    if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
        return f"the disk is full while writing {path}; free some space and try again"
    if error.errno == errno.EROFS:
        return f"{path} is on a read-only file system; point COACH_HOME at a writable folder"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write {path}; check the folder's owner and permissions"
    if error.errno == errno.ENOTDIR:
        return f"{path} lies under a file, not a folder; point COACH_HOME at a folder"
    if error.errno == errno.ELOOP:
        return f"{path} is a symbolic link; coach does not follow links in its data folder"
    return f"could not write {path} ({error.strerror or error})"


# The one function that puts bytes on disk; the fault tests replace it to inject ENOSPC.
def write_bytes(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temp_path(path: Path, prefix: str = TEMP_PREFIX) -> Path:
    # The pid lets doctor tell a live writer's file from a dead one's; the random part
    # makes the name impossible to guess and pre-create.
    return path.with_name(f"{prefix}{os.getpid()}-{random_token()}-{path.name}")


def random_token() -> str:
    # os.urandom is what secrets.token_hex reads; importing secrets costs start-up time.
    return os.urandom(8).hex()


def ensure_dir(path: Path) -> None:
    """Create a private directory (and its parents); refuse a symlink or a file in the way."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise DiskError(f"{path} lies under a file, not a folder; point COACH_HOME at a "
                        "folder.") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            return
        if stat.S_ISLNK(info.st_mode) and os.path.isdir(path) and not _inside_data(path):
            return  # a link the person made to their own data folder
        what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "a file"
        raise UnsafeFile(f"{path} is {what}, not a folder; coach does not follow links or "
                         "write over files there: move it away and try again.")
    ensure_dir(path.parent)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        return ensure_dir(path)
    except OSError as error:
        raise DiskError(describe_os_error(error, path) + ".") from None
    os.chmod(path, DIR_MODE, follow_symlinks=False)
    fsync_dir(path.parent)


_DATA_ROOTS: set[str] = set()


def _inside_data(path: Path) -> bool:
    text = os.path.abspath(path)
    return any(text.startswith(root + os.sep) for root in _DATA_ROOTS)


def secure_data_dir(path: Path) -> str | None:
    """Create or check the data folder; a folder open to others is made 0700.

    Returns a one-line notice when the folder's permissions were tightened.
    """
    if os.path.exists(path) and not os.path.isdir(path):
        raise DiskError(f"the data folder {path} is a file, not a folder; point COACH_HOME at "
                        "a folder.")
    ensure_dir(path)
    _DATA_ROOTS.add(os.path.abspath(path))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, DIR_MODE)
        except OSError as error:
            raise DiskError(f"{path} is open to other users (mode {mode:o}) and cannot be "
                            f"made private ({error.strerror}); fix its permissions.") from None
        return (f"the data folder {path} was open to other users (mode {mode:o}); "
                "it is now private (0700).")
    return None


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_private(path: Path) -> int:
    """A new file opened for writing: 0600, never an existing file, never through a link."""
    return os.open(path, _NEW_FILE, FILE_MODE)


def write_new(path: Path, data: bytes) -> None:
    """Write `data` to a file that must not exist yet (fsynced); removed again on failure."""
    fd = create_private(path)
    try:
        write_bytes(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    A symlink at `path` is replaced by the file, never followed.
    """
    ensure_dir(path.parent)
    temp = _temp_path(path)
    write_new(temp, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(path.parent)


def open_private(path: Path, append: bool = False) -> int:
    """Open a long-lived file (a lock, a log) for writing: created 0600 with O_EXCL when new,
    reused only when it is a regular file of ours, never through a symlink."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_APPEND if append else 0)
    while True:
        try:
            return os.open(path, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            continue  # removed between the two opens: create it
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafeFile(f"{path} is a symbolic link; coach does not follow links in "
                                 "its data folder: remove it and try again.") from None
            raise
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            os.close(fd)
            raise UnsafeFile(f"{path} is not a regular file of yours; move it away and try "
                             "again.")
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
        return fd


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes without following a symlink; None when it does not exist."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeFile(f"{path} is a symbolic link; coach does not follow links in its "
                             "data folder: remove it and try again.") from None
        raise DamagedFile(path, f"cannot be read ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeFile(f"{path} is not a regular file; move it away and try again.")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise DamagedFile(path, f"cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)


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


def loads(raw: bytes | str):
    """json.loads that treats deep nesting as bad data, never as a crash."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def parse(path: Path, raw: bytes) -> dict:
    """Decode and check the shape TinyDB expects, or raise DamagedFile."""
    try:
        data = loads(raw.decode("utf-8"))
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
    raw = read_bytes(path)
    return None if raw is None else parse(path, raw)


def salvage(raw: bytes) -> dict[str, dict[str, dict]]:
    """Every whole record that still decodes in a damaged file, grouped by table.

    Line by line first (our own layout), then any JSON object found anywhere in the
    text (a pretty-printed or hand-edited file).
    """
    text = raw.decode("utf-8", errors="replace")
    tables: dict[str, dict[str, dict]] = {}
    current = "_default"
    table_line, doc_line = re.compile(_TABLE_LINE), re.compile(_DOC_LINE)
    for line in text.splitlines():
        line = line.strip()
        table_match = table_line.match(line)
        if table_match:
            with contextlib.suppress(ValueError):
                current = json.loads(f'"{table_match.group(1)}"')
            continue
        doc_match = doc_line.match(line)
        if not doc_match:
            continue
        try:
            doc = loads(doc_match.group(2))
        except ValueError:
            continue
        if isinstance(doc, dict):
            tables.setdefault(current, {})[doc_match.group(1)] = doc
    if not tables:
        found = _records_anywhere(text)
        if found:
            tables["_default"] = {str(number): doc for number, doc in enumerate(found, 1)}
    return tables


_RECORD_KEYS = {"at", "started_at", "id", "kind", "key"}


def _records_anywhere(text: str) -> list[dict]:
    """Objects that look like records (they carry "at", "id", ...), wherever they sit."""
    decoder = json.JSONDecoder()
    found: list[dict] = []
    position = text.find("{")
    while position != -1:
        try:
            value, end = decoder.raw_decode(text, position)
        except RecursionError:
            end = position + 1
            while end < len(text) and text[end] in "{[ \n\t":
                end += 1
            position = text.find("{", end)
            continue
        except ValueError:
            position = text.find("{", position + 1)
            continue
        records = _flatten_records(value, depth=0)
        if records:
            found.extend(records)
            position = text.find("{", end)
        else:
            position = text.find("{", position + 1)
    return found


def _flatten_records(value, depth: int) -> list[dict]:
    if depth > 6:
        return []
    if isinstance(value, dict):
        if _RECORD_KEYS & value.keys() and not any(isinstance(v, dict) and _RECORD_KEYS & v.keys()
                                                   for v in value.values()):
            return [value]
        items = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return []
    return [record for item in items for record in _flatten_records(item, depth + 1)]


# --- a group of files changed together -------------------------------------------------


def commit_files(directory: Path, changes: list[tuple[Path, bytes]]) -> None:
    """Replace every file in `changes` or none of them, even across SIGKILL or a full disk.

    The caller holds the store lock. After a crash, `finish_interrupted` (run by the next
    store user, under the lock) completes or undoes what was started here.
    """
    if not changes:
        return
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in changes:
            ensure_dir(path.parent)
            temp = _temp_path(path, COMMIT_PREFIX)
            write_new(temp, data)
            staged.append((temp, path))
        for folder in {target.parent for _, target in staged}:
            fsync_dir(folder)
        journal = [[str(temp.relative_to(directory)), str(target.relative_to(directory))]
                   for temp, target in staged]
        atomic_write(directory / JOURNAL, json.dumps(journal).encode("utf-8"))
    except BaseException:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    _roll_forward(directory, journal)


def _roll_forward(directory: Path, journal: list) -> None:
    for temp, target in journal:
        with contextlib.suppress(FileNotFoundError):
            os.replace(directory / temp, directory / target)
    for folder in {(directory / target).parent for _, target in journal}:
        fsync_dir(folder)
    os.unlink(directory / JOURNAL)
    fsync_dir(directory)


def interrupted(directory: Path, folders: list[Path]) -> bool:
    """Whether a group commit was cut short (a journal or staged files are left)."""
    if os.path.lexists(directory / JOURNAL):
        return True
    for folder in folders:
        with contextlib.suppress(FileNotFoundError):
            if any(name.startswith(COMMIT_PREFIX) for name in os.listdir(folder)):
                return True
    return False


def finish_interrupted(directory: Path, folders: list[Path]) -> str | None:
    """Under the store lock: roll a recorded commit forward, or remove an unrecorded one's
    staged files. Returns what was done, or None when there was nothing to do."""
    raw = read_bytes(directory / JOURNAL)
    if raw is not None:
        try:
            journal = loads(raw)
            if not all(isinstance(pair, list) and len(pair) == 2 and all(
                    isinstance(part, str) and ".." not in Path(part).parts for part in pair)
                    for pair in journal):
                raise ValueError("unexpected structure")
        except ValueError:
            journal = None
        if journal is not None:
            _roll_forward(directory, journal)
            return "finished an import that was interrupted after it was complete"
        os.unlink(directory / JOURNAL)
    removed = 0
    for folder in folders:
        with contextlib.suppress(FileNotFoundError):
            for name in os.listdir(folder):
                if name.startswith(COMMIT_PREFIX):
                    os.unlink(folder / name)
                    removed += 1
    if raw is None and not removed:
        return None
    return "undid an import that was interrupted before it was complete (nothing of it was kept)"


class AtomicJSONStorage:
    """A TinyDB storage that never writes in place (see the module docstring). TinyDB
    needs only read, write and close; not subclassing its Storage keeps tinydb out of
    every read (a report, the app's first paint)."""

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
            try:
                fd = open_private(self.path)
            except UnsafeFile:
                raise
            except OSError as error:
                raise DiskError(describe_os_error(error, self.path) + ".") from None
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


def say_notice(message: str) -> None:
    """A one-line notice on stderr (the data folder was made private, ...)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"coach: {message}\n")
        sys.stderr.flush()
