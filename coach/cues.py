"""The spoken cue script: what the voice says at each phase, and when.

Pure: no Textual, no processes, no clock of its own. The words come from the same
phase data the screen shows (coach.timeline's labels, durations, sides and tools), so
what is said can never contradict the step on screen. CuePrompter keeps the voice in
step with a SessionClock: one cue as each phase begins, a few marks inside long holds,
nothing while paused or waiting for a rating, and each new cue replaces a stale one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.model import Step
from coach.timeline import Phase, SessionClock, Timeline, side_text

HALFWAY_OVER_S = 40  # holds longer than this get a "Halfway." mark
COUNTDOWN_FROM = 3  # the optional count-down says 3, 2, 1 before a hold ends
COUNTDOWN_MIN_S = 10  # ... on holds at least this long (shorter ones would talk throughout)
DONE_TEXT = "Session done."


@dataclass(frozen=True)
class Cue:
    """One thing to say: as phase `phase_index` begins (at_remaining_s None), or when
    that many seconds of the phase remain (a mark)."""

    text: str
    kind: str  # "step", "switch", the phase kind ("find", "press", ...), "halfway",
    #            "count", "done" or "rate"
    phase_index: int
    at_remaining_s: float | None = None


def seconds_text(seconds: float) -> str:
    whole = int(seconds)
    return "1 second" if whole == 1 else f"{whole} seconds"


def spoken_tools(step: Step) -> str:
    """The step's tools as said aloud ("Ball and wall"); the screen shows "ball + wall"."""
    tools = [tool.replace("-", " ") for tool in (step.tools or (step.tool,))]
    text = tools[0] if len(tools) == 1 else ", ".join(tools[:-1]) + " and " + tools[-1]
    return text[:1].upper() + text[1:]


def step_intro(timeline: Timeline, step_index: int) -> tuple[str, str]:
    """(kind, words) said when a step begins: the muscle and side, the tool and position;
    the same muscle again on the other side is "Switch to the right side"."""
    step = timeline.steps[step_index]
    setup = f"{spoken_tools(step)}, {step.position}."
    if step_index > 0:
        before = timeline.steps[step_index - 1]
        if before.muscle == step.muscle and before.side != step.side:
            return "switch", f"Switch to the {side_text(step.side)}. {setup}"
    return "step", f"{step.muscle_name}, {side_text(step.side)}. {setup}"


def phase_words(phase: Phase) -> str:
    """What to do in this phase, from the label the screen shows."""
    if phase.kind in ("press", "stretch"):
        again = "Again. " if phase.rep > 1 else ""
        return f"{again}{phase.label}, {seconds_text(phase.duration_s)}."
    return f"{phase.label}."


def entry_cue(timeline: Timeline, phase_index: int) -> Cue:
    """The one cue said as a phase begins (the step's introduction included)."""
    phase = timeline.phases[phase_index]
    words = phase_words(phase)
    if timeline.step_first_phase[phase.step_index] == phase_index:
        kind, intro = step_intro(timeline, phase.step_index)
        return Cue(f"{intro} {words}", kind, phase_index)
    kind = "again" if phase.kind == "press" and phase.rep > 1 else phase.kind
    return Cue(words, kind, phase_index)


def marks(timeline: Timeline, phase_index: int, countdown: bool = False,
          total_s: float | None = None) -> list[Cue]:
    """The cues inside a phase, in the order they fall due (most seconds remaining first).

    total_s: the phase's length with any "+" seconds (default: as planned)."""
    phase = timeline.phases[phase_index]
    if phase.kind != "press":
        return []
    total_s = phase.duration_s if total_s is None else total_s
    found: list[Cue] = []
    if phase.duration_s > HALFWAY_OVER_S:
        found.append(Cue("Halfway.", "halfway", phase_index, total_s / 2))
    if countdown and phase.duration_s >= COUNTDOWN_MIN_S:
        found += [Cue(str(number), "count", phase_index, float(number))
                  for number in range(COUNTDOWN_FROM, 0, -1)]
    return found


def rating_cue(area_label: str) -> Cue:
    return Cue(f"Rate your {area_label.lower()}.", "rate", -1)


def done_cue(timeline: Timeline) -> Cue:
    return Cue(DONE_TEXT, "done", len(timeline.phases))


def script(timeline: Timeline, countdown: bool = False) -> list[tuple[float, Cue]]:
    """Every cue of an uninterrupted session with its planned offset from the start."""
    planned: list[tuple[float, Cue]] = []
    for index, phase in enumerate(timeline.phases):
        planned.append((float(phase.start_s), entry_cue(timeline, index)))
        planned += [(phase.start_s + phase.duration_s - mark.at_remaining_s, mark)
                    for mark in marks(timeline, index, countdown)]
    planned.append((float(timeline.total_s), done_cue(timeline)))
    return planned


class CuePrompter:
    """Keeps the voice in step with a SessionClock.

    The player calls moved() whenever the clock enters another phase (by time, skip or
    back) or finishes, poll() on every redraw tick, and interrupted() on pause and "+".
    `say` starts speaking a text (the backend stops whatever it was still saying);
    `hush` stops speaking now. Nothing is queued: a cue that fell due while paused or
    while a rating was asked is dropped, except the cue of the phase itself, which is
    said once the phase actually runs.
    """

    def __init__(self, timeline: Timeline, say: Callable[[str], None],
                 hush: Callable[[], None], countdown: bool = False) -> None:
        self.timeline = timeline
        self.say = say
        self.hush = hush
        self.countdown = countdown
        self.pending: Cue | None = None  # the cue of the phase entered, not said yet
        self.waiting_marks: list[Cue] = []  # marks of the running phase not yet due
        self.said_marks: set[str] = set()  # kinds of mark said in the running phase

    def moved(self, session: SessionClock) -> None:
        if session.finished:
            self.pending = done_cue(self.timeline)
            self.waiting_marks = []
            return
        index = session.phase_index
        self.pending = entry_cue(self.timeline, index)
        self.waiting_marks = marks(self.timeline, index, self.countdown)
        self.said_marks = set()
        if not _running(session):
            self.hush()  # the old phase's words must not go on into a pause

    def poll(self, session: SessionClock, now: float) -> Cue | None:
        """Say what is due now, if anything; returns the cue said."""
        if session.finished:
            return self._say_pending()
        if not _running(session):
            return None
        if self.pending is not None:
            return self._say_pending()
        remaining = session.remaining(now)
        due = [mark for mark in self.waiting_marks if mark.at_remaining_s >= remaining]
        if not due:
            return None
        self.waiting_marks = [mark for mark in self.waiting_marks if mark not in due]
        self.said_marks |= {mark.kind for mark in due}
        self.say(due[-1].text)  # only the latest: older marks are stale by now
        return due[-1]

    def interrupted(self, session: SessionClock, now: float) -> None:
        """Paused, or time added: stop talking; marks follow the countdown's new end."""
        self.hush()
        if session.finished or session.phase is None:
            return
        remaining = session.remaining(now)
        self.waiting_marks = [
            mark for mark in marks(self.timeline, session.phase_index, self.countdown,
                                   session.countdown.total_s)
            if mark.at_remaining_s < remaining
            and (mark.kind == "count" or mark.kind not in self.said_marks)]

    def rating(self, area_label: str) -> Cue:
        cue = rating_cue(area_label)
        self.say(cue.text)
        return cue

    def _say_pending(self) -> Cue | None:
        cue, self.pending = self.pending, None
        if cue is not None:
            self.say(cue.text)
        return cue


def _running(session: SessionClock) -> bool:
    return (session.countdown is not None and not session.finished
            and not session.countdown.paused)
