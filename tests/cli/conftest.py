"""CLI tests drive the real entry point in a subprocess, each with its own data directory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


class Coach:
    def __init__(self, home):
        self.home = home
        self.env = {**os.environ, "COACH_HOME": str(home), "TZ": "Europe/Berlin"}
        self.env.pop("CI_DEBUG", None)

    def __call__(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "coach", *args], env=self.env, input=input,
                              capture_output=True, text=True, timeout=60)


@pytest.fixture
def coach(tmp_path):
    return Coach(tmp_path / "home")


def assert_one_line_error(result, exit_code: int = 2) -> str:
    assert result.returncode == exit_code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]
