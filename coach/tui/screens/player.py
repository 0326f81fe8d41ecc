"""The session player: one step at a time, a big countdown, ratings before and after.

Time comes from the injected monotonic `clock` through coach.timeline; the interval
timer here only redraws. Progress is saved to the store at every step boundary and
each rating the moment it is given, so quitting or a crash loses nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from coach.cues import CuePrompter
from coach.errors import CoachError
from coach.model import Routine
from coach.sessions import area_worked, resume_step
from coach.sounds import sound_for
from coach.timeline import ADD_SECONDS, SessionClock, Timeline, side_text, tool_text
from coach.tui.dialogs.rating import RatingDialog
from coach.tui.widgets.body_map import BodyMapView
from coach.tui.widgets.countdown import PhaseCountdown, set_text
from coach.tui.widgets.player_progress import TimedProgress

REDRAW_S = 0.1  # how often the screen repaints; it never counts time
FLASH_S = 0.6  # how long the visible flash lasts after a phase change
SCALE = "0 = no pain, 10 = worst imaginable"
MAP_MIN_WIDTH = 100  # the body map shows beside the countdown from this width; `p` toggles
SHORT_ROWS = 22  # below this many rows the instructions shrink so the countdown stays
FIND_CUE = "Feel for the tender spot described above."


def _label(identifier: str) -> str:
    return identifier.replace("-", " ").capitalize()


class PlayerScreen(Screen):
    DEFAULT_CSS = """
    PlayerScreen {
        layout: vertical;
        padding: 0 1;
    }
    PlayerScreen #player-body {
        height: 1fr;
        overflow: hidden hidden;
    }
    PlayerScreen #player-where, PlayerScreen #player-steps {
        color: $text-muted;
        height: 1;
    }
    PlayerScreen #player-muscle {
        text-style: bold;
        color: $text;
        height: auto;
        max-height: 2;
    }
    PlayerScreen #player-setup {
        height: auto;
        max-height: 2;
    }
    PlayerScreen #player-find, PlayerScreen #player-how {
        height: auto;
        max-height: 6;
    }
    /* Where never to press is never cut short while the terminal has room for it. */
    PlayerScreen #player-careful {
        height: auto;
        color: $text-warning;
        text-style: bold;
    }
    PlayerScreen #player-next {
        height: 1;
        text-style: italic;
    }
    PlayerScreen #player-progress {
        height: auto;
    }
    /* Short terminals: the countdown and the phase come first, the long texts give way. */
    PlayerScreen.-cramped #player-find, PlayerScreen.-cramped #player-how {
        max-height: 2;
    }
    PlayerScreen.-cramped #player-careful {
        max-height: 4;
    }
    PlayerScreen.-cramped #player-steps, PlayerScreen.-cramped #player-step-progress {
        display: none;
    }
    PlayerScreen #player-main {
        height: 1fr;
    }
    PlayerScreen #player-map {
        display: none;
        width: 34;
        height: 1fr;
        max-height: 30;
        margin: 1 0 0 1;
    }
    PlayerScreen.-map #player-map {
        display: block;
    }
    """

    BINDINGS = [
        # One key, two words: the footer says what space will do now.
        Binding("space", "pause", "Pause"),
        Binding("space", "go_on", "Go on"),
        Binding("n", "skip_step", "Skip"),
        Binding("b", "back_step", "Back"),
        Binding("plus,equals_sign", "add_time", f"{ADD_SECONDS} s", key_display="+"),
        Binding("q", "end_session", "End"),
        Binding("m", "toggle_bell", "Bell", show=False),
        Binding("f", "toggle_flash", "Flash on/off", show=False),
        Binding("p", "toggle_map", "Map", show=False),
        Binding("v", "toggle_voice", "Voice on/off", show=False),
    ]

    class Finished(Message):
        """The session is over (finished or ended early) and saved."""

        def __init__(self, session_id: str, status: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.status = status

    def __init__(self, routine: Routine, store, *, resume=None,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] | None = None,
                 bell: bool = True, flash: bool = True, voice=None, voice_on: bool = False,
                 voice_missing: bool = False, countdown_cues: bool = False,
                 sounds=None) -> None:
        """voice: a coach.voice.Voice (None: nothing to speak with); voice_missing: the
        person wants cues spoken but no speech service was found (the footer says so);
        sounds: a coach.sounds.SoundPlayer (None: the terminal bell only)."""
        super().__init__()
        self.routine = routine
        self.store = store
        self.clock = clock
        self.wall_clock = wall_clock or (lambda: datetime.now().astimezone())
        self.bell_on = bell
        self.flash_on = flash
        self.timeline = Timeline(routine)
        self.voice = voice
        self.voice_on = voice_on
        self.sounds = sounds
        self.prompter = CuePrompter(self.timeline, self._say, self._hush,
                                    countdown=countdown_cues)
        self._voice_missing = voice_missing
        if voice_missing:  # said once, in the footer, and the session carries on
            self._bindings.key_to_bindings["v"] = [
                Binding("v", "toggle_voice", "No voice: see ?")]
        steps = routine.steps
        self.area_first: dict[str, int] = {}
        self.area_last: dict[str, int] = {}
        for index, step in enumerate(steps):
            self.area_first.setdefault(step.area, index)
            self.area_last[step.area] = index
        # What earlier runs of this session did (resume), per routine step.
        self.earlier_s = [0.0] * len(steps)
        self.earlier_done = [False] * len(steps)
        self.earlier_skipped = [False] * len(steps)
        self.asked: set[tuple[str, str]] = set()  # (phase, area) ratings asked in this session
        if resume is not None:
            self.record = resume
            self._take_over(resume)
            start_step = resume_step([
                {"completed": done, "skipped": skipped}
                for done, skipped in zip(self.earlier_done, self.earlier_skipped, strict=True)])
        else:
            from coach.store import SessionRecord

            self.record = SessionRecord(
                id=uuid.uuid4().hex, day=routine.day, started_at=self.wall_clock(),
                finished_at=None, planned_s=routine.total_s, done_s=0, steps=[],
                status="in-progress")
            start_step = 0
        self.session = SessionClock(self.timeline, start_step=start_step,
                                    stops=self._stops(start_step))
        self._flash_until: float | None = None
        self._wake_timer = None  # a one-shot timer at the running phase's deadline
        self._wake_for: tuple | None = None
        self._dialog_open = False
        self._ended = False
        self.map_choice: bool | None = None  # None: shown when the terminal is wide enough

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="player-main"):
            yield from self._compose_body()
            yield BodyMapView(id="player-map")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still works (see ?)

    def _compose_body(self) -> ComposeResult:
        with Vertical(id="player-body"):
            yield Static("", id="player-where", markup=False)
            yield Static("", id="player-steps", markup=False)
            yield Static("", id="player-muscle", markup=False)
            yield Static("", id="player-setup", markup=False)
            yield Static("", id="player-find", markup=False)
            yield Static("", id="player-how", markup=False)
            yield Static("", id="player-careful", markup=False)
            yield PhaseCountdown(id="player-countdown")
            with Vertical(id="player-progress"):
                yield TimedProgress("Step", id="player-step-progress")
                yield TimedProgress("Session", id="player-session-progress")
            yield Static("", id="player-next", markup=False)

    def on_mount(self) -> None:
        self.set_class(self.size.height < SHORT_ROWS, "-cramped")
        if not self.routine.steps:  # nothing to do: leave no empty session behind
            self._ended = True
            self.notify("Today's routine has no steps.", severity="warning")
            self.dismiss(None)
            return
        if self._voice_missing:  # once per session; the footer keeps "No voice" after it
            from coach.voice import INSTALL_HINT

            self.notify(f"No speech service found, so the steps are not spoken: "
                        f"{INSTALL_HINT}.", timeout=8)
        now = self.clock()
        self.session.start(now)
        self.prompter.moved(self.session)
        self._save()
        self.set_interval(REDRAW_S, self.tick)
        self.redraw(now)
        self._at_boundary()
        self._cue(now)

    # -- the redraw tick -----------------------------------------------------

    def tick(self) -> None:
        """Read the clock, let the timeline catch up, repaint. Never counts time."""
        if self._ended:
            return
        now = self.clock()
        changes = self.session.advance(now)
        if changes:
            self.prompter.moved(self.session)
            self._cue(now)  # first: saving and redrawing must not delay the voice
            self._announce(now)
            if any(change.step_changed for change in changes):
                self._save()
            self._at_boundary()
        self._cue(now)
        self.redraw(now)

    def _wake_at_deadline(self, now: float) -> None:
        """Tick right at the running phase's deadline too, so the bell is on time.

        The regular redraw interval alone would notice a phase end up to one interval
        late; this only schedules a redraw, the time still comes from the clock.
        """
        session = self.session
        running = (session.countdown is not None and not session.finished
                   and not session.countdown.paused)
        wanted = (session.phase_index, session.countdown.deadline) if running else None
        if wanted == self._wake_for:
            return
        if self._wake_timer is not None:
            self._wake_timer.stop()
            self._wake_timer = None
        self._wake_for = wanted
        if wanted is not None:
            delay = max(0.0, session.remaining(now)) + 0.002
            self._wake_timer = self.set_timer(delay, self.tick, name="phase-deadline")

    def redraw(self, now: float) -> None:
        self._wake_at_deadline(now)
        if self._flash_until is not None and now >= self._flash_until:
            self._flash_until = None
        countdown = self.query_one(PhaseCountdown)
        countdown.set_flash(self._flash_until is not None)
        session = self.session
        steps = self.routine.steps
        index = min(session.step_index, len(steps) - 1) if steps else 0
        phase = session.phase
        if steps:
            step = steps[index]
            set_text(self.query_one("#player-where", Static),
                     f"Step {index + 1} of {len(steps)} · {self._area_label(step.area)}"
                     f" · {_label(step.technique)}")
            set_text(self.query_one("#player-muscle", Static),
                     f"{step.muscle_name} · {side_text(step.side)}")
            set_text(self.query_one("#player-steps", Static), self._steps_line(index))
            set_text(self.query_one("#player-setup", Static),
                     f"Tool: {self._tools_label(step)} · Position: {step.position}")
            set_text(self.query_one("#player-find", Static), f"Find it: {step.find}")
            set_text(self.query_one("#player-how", Static), f"How: {step.how}")
            # Where never to press is part of the step, not small print.
            set_text(self.query_one("#player-careful", Static),
                     f"Careful: {' '.join(step.cautions)}" if step.cautions else "")
            self._show_map(step)
        if phase is None:
            countdown.show("Done: well done for today", 0.0,
                           "Saving your session...", paused=False)
            set_text(self.query_one("#player-next", Static), "Next up: nothing, that's all")
        else:
            heading = phase.label
            if phase.reps > 1:
                heading += f" · {phase.rep} of {phase.reps}"
            # The step's "Find it:" text is on screen already; the phase cue would repeat it.
            cue = FIND_CUE if phase.kind == "find" else phase.cue
            if session.waiting:
                heading += " · starts after the rating"
            countdown.show(heading, session.remaining(now), cue, paused=session.paused)
            set_text(self.query_one("#player-next", Static), f"Next up: {session.next_up()}")
        self.query_one("#player-step-progress", TimedProgress).show(
            *session.step_progress(now))
        self.query_one("#player-session-progress", TimedProgress).show(
            *session.session_progress(now))

    # -- keys ----------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if self._busy():
            return
        now = self.clock()
        if self.session.advance(now):
            self.prompter.moved(self.session)
        self.session.toggle_pause(now)
        if self.session.paused:
            self.prompter.interrupted(self.session, now)  # paused: silence
        self._cue(now)
        self.redraw(now)
        self.refresh_bindings()

    def action_pause(self) -> None:
        self.action_toggle_pause()

    def action_go_on(self) -> None:
        self.action_toggle_pause()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pause":
            return not self.session.paused
        if action == "go_on":
            return self.session.paused
        return True

    def action_add_time(self) -> None:
        if self._busy():
            return
        self.session.add(ADD_SECONDS)
        self.prompter.interrupted(self.session, self.clock())
        self.redraw(self.clock())

    def action_skip_step(self) -> None:
        self._move(self.session.skip_step)

    def action_back_step(self) -> None:
        self._move(self.session.back_step)

    def action_toggle_map(self) -> None:
        self.map_choice = not self._map_shown()
        self._place_map()

    def _map_shown(self) -> bool:
        if self.query_one("#player-map", BodyMapView).body_map is None:
            return False
        if self.map_choice is not None:
            return self.map_choice
        return self.size.width >= MAP_MIN_WIDTH

    def _place_map(self) -> None:
        self.set_class(self._map_shown(), "-map")

    def on_resize(self, _event) -> None:
        self.set_class(self.size.height < SHORT_ROWS, "-cramped")
        self._place_map()

    def _show_map(self, step) -> None:
        """The current step's map, only its side (both sides for a one-sided target)."""
        catalog = getattr(self.app, "catalog", None)
        target = catalog.targets.get(step.muscle) if catalog is not None else None
        side = step.side if step.side in ("left", "right") else None
        self.query_one("#player-map", BodyMapView).show(
            target.body_map if target is not None else None, side)
        self._place_map()

    def action_toggle_bell(self) -> None:
        self.bell_on = not self.bell_on
        self.notify(f"Bell {'on' if self.bell_on else 'off'}.", timeout=2)

    def action_toggle_voice(self) -> None:
        if self.voice is None:
            from coach.voice import INSTALL_HINT

            self.notify(f"No speech service found; to hear the steps, run '{INSTALL_HINT}'.",
                        timeout=6)
            return
        self.voice_on = not self.voice_on
        if not self.voice_on:
            self._hush()
        self.notify(f"Voice {'on' if self.voice_on else 'off'}.", timeout=2)

    def action_toggle_flash(self) -> None:
        self.flash_on = not self.flash_on
        self.notify(f"Flash {'on' if self.flash_on else 'off'}.", timeout=2)

    def action_end_session(self) -> None:
        if self._busy():
            return
        from coach.tui.dialogs.confirm import ConfirmDialog

        now = self.clock()
        self.session.advance(now)
        was_paused = self.session.paused
        self.session.pause(now)
        self.prompter.interrupted(self.session, now)
        self._dialog_open = True
        self.app.push_screen(
            ConfirmDialog("End the session now? What you have done so far is kept.",
                          yes="End session", no="Keep going"),
            callback=partial(self._end_confirmed, was_paused))

    def _end_confirmed(self, was_paused: bool, end: bool | None) -> None:
        self._dialog_open = False
        if end:
            self._end("ended-early")
            return
        if not was_paused:
            self.session.resume(self.clock())
        self._cue(self.clock())
        self.redraw(self.clock())

    def _busy(self) -> bool:
        return self._ended or self._dialog_open or self.session.finished

    def _move(self, move) -> None:
        if self._ended or self._dialog_open:
            return
        now = self.clock()
        if move(now) is None:
            return
        self.prompter.moved(self.session)
        self._save()
        self._at_boundary()
        self._cue(now)
        self.redraw(now)

    # -- phase changes, ratings, saving --------------------------------------

    def _announce(self, now: float) -> None:
        if self.bell_on and not self._play_sound():
            self.app.bell()
        if self.flash_on:
            self._flash_until = now + FLASH_S

    def _at_boundary(self) -> None:
        """At a step boundary: ask the ratings due there, then go on (or finish)."""
        if self._dialog_open or self._ended:
            return
        if not (self.session.waiting or self.session.finished):
            return
        due = self._ratings_due(self.session.step_index)
        if due:
            phase, area = due[0]
            self.asked.add((phase, area))
            self._ask(phase, area)
            return
        if self.session.finished:
            self._end("finished")
        else:
            self.session.proceed(self.clock())
            self._cue(self.clock())
            self.redraw(self.clock())

    def _ratings_due(self, boundary: int) -> list[tuple[str, str]]:
        """The ratings to ask before step `boundary` (len(steps): the end)."""
        steps = self.routine.steps
        due = []
        if boundary > 0:
            area = steps[boundary - 1].area
            if (self.area_last[area] == boundary - 1 and ("after", area) not in self.asked
                    and self._area_worked(area)):
                due.append(("after", area))
        if boundary < len(steps):
            area = steps[boundary].area
            if self.area_first[area] == boundary and ("before", area) not in self.asked:
                due.append(("before", area))
        return due

    def _stops(self, start_step: int) -> set[int]:
        return {index for index in range(start_step, len(self.routine.steps))
                if self._could_ask_at(index)}

    def _could_ask_at(self, boundary: int) -> bool:
        steps = self.routine.steps
        before = self.area_first[steps[boundary].area] == boundary
        after = boundary > 0 and self.area_last[steps[boundary - 1].area] == boundary - 1
        return before or after

    def _ask(self, phase: str, area: str) -> None:
        when = ("Before you start on it" if phase == "before"
                else "Now that you have worked on it")
        self._dialog_open = True
        self.prompter.rating(self._area_label(area))
        self.app.push_screen(
            RatingDialog(f"{self._area_label(area)}: how much does it hurt right now?",
                         f"{when} · {SCALE}"),
            callback=partial(self._rated, phase, area))

    def _rated(self, phase: str, area: str, value: int | None) -> None:
        self._dialog_open = False
        if value is not None:
            from coach.store import Rating

            step = self.routine.steps[self.area_first[area]]
            rating = Rating(area=area, rating=value, phase=phase, at=self.wall_clock(),
                            session_id=self.record.id, muscle=step.muscle,
                            technique=step.technique)
            try:
                self.store.add_rating(rating)
            except CoachError as error:
                self.notify(f"That rating was not saved: {error}", severity="error",
                            timeout=10)
        self._at_boundary()

    def _area_worked(self, area: str) -> bool:
        """Ask "after" only for an area actually worked on (coach.sessions decides)."""
        seconds = self._step_seconds(self.clock())
        done = self._done_flags()
        indices = [index for index, step in enumerate(self.routine.steps) if step.area == area]
        return area_worked([seconds[index] for index in indices],
                           [done[index] for index in indices])

    def _step_seconds(self, now: float) -> list[float]:
        seconds = [earlier + spent for earlier, spent in
                   zip(self.earlier_s, self.session.spent_s, strict=True)]
        session = self.session
        if session.countdown is not None and not session.finished:
            seconds[session.step_index] += session.countdown.elapsed(now)
        return seconds

    def _save(self, status: str = "in-progress") -> None:
        now = self.clock()
        seconds = self._step_seconds(now)
        record = self.record
        skipped = self._skipped_flags(self.session.step_index)
        record.steps = [
            {"muscle": step.muscle, "area": step.area, "side": step.side, "tool": step.tool,
             "technique": step.technique, "seconds": round(seconds[index]),
             "hold_s": step.hold_s, "reps": step.reps,
             "completed": self.earlier_done[index] or self.session.completed[index],
             "skipped": skipped[index]}
            for index, step in enumerate(self.routine.steps)
        ]
        record.done_s = round(sum(seconds))
        record.planned_s = self.routine.total_s
        record.status = status
        if status != "in-progress":
            record.finished_at = self.wall_clock()
        try:
            self.store.save_session(record)
        except CoachError as error:
            self.notify(f"Session progress was not saved: {error}", severity="error",
                        timeout=10)

    def _end(self, status: str) -> None:
        if self._ended:
            return
        self.session.pause(self.clock())
        if status == "finished":
            self.prompter.poll(self.session, self.clock())  # "Session done."
        else:
            self._hush()
        self._save(status)
        self._ended = True  # the app shows the summary screen next
        self.app.post_message(self.Finished(self.record.id, status))
        self.dismiss(self.record.id)

    # -- voice and sounds ----------------------------------------------------

    def _cue(self, now: float) -> None:
        """Say the cue due now, if any (never while a question is on screen; "Session
        done" waits for the last ratings, see _end)."""
        if not (self._dialog_open or self._ended or self.session.finished):
            self.prompter.poll(self.session, now)

    def _say(self, text: str) -> None:
        if self.voice_on and self.voice is not None:
            try:
                self.voice.say(text)
            except OSError:  # speech is a comfort: a broken program must not stop a session
                self.voice = None

    def _hush(self) -> None:
        if self.voice is not None:
            try:
                self.voice.stop()
            except OSError:
                self.voice = None

    def _play_sound(self) -> bool:
        """The press, release or done sound; False when there is no sound program."""
        if self.sounds is None:
            return False
        phase = None if self.session.finished else self.session.phase
        return self.sounds.play(sound_for(phase.kind if phase else None))

    def _take_over(self, record) -> None:
        """Carry an interrupted session's steps over to today's routine."""
        by_key: dict[tuple, dict] = {}
        for saved in record.steps:
            by_key.setdefault((saved.get("muscle"), saved.get("area"), saved.get("side")), saved)
        for index, step in enumerate(self.routine.steps):
            saved = by_key.get((step.muscle, step.area, step.side))
            if saved is not None:
                self.earlier_s[index] = float(saved.get("seconds") or 0)
                self.earlier_done[index] = bool(saved.get("completed"))
                self.earlier_skipped[index] = bool(saved.get("skipped"))
        try:
            given = self.store.ratings(since=record.started_at)
        except CoachError:
            given = []
        self.asked |= {(rating.phase, rating.area) for rating in given
                       if rating.session_id == record.id}

    def _steps_line(self, current: int) -> str:
        """One mark per step: done, skipped, the current one, still to come."""
        marks = []
        done = self._done_flags()
        skipped = self._skipped_flags(current)
        for index in range(len(self.routine.steps)):
            if index == current and not self.session.finished:
                marks.append("▶")
            elif done[index]:
                marks.append("✓")
            elif skipped[index]:
                marks.append("✗")
            else:
                marks.append("·")
        count_done = sum(done)
        count_skipped = sum(1 for index, flag in enumerate(skipped) if flag and not done[index])
        return (f"Steps {' '.join(marks)}   {count_done} done"
                + (f", {count_skipped} skipped" if count_skipped else ""))

    def _done_flags(self) -> list[bool]:
        return [earlier or now for earlier, now in
                zip(self.earlier_done, self.session.completed, strict=True)]

    def _skipped_flags(self, current: int) -> list[bool]:
        """Steps left behind without being done: skipped now, or skipped before a resume."""
        done = self._done_flags()
        return [not done[index] and (index < current or self.earlier_skipped[index])
                for index in range(len(self.routine.steps))]

    def _tools_label(self, step) -> str:
        catalog = getattr(self.app, "catalog", None)
        tools = step.tools or (step.tool,)
        if catalog is None:
            return tool_text(step)
        labels = []
        for tool in tools:
            known = catalog.tools.get(tool)
            labels.append(known.label if known else tool)
        return " + ".join(labels)

    def _area_label(self, area: str) -> str:
        labeller = getattr(self.app, "area_label", None)
        if callable(labeller):
            try:
                return labeller(area)
            except Exception:  # a label is cosmetic; never break the session for it
                pass
        return _label(area)
