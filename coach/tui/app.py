"""CoachApp: the Textual skin over the core. Screens ask the app for the store, the catalog,
today's routine and the clocks, so a test can inject all of them.

First run (no saved profile) opens onboarding; otherwise the home screen. The app hosts the
reminder scheduler in a background thread when no `coach remind run` is active; anything
that goes wrong there only turns reminders off, with the reason shown on the home screen.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen

from coach.errors import CoachError
from coach.model import Profile, Routine

# Set by benchmarks/bench_tui.py: print a line and exit once the home screen is painted.
EXIT_ON_PAINT_ENV = "COACH_EXIT_ON_PAINT"
REMINDERS_START_DELAY_S = 1.5
# The stylesheet of every screen but home (coach.tcss holds the shared rules and home's).
OTHER_SCREENS_CSS = Path(__file__).with_name("screens.tcss")
RUNNER_WATCH_S = 20  # how often the app looks for reminders a separate runner sent
RUNNER_WATCH_WINDOW = timedelta(minutes=10)


class CoachApp(App[None]):
    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    COMMANDS = App.COMMANDS | {lambda: _coach_commands()}  # imported when the palette opens
    # Screens get these classes, so the stylesheet can rearrange panels on small terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall"), (52, "-huge")]
    BINDINGS = [
        Binding("l", "quick_log", "Log pain"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        store,
        catalog,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        demo: bool = False,
        reminders: bool = True,
        voice: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.tz = tz or datetime.now().astimezone().tzinfo
        self._wall_clock = wall_clock or (lambda: datetime.now(self.tz))
        self.demo = demo
        self.host_reminders = reminders and not demo
        self.reminder_handle = None
        self._shown_reminders: set[tuple] = set()
        # What the home screen says about reminders until the scheduler check has run.
        self.reminder_state: dict = {"running": False, "text": "Reminders: checking..."}
        self.minutes_today: int | None = None  # "I only have N minutes", for today only
        self.voice_option = voice  # `coach --voice ...`: overrides the settings for this run
        self.shared_report: tuple | None = None  # (HTML, PDF) paths of the last shared report
        self._other_screens_css = False  # screens.tcss read yet

    # ----- clocks and shared data -------------------------------------------------------

    def now(self) -> datetime:
        """The current local time, aware, in the person's time zone."""
        return self._wall_clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def profile(self) -> Profile:
        return self.store.load_profile() or Profile()

    def area_label(self, area_id: str) -> str:
        area = self.catalog.areas.get(area_id)
        return area.label if area else area_id

    def build_today(self, minutes: int | None = None, history_until: date | None = None) -> Routine:
        """Today's routine from the saved profile and the recent history (pure builder).

        history_until: the last day of history to use (default today); resuming uses
        yesterday too, because ratings given during a session change today's history.
        """
        from coach.builder import build_routine

        day = self.today()
        history = self.store.builder_history(history_until or day, self.tz)
        budget_s = minutes * 60 if minutes else None
        return build_routine(self.profile(), day, history, self.catalog, budget_s=budget_s)

    def app_settings(self):
        """The saved bell and voice (coach.reminders.settings.AppSettings)."""
        from coach.reminders.settings import AppSettings

        return AppSettings.from_dict(self.store.load_settings().get("app"))

    def bell_on(self) -> bool:
        return self.app_settings().bell

    def voice_settings(self):
        """The saved voice settings (coach.voice.VoiceSettings), with --voice applied."""
        return self.app_settings().voice.with_option(self.voice_option)

    # ----- saving settings: the one path that persists and refreshes --------------------

    def save_settings(self, change: Callable, profile: Profile | None = None):
        """Save the settings, change(Settings) -> Settings, and the profile when given (one
        write, validated inside the store's lock: see reminders.actions.update_settings),
        then bring up to date everything that shows them. Raises CoachError (nothing saved)."""
        from coach.reminders.actions import update_settings

        saved = update_settings(self.store, change, profile=profile)
        if profile is not None:
            self.minutes_today = None  # "I only have N minutes" was for the old profile
        self.settings_changed()
        return saved

    def settings_changed(self) -> None:
        """The hosted scheduler looks again at once, then the reminder line says what it
        plans; a separate `coach remind run` picks the settings up within a minute. Home
        reloads when it is shown again."""
        handle = self.reminder_handle
        if handle is not None and handle.hosting:
            self.run_worker(partial(self._refresh_reminders, handle), thread=True,
                            group="reminders-refresh", exclusive=True, exit_on_error=False)

    def _refresh_reminders(self, handle) -> None:
        """Worker thread: the scheduler takes the new settings in, then the line follows."""
        try:
            from coach.reminders import runner

            handle.refresh()
            state = {"running": True, "text": _status_text(runner.status(self.store),
                                                           host="this app", now=self.now())}
        except Exception as error:  # reminders are a comfort; saving has already worked
            state = {"running": False, "text": f"Reminders off: {_reason(error)}"}
        self.call_from_thread(self._set_reminder_state, state)

    def breakpoint_classes(self) -> list[str]:
        """The classes Textual gives a screen at the terminal's size (HORIZONTAL_BREAKPOINTS
        and VERTICAL_BREAKPOINTS) when it is resized."""
        width, height = self.size
        return [name for name in (_breakpoint(width, self.HORIZONTAL_BREAKPOINTS),
                                  _breakpoint(height, self.VERTICAL_BREAKPOINTS)) if name]

    # ----- start-up ---------------------------------------------------------------------

    def run(self, *args, **kwargs):
        """The real launch (tests use run_test). The modules and classes imported by now
        live as long as the process, so the garbage collector leaves them out of its scans
        (gc.freeze): otherwise each collection while home reads the history walks them all
        again, and the first paint waits. Nor does it collect until the first screen is
        painted (first_painted): building it makes many objects and few are garbage."""
        gc.freeze()
        gc.disable()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.enable()

    def push_screen(self, screen, *args, **kwargs):
        self._read_other_screens_css(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self._read_other_screens_css(screen)
        return super().switch_screen(screen)

    def _read_other_screens_css(self, screen) -> None:
        """The other screens' stylesheet joins when the first of them opens, before it is
        styled: home paints first without parsing it. Only the new file is parsed then
        (Textual keeps each file's parsed rules), and nothing in it styles home."""
        from coach.tui.screens.home import HomeScreen

        if self._other_screens_css or isinstance(screen, HomeScreen):
            return
        self._other_screens_css = True
        self.stylesheet.read(OTHER_SCREENS_CSS)

    def on_mount(self) -> None:
        for problem in self.catalog.problems:  # a broken file of the person's own
            self.notify(f"{problem} (the entry was skipped).", title="Routine library",
                        severity="warning", timeout=15)
        saved = self.store.load_profile()
        if saved is None or not saved.screened:
            # Screening comes before the first routine however the profile was made.
            from coach.tui.screens.onboarding import OnboardingScreen

            self.push_screen(OnboardingScreen(saved))
            self.call_after_refresh(first_painted)
        else:
            from coach.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())
        if self.host_reminders:
            # A moment after start-up: importing the scheduler must not delay the first paint.
            self.set_timer(REMINDERS_START_DELAY_S, self._start_reminder_worker)
        elif self.demo:
            self.reminder_state = {"running": False,
                                   "text": "Reminders: off in the demo (sample data)."}
        else:
            self.reminder_state = {"running": False,
                                   "text": "Reminders: not hosted by this window."}

    def on_unmount(self) -> None:
        self.stop_reminders()

    def home_painted(self) -> None:
        """Called by the home screen after its first paint (the start-up benchmark's marker)."""
        if os.environ.get(EXIT_ON_PAINT_ENV):
            print(f"painted {time.time():.6f}", file=sys.stderr, flush=True)
            self.exit()
        first_painted()  # after the marker: the collection it lets run is after-paint work

    # ----- reminders --------------------------------------------------------------------

    def _start_reminder_worker(self) -> None:
        self.run_worker(self._start_reminders, thread=True, group="reminders",
                        exit_on_error=False)

    def _start_reminders(self) -> None:
        """Worker thread: use the running `coach remind run`, or host the scheduler here."""
        try:
            from coach.reminders import runner

            status = runner.status(self.store)
            if status.get("runner_pid"):
                state = {"running": True,
                         "text": _status_text(status, host="coach remind run", now=self.now())}
                self.call_from_thread(self.watch_runner)
            else:
                self.reminder_handle = runner.start_hosted(self.store, self._reminder_arrived)
                status = runner.status(self.store)
                state = {"running": True,
                         "text": _status_text(status, host="this app", now=self.now())}
        except Exception as error:  # reminders are a comfort; the app must open regardless
            state = {"running": False, "text": f"Reminders off: {_reason(error)}"}
        self.call_from_thread(self._set_reminder_state, state)

    def _set_reminder_state(self, state: dict) -> None:
        self.reminder_state = state
        refresh = getattr(self.screen, "show_reminders", None)
        if refresh:
            refresh()

    def _reminder_arrived(self, reminder) -> None:
        """From the scheduler thread: show the reminder inside the app too."""
        title = getattr(reminder, "title", None) or "coach"
        body = getattr(reminder, "body", None) or str(reminder)
        self.call_from_thread(self.show_reminder, title, body)

    def show_reminder(self, title: str, body: str) -> None:
        """A reminder with its own answers (done, snooze, skip); never over a session or a
        dialog: then a notification, answered later with the same keys or the CLI."""
        from coach.tui.dialogs.reminder import ReminderDialog, in_app_body

        if isinstance(self.screen, ModalScreen) or self._in_session():
            self.notify(in_app_body(body), title=title, timeout=30, markup=False)
            return
        try:
            from coach.reminders.runner import read_settings

            snooze_min = read_settings(self.store).snooze_min
        except CoachError:
            snooze_min = 10
        self.push_screen(ReminderDialog(title, body, snooze_min), callback=self._answer_reminder)

    def _answer_reminder(self, answer: str | None) -> None:
        if answer is None:
            return
        from coach.reminders import actions
        from coach.reminders.runner import read_settings

        now = self.now()
        try:
            if answer == "done":
                said = actions.done_last(self.store, now)
            elif answer == "skip":
                said = actions.skip_last(self.store, now)
            else:
                said = actions.snooze_last(self.store, now, read_settings(self.store).snooze_min)
        except CoachError as error:
            self.notify(str(error), title="Reminder", severity="warning", timeout=8)
            return
        self.notify(said, timeout=5)

    def watch_runner(self) -> None:
        """A separate `coach remind run` sends the reminders; show them here too (they may
        not pop up at all when the desktop has no notification service)."""
        self._shown_reminders = {_event_key(event) for event in self._recent_sent()}
        self.set_interval(RUNNER_WATCH_S, self.show_runner_reminders_soon)

    def show_runner_reminders_soon(self) -> None:
        self.run_worker(self.show_runner_reminders, thread=True, group="runner-watch",
                        exclusive=True, exit_on_error=False)

    def _recent_sent(self) -> list:
        now = self.now()
        return [event for event in self.store.events(since=now - RUNNER_WATCH_WINDOW)
                if event.kind == "sent"]

    def show_runner_reminders(self) -> None:
        """Worker thread: notify each reminder the runner sent that this app has not shown."""
        for event in self._recent_sent():
            key = _event_key(event)
            if key in self._shown_reminders:
                continue
            self._shown_reminders.add(key)
            self.call_from_thread(self.show_reminder, event.title or "coach",
                                  event.body or "Time for a short break.")

    def stop_reminders(self) -> None:
        handle, self.reminder_handle = self.reminder_handle, None
        if handle is not None:
            # Stopping must never block quitting.
            with contextlib.suppress(Exception):
                handle.stop()

    # ----- actions available everywhere -------------------------------------------------

    def action_help(self) -> None:
        from coach.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_quick_log(self) -> None:
        from coach.tui.dialogs.quick_log import QuickLogDialog

        if isinstance(self.screen, ModalScreen):
            return  # one question at a time
        profile_areas = list(self.profile().areas)
        others = [area for area in self.catalog.areas if area not in profile_areas]
        choices = [(area, self.area_label(area)) for area in profile_areas + others]
        self.push_screen(QuickLogDialog(choices), callback=self._ask_rating)

    def _ask_rating(self, area: str | None) -> None:
        from coach.tui.dialogs.rating import RatingDialog

        if area is None:
            return
        dialog = RatingDialog(
            f"{self.area_label(area)}: how much does it hurt right now?",
            "0 = no pain, 10 = worst imaginable",
        )
        self.push_screen(dialog, callback=partial(self._save_quick_rating, area))

    def _save_quick_rating(self, area: str, rating: int | None) -> None:
        from coach.store import Rating

        if rating is None:
            self.notify("Nothing logged.", timeout=3)
            return
        try:
            self.store.add_rating(Rating(area=area, rating=rating, phase="check-in", at=self.now()))
        except CoachError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return
        self.notify(f"Logged {self.area_label(area)}: {rating}/10.", timeout=4)
        self.refresh_data()

    def action_share_report(self) -> None:
        """Write the clinician report (last 8 weeks, HTML and PDF) and show where it is."""
        self.notify("Writing your report...", timeout=3)
        self.run_worker(self._share_report, thread=True, exclusive=True, group="share-report",
                        exit_on_error=False)

    def _share_report(self) -> None:
        """Worker thread: reading the history and drawing the PDF stay off the UI."""
        from coach.report import share_report

        try:
            paths = share_report(self.store, self.catalog, self.now(), self.tz)
        except (CoachError, OSError) as error:
            self.call_from_thread(self.notify, f"Could not write the report: {error}",
                                  title="Report", severity="error", timeout=10)
            return
        self.call_from_thread(self._report_shared, paths)

    def _report_shared(self, paths) -> None:
        html, pdf = paths
        self.shared_report = paths
        self.notify(f"Print it or send it to your clinician:\n{html}\n{pdf}",
                    title="Report written (last 8 weeks)", timeout=30)

    def refresh_data(self) -> None:
        """Ask the visible screen to reload what it shows from the store."""
        reload = getattr(self.screen, "reload", None)
        if reload:
            reload()

    def action_open(self, screen_name: str) -> None:
        """Open trends, settings, history, the library or home (bindings and the palette)."""
        from coach.tui.screens.history import HistoryScreen
        from coach.tui.screens.home import HomeScreen
        from coach.tui.screens.library import LibraryScreen
        from coach.tui.screens.settings import SettingsScreen
        from coach.tui.screens.trends import TrendsScreen

        screens = {"trends": TrendsScreen, "settings": SettingsScreen,
                   "library": LibraryScreen, "history": HistoryScreen}
        if screen_name == "home":
            while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
                self.pop_screen()
            return
        wanted = screens[screen_name]
        if isinstance(self.screen, wanted):
            return
        if isinstance(self.screen, ModalScreen) or self._in_session():
            self.notify("Finish or end the current step first.", timeout=3)
            return
        self.push_screen(wanted())

    def action_home_action(self, name: str) -> None:
        """Go home and run one of its actions (from the command palette)."""
        from coach.tui.screens.home import HomeScreen

        if isinstance(self.screen, ModalScreen) or self._in_session():
            self.notify("Finish or end the current session first.", timeout=3)
            return
        self.action_open("home")
        if isinstance(self.screen, HomeScreen):
            getattr(self.screen, f"action_{name}")()

    def _in_session(self) -> bool:
        return type(self.screen).__name__ == "PlayerScreen"

    def start_session(self, routine: Routine, resume=None) -> None:
        from coach.tui.screens.player import PlayerScreen

        if any(isinstance(screen, PlayerScreen) for screen in self.screen_stack):
            return  # a second start (a key queued behind the first) must not stack a session
        if not routine.steps:
            self.notify("Today's routine is empty: check your areas and tools in settings.",
                        severity="warning")
            return
        from coach.sounds import SoundPlayer
        from coach.voice import find_voice

        voice = self.voice_settings()
        speaker = find_voice(voice)
        player = PlayerScreen(routine, self.store, resume=resume, clock=self.clock,
                              wall_clock=self.now, bell=self.bell_on(), voice=speaker,
                              voice_on=voice.enabled,
                              voice_missing=voice.enabled and speaker is None,
                              countdown_cues=voice.countdown, sounds=SoundPlayer())
        self.push_screen(player, callback=self._session_over)

    def _session_over(self, session_id: str | None) -> None:
        """After a session: its summary (time, steps, pain before and after, what is next).
        Home reloads once, when it is shown again (HomeScreen.on_screen_resume)."""
        if session_id:
            from coach.tui.screens.summary import SummaryScreen

            self.push_screen(SummaryScreen(session_id))


def first_painted() -> None:
    """The garbage collector works again (CoachApp.run stops it until the first paint)."""
    gc.enable()


def _breakpoint(dimension: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class of the largest breakpoint the dimension reaches (as Textual picks it)."""
    for at, name in sorted(breakpoints, reverse=True):
        if dimension >= at:
            return name
    return None


def _event_key(event) -> tuple:
    return event.at, event.reminder, event.due


def _coach_commands():
    from coach.tui.commands import CoachCommands

    return CoachCommands


def _status_text(status: dict, host: str, now: datetime) -> str:
    upcoming = status.get("next") or []
    if status.get("paused_until"):
        when = _short_time(status["paused_until"], now)
        return f"Reminders: paused until {when} ({host})."
    if not upcoming:
        text = f"Reminders: on ({host}), nothing due today."
    else:
        first = upcoming[0]
        kind = "routine" if "routine" in str(first.get("kind", "")) else "break"
        text = f"Reminders: on ({host}) · next {kind} at {_short_time(first.get('at'), now)}."
    if not status.get("backend_ok", True):
        text += f" Desktop pop-ups off: {status.get('reason') or 'no notification service'}."
    return text


def _short_time(value, now: datetime) -> str:
    """The CLI's wording: "14:30 today", "09:00 tomorrow", "09:00 on Mon 02 Mar"."""
    from coach.reminders.actions import when_text

    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return when_text(when, now)


def _reason(error: Exception) -> str:
    if isinstance(error, ImportError):
        return "the reminder module is not available."
    return str(error) or type(error).__name__
