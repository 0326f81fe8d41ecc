"""A reminder is `delivered` only when the notification service accepted it."""

from __future__ import annotations

import os
from pathlib import Path

from coach.reminders import notifier
from coach.reminders.notifier import BackendState, PlyerNotifier


def fake_notify_send(folder: Path, exit_code: int) -> None:
    script = folder / "notify-send"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {folder}/calls\nexit {exit_code}\n")
    os.chmod(script, 0o700)


def notifier_on_notify_send(monkeypatch) -> PlyerNotifier:
    sender = PlyerNotifier()
    sender.name = "notify-send"
    monkeypatch.setattr(sender, "check", lambda: BackendState("notify-send", True, ""))
    return sender


def test_a_notification_the_service_refused_is_not_delivered(tmp_path, monkeypatch):
    fake_notify_send(tmp_path, 1)  # what notify-send does when the daemon died
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert notifier_on_notify_send(monkeypatch).send("coach", "[/] body") is False
    assert "[/] body" in (tmp_path / "calls").read_text()


def test_a_notification_the_service_accepted_is_delivered(tmp_path, monkeypatch):
    fake_notify_send(tmp_path, 0)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert notifier_on_notify_send(monkeypatch).send("coach", "-starts with a dash") is True
    assert "x-coach:reminder" in (tmp_path / "calls").read_text()


def test_a_missing_notify_send_is_not_delivered(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert notifier._notify_send(["t", "b"], 5) is False
