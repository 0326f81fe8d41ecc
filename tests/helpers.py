"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil

import pytest


def require_program(name: str) -> str:
    """The path of a program an end-to-end test drives.

    Missing on a person's machine: skip with the reason. Missing under CI (CI=true):
    fail, because CI installs every program the e2e tests need.
    """
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI must run every end-to-end test")
        pytest.skip(message)
    return path


def snapshot_dir(directory) -> dict[str, bytes]:
    """Every file under a directory (relative path -> bytes), to prove nothing changed."""
    files = {}
    for root, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, directory)] = handle.read()
    return files


def sync(test):
    """Run an async test body in its own event loop (no pytest-asyncio needed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def screen_lines(app) -> list[str]:
    """The text on the app's screen, one string per terminal row (what a person reads)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]
