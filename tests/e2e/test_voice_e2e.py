"""The installed `coach` in tmux with real espeak-ng recording each spoken cue to a WAV file
in the folder COACH_VOICE_RECORD names: the files appear in order, each one real audio."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.test_tui_e2e import COACH, Terminal, answer_rating, end_session
from tests.helpers import require_program

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-tmux")]
WAV_HEADER = 44


@pytest.fixture
def speaking_terminal(tmp_path):
    tmux = require_program("tmux")
    require_program("espeak-ng")
    home = tmp_path / "home"
    cues = tmp_path / "cues"
    session = f"coach-voice-{uuid.uuid4().hex[:8]}"
    command = (f"env COACH_HOME={home} COACH_VOICE_RECORD={cues} TERM=xterm-256color "
               f"{COACH} --voice espeak-ng; sleep 30")
    subprocess.run([tmux, "-L", session, "new-session", "-d", "-s", session, "-x", "100",
                    "-y", "32", command], check=True)
    term = Terminal(tmux, session, home)
    yield term, cues
    subprocess.run([*term.tmux, "kill-server"], capture_output=True)


def wait_for_files(cues: Path, count: int, terminal: Terminal, timeout: float = 20) -> list:
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(cues.glob("*.wav")) if cues.exists() else []
        if len(files) >= count:
            return files
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} cue recordings, found {[f.name for f in files]}; "
                        f"the screen shows:\n{terminal.screen()}")
        time.sleep(0.1)


def test_each_cue_of_a_session_is_spoken_in_order(speaking_terminal):
    terminal, cues = speaking_terminal
    # the progress line is written as the first page takes the focus: Enter works from then
    screen = terminal.wait_for("does any of these apply to you now", "page 1 of 8")
    for _ in range(8):  # Enter through onboarding with the preselected defaults
        # Home may paint its title before its footer: stop at the title, never press Enter
        # there (on home, Enter starts the routine).
        if "Today," in screen:
            break
        terminal.press("Enter")
        screen = terminal.wait_for_change(screen)
    terminal.wait_for("Today,", "s Start")
    assert not cues.exists() or not list(cues.glob("*.wav")), "nothing is said before a session"

    terminal.press("s")
    terminal.wait_for("how much does it hurt")
    wait_for_files(cues, 1, terminal)  # "Rate your neck."
    answer_rating(terminal, "5")
    wait_for_files(cues, 2, terminal)  # the first step: muscle, side, tool, "Find the spot."
    terminal.wait_for("Pause")
    terminal.press("n")  # skip: the next step (after any ratings due) says its cue
    time.sleep(0.3)
    while "how much does it hurt" in terminal.screen().lower():
        answer_rating(terminal, "4")
        time.sleep(0.3)
    terminal.wait_for("Step 2 of")
    said = len(wait_for_files(cues, 3, terminal))
    terminal.press("Space")
    terminal.wait_for("paused")
    time.sleep(1.0)
    assert len(list(cues.glob("*.wav"))) == said, "silence while paused"
    terminal.press("Space")
    end_session(terminal, 2)  # ended in step 2: home offers to go on there
    terminal.press("q")

    files = wait_for_files(cues, 3, terminal)
    assert [path.name for path in files] == [f"{number:04d}.wav" for number in
                                             range(1, len(files) + 1)]
    deadline = time.monotonic() + 20  # espeak-ng may still be writing the last one
    while any(path.stat().st_size <= WAV_HEADER for path in files):
        if time.monotonic() > deadline:
            pytest.fail(f"empty recordings: {[(f.name, f.stat().st_size) for f in files]}")
        time.sleep(0.1)
    started = [path.stat().st_mtime for path in files]
    assert started == sorted(started), "the recordings were written in order"
    if require_program("sox"):
        for path in files:
            stat = subprocess.run(["sox", "--ignore-length", str(path), "-n", "stat"],
                                  capture_output=True, text=True, check=True).stderr
            seconds = float(stat.split("Length (seconds):")[1].split()[0])
            assert 0.3 < seconds < 15, f"{path.name} holds {seconds} s of speech"
