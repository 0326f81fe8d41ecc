"""First run: safety screening, then areas, habits, tools, minutes, desk-only, reminder times.

One short page at a time. Sensible answers are preselected, so pressing Enter on every page
gives a working routine in well under 30 seconds. Esc goes back a page.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, Static
from textual.widgets.selection_list import Selection

from coach import safety
from coach.errors import CoachError
from coach.model import DEFAULT_AREAS, DEFAULT_HABITS, DEFAULT_MINUTES, DEFAULT_TOOLS, Profile
from coach.tui.dialogs.minutes import parse_minutes
from coach.tui.screens.settings import DEFAULT_ROUTINE_TIMES, save_routine_times
from coach.tui.widgets.tick_list import TickList
from coach.tui.widgets.title_bar import TitleBar


class ChoiceList(TickList):
    """A tick list where Space toggles and Enter moves on (it does not toggle)."""

    BINDINGS = [Binding("enter", "submit", "Continue", show=False)]

    def action_submit(self) -> None:
        self.screen.next_page()


class OnboardingScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[safety.Question] = []
        self.yes_to: list[str] = []
        self.pages: list[str] = []
        self.index = 0
        self.desk_only = False
        self.speak = True  # the voice page's answer

    def compose(self) -> ComposeResult:
        catalog = self.app.catalog
        self.questions = safety.screening_questions(catalog)
        yield TitleBar("Welcome")
        yield Static(id="onboarding-progress")
        with ContentSwitcher():
            for number, question in enumerate(self.questions):
                with Vertical(id=f"q-{number}", classes="page"):
                    yield Static(f"Before we start: safety check {number + 1} of "
                                 f"{len(self.questions)}", classes="hint")
                    yield Static(question.text, classes="question")
                    yield Static("", classes="answer -hidden")
                    with Horizontal(classes="buttons"):
                        yield Button("No", id=f"no-{number}", variant="primary")
                        yield Button("Yes", id=f"yes-{number}")
                        yield Button("Continue", id=f"continue-{number}", classes="-hidden",
                                     variant="primary")
            yield self._choice_page("areas", "Where do knots bother you?", catalog.areas,
                                    DEFAULT_AREAS)
            yield self._choice_page("habits", "How do you spend your day?", catalog.habits,
                                    DEFAULT_HABITS)
            yield self._choice_page("tools", "What do you have at hand?", catalog.tools,
                                    DEFAULT_TOOLS)
            with Vertical(id="minutes", classes="page"):
                yield Static("How many minutes a day?", classes="question")
                yield Input(str(DEFAULT_MINUTES), id="minutes-input", type="integer")
                yield Static("", id="minutes-error", classes="error")
                yield Static("3 to 60. Two short sessions beat one long one. Enter continues.",
                             classes="hint")
            with Vertical(id="desk", classes="page"):
                yield Static("Only exercises you can do seated at your desk?", classes="question")
                yield Static("Choose Yes if you cannot lie down or use a wall at work.",
                             classes="hint")
                with Horizontal(classes="buttons"):
                    yield Button("No, anything", id="desk-no", variant="primary")
                    yield Button("Yes, desk only", id="desk-yes")
            with Vertical(id="voice", classes="page"):
                yield from self._voice_page()
            with Vertical(id="reminders", classes="page"):
                yield Static("When should coach remind you of your daily routine?",
                             classes="question")
                yield Input(", ".join(DEFAULT_ROUTINE_TIMES), id="times-input")
                yield Static("", id="times-error", classes="error")
                yield Static("24-hour times, comma-separated (e.g. 10:00, 15:30); leave empty "
                             "for none. Break reminders come every 30 minutes in working hours; "
                             "change that in settings. Enter finishes.", classes="hint")
        yield Footer()

    def _voice_page(self):
        """Asked once: speak the steps during a session? Yes first when a service is found."""
        from coach.voice import INSTALL_HINT, service_found

        found = service_found()
        self.speak = found
        yield Static("Speak each step aloud during a session?", classes="question")
        yield Static("So you can follow with your eyes closed; v turns it off or on in a "
                     "session." if found else
                     f"No speech service found; to hear the steps, run '{INSTALL_HINT}'.",
                     classes="hint")
        with Horizontal(classes="buttons"):
            yield Button("Yes, speak", id="voice-yes", variant="primary" if found else "default")
            yield Button("No, stay quiet", id="voice-no",
                         variant="default" if found else "primary")

    def _choice_page(self, page_id: str, question: str, entries: dict, defaults) -> Vertical:
        selections = [
            Selection(entry.label, entry_id, entry_id in defaults)
            for entry_id, entry in entries.items()
        ]
        return Vertical(
            Static(question, classes="question"),
            ChoiceList(*selections, id=f"{page_id}-list"),
            Static("", id=f"{page_id}-error", classes="error"),
            Static("Space ticks or unticks · Enter continues · Esc goes back", classes="hint"),
            id=page_id,
            classes="page",
        )

    def on_mount(self) -> None:
        self.pages = [f"q-{number}" for number in range(len(self.questions))]
        self.pages += ["areas", "habits", "tools", "minutes", "desk", "voice", "reminders"]
        self.show_page(0)

    # ----- paging -----------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        page_id = self.pages[self.index]
        self.query_one(ContentSwitcher).current = page_id
        self.query_one("#onboarding-progress", Static).update(
            f"Setting up · page {self.index + 1} of {len(self.pages)} · Esc goes back"
        )
        page = self.query_one(f"#{page_id}")
        if page_id.startswith("q-"):
            continue_button = page.query_one(f"#continue-{page_id[2:]}", Button)
            if continue_button.display and "-hidden" not in continue_button.classes:
                continue_button.focus()
            else:
                page.query_one(f"#no-{page_id[2:]}", Button).focus()
        elif page_id == "desk":
            page.query_one("#desk-no", Button).focus()
        elif page_id == "voice":
            page.query_one("#voice-yes" if self.speak else "#voice-no", Button).focus()
        else:
            page.query(f"#{page_id}-list, Input").first().focus()

    def next_page(self) -> None:
        page_id = self.pages[self.index]
        if page_id in ("areas", "habits", "tools") and not self._page_ok(page_id):
            return
        if self.index == len(self.pages) - 1:
            self.finish()
        else:
            self.show_page(self.index + 1)

    def action_back(self) -> None:
        if self.index > 0:
            self.show_page(self.index - 1)

    def _page_ok(self, page_id: str) -> bool:
        chosen = self.query_one(f"#{page_id}-list", ChoiceList).selected
        error = self.query_one(f"#{page_id}-error", Static)
        if page_id in ("areas", "tools") and not chosen:
            what = "one area" if page_id == "areas" else "one tool (hands count)"
            error.update(f"Tick at least {what} with Space.")
            return False
        error.update("")
        return True

    # ----- answers ----------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        kind, _, number = button_id.partition("-")
        if kind == "no":
            question = self.questions[int(number)]
            if question.caution in self.yes_to:
                self.yes_to.remove(question.caution)
            self.next_page()
        elif kind == "yes":
            self._answered_yes(int(number))
        elif kind == "continue":
            self.next_page()
        elif kind == "desk":
            self.desk_only = button_id == "desk-yes"
            self.next_page()
        elif kind == "voice":
            self.speak = button_id == "voice-yes"
            self.next_page()

    def _answered_yes(self, number: int) -> None:
        question = self.questions[number]
        if question.caution not in self.yes_to:
            self.yes_to.append(question.caution)
        page = self.query_one(f"#q-{number}")
        answer = page.query_one(".answer", Static)
        answer.update(safety.answer_text(question))
        answer.remove_class("-hidden")
        answer.set_class(question.urgent, "urgent")
        page.query_one(f"#no-{number}").add_class("-hidden")
        page.query_one(f"#yes-{number}").add_class("-hidden")
        continue_button = page.query_one(f"#continue-{number}", Button)
        continue_button.label = "I understand, continue" if question.urgent else "Continue"
        continue_button.remove_class("-hidden")
        continue_button.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "minutes-input":
            try:
                parse_minutes(event.value)
            except ValueError as error:
                self.query_one("#minutes-error", Static).update(str(error))
                return
            self.query_one("#minutes-error", Static).update("")
        self.next_page()

    def finish(self) -> None:
        minutes_text = self.query_one("#minutes-input", Input).value
        times_text = self.query_one("#times-input", Input).value
        try:
            minutes = parse_minutes(minutes_text)
        except ValueError as error:
            self.query_one("#minutes-error", Static).update(str(error))
            self.show_page(self.pages.index("minutes"))
            return
        profile = Profile(
            areas=tuple(self.query_one("#areas-list", ChoiceList).selected),
            habits=tuple(self.query_one("#habits-list", ChoiceList).selected),
            tools=tuple(self.query_one("#tools-list", ChoiceList).selected),
            minutes=minutes,
            desk_only=self.desk_only,
            cautions=safety.cautions_with((), self.yes_to),
        )
        store = self.app.store
        try:
            store.update_settings(lambda settings: {
                **settings, "app": {**settings.get("app", {}), "voice": self.speak}})
            reminder_note = save_routine_times(store, times_text)
        except CoachError as error:
            self.query_one("#times-error", Static).update(str(error))
            return
        try:
            store.save_profile(profile)
        except CoachError as error:
            self.query_one("#times-error", Static).update(f"Not saved: {error}")
            return
        if reminder_note:
            self.notify(reminder_note, timeout=6)
        urgent = safety.clinician_first(self.questions, self.yes_to)
        if urgent:
            self.notify("\n".join(urgent), title="See a clinician first", severity="warning",
                        timeout=15)
        from coach.tui.screens.home import HomeScreen

        self.app.switch_screen(HomeScreen())
