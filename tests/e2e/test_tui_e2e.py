"""The installed `coach` in a real terminal (tmux), driven by key presses as a person would:
onboard with the defaults, start, rate, pause, skip, quit, resume at the right step, finish,
see the summary, fix the last rating in the history; then the store is checked through
`coach report --json` and `coach history --json`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import require_program

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-tmux")]

COACH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "coach"


class Terminal:
    """One tmux session on its own private server (-L), so a person's tmux is never touched."""

    def __init__(self, tmux: str, session: str, home: Path) -> None:
        self.tmux = [tmux, "-L", session]
        self.session = session
        self.home = home

    def screen(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.session],
                              capture_output=True, text=True, check=True).stdout

    def press(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.session, *keys], check=True)

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        """Poll the screen until every text shows (case-insensitive), or fail with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(text.lower() in screen.lower() for text in texts):
                return screen
            if time.monotonic() > deadline:
                history = subprocess.run(
                    [*self.tmux, "capture-pane", "-p", "-S", "-60", "-a", "-t", self.session],
                    capture_output=True, text=True).stdout
                pytest.fail(f"waited {timeout} s for {texts!r}; the screen shows:\n{screen}"
                            f"\nscrollback:\n{history}")
            time.sleep(0.1)

    def wait_for_change(self, before: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen != before:
                return screen
            time.sleep(0.05)
        pytest.fail(f"the screen did not change after a key press:\n{before}")


def answer_rating(terminal: Terminal, value: str) -> None:
    terminal.press(value, "Enter")
    deadline = time.monotonic() + 10
    while "how much does it hurt" in terminal.screen().lower():
        if time.monotonic() > deadline:
            pytest.fail(f"the rating dialog did not take the rating:\n{terminal.screen()}")
        time.sleep(0.1)


def end_session(terminal: Terminal, step: int) -> None:
    """q, then y for "End session"; the summary, then home with the session to resume."""
    terminal.press("q")
    terminal.wait_for("End the session now?", "y or n")
    terminal.press("y")
    terminal.wait_for("Session ended early", "not reached")
    terminal.press("Enter")
    terminal.wait_for("Today,", "Press r to go on", f"step {step}.")  # the line may wrap


def skip_until(terminal: Terminal, wanted: str, rating: str = "5", limit: int = 30) -> str:
    """Skip steps (n), answering any rating on the way, until `wanted` shows."""
    for _ in range(limit):
        screen = terminal.screen()
        if "how much does it hurt" in screen.lower():
            answer_rating(terminal, rating)
            continue
        if wanted.lower() in screen.lower():
            return screen
        if "session summary" in screen.lower():  # painted; its text fills in a moment later
            return terminal.wait_for(wanted)
        step = re.search(r"Step (\d+) of", screen)
        terminal.press("n")
        wait_for_next_step(terminal, step.group(1) if step else None)
    pytest.fail(f"never reached {wanted!r}:\n{terminal.screen()}")


def wait_for_next_step(terminal: Terminal, step: str | None, timeout: float = 20.0) -> None:
    """After n: wait until the step number moves, a rating is asked, or the summary shows
    (the countdown redraws all the time, so "the screen changed" says nothing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = terminal.screen()
        now = re.search(r"Step (\d+) of", screen)
        if ("how much does it hurt" in screen.lower() or "session summary" in screen.lower()
                or (now and now.group(1) != step)):
            return
        time.sleep(0.05)
    pytest.fail(f"n did not move to the next step:\n{terminal.screen()}")


@pytest.fixture
def terminal(tmp_path):
    tmux = require_program("tmux")
    home = tmp_path / "home"
    session = f"coach-e2e-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "COACH_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    # Spoken cues are recorded to files, so a person running the tests hears nothing.
    command = (f"env COACH_HOME={home} COACH_VOICE_RECORD={tmp_path / 'cues'} "
               f"TERM=xterm-256color {COACH}; sleep 30")
    subprocess.run([tmux, "-L", session, "new-session", "-d", "-s", session, "-x", "100",
                    "-y", "32", command], env=env, check=True)
    term = Terminal(tmux, session, home)
    yield term
    subprocess.run([*term.tmux, "kill-server"], capture_output=True)


def test_a_person_onboards_runs_and_ends_a_session(terminal):
    # the progress line is written as the first page takes the focus: Enter works from then
    screen = terminal.wait_for("does any of these apply to you now", "page 1 of 8")
    for _ in range(8):  # Enter through onboarding with the preselected defaults
        # Home may paint its title before its footer: stop at the title, never press Enter
        # there (on home, Enter starts the routine).
        if "Today," in screen:
            break
        terminal.press("Enter")
        screen = terminal.wait_for_change(screen)
    screen = terminal.wait_for("Today,", "s Start")

    terminal.press("s")
    terminal.wait_for("how much does it hurt")
    answer_rating(terminal, "5")
    screen = terminal.wait_for("Pause")
    terminal.press("Space")
    terminal.wait_for("paused")
    terminal.press("Space")
    screen = terminal.wait_for_change(terminal.screen())
    skip_until(terminal, "Step 2 of")  # skip the first step
    skip_until(terminal, "Step 3 of")  # and the second; quit in the third
    end_session(terminal, step=3)

    terminal.press("r")
    terminal.wait_for("Step 3 of", "2 skipped")  # where the person stopped, skips marked
    skip_until(terminal, "Session done", rating="7")  # to the end: the summary
    terminal.wait_for("Steps:", "Pain (0-10)")
    terminal.press("Enter")
    terminal.wait_for("Today,", "s Start")

    terminal.press("h")  # the history: fix the last rating (newest first)
    terminal.wait_for("History", "e Edit")
    terminal.press("e")
    terminal.wait_for("correct the rating")
    answer_rating(terminal, "3")
    terminal.wait_for("Changed")
    terminal.press("Escape")
    terminal.wait_for("Today,")
    terminal.press("q")
    deadline = time.monotonic() + 15
    while "Today," in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)

    env = {**os.environ, "COACH_HOME": str(terminal.home)}
    history = json.loads(subprocess.run([str(COACH), "history", "--json"], capture_output=True,
                                        text=True, env=env, check=True).stdout)["entries"]
    [deleted] = [entry for entry in history if entry["kind"] == "deleted"]
    ratings = [entry for entry in history if entry["kind"] == "rating"]
    corrected = [entry for entry in ratings if entry["rating"] == 3]
    assert corrected and corrected[0]["area"] == deleted["area"]
    assert deleted["rating"] in (5, 7)
    [session] = [entry for entry in history if entry["kind"] == "session"]
    assert session["status"] == "finished" and session["steps_done"] == 0
    assert not session["counts"], "a session of skips is kept but does not count as done"

    result = subprocess.run([str(COACH), "report", "--json"], capture_output=True, text=True,
                            env=env, check=True)
    report = json.loads(result.stdout)
    this_week = report["weeks"][-1]
    rated = {area: stats for area, stats in this_week["areas"].items() if stats["n"]}
    assert rated, f"the rating given in the session is in the store: {this_week}"
    assert 5 in {stats["min"] for stats in rated.values()} | {stats["max"]
                                                              for stats in rated.values()}
