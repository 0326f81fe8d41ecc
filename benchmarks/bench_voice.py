"""Are spoken cues on time, and do they fit their phases?

1. Deadline to cue command start, over a simulated 30-minute session (bench_session's
   routine, pause and "+15 s"), stepped by the same jittery fake clock (redraw ticks of
   0.1 s +-50%) plus the player's own wake-up at each deadline, modelled as firing 2 ms
   after it and up to 20 ms late. Each tick runs the real PlayerScreen under run_test
   with a real espeak-ng started per cue (recording to a temporary folder); the latency
   of a cue is the tick's lateness on the fake clock plus the real time from the tick to
   the cue's process having started. Target: median < 50 ms, worst < 150 ms.
2. Shown beside it: the same on the real time.monotonic, a 15 s routine in the real player.
3. espeak-ng writing every cue of today's default routine (10 and 30 minutes) and of the
   benchmark routine to WAV: the audio length (sox) must fit inside the phase it announces.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_session import step, thirty_minute_routine  # noqa: E402
from common import report  # noqa: E402

from coach import cues  # noqa: E402
from coach.model import Routine  # noqa: E402
from coach.timeline import Timeline  # noqa: E402
from coach.voice import RecordingVoice  # noqa: E402

MEDIAN_LIMIT_S = 0.050
WORST_LIMIT_S = 0.150
SEEDS = 2  # simulated sessions (each drives the real player through 30 minutes of ticks)
WAKE_AFTER_S = 0.002  # the player's wake-up timer is set 2 ms after the deadline
WAKE_LATE_S = 0.020  # ... and may fire up to this late on a busy event loop


class TimedVoice(RecordingVoice):
    """Real espeak-ng per cue; notes how long after its tick each process had started."""

    def __init__(self, program: str, folder: Path, clock) -> None:
        super().__init__(program, folder)
        self.clock = clock
        self.tick_started: float | None = None
        self.said: list[tuple[str, float, float]] = []  # (text, clock at tick, real delay)

    def say(self, text: str) -> None:
        super().say(text)  # returns once the process is started
        real = time.perf_counter() - self.tick_started if self.tick_started else 0.0
        self.said.append((text, self.clock(), real))


def bench_player(routine: Routine, store, clock, voice):
    from coach.tui.screens.player import PlayerScreen

    class BenchPlayer(PlayerScreen):
        """The real player without rating questions (timing only)."""

        def _stops(self, start_step: int) -> set[int]:
            return set()

        def _ratings_due(self, boundary: int) -> list:
            return []

        def tick(self) -> None:
            voice.tick_started = time.perf_counter()
            before = len(voice.said)
            changes = None
            advance = self.session.advance

            def spy(now: float):
                nonlocal changes
                changes = advance(now)
                return changes

            self.session.advance = spy
            try:
                super().tick()
            finally:
                del self.session.advance
            if changes and len(voice.said) > before:
                text, at, real = voice.said[before]
                self.entries.append((at - changes[-1].at + real, real))

    player = BenchPlayer(routine, store, clock=clock, bell=False, voice=voice, voice_on=True)
    player.entries = []  # (deadline to cue started, of which real time) per phase cue
    return player


async def simulated(seed: int, program: str) -> list[tuple[float, float]]:
    from textual.app import App

    from coach.store import Store

    routine = thirty_minute_routine()
    jitter = random.Random(seed)
    fake = {"now": 5000.0}

    def clock() -> float:
        return fake["now"]

    with tempfile.TemporaryDirectory() as directory:
        voice = TimedVoice(program, Path(directory) / "cues", clock)
        player = bench_player(routine, Store(Path(directory) / "home"), clock, voice)

        class BenchApp(App):
            def on_mount(self) -> None:
                self.push_screen(player)

        async with BenchApp().run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            session = player.session
            next_regular = fake["now"] + 0.1
            paused = added = False
            while not session.finished:
                wake = None
                if session.countdown is not None and not session.countdown.paused:
                    wake = (session.countdown.deadline + WAKE_AFTER_S
                            + jitter.uniform(0, WAKE_LATE_S))
                if wake is not None and wake < next_regular:
                    fake["now"] = wake
                else:
                    fake["now"] = next_regular
                    next_regular += 0.1 * jitter.uniform(0.5, 1.5)
                player.tick()
                if not paused and fake["now"] > 5000.0 + 400:  # a 90 s pause once
                    player.action_toggle_pause()
                    fake["now"] += 90
                    next_regular = fake["now"]
                    player.action_toggle_pause()
                    paused = True
                if not added and fake["now"] > 5000.0 + 900:
                    player.action_add_time()
                    player.action_add_time()
                    added = True
            await pilot.pause()
        assert len(player.entries) >= len(Timeline(routine).phases) - 1, player.entries
        return player.entries


async def real_run(program: str) -> list[float]:
    """The real player on time.monotonic: deadline to cue process started."""
    from textual.app import App

    from coach.store import Store

    routine = Routine(day=date(2025, 3, 3), minutes=1, steps=(
        step("infraspinatus", "shoulders", 3, 4, 2, 2, 0),))  # 3 + 2 x (4 + 2) = 15 s
    with tempfile.TemporaryDirectory() as directory:
        voice = TimedVoice(program, Path(directory) / "cues", time.monotonic)
        player = bench_player(routine, Store(Path(directory) / "home"), time.monotonic, voice)
        deadlines: list[float] = []

        original = voice.say

        def say(text: str) -> None:
            original(text)
            session = player.session
            if session.countdown is not None and not session.finished:
                deadlines.append(session.countdown.deadline - session.countdown.total_s)
            elif session.finished_at is not None:
                deadlines.append(session.finished_at)
            voice.said[-1] = (*voice.said[-1][:2], time.monotonic())

        voice.say = say

        class BenchApp(App):
            def on_mount(self) -> None:
                self.push_screen(player)

        async with BenchApp().run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            end = time.monotonic() + routine.total_s + 3
            while not player.session.finished and time.monotonic() < end:
                await asyncio.sleep(0.05)
            await pilot.pause()
        started = [at for _text, _clock, at in voice.said]
        return [start - deadline for start, deadline in zip(started[1:], deadlines[1:],
                                                            strict=True)]


def wav_seconds(path: Path) -> float:
    stat = subprocess.run(["sox", "--ignore-length", str(path), "-n", "stat"],
                          capture_output=True, text=True, check=True).stderr
    return float(stat.split("Length (seconds):")[1].split()[0])


def cue_fit(program: str) -> tuple[float, float, str, int]:
    """Worst (cue length / its phase), worst (cue length / time to the next cue), which."""
    from coach.builder import build_routine
    from coach.catalog import load_catalog
    from coach.model import History, Profile

    catalog = load_catalog(include_user=False)
    routines = [thirty_minute_routine()] + [
        build_routine(Profile(minutes=minutes), date(2026, 3, 4), History(), catalog)
        for minutes in (10, 30)]
    worst_phase, worst_next, which, count = 0.0, 0.0, "", 0
    with tempfile.TemporaryDirectory() as directory:
        voice = RecordingVoice(program, Path(directory))
        for routine in routines:
            timeline = Timeline(routine)
            planned = cues.script(timeline, countdown=True)
            for number, (offset, cue) in enumerate(planned):
                if cue.kind == "done":
                    continue  # said at the end: nothing follows it
                voice.say(cue.text)
                voice.process.wait(timeout=30)
                seconds = wav_seconds(Path(directory) / f"{voice.count:04d}.wav")
                phase = timeline.phases[cue.phase_index]
                window = (phase.duration_s if cue.at_remaining_s is None
                          else cue.at_remaining_s)
                following = planned[number + 1][0] - offset
                count += 1
                if seconds / window > worst_phase:
                    worst_phase, which = seconds / window, f"{cue.text!r} {seconds:.1f} s"
                worst_next = max(worst_next, seconds / following)
    return worst_phase, worst_next, which, count


def main() -> int:
    program = shutil.which("espeak-ng")
    if program is None or shutil.which("sox") is None:
        print("voice: espeak-ng or sox is not installed (apt install espeak-ng sox)",
              flush=True)
        return 3
    entries: list[tuple[float, float]] = []
    for seed in range(SEEDS):
        entries += asyncio.run(simulated(seed, program))
    latencies = [latency for latency, _real in entries]
    real_parts = [real for _latency, real in entries]
    median, worst = statistics.median(latencies), max(latencies)
    ok_simulated = report("voice: 30 min jittery clock, deadline to cue",
                          f"{median * 1000:.0f} / {worst * 1000:.0f} ms",
                          "<50 / <150 ms", median < MEDIAN_LIMIT_S and worst < WORST_LIMIT_S)
    print(f"  ({len(latencies)} phase cues over {SEEDS} simulated sessions, each a real espeak-ng "
          f"process; ticks 100 ms +-50%, wake-up {WAKE_AFTER_S * 1000:.0f} ms after the "
          f"deadline + up to {WAKE_LATE_S * 1000:.0f} ms late; of which tick to process started: "
          f"median {statistics.median(real_parts) * 1000:.1f} ms, worst "
          f"{max(real_parts) * 1000:.0f} ms)", flush=True)

    # Shown, not a target: on the real clock the event loop's timer lateness depends on
    # how busy the machine is; the target above is on the simulated clock, as the issue says.
    real = asyncio.run(real_run(program))
    print(f"  (real clock, a 15 s session in the real player: deadline to cue median "
          f"{statistics.median(real) * 1000:.0f} ms, worst {max(real) * 1000:.0f} ms over "
          f"{len(real)} cues)", flush=True)

    worst_phase, worst_next, which, count = cue_fit(program)
    ok_fit = report("voice: espeak-ng cue length / its phase", f"{worst_phase:.2f}",
                    "<= 1", worst_phase <= 1.0)
    print(f"  ({count} cues of 3 routines; longest for its phase: {which}; worst length / "
          f"time to the next cue {worst_next:.2f})", flush=True)
    return 0 if ok_simulated and ok_fit else 3


if __name__ == "__main__":
    sys.exit(main())
