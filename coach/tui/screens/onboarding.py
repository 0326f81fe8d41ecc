"""First run: the safety checklist, then areas, habits, tools, minutes, desk-only, reminders.

One short page at a time. Sensible answers are preselected ("None of these" on the safety
checklist), so pressing Enter on every page gives a working routine in well under 30
seconds. A ticked safety item opens its explanation in place; an injury, surgery, implant
or wound asks where, and those areas are left out. Esc goes back a page; q or Esc on the
first page leaves.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Static
from textual.widgets.selection_list import Selection

from coach import safety
from coach.builder import ALWAYS_OWNED
from coach.errors import CoachError
from coach.model import (
    DEFAULT_AREAS,
    DEFAULT_HABITS,
    DEFAULT_MINUTES,
    DEFAULT_TOOLS,
    Profile,
    parse_minutes,
)
from coach.reminders.settings import ReminderSettings, Settings, field_text, with_fields
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.tick_list import TickList
from coach.tui.widgets.title_bar import TitleBar

NONE_OF_THESE = "none"


class OnboardingScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back / leave"),
        Binding("q", "leave", "Leave"),
        # Enter moves on from every page, decided here at once: a focused button would take
        # a quick second Enter as part of its own press animation and drop it.
        Binding("enter", "next_page", "Continue", show=False, priority=True),
        # Between a page's two answers (No / Yes), as a person expects.
        Binding("left", "move_answer(-1)", show=False),
        Binding("right", "move_answer(1)", show=False),
    ]

    def __init__(self, existing: Profile | None = None) -> None:
        """existing: a profile made without the safety questions (`coach profile set`);
        its answers are preselected and only the safety answers are new."""
        super().__init__()
        self.existing = existing
        self.questions: list[safety.Question] = []
        self.pages: list[str] = []
        self.index = 0
        self.desk_only = False
        self.speak = True  # the voice page's answer

    @property
    def yes_to(self) -> list[str]:
        """The cautions ticked on the safety page (in the catalog's order)."""
        chosen = set(self.query_one("#safety-list", TickList).selected)
        return [question.caution for question in self.questions if question.caution in chosen]

    def compose(self) -> ComposeResult:
        catalog = self.app.catalog
        self.questions = safety.screening_questions(catalog)
        yield TitleBar("Welcome")
        yield Static(id="onboarding-progress")
        with ContentSwitcher():
            with Vertical(id="safety", classes="page"):
                yield Static("Before we start: does any of these apply to you now?",
                             classes="question")
                yield TickList(
                    Selection("None of these", NONE_OF_THESE, True),
                    *(Selection(question.text, question.caution, False)
                      for question in self.questions),
                    id="safety-list")
                # The list cuts long questions to one line: the highlighted one is read whole here.
                yield Static("", id="safety-full")
                yield Static("", id="safety-answer", classes="answer -hidden")
                yield Static("Space ticks · Enter continues · q or Esc leaves", classes="hint")
            with Vertical(id="where", classes="page"):
                yield Static("Where is the injury, surgery, implant or wound? coach leaves "
                             "those areas out.", classes="question")
                yield TickList(*(Selection(area.label, area_id, False)
                                   for area_id, area in catalog.areas.items()),
                                 id="where-list")
                yield Static("", id="where-error", classes="error")
                yield Static("Space ticks · Enter continues · Esc goes back", classes="hint")
            current = self.existing or Profile(DEFAULT_AREAS, DEFAULT_HABITS, DEFAULT_TOOLS,
                                               DEFAULT_MINUTES)
            yield self._choice_page("areas", "Where do knots bother you?", catalog.areas,
                                    current.areas)
            yield self._choice_page("habits", "How do you spend your day?", catalog.habits,
                                    current.habits)
            yield self._choice_page(
                "tools", "What do you have at hand? (Your hands are always used.)",
                {tool_id: tool for tool_id, tool in catalog.tools.items()
                 if tool_id not in ALWAYS_OWNED}, current.tools)
            with Vertical(id="minutes", classes="page"):
                yield Static("How many minutes a day?", classes="question")
                yield Input(str(current.minutes), id="minutes-input", type="integer")
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
                yield Input(field_text("routine_times",
                                       ReminderSettings().to_dict()["routine_times"]),
                            id="times-input")
                yield Static("", id="times-error", classes="error")
                yield Static("24-hour times, comma-separated (e.g. 10:00, 15:30); leave empty "
                             "for none. Break reminders come every 30 minutes in working hours; "
                             "change that in settings. Enter finishes.", classes="hint")
        yield KeyFooter()

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
            TickList(*selections, id=f"{page_id}-list"),
            Static("", id=f"{page_id}-error", classes="error"),
            Static("Space ticks or unticks · Enter continues · Esc goes back", classes="hint"),
            id=page_id,
            classes="page",
        )

    def on_mount(self) -> None:
        if self.existing is not None:
            self.desk_only = self.existing.desk_only
        self.show_page(0)

    # ----- paging -----------------------------------------------------------------------

    def _where_needed(self) -> bool:
        return any(caution in safety.WHERE_CAUTIONS for caution in self.yes_to)

    def show_page(self, index: int) -> None:
        self.pages = ["safety", *(["where"] if self._where_needed() else []),
                      "areas", "habits", "tools", "minutes", "desk", "voice", "reminders"]
        self.index = max(0, min(index, len(self.pages) - 1))
        page_id = self.pages[self.index]
        self.query_one(ContentSwitcher).current = page_id
        leave = "q or Esc leaves" if self.index == 0 else "Esc goes back"
        self.query_one("#onboarding-progress", Static).update(
            f"Setting up · page {self.index + 1} of {len(self.pages)} · {leave}"
        )
        page = self.query_one(f"#{page_id}")
        if page_id == "desk":
            page.query_one("#desk-no", Button).focus()
        elif page_id == "voice":
            page.query_one("#voice-yes" if self.speak else "#voice-no", Button).focus()
        else:
            page.query(f"#{page_id}-list, Input").first().focus()

    def next_page(self) -> None:
        page_id = self.pages[self.index]
        if page_id in ("areas", "habits", "tools", "where") and not self._page_ok(page_id):
            return
        if page_id == "safety":
            self.show_page(1)  # "where" comes next when an injury was ticked
        elif self.index == len(self.pages) - 1:
            self.finish()
        else:
            self.show_page(self.index + 1)

    def on_descendant_focus(self, event) -> None:
        # The answer Enter will give is the one that looks chosen.
        if isinstance(event.widget, Button):
            for button in event.widget.parent.query(Button):
                button.variant = "primary" if button is event.widget else "default"

    def action_move_answer(self, step: int) -> None:
        if not isinstance(self.focused, Button):
            return
        buttons = list(self.focused.parent.query(Button))
        index = buttons.index(self.focused)
        buttons[max(0, min(len(buttons) - 1, index + step))].focus()

    def action_next_page(self) -> None:
        page_id = self.pages[self.index]
        focused = self.focused.id if self.focused is not None else None
        if page_id == "desk" and focused in ("desk-no", "desk-yes"):
            self.desk_only = focused == "desk-yes"
        elif page_id == "voice" and focused in ("voice-yes", "voice-no"):
            self.speak = focused == "voice-yes"
        elif page_id == "minutes" and not self._minutes_ok():
            return
        self.next_page()

    def action_back(self) -> None:
        if self.index > 0:
            self.show_page(self.index - 1)
        else:
            self.action_leave()

    def action_leave(self) -> None:
        if self.index == 0:
            self.app.exit()

    def _page_ok(self, page_id: str) -> bool:
        chosen = self.query_one(f"#{page_id}-list", TickList).selected
        error = self.query_one(f"#{page_id}-error", Static)
        if page_id in ("areas", "where") and not chosen:
            error.update("Tick at least one area with Space.")
            return False
        error.update("")
        return True

    # ----- answers ----------------------------------------------------------------------

    def on_selection_list_selection_highlighted(self, event) -> None:
        if event.selection_list.id != "safety-list":
            return
        value = event.selection.value
        question = next((q for q in self.questions if q.caution == value), None)
        self.query_one("#safety-full", Static).update(
            question.text if question else "↑ and ↓ move through the questions; each is shown "
            "here in full.")

    def on_selection_list_selection_toggled(self, event) -> None:
        if event.selection_list.id != "safety-list":
            return
        checklist = event.selection_list
        if event.selection.value == NONE_OF_THESE:
            if NONE_OF_THESE in checklist.selected:
                for question in self.questions:
                    checklist.deselect(question.caution)
        elif checklist.selected:
            checklist.deselect(NONE_OF_THESE)
        if not checklist.selected:
            checklist.select(NONE_OF_THESE)
        self._explain()

    def _explain(self) -> None:
        """A ticked item opens its explanation in place, urgent ones first."""
        chosen = set(self.yes_to)
        ticked = sorted((q for q in self.questions if q.caution in chosen),
                        key=lambda question: not question.urgent)
        answer = self.query_one("#safety-answer", Static)
        answer.update("\n\n".join(f"{q.label}: {safety.answer_text(q)}" for q in ticked))
        answer.set_class(not ticked, "-hidden")
        answer.set_class(any(q.urgent for q in ticked), "urgent")
        # The explanation takes room from the list: keep the highlighted question in view.
        checklist = self.query_one("#safety-list", TickList)
        self.call_after_refresh(checklist.scroll_to_highlight)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("desk-"):
            self.desk_only = button_id == "desk-yes"
            self.next_page()
        elif button_id.startswith("voice-"):
            self.speak = button_id == "voice-yes"
            self.next_page()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "minutes-input" and not self._minutes_ok():
            return
        self.next_page()

    def _minutes_ok(self) -> bool:
        try:
            parse_minutes(self.query_one("#minutes-input", Input).value)
        except ValueError as error:
            self.query_one("#minutes-error", Static).update(str(error))
            return False
        self.query_one("#minutes-error", Static).update("")
        return True

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
            areas=tuple(self.query_one("#areas-list", TickList).selected),
            habits=tuple(self.query_one("#habits-list", TickList).selected),
            tools=(*self.query_one("#tools-list", TickList).selected, *ALWAYS_OWNED),
            minutes=minutes,
            desk_only=self.desk_only,
            cautions=safety.cautions_with((), self.yes_to),
            avoid_areas=tuple(self.query_one("#where-list", TickList).selected)
            if self._where_needed() else (),
            screened=True,
        )
        def answered(saved: Settings) -> Settings:
            voice = replace(saved.app.voice, enabled=self.speak)
            return replace(saved, app=replace(saved.app, voice=voice),
                           reminders=with_fields(saved.reminders, {"routine_times": times_text}))

        try:
            self.app.save_settings(answered, profile=profile)
        except CoachError as error:
            self.query_one("#times-error", Static).update(f"Not saved: {error}")
            return
        urgent = safety.clinician_first(self.questions, self.yes_to)
        if urgent:
            self.notify("\n".join(urgent), title="See a clinician first", severity="warning",
                        timeout=15)
        from coach.tui.screens.home import HomeScreen

        self.app.switch_screen(HomeScreen())
