"""`coach --voice ...` and the speech line of `coach doctor`, through the real entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

COACH = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "coach")


def coach(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COACH_HOME": str(home), **(env or {})}
    return subprocess.run([COACH, *args], env=full_env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("args", [["--voice", "loud"], ["--voice=Espeak"], ["--demo", "--voice"]])
def test_a_wrong_voice_is_one_sentence_and_exit_2(tmp_path, args):
    result = coach(tmp_path / "home", *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "--voice takes one of auto, speech-dispatcher, espeak-ng, off" in result.stderr
    assert not (tmp_path / "home").exists(), "nothing was created"


@pytest.mark.parametrize("args", [["--voice", "off", "--demo"], ["--demo", "--voice=espeak-ng"]])
def test_the_app_opens_with_a_voice_option_also_with_demo(tmp_path, args):
    result = coach(tmp_path / "home", *args, env={"COACH_EXIT_ON_PAINT": "1"})
    assert result.returncode == 0, result.stderr
    assert "painted" in result.stderr


def test_the_voice_option_is_documented_in_help(tmp_path):
    result = coach(tmp_path, "--help")
    assert "--voice auto|speech-dispatcher|espeak-ng|off" in result.stdout


def test_doctor_names_the_speech_service_or_how_to_install_one(tmp_path):
    result = coach(tmp_path / "home", "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    if shutil.which("espeak-ng") or shutil.which("spd-say"):
        assert "ok      spoken cues:" in result.stdout and " found." in result.stdout
    else:
        assert "note    spoken cues: no speech service found; to hear the steps, run " \
               "'apt install speech-dispatcher espeak-ng'." in result.stdout


def test_doctor_without_a_speech_service_is_still_healthy(tmp_path):
    # A PATH holding only python: neither spd-say nor espeak-ng can be found.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    result = coach(tmp_path / "home", "doctor", env={"PATH": str(bin_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note    spoken cues: no speech service found" in result.stdout
    assert "apt install speech-dispatcher espeak-ng" in result.stdout
