"""A Routine as timed phases, and the deadline maths that walks through them.

Pure: no Textual, no sleeping. Every method that needs the time takes `now`, a
reading of a monotonic clock the caller owns (time.monotonic in the app, a fake
in tests). The player's redraw ticks only read the clock; they never count time,
so a late or jittery tick cannot make a session longer or shorter than planned.

When a phase runs out, the next one starts at the old deadline, not at the moment
someone noticed, so lateness never accumulates from phase to phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.model import Routine, Step

ADD_SECONDS = 15  # what the player's "+" key adds to the current phase

PRESS_LABELS = {
    "sustained-pressure": "Press and hold",
    "rolling": "Roll slowly",
    "short-strokes": "Short strokes",
}
# Short cues that never contradict a step's own "how" (which names the pressure to use).
PRESS_CUES = {
    "sustained-pressure": "Hold steady pressure and breathe slowly; ease off if you wince.",
    "rolling": "Roll slowly, a few seconds per pass; pause on tender spots.",
    "short-strokes": "Short, repeated strokes over the spot; firm, never wincing.",
}


@dataclass(frozen=True)
class Phase:
    """One timed piece of a step: find the spot, press, release or stretch."""

    kind: str  # "find", "press", "release" or "stretch"
    step_index: int
    rep: int  # 1-based repetition; 0 for "find"
    reps: int  # how many repetitions this kind has in the step
    duration_s: int
    label: str  # a few words for the big display: "Press and hold"
    cue: str  # one short sentence on what to do now
    start_s: int  # planned offset from the start of the routine


class Timeline:
    """The ordered phases of a routine; phases of zero seconds are left out."""

    def __init__(self, routine: Routine):
        self.routine = routine
        self.steps: tuple[Step, ...] = routine.steps
        self.phases: list[Phase] = []
        self.step_first_phase: list[int] = []  # step index -> index of its first phase
        offset = 0
        for index, step in enumerate(self.steps):
            self.step_first_phase.append(len(self.phases))
            for phase in _step_phases(index, step, offset):
                self.phases.append(phase)
                offset += phase.duration_s
        self.total_s = offset

    def step_phases(self, step_index: int) -> list[Phase]:
        return [phase for phase in self.phases if phase.step_index == step_index]

    def step_start_s(self, step_index: int) -> int:
        if step_index >= len(self.steps):
            return self.total_s
        first = self.step_first_phase[step_index]
        if first < len(self.phases) and self.phases[first].step_index == step_index:
            return self.phases[first].start_s
        return self.step_start_s(step_index + 1)  # a step with no timed phases

    def step_total_s(self, step_index: int) -> int:
        return sum(phase.duration_s for phase in self.step_phases(step_index))

    def next_up(self, phase_index: int) -> str:
        """What comes after this phase, in a few words."""
        if phase_index + 1 >= len(self.phases):
            return "The end of today's routine"
        current = self.phases[phase_index] if phase_index >= 0 else None
        following = self.phases[phase_index + 1]
        if current is not None and following.step_index == current.step_index:
            return f"{following.label} ({following.duration_s} s)"
        step = self.steps[following.step_index]
        return f"{step.muscle_name}, {side_text(step.side)} ({tool_text(step)})"


def side_text(side: str) -> str:
    return "both sides" if side == "both" else f"{side} side"


def tool_text(step: Step) -> str:
    return " + ".join(step.tools) if step.tools else step.tool


def _step_phases(index: int, step: Step, offset: int) -> list[Phase]:
    phases: list[Phase] = []

    def add(kind: str, rep: int, reps: int, duration_s: int, label: str, cue: str) -> None:
        nonlocal offset
        if duration_s <= 0:
            return
        phases.append(Phase(kind, index, rep, reps, duration_s, label, cue, offset))
        offset += duration_s

    add("find", 0, 0, step.find_s, "Find the spot", f"Find it: {step.find}")
    press_label = PRESS_LABELS.get(step.technique, "Press and hold")
    press_cue = PRESS_CUES.get(step.technique, PRESS_CUES["sustained-pressure"])
    for rep in range(1, step.reps + 1):
        add("press", rep, step.reps, step.hold_s, press_label, press_cue)
        add("release", rep, step.reps, step.release_s, "Release",
            "Ease off completely and let the muscle soften; breathe out.")
    if step.stretch is not None:
        for rep in range(1, step.stretch.reps + 1):
            add("stretch", rep, step.stretch.reps, step.stretch.hold_s,
                f"Stretch: {step.stretch.name}",
                f"{step.stretch.how} Gentle, no bouncing.")
    return phases


class Countdown:
    """One deadline on a monotonic clock that can be paused and moved."""

    def __init__(self, duration_s: float):
        self.duration_s = float(duration_s)
        self.added_s = 0.0
        self.deadline: float | None = None
        self.paused_remaining: float | None = None  # set while paused

    @property
    def total_s(self) -> float:
        return self.duration_s + self.added_s

    @property
    def paused(self) -> bool:
        return self.paused_remaining is not None

    def start(self, now: float) -> None:
        self.deadline = now + self.duration_s
        self.paused_remaining = None

    def start_paused(self) -> None:
        """Ready to run, but the time does not move until resume()."""
        self.deadline = None
        self.paused_remaining = self.total_s

    def pause(self, now: float) -> None:
        if not self.paused:
            self.paused_remaining = max(0.0, self.deadline - now)

    def resume(self, now: float) -> None:
        if self.paused:
            self.deadline = now + self.paused_remaining
            self.paused_remaining = None

    def add(self, seconds: float) -> None:
        self.added_s += seconds
        if self.paused:
            self.paused_remaining += seconds
        else:
            self.deadline += seconds

    def remaining(self, now: float) -> float:
        if self.paused:
            return self.paused_remaining
        return max(0.0, self.deadline - now)

    def elapsed(self, now: float) -> float:
        """Seconds this phase has actually run, pauses excluded."""
        return self.total_s - self.remaining(now)

    def expired(self, now: float) -> bool:
        return not self.paused and now >= self.deadline


@dataclass(frozen=True)
class PhaseChange:
    """The clock moved into another phase (or finished) at `at` on the monotonic clock."""

    phase_index: int  # len(phases) when the routine is over
    step_index: int  # len(steps) when the routine is over
    at: float
    reason: str  # "time", "skip", "back" or "end"
    step_changed: bool


@dataclass
class SessionClock:
    """Walks a Timeline on deadlines: pause, resume, +15 s, skip and back.

    `stops` holds step indices where the clock waits at the step's start (paused at
    the exact boundary, so no time is lost) until `proceed(now)`: the player asks
    for a pain rating there. `spent_s` is the time actually spent on each step.
    """

    timeline: Timeline
    start_step: int = 0
    stops: set[int] = field(default_factory=set)
    phase_index: int = 0
    countdown: Countdown | None = None
    started: bool = False
    finished: bool = False
    finished_at: float | None = None
    waiting: bool = False  # held at a stop, not paused by the person
    spent_s: list[float] = field(default_factory=list)
    completed: list[bool] = field(default_factory=list)
    added_s: dict[int, float] = field(default_factory=dict)  # phase index -> "+" seconds

    def __post_init__(self) -> None:
        count = len(self.timeline.steps)
        self.spent_s = [0.0] * count
        self.completed = [False] * count
        self.phase_index = self._first_phase_at_or_after(self.start_step)

    # -- reading -------------------------------------------------------------

    @property
    def phase(self) -> Phase | None:
        if self.phase_index < len(self.timeline.phases):
            return self.timeline.phases[self.phase_index]
        return None

    @property
    def step_index(self) -> int:
        phase = self.phase
        return phase.step_index if phase else len(self.timeline.steps)

    @property
    def paused(self) -> bool:
        return self.countdown is not None and self.countdown.paused and not self.waiting

    def remaining(self, now: float) -> float:
        if self.countdown is None or self.finished:
            return 0.0
        return self.countdown.remaining(now)

    def next_up(self) -> str:
        return self.timeline.next_up(self.phase_index)

    def step_progress(self, now: float) -> tuple[float, float]:
        """(seconds done, seconds in all) of the current step, "+" included."""
        phase = self.phase
        if phase is None:
            return (0.0, 0.0)
        step_start = self.timeline.step_start_s(phase.step_index)
        in_step = {index: seconds for index, seconds in self.added_s.items()
                   if self.timeline.phases[index].step_index == phase.step_index}
        total = self.timeline.step_total_s(phase.step_index) + sum(in_step.values())
        added_before = sum(seconds for index, seconds in in_step.items()
                           if index < self.phase_index)
        current = self.countdown.elapsed(now) if self.countdown else 0.0
        return (phase.start_s - step_start + added_before + current, total)

    def session_progress(self, now: float) -> tuple[float, float]:
        """(seconds done, seconds in all) of the whole routine, by position."""
        total = self.timeline.total_s + sum(self.added_s.values())
        if self.finished or self.phase is None:
            return (total, total)
        added_before = sum(seconds for index, seconds in self.added_s.items()
                           if index < self.phase_index)
        current = self.countdown.elapsed(now) if self.countdown else 0.0
        return (self.phase.start_s + added_before + current, total)

    def done_s(self, now: float) -> float:
        """Seconds actually spent so far, the running phase included."""
        running = 0.0
        if self.countdown is not None and not self.finished:
            running = self.countdown.elapsed(now)
        return sum(self.spent_s) + running

    # -- moving --------------------------------------------------------------

    def start(self, now: float) -> list[PhaseChange]:
        """Begin at start_step (waiting there if it is a stop)."""
        self.started = True
        if self.phase is None:
            return [self._finish(now, "time")]
        self.countdown = Countdown(self.phase.duration_s)
        if self.step_index in self.stops:
            self.countdown.start_paused()
            self.waiting = True
        else:
            self.countdown.start(now)
        return []

    def proceed(self, now: float) -> None:
        """Leave a stop: the phase's time starts now."""
        if self.waiting:
            self.waiting = False
            self.stops.discard(self.step_index)
            self.countdown.resume(now)

    def pause(self, now: float) -> None:
        if self.countdown is not None and not self.finished:
            self.countdown.pause(now)

    def resume(self, now: float) -> None:
        if self.countdown is not None and not self.finished and not self.waiting:
            self.countdown.resume(now)

    def toggle_pause(self, now: float) -> None:
        if self.paused:
            self.resume(now)
        else:
            self.pause(now)

    def add(self, seconds: float = ADD_SECONDS) -> None:
        if self.countdown is not None and not self.finished:
            self.countdown.add(seconds)
            self.added_s[self.phase_index] = self.added_s.get(self.phase_index, 0.0) + seconds

    def advance(self, now: float) -> list[PhaseChange]:
        """Move past every phase whose deadline is behind `now`."""
        changes: list[PhaseChange] = []
        while (self.started and not self.finished and not self.waiting
               and self.countdown.expired(now)):
            boundary = self.countdown.deadline
            step_before = self.step_index
            self._leave_phase(boundary)
            next_index = self.phase_index + 1
            if next_index >= len(self.timeline.phases):
                self.completed[step_before] = True
                changes.append(self._finish(boundary, "time"))
                break
            step_changed = self.timeline.phases[next_index].step_index != step_before
            if step_changed:
                self.completed[step_before] = True
            self._enter(next_index, boundary, paused=False)
            changes.append(PhaseChange(next_index, self.step_index, boundary, "time",
                                       step_changed))
        return changes

    def skip_step(self, now: float) -> PhaseChange | None:
        """Leave the current step unfinished and go to the start of the next."""
        if not self.started or self.finished:
            return None
        caught_up = self.advance(now)  # a deadline may have passed since the last tick
        if self.finished:
            return caught_up[-1]
        was_paused = self.countdown.paused
        self._leave_phase(now)
        next_index = self._first_phase_at_or_after(self.step_index + 1)
        if next_index >= len(self.timeline.phases):
            return self._finish(now, "skip")
        self._enter(next_index, now, paused=was_paused)
        return PhaseChange(next_index, self.step_index, now, "skip", True)

    def back_step(self, now: float) -> PhaseChange | None:
        """Go back to the start of the previous step (or restart the first)."""
        if not self.started:
            return None
        self.advance(now)
        was_paused = self.countdown.paused if (self.countdown and not self.finished) else False
        if not self.finished:
            self._leave_phase(now)
        current = self.step_index
        target = max(0, current - 1)
        while target > 0 and self.timeline.step_total_s(target) == 0:
            target -= 1
        self.finished = False
        self.finished_at = None
        self._enter(self._first_phase_at_or_after(target), now, paused=was_paused)
        return PhaseChange(self.phase_index, self.step_index, now, "back", True)

    # -- inside --------------------------------------------------------------

    def _first_phase_at_or_after(self, step_index: int) -> int:
        for index, phase in enumerate(self.timeline.phases):
            if phase.step_index >= step_index:
                return index
        return len(self.timeline.phases)

    def _leave_phase(self, now: float) -> None:
        """Book the time spent in the running phase to its step."""
        if self.countdown is None:
            return
        self.spent_s[self.step_index] += self.countdown.elapsed(now)

    def _enter(self, phase_index: int, now: float, paused: bool) -> None:
        self.phase_index = phase_index
        # Going back means doing those phases again: their old "+" no longer applies.
        self.added_s = {index: seconds for index, seconds in self.added_s.items()
                        if index < phase_index}
        phase = self.timeline.phases[phase_index]
        self.countdown = Countdown(phase.duration_s)
        self.waiting = (phase_index == self.timeline.step_first_phase[phase.step_index]
                        and phase.step_index in self.stops)
        if paused or self.waiting:
            self.countdown.start_paused()
        else:
            self.countdown.start(now)

    def _finish(self, at: float, reason: str) -> PhaseChange:
        self.finished = True
        self.finished_at = at
        self.phase_index = len(self.timeline.phases)
        self.countdown = None
        self.waiting = False
        return PhaseChange(self.phase_index, len(self.timeline.steps), at, reason, True)
