"""Files no other user can read or redirect: planted links and temp files, modes, disk errors."""

from __future__ import annotations

import errno
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.errors import CoachError
from coach.reminders import runner
from coach.reminders.notifier import BackendState
from coach.store import Rating, SessionRecord, Store, StoreError, files, logfile
from coach.transfer import parse_import
from tests.helpers import snapshot_dir

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=BERLIN)


def modes(directory: Path) -> dict[str, int]:
    found = {}
    for root, dirs, names in os.walk(directory):
        for name in dirs + names:
            path = os.path.join(root, name)
            found[os.path.relpath(path, directory)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def assert_private(directory: Path) -> None:
    for name, mode in modes(directory).items():
        expected = 0o700 if (directory / name).is_dir() else 0o600
        assert mode == expected, f"{name} is {mode:o}"


class QuietNotifier:
    def check(self):
        return BackendState("test", True, "")

    def send(self, title, body, timeout_s=30):
        return True


def test_every_file_is_private_after_a_session_an_import_a_backup_and_a_runner_start(
        tmp_path, monkeypatch):
    old_umask = os.umask(0o022)  # the usual umask: files would be 0644 by default
    try:
        home = tmp_path / "home"
        monkeypatch.setenv("COACH_HOME", str(home))
        clock = {"now": NOW}
        store = Store(home, clock=lambda: clock["now"])
        record = SessionRecord("s1", NOW.date(), NOW, None, 600, 0, [], "in-progress")
        store.save_session(record)
        store.add_rating(Rating("neck", 4, "before", NOW, session_id="s1"))
        store.add_event("sent", NOW, reminder="break", due=NOW.isoformat())
        clock["now"] = NOW + timedelta(days=1)  # the next day's first change takes a backup
        from coach.catalog import load_catalog

        batch = parse_import("at,area,rating,phase,note\n2026-11-20T09:00+01:00,neck,3,,\n",
                             "x.csv", load_catalog())
        store.import_batch(batch)
        assert (home / "backups" / "2026-11-23").is_dir()
        handle = runner.start_hosted(store, lambda notice: None, notifier=QuietNotifier(),
                                     tick_s=3600)
        try:
            assert handle.hosting
            runner._write_atomically(home / runner.STATUS_FILE, {"ok": True})
            runner.log.info("a line in the log")
            assert (home / "coach.log").exists() and (home / runner.LOCK_FILE).exists()
            assert_private(home)
        finally:
            handle.stop()
        assert_private(home)
    finally:
        os.umask(old_umask)


def test_a_data_folder_open_to_others_is_made_private_with_a_notice(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(home, 0o777)
    Store(home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert "now private" in capsys.readouterr().err


def test_a_planted_symlink_in_the_data_folder_is_never_followed(tmp_path):
    home = tmp_path / "home"
    store = Store(home, clock=lambda: NOW)
    store.add_rating(Rating("neck", 4, "check-in", NOW))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    month = home / "ratings" / "2026-12.json"
    month.symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        store.add_rating(Rating("neck", 4, "check-in", NOW + timedelta(days=15)))
    with pytest.raises(StoreError, match="symbolic link"):
        Store(home).ratings()
    assert victim.read_text() == "precious"
    findings = Store(home).doctor()
    assert any(f.level == "problem" and "symbolic link" in f.message for f in findings)
    assert victim.read_text() == "precious"


def test_a_planted_lock_symlink_is_refused_and_its_target_untouched(tmp_path):
    home = tmp_path / "home"
    Store(home)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (home / runner.LOCK_FILE).symlink_to(victim)
    with pytest.raises(CoachError, match="symbolic link"):
        runner.RunnerLock(home).acquire("test")
    assert runner.lock_owner(home) is None
    (home / ".lock").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(home, clock=lambda: NOW).add_rating(Rating("neck", 4, "check-in", NOW))
    (home / "coach.log").symlink_to(victim)
    with pytest.raises(files.UnsafeFile):
        logfile.PrivateLogHandler(str(home / "coach.log"))
    assert victim.read_text() == "precious"


def test_a_pre_created_temp_file_is_never_reused(tmp_path, monkeypatch):
    """Another user pre-creates the temp name (the old pattern, and the new one by guessing
    a token): the write fails with O_EXCL or uses a fresh name; the planted file keeps its
    content and nobody reads the data through it."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "export.json"
    old_style = shared / f"{files.TEMP_PREFIX}{os.getpid()}-export.json"
    old_style.write_text("planted")
    files.atomic_write(target, b"data")
    assert old_style.read_text() == "planted"
    assert target.read_bytes() == b"data" and stat.S_IMODE(target.stat().st_mode) == 0o600
    # a guessed name: the writer refuses to reuse it
    monkeypatch.setattr(files, "random_token", lambda: "guessed")
    guessed = shared / f"{files.TEMP_PREFIX}{os.getpid()}-guessed-export.json"
    guessed.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        files.atomic_write(target, b"new")
    assert not (tmp_path / "elsewhere").exists()
    assert target.read_bytes() == b"data"


def test_export_over_a_symlink_replaces_the_link_not_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    files.atomic_write(link, b"export")
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_bytes() == b"export"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_disk_error_on_the_days_first_write_is_one_sentence_and_changes_nothing(
        tmp_path, monkeypatch, code):
    clock = {"now": NOW}
    store = Store(tmp_path, clock=lambda: clock["now"])
    store.add_rating(Rating("neck", 4, "check-in", NOW))
    clock["now"] = NOW + timedelta(days=1)  # the next write takes a backup first
    before = snapshot_dir(tmp_path)

    def failing(fd, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files, "write_bytes", failing)
    with pytest.raises(StoreError) as raised:
        store.add_rating(Rating("neck", 5, "check-in", clock["now"]))
    message = str(raised.value)
    assert "\n" not in message and "unexpected" not in message
    assert {errno.ENOSPC: "disk is full", errno.EROFS: "read-only",
            errno.EACCES: "permission"}[code] in message
    after = snapshot_dir(tmp_path)
    assert after == before, set(after) ^ set(before)
    assert not [name for name in os.listdir(tmp_path / "backups") if name.startswith(".")]
