"""Today: the routine, total time, start or resume, streak, this week's pain, reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from coach.errors import CoachError
from coach.model import Routine, duration_text
from coach.sessions import find_resumable, routine_for_resume, streak_days
from coach.tui.widgets.title_bar import TitleBar

WIDE_ENOUGH_FOR_REASONS = 110  # columns; narrower terminals show the reason under the table


class HomeScreen(Screen):
    BINDINGS = [
        Binding("s", "start_routine", "Start"),
        Binding("m", "short_routine", "Only N min"),
        Binding("r", "resume_session", "Resume"),
        Binding("t", "app.open('trends')", "Trends"),
        Binding("comma", "app.open('settings')", "Settings", key_display=","),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.routine: Routine | None = None
        self.resumable = None  # today's interrupted SessionRecord, if any
        self._shown = False

    def compose(self) -> ComposeResult:
        yield TitleBar("Today")
        with Vertical(id="home-body"):
            yield Static(id="resume-line", classes="-hidden")
            with Vertical(id="routine-panel", classes="panel"):
                yield DataTable(id="routine-table", cursor_type="row")
                yield Static(id="step-why")
            with Horizontal(id="status-row"):
                yield Static("Loading...", id="pain-panel", classes="panel")
                yield Static("Loading...", id="streak-panel", classes="panel")
            yield Static(id="reminder-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pain-panel").border_title = "Resting pain this week"
        self.query_one("#streak-panel").border_title = "Streak"
        self.reload()
        self.show_reminders()
        self.call_after_refresh(self.app.home_painted)

    def on_screen_resume(self) -> None:
        if self._shown:  # back from a session, settings or trends: something may have changed
            self.reload()
        self._shown = True

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        app = self.app
        day = app.today()
        try:
            self.routine = app.build_today(app.minutes_today)
        except CoachError as error:
            self.routine = Routine(day=day, minutes=0, steps=(), notes=(str(error),))
        self._show_routine(self.routine)
        start_of_day = datetime.combine(day, time.min, tzinfo=app.tz)
        sessions_today = app.store.sessions(since=start_of_day)
        self.resumable = find_resumable(sessions_today)
        self._show_resume()
        self._show_progress(day)
        self.refresh_bindings()

    def _show_routine(self, routine: Routine) -> None:
        app = self.app
        table = self.query_one(DataTable)
        table.clear()
        if not table.columns:
            table.add_column("#", key="n")
            table.add_column("Muscle", key="muscle")
            table.add_column("Side", key="side")
            table.add_column("Tool", key="tool")
            table.add_column("Time", key="time")
            if self.app.size.width >= WIDE_ENOUGH_FOR_REASONS:
                table.add_column("Why", key="why")
        wide = "why" in table.columns
        for number, step in enumerate(routine.steps, start=1):
            tool = app.catalog.tools.get(step.tool)
            row = [str(number), step.muscle_name, step.side, tool.label if tool else step.tool,
                   duration_text(step.seconds)]
            if wide:
                row.append(step.reason)
            table.add_row(*row, key=str(number))
        panel = self.query_one("#routine-panel")
        panel.border_title = (
            f"Today, {routine.day:%a %d %b} · {len(routine.steps)} steps · "
            f"{_minutes(routine.total_s)}"
        )
        if app.minutes_today:
            panel.border_subtitle = f"shortened to {app.minutes_today} min · m to change"
        else:
            panel.border_subtitle = "s or Enter to start"
        if not routine.steps:
            notes = " ".join(routine.notes) or "Nothing fits your areas and tools today."
            self.query_one("#step-why", Static).update(notes + " Change them in settings (,).")
        else:
            self._show_why(0)

    def _show_why(self, index: int) -> None:
        if self.routine is None or not self.routine.steps:
            return
        step = self.routine.steps[min(index, len(self.routine.steps) - 1)]
        text = f"Why: {step.reason}"
        if self.routine.notes and index == 0:
            text += "\n" + " ".join(self.routine.notes)
        self.query_one("#step-why", Static).update(text)

    def _show_resume(self) -> None:
        line = self.query_one("#resume-line", Static)
        record = self.resumable
        if record is None:
            line.add_class("-hidden")
            return
        done = sum(1 for step in record.steps if step.get("completed"))
        started = record.started_at.astimezone(self.app.tz)
        line.update(
            f"Unfinished session from {started:%H:%M}: {done} of {len(record.steps)} steps done."
            " Press r to resume."
        )
        line.remove_class("-hidden")

    def _show_progress(self, day: date) -> None:
        """This week's pain and the streak load in a worker after the first paint: with years
        of history they take a moment, and the routine is what the person came for."""
        self.call_after_refresh(self.run_worker, partial(self._load_progress, day), thread=True,
                                exclusive=True, group="home-progress", exit_on_error=False)

    def _load_progress(self, day: date) -> None:
        app = self.app
        tz = app.tz
        week_start = day - timedelta(days=day.weekday() + 7)  # Monday of last week
        since = datetime.combine(week_start, time.min, tzinfo=tz)
        try:
            from coach.trends import weekly_report

            ratings = app.store.ratings(since=since)
            sessions = app.store.sessions(since=since)
            events = app.store.events(since=since)
            report = weekly_report(ratings, sessions, events, weeks=2, until=day, tz=tz)
            streak = streak_days(app.store.sessions(since=since - timedelta(days=365)), day, tz)
        except CoachError as error:
            app.call_from_thread(self.query_one("#pain-panel", Static).update, str(error))
            return
        app.call_from_thread(self._show_progress_result, report, streak)

    def _show_progress_result(self, report: dict, days: int) -> None:
        app = self.app
        this_week = report["weeks"][-1] if report.get("weeks") else {}
        self.query_one("#pain-panel", Static).update(
            pain_lines(this_week.get("areas", {}), app.profile().areas, app.area_label))
        minutes = this_week.get("minutes", 0) or 0
        self.query_one("#streak-panel", Static).update(
            f"{days} day{'s' if days != 1 else ''} in a row\n"
            f"This week: {this_week.get('sessions', 0)} sessions, {round(minutes)} min"
        )

    def show_reminders(self) -> None:
        self.query_one("#reminder-line", Static).update(self.app.reminder_state["text"])

    # ----- actions ----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_why(event.cursor_row)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
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
        candidates = [
            self.app.build_today(minutes=minutes),
            self.app.build_today(minutes=minutes, history_until=day - timedelta(days=1)),
        ]
        routine = routine_for_resume(record, candidates)
        if routine is None:
            self.notify("Today's routine changed since that session (library or profile): "
                        "starting today's routine fresh instead.", timeout=8)
            self.app.start_session(candidates[0])
            return
        self.app.start_session(routine, resume=record)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "resume_session":
            return self.resumable is not None
        return True


def pain_lines(areas: dict, profile_areas, label) -> str:
    """One line per area: this week's resting mean and the flag in words (no colour needed)."""
    shown = list(profile_areas) + [area for area in areas if area not in profile_areas]
    lines = []
    for area in shown:
        name = _fit(label(area), 20)
        stats = areas.get(area)
        if not stats or not stats.get("n"):
            lines.append(f"{name:<20}    -  not rated yet")
            continue
        flag = stats.get("flag") or ""
        words = {"improving": "↓ improving", "worsening": "↑ worsening",
                 "stable": "= stable", "too few": "· too few to compare"}.get(flag, flag)
        lines.append(f"{name:<20} {stats['mean']:>4.1f}  {words}")
    return "\n".join(lines) if lines else "No areas chosen yet."


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
