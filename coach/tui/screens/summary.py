"""After a session: time done, steps done and skipped, pain before and after, what is next.

The numbers come from coach.sessions.session_summary; this screen only lays them out.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coach.model import duration_text
from coach.sessions import COUNTS_AS_DONE_S, resume_summary, session_summary
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.title_bar import TitleBar

# DOMAIN.md, post-session soreness (seed document 004), in our words.
SORENESS_NOTE = ("Some soreness, like after exercise, is normal and usually gone within "
                 "24-48 hours. If it lasts longer, the pressure was too much: go lighter "
                 "next time.")


def summary_text(summary: dict, next_text: str) -> str:
    """The summary as plain lines (no colour needed to read it)."""
    ended = "Session done" if summary["status"] == "finished" else "Session ended early"
    lines = [
        f"{ended}: {duration_text(summary['done_s'])} of "
        f"{duration_text(summary['planned_s'])} done.",
        f"Steps: {summary['steps_done']} of {summary['steps']} done"
        + (f", {summary['steps_skipped']} skipped" if summary["steps_skipped"] else "")
        + (f", {summary['steps_left']} not reached" if summary["steps_left"] else "")
        + ".",
    ]
    if not summary["counts"]:
        lines.append(f"It is kept in your history, but under {COUNTS_AS_DONE_S // 60} minutes "
                     "done does not count as today's session.")
    lines.append("")
    lines.append("Pain (0-10)            before  after")
    for area in summary["areas"]:
        before = "-" if area["before"] is None else str(area["before"])
        after = "-" if area["after"] is None else str(area["after"])
        name = area["label"] if len(area["label"]) <= 22 else area["label"][:21] + "…"
        lines.append(f"{name:<22} {before:>6}  {after:>5}")
    lines += ["", SORENESS_NOTE, "", f"Next: {next_text}"]
    return "\n".join(lines)


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "close", "Home"),
        Binding("escape", "close", "Home", show=False),
        Binding("h", "history", "History"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield TitleBar("Session summary")
        with VerticalScroll(id="summary-body", classes="panel"):
            yield Static("", id="summary-text", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.app
        recent = app.store.sessions(since=app.now() - timedelta(days=2))
        record = next((item for item in recent if item.id == self.session_id), None)
        if record is None:
            self.query_one("#summary-text", Static).update("That session was not found.")
            return
        ratings = app.store.ratings(since=record.started_at)
        summary = session_summary(record, ratings, app.area_label)
        if summary["steps_left"]:
            next_text = (f"the rest can wait for later today: r on the home screen goes on "
                         f"at step {resume_summary(record)['next']}.")
        else:
            next_text = "your next routine tomorrow."
        reminders = app.reminder_state.get("text") or ""
        self.query_one("#summary-text", Static).update(
            summary_text(summary, next_text) + (f"\n{reminders}" if reminders else ""))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_history(self) -> None:
        self.dismiss(None)
        self.app.call_later(self.app.action_open, "history")
