"""Today: the routine, total time, start or resume, streak, this week's pain, reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from coach.errors import CoachError
from coach.model import Routine, duration_text
from coach.sessions import find_resumable, resume_summary, routine_for_resume, streak_days
from coach.tui.fit import fit_words, plural
from coach.tui.widgets.key_bar import KeyBar
from coach.tui.widgets.routine_table import CELL_PADDING, RoutineTable
from coach.tui.widgets.title_bar import TitleBar

WIDE_ENOUGH_FOR_REASONS = 110  # columns; narrower terminals show the reason under the table
COLUMNS = (("n", "#"), ("muscle", "Muscle"), ("side", "Side"), ("tool", "Tool"),
           ("time", "Time"), ("why", "Why"))
TINY_ROWS = 20  # below this the status panels shrink so routine rows stay visible
WIDE_ENOUGH_FOR_SIDE_WORDS = 100  # narrower: "L + R" instead of "left + right"
PAIN_NAME_WIDE = 30  # area names in the pain panel on wide terminals: whole, not shortened
SAFETY_BUTTON = "Change my safety answers"


def muscle_rows(routine: Routine) -> list[dict]:
    """One row per muscle (both sides together), in the routine's order."""
    rows: dict[str, dict] = {}
    for step in routine.steps:
        row = rows.get(step.muscle)
        if row is None:
            why = step.reason
            prefix = f"{step.muscle_name.lower()}: "
            if why.lower().startswith(prefix):  # the table already names the muscle
                why = why[len(prefix):]
            rows[step.muscle] = {"muscle": step.muscle, "name": step.muscle_name,
                                 "sides": [], "tool": step.tool, "seconds": 0, "why": why}
            row = rows[step.muscle]
        if step.side not in row["sides"]:
            row["sides"].append(step.side)
        row["seconds"] += step.seconds
    return list(rows.values())


def sides_text(sides: list[str], short: bool) -> str:
    if not short:
        return " + ".join(sides)
    return " + ".join(side if side == "both" else side[0].upper() for side in sides)


def column_widths(width: int, *, muscle: int, tool: int, wide: bool,
                  wide_sides: bool = True) -> dict[str, int]:
    """Column widths that add up to at most `width`: the muscle and tool names give way
    (shortened by whole words) before the time is ever pushed off screen."""
    fixed = {"n": 2, "side": len("left + right") if wide_sides else len("L + R"), "time": 5}
    widths = {**fixed, "muscle": min(muscle, 26), "tool": min(tool, 24)}
    columns = len(widths) + (1 if wide else 0)
    free = width - 2 * CELL_PADDING * columns - sum(fixed.values())  # padding both sides
    if wide:
        widths["why"] = max(20, free - widths["muscle"] - widths["tool"])
        free -= widths["why"]
    # the tool gives way first (its first word says enough), then the muscle
    while widths["muscle"] + widths["tool"] > free and widths["tool"] > 10:
        widths["tool"] -= 1
    while widths["muscle"] + widths["tool"] > free and widths["muscle"] > 12:
        widths["muscle"] -= 1
    return widths


class HomeScreen(Screen):
    # The routine has the focus (Enter starts it), never the safety panel's button, which
    # is only shown, and focused, when there is no routine.
    AUTO_FOCUS = "#routine-table"
    BINDINGS = [
        Binding("s", "start_routine", "Start"),
        # Off the footer to keep it whole at 60 columns: the resume line says "Press r", and
        # help (?) and the palette list every key.
        Binding("m", "short_routine", "N min", show=False),
        Binding("r", "resume_session", "Resume", show=False),
        Binding("t", "app.open('trends')", "Trends"),
        # Off the footer to keep it whole at 80 columns; help (?) and the palette list both.
        Binding("b", "app.open('library')", "Library", show=False),
        Binding("h", "app.open('history')", "History"),
        Binding("comma", "app.open('settings')", "Settings", key_display=","),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.routine: Routine | None = None
        self.resumable = None  # today's interrupted SessionRecord, if any
        self.rows: list[dict] = []  # one per muscle, as the table shows them
        self._shown = False
        self._table_width: int | None = None  # the terminal width the table was fitted to
        # The classes its first resize would give it, given now: a change of classes styles
        # every widget on the screen again, once more before the first paint.
        self.add_class(*self.app.breakpoint_classes(), update=False)
        self.set_class(self.app.size.height < TINY_ROWS, "-tiny", update=False)

    def compose(self) -> ComposeResult:
        yield TitleBar("Today")
        # The safety panel and the resume line are mounted when a routine or an unfinished
        # session needs them (see _show_safety, _show_resume): most days show neither, and
        # each widget home mounts is styled and laid out before the first paint.
        with Vertical(id="home-body"):
            with Vertical(id="routine-panel", classes="panel"):
                yield RoutineTable(id="routine-table")
                yield Static(id="step-why")
            with Horizontal(id="status-row"):
                yield Static("Loading...", id="pain-panel", classes="panel")
                yield Static("Loading...", id="streak-panel", classes="panel")
            yield Static(id="reminder-line")
        yield KeyBar()  # ctrl+p still opens the palette (help, ?, says so)

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < TINY_ROWS, "-tiny")
        self.query_one("#pain-panel").border_title = "Resting pain this week"
        self.query_one("#streak-panel").border_title = "Streak"
        # First in the queue after the first paint: the progress worker that reload() queues
        # is work for after the paint, and starting its thread would delay this marker.
        self.call_after_refresh(self.app.home_painted)
        self.reload()
        self.call_after_refresh(self.ask_soreness)

    def ask_soreness(self) -> None:
        """The day after a session, the first open asks once per area worked whether it is
        still sore; every answer (and a skip, as "none") is stored, so it asks only once."""
        from coach.response import soreness_due

        app = self.app
        if app.demo:  # the demo's made-up history: nothing to ask a person about
            return
        day = app.today()
        since = datetime.combine(day - timedelta(days=2), time.min, tzinfo=app.tz)
        try:
            answered = [event for event in app.store.events(since=since)
                        if event.kind == "soreness"]
            due = soreness_due(day, app.store.sessions(since=since), answered)
        except CoachError:
            return
        if due is None:
            return
        session, areas = due
        from coach.tui.dialogs.soreness import SorenessDialog

        def ask(remaining: list[str]) -> None:
            if not remaining:
                self.reload()
                return
            area = remaining[0]

            def answered_with(level: str | None) -> None:
                try:
                    app.store.add_event("soreness", app.now(), area=area,
                                        level=level or "none", session_id=session.id)
                except CoachError as error:
                    self.notify(str(error), severity="error")
                    return
                ask(remaining[1:])

            app.push_screen(SorenessDialog(app.area_label(area)), answered_with)

        ask(list(areas))

    def on_resize(self) -> None:
        self.set_class(self.app.size.height < TINY_ROWS, "-tiny")
        # The columns are fitted to the width: refit when it changed (the first layout
        # resizes too, at the width the table was just filled for).
        if self.routine is not None and self._table_width != self.app.size.width:
            self._show_routine(self.routine)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back from a session, settings or trends: something may have changed. Checked after
        what the app has queued: a finished session's summary is pushed from there, and home
        reloads once, when the summary closes, not under it too."""
        if self._shown:
            self.app.call_next(self._reload_if_shown)
        else:
            # Shown for the first time: every widget was styled as it was mounted, just
            # now, so Textual's restyle of the whole screen (which runs after this handler)
            # would only repeat that before the first paint.
            event.refresh_styles = False
        self._shown = True

    def _reload_if_shown(self) -> None:
        if self.app.screen is self:
            self.reload()

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        app = self.app
        day = app.today()
        try:
            self.routine = app.build_today(app.minutes_today)
        except CoachError as error:
            self.routine = Routine(day=day, minutes=0, steps=(), notes=(str(error),))
        self._show_routine(self.routine)
        self._show_safety(self.routine)
        start_of_day = datetime.combine(day, time.min, tzinfo=app.tz)
        sessions_today = app.store.sessions(since=start_of_day)
        could_resume = self.resumable is not None
        self.resumable = find_resumable(sessions_today)
        self._show_resume()
        self._show_progress(day)
        self.show_reminders()
        if (self.resumable is not None) != could_resume:  # check_action's answer changed
            self.refresh_bindings()

    def _show_routine(self, routine: Routine) -> None:
        app = self.app
        self.rows = muscle_rows(routine)
        tools = {}
        for row in self.rows:
            tool = app.catalog.tools.get(row["tool"])
            tools[row["tool"]] = tool.label if tool else row["tool"]
        self._table_width = app.size.width
        short_sides = app.size.width < WIDE_ENOUGH_FOR_SIDE_WORDS
        widths = column_widths(
            app.size.width - 6,  # borders, padding and the scrollbar
            muscle=max((len(row["name"]) for row in self.rows), default=6),
            tool=max((len(label) for label in tools.values()), default=4),
            wide=app.size.width >= WIDE_ENOUGH_FOR_REASONS, wide_sides=not short_sides)
        cells = []
        for number, row in enumerate(self.rows, start=1):
            cells.append([str(number), fit_words(row["name"], widths["muscle"]),
                          sides_text(row["sides"], short_sides),
                          fit_words(tools[row["tool"]], widths["tool"]),
                          duration_text(row["seconds"])])
            if "why" in widths:
                cells[-1].append(fit_words(row["why"], widths["why"]))
        self.query_one(RoutineTable).set_rows(
            [(label, widths[key]) for key, label in COLUMNS if key in widths], cells)
        panel = self.query_one("#routine-panel")
        panel.border_title = (
            f"Today, {routine.day:%a %d %b} · {len(routine.steps)} steps · "
            f"{_minutes(routine.total_s)}"
        )
        if app.minutes_today:
            panel.border_subtitle = (f"you asked for {app.minutes_today} min; today's steps "
                                     f"take {_minutes(routine.total_s)} · m to change")
        else:
            panel.border_subtitle = "s or Enter to start"
        if not routine.steps:
            notes = " ".join(routine.notes) or "Nothing fits your areas and tools today."
            self.query_one("#step-why", Static).update(notes + " Change them in settings (,).")
        else:
            self._show_why(0)

    def _show_safety(self, routine: Routine) -> None:
        """Why the routine is lighter, stretch-only, leaves an area out, or is not given:
        the see-a-clinician sentence first, then one line per reason."""
        panels = self.query("#safety-panel")
        if routine.safety_level == "ok" and not routine.safety_reasons:
            panels.add_class("-hidden")
            return
        lines = list(dict.fromkeys(routine.safety_reasons))
        if routine.safety_level != "see-clinician":
            lines.insert(0 if not routine.notes or routine.notes[0] not in lines else 1,
                         f"Today's routine is {routine.safety_level}.")
        text = "\n".join(lines)
        clinician = routine.safety_level == "see-clinician"
        urgent = routine.safety_level in ("see-clinician", "stretch-only")
        button = None
        if not panels:
            # Made on first need, with its button only when it is needed: most days show
            # neither, and a Button's stylesheet is among the largest a screen loads.
            children = [Static(text, id="safety-line")]
            if clinician:
                button = Button(SAFETY_BUTTON, id="safety-settings")
                children.append(button)
            panel = Vertical(*children, id="safety-panel", classes="urgent" if urgent else "")
            self.query_one("#home-body").mount(panel, before=0)  # first: it says why
        else:
            panel = panels.first(Vertical)
            panel.query_one("#safety-line", Static).update(text)
            panel.remove_class("-hidden")
            panel.set_class(urgent, "urgent")
            buttons = panel.query("#safety-settings")
            buttons.set(display=clinician)
            if clinician and buttons:
                button = buttons.first(Button)
            elif clinician:
                button = Button(SAFETY_BUTTON, id="safety-settings")
                panel.mount(button)
        if button is not None:
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "safety-settings":
            self.app.action_open("settings")

    def _show_why(self, index: int) -> None:
        if self.routine is None or not self.routine.steps or not self.rows:
            return
        row = self.rows[min(index, len(self.rows) - 1)]
        text = f"Why {row['name'].lower()}: {row['why']}"
        if self.routine.notes and index == 0:
            text += "\n" + " ".join(self.routine.notes)
        self.query_one("#step-why", Static).update(text)

    def _show_resume(self) -> None:
        lines = self.query("#resume-line")
        record = self.resumable
        if record is None:
            lines.add_class("-hidden")
            return
        counts = resume_summary(record)
        started = record.started_at.astimezone(self.app.tz)
        skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
        text = (f"Unfinished session from {started:%H:%M}: {counts['done']} of "
                f"{counts['total']} steps done{skipped}. Press r to go on at step "
                f"{counts['next']}.")
        if lines:
            line = lines.first(Static)
            line.update(text)
            line.remove_class("-hidden")
        else:  # under the safety panel, above the routine
            self.query_one("#home-body").mount(Static(text, id="resume-line"),
                                               before="#routine-panel")

    def _show_progress(self, day: date) -> None:
        """This week's pain and the streak load in a worker after the first paint: with years
        of history they take a moment, and the routine is what the person came for."""
        self.call_after_refresh(self.run_worker, partial(self._load_progress, day), thread=True,
                                exclusive=True, group="home-progress", exit_on_error=False)

    def _load_progress(self, day: date) -> None:
        app = self.app
        tz = app.tz
        try:
            from coach.trends import report_for

            report = report_for(app.store, 1, day, tz)
            year_ago = datetime.combine(day - timedelta(days=372), time.min, tzinfo=tz)
            streak = streak_days(app.store.sessions(since=year_ago), day, tz)
        except CoachError as error:
            app.call_from_thread(self.query_one("#pain-panel", Static).update, str(error))
            return
        app.call_from_thread(self._show_progress_result, report, streak)

    def _show_progress_result(self, report, days: int) -> None:
        app = self.app
        this_week = report.this_week
        self.query_one("#pain-panel", Static).update(
            pain_lines(this_week.areas, app.profile().areas, app.area_label,
                       width=PAIN_NAME_WIDE if app.size.width >= 120 else 20))
        self.query_one("#streak-panel", Static).update(
            f"{plural(days, 'day')} in a row\n"
            f"This week: {plural(this_week.sessions, 'session')}, {round(this_week.minutes)} min"
        )

    def show_reminders(self) -> None:
        # plain Text: the line may quote a reminder or an error, which is data, not markup
        self.query_one("#reminder-line", Static).update(Text(self.app.reminder_state["text"]))

    # ----- actions ----------------------------------------------------------------------

    def on_routine_table_row_highlighted(self, event: RoutineTable.RowHighlighted) -> None:
        self._show_why(event.cursor_row)

    def on_routine_table_row_selected(self, _event: RoutineTable.RowSelected) -> None:
        if self.is_current:  # not when the message arrives after a session has started
            self.action_start_routine()

    def action_start_routine(self) -> None:
        if self.routine is not None:
            self.app.start_session(self.routine)

    def action_short_routine(self) -> None:
        from coach.tui.dialogs.minutes import MinutesDialog

        current = self.app.minutes_today or self.app.profile().minutes
        self.app.push_screen(MinutesDialog(current), callback=self._use_minutes)

    def _use_minutes(self, minutes: int | None) -> None:
        if minutes is None:
            return
        profile_minutes = self.app.profile().minutes
        self.app.minutes_today = None if minutes == profile_minutes else minutes
        self.reload()

    def action_resume_session(self) -> None:
        record = self.resumable
        if record is None:
            self.notify("No unfinished session today.", timeout=3)
            return
        minutes = max(1, round(record.planned_s / 60))
        day = self.app.today()
        # The routine may be shorter than its budget (gentle doses), so the planned time
        # alone does not say which budget built it: try the day's own budget too.
        candidates = [
            self.app.build_today(minutes=minutes),
            self.app.build_today(minutes=minutes, history_until=day - timedelta(days=1)),
            self.app.build_today(self.app.minutes_today),
            self.app.build_today(self.app.minutes_today, history_until=day - timedelta(days=1)),
        ]
        routine = routine_for_resume(record, candidates)
        if routine is None:
            self.notify("Today's routine changed since that session (library or profile): "
                        "starting today's new plan from step 1 instead.", timeout=8)
            self.app.start_session(candidates[0])
            return
        counts = resume_summary(record)
        started = record.started_at.astimezone(self.app.tz)
        self.notify(f"Same plan as at {started:%H:%M}: going on at step {counts['next']} of "
                    f"{counts['total']}.", timeout=6)
        self.app.start_session(routine, resume=record)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "resume_session":
            return self.resumable is not None
        return True


def pain_lines(areas: dict, profile_areas, label, width: int = 20) -> str:
    """One line per area: this week's resting mean and the flag in words (no colour needed).
    Names longer than `width` are shortened by whole words."""
    from coach.trends import FLAG_WORDS  # here: the trends module is not needed to paint

    shown = list(profile_areas) + [area for area in areas if area not in profile_areas]
    lines = []
    for area in shown:
        name = f"{fit_words(label(area), width):<{width}}"
        stats = areas.get(area)
        if stats is None or not stats.n:
            lines.append(f"{name}    -  not rated yet")
            continue
        lines.append(f"{name} {stats.mean:>4.1f}  {FLAG_WORDS.get(stats.flag, stats.flag)}")
    return "\n".join(lines) if lines else "No areas chosen yet."


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
