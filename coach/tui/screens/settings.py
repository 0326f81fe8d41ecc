"""Settings: the profile, the session sounds and the reminder schedule, checked by the same
rules as the CLI.

The form loads from the typed Settings and Profile and converts back to them; the app's one
save path (CoachApp.save_settings) validates the reminder fields inside the store's lock,
writes everything at once and refreshes the scheduler and home. Nothing is saved until
every field is valid.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static, Switch
from textual.widgets.selection_list import Selection

from coach import safety
from coach.errors import CoachError, UsageError
from coach.model import Profile, parse_minutes
from coach.reminders import settings as reminder_settings
from coach.reminders.settings import AppSettings, Settings, field_text, with_fields
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.tick_list import TickList
from coach.tui.widgets.title_bar import TitleBar

# The reminder schedule as typed text: key in ReminderSettings.to_dict() -> (label, hint).
REMINDER_FIELDS = {
    "working_days": ("Working days", "e.g. mon-fri or mon,tue,thu"),
    "hours": ("Working hours", "e.g. 09:00-17:30"),
    "break_interval_min": ("Break reminder every (minutes)", "5 to 240"),
    "routine_times": ("Daily routine reminder at", "HH:MM, comma-separated; empty for none"),
    "quiet": ("Quiet periods", "e.g. 12:00-13:00; mon,wed 10:00-10:30 (';' between periods)"),
}


class FieldError(UsageError):
    """A wrong value, with the id of the field it belongs to (shown next to that field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _for_field(field: str, check):
    """Run check(); a UsageError or ValueError it raises names `field`."""
    try:
        return check()
    except (UsageError, ValueError) as error:
        raise FieldError(field, str(error)) from None


class SettingsScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "close", "Back"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        catalog = app.catalog
        profile = app.profile()
        yield TitleBar("Settings · ctrl+s saves · Esc goes back")
        with VerticalScroll():
            yield Static("Your profile", classes="title")
            yield from self._choices("areas", "Areas that bother you", catalog.areas,
                                     profile.areas)
            yield from self._choices("habits", "Your day", catalog.habits, profile.habits)
            yield from self._choices("tools", "Tools you have", catalog.tools, profile.tools)
            yield Static("Minutes a day (3-60)", classes="field-label")
            yield Input(str(profile.minutes), id="minutes", type="integer")
            yield _error_slot("minutes")
            yield Static("Only exercises seated at the desk", classes="field-label")
            yield Switch(profile.desk_only, id="desk-only")
            yield from self._choices("cautions", "Safety answers (tick what applies to you)",
                                     catalog.cautions, profile.cautions)
            yield from self._choices("avoid-areas", "Leave these areas out (an injury, surgery, "
                                     "implant or wound there)", catalog.areas,
                                     profile.avoid_areas)
            yield Static("Sessions", classes="field-label")
            with Horizontal(classes="buttons"):
                yield Switch(app.bell_on(), id="bell")
                yield Static(" Bell at each phase change", classes="hint")
            yield from self._voice_fields()
            yield Static("Reminders", classes="title")
            try:
                reminders = reminder_settings.read(app.store).reminders.to_dict()
            except CoachError as error:
                reminders = {}
                yield Static(f"Reminder settings are not available: {error}", classes="hint")
            if reminders:
                with Horizontal(classes="buttons"):
                    yield Switch(bool(reminders.get("breaks", True)), id="reminder-breaks")
                    yield Static(" Break reminders in working hours", classes="hint")
            for key, (label, hint) in REMINDER_FIELDS.items():
                if key in reminders:
                    yield Static(f"{label}  [dim]{hint}[/dim]", classes="field-label")
                    yield Input(field_text(key, reminders[key]), id=f"reminder-{key}")
                    yield _error_slot(f"reminder-{key}")
            yield Static("", id="settings-message")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeyFooter()

    def _voice_fields(self):
        from coach.voice import INSTALL_HINT, SERVICES, service_found

        # What is saved, not this run's --voice: saving must not store a one-run option.
        voice = self.app.app_settings().voice
        with Horizontal(classes="buttons"):
            yield Switch(voice.enabled, id="voice")
            yield Static(" Speak the cues aloud (v in a session)", classes="hint")
        if not service_found():
            yield Static(f"No speech service found: {INSTALL_HINT}", classes="hint")
        yield Static("Speech service", classes="field-label")
        yield Select([(name, name) for name in SERVICES], value=voice.backend,
                     allow_blank=False, id="voice-backend")
        yield Static("Speaking rate  [dim]percent, 50 to 200[/dim]", classes="field-label")
        yield Input(str(voice.rate), id="voice-rate", type="integer")
        yield _error_slot("voice-rate")
        yield Static("Voice volume  [dim]percent, 10 to 100[/dim]", classes="field-label")
        yield Input(str(voice.volume), id="voice-volume", type="integer")
        yield _error_slot("voice-volume")
        with Horizontal(classes="buttons"):
            yield Switch(voice.countdown, id="voice-countdown")
            yield Static(" Count down the last 3 seconds of a hold", classes="hint")

    def _voice(self):
        """The voice fields as VoiceSettings; ValueError with one sentence when wrong."""
        from coach.voice import VoiceSettings

        def number(field: str, what: str) -> int:
            text = self.query_one(f"#{field}", Input).value.strip()
            try:
                return int(text)
            except ValueError:
                raise FieldError(field, f"the {what} must be a whole number, not {text!r}."
                                 ) from None

        rate = number("voice-rate", "speaking rate")
        volume = number("voice-volume", "voice volume")
        settings = dict(enabled=self.query_one("#voice", Switch).value,
                        backend=str(self.query_one("#voice-backend", Select).value),
                        rate=rate, volume=volume,
                        countdown=self.query_one("#voice-countdown", Switch).value)
        # Each number on its own first, so a value out of range is named next to itself.
        _for_field("voice-rate", lambda: VoiceSettings(**{**settings, "volume": 50}))
        _for_field("voice-volume", lambda: VoiceSettings(**{**settings, "rate": 100}))
        return VoiceSettings(**settings)

    def _choices(self, key: str, label: str, entries: dict, chosen):
        yield Static(label, classes="field-label")
        yield TickList(
            *(Selection(entry.label, entry_id, entry_id in chosen)
              for entry_id, entry in entries.items()),
            id=key,
        )
        yield _error_slot(key)

    def on_mount(self) -> None:
        self.query_one("#areas", TickList).focus()
        self._saved_values = self._values()

    def _values(self) -> dict:
        """What every field holds now: to tell whether there are edits to lose."""
        values = {}
        for widget in self.query("TickList, Input, Switch"):
            if widget.id:
                value = widget.selected if isinstance(widget, TickList) else widget.value
                values[widget.id] = tuple(value) if isinstance(value, list) else value
        return values

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def action_close(self) -> None:
        if self._values() == self._saved_values:
            self.app.pop_screen()
            return
        from coach.tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog("Leave settings without saving your changes?",
                          yes="Drop changes", no="Keep editing"),
            callback=self._leave_confirmed)

    def _leave_confirmed(self, leave: bool | None) -> None:
        if leave:
            self.app.pop_screen()

    def _show_field_error(self, field: str | None, text: str) -> None:
        """The error next to its field, scrolled into view, and said on screen at once."""
        for slot in self.query(".field-error"):
            slot.update("")
            slot.add_class("-hidden")
        if field is not None:
            slot = self.query_one(f"#error-{field}", Static)
            slot.update(text)
            slot.remove_class("-hidden")
            widget = self.query_one(f"#{field}")
            widget.focus()
            self.call_after_refresh(self.query_one(VerticalScroll).scroll_to_center, slot,
                                    animate=False)
        self.notify(text, title="Not saved", severity="error", timeout=8)

    def action_save(self) -> None:
        try:
            profile = self._profile()
            sounds = AppSettings(bell=self.query_one("#bell", Switch).value, voice=self._voice())
            fields = self._reminder_fields()
            self.app.save_settings(
                lambda saved: Settings(app=sounds, reminders=_checked(saved.reminders, fields)),
                profile=profile)
        except FieldError as error:
            self._not_saved(error, error.field)
            return
        except (CoachError, ValueError) as error:
            self._not_saved(error, None)
            return
        message = self.query_one("#settings-message", Static)
        message.set_class(False, "error")
        message.update("Saved.")
        self.notify("Settings saved.", timeout=3)
        self.app.pop_screen()

    def _not_saved(self, error: Exception, field: str | None) -> None:
        message = self.query_one("#settings-message", Static)
        message.update(f"Not saved: {error}")
        message.set_class(True, "error")
        self._show_field_error(field, f"Not saved: {error}")

    def _profile(self) -> Profile:
        catalog = self.app.catalog

        def chosen(key: str) -> tuple[str, ...]:
            return catalog.resolve_list(key.rstrip("s"), self.query_one(f"#{key}",
                                                                       TickList).selected)

        areas, tools = chosen("areas"), chosen("tools")
        if not areas:
            raise FieldError("areas", "choose at least one area.")
        if not tools:
            raise FieldError("tools", "choose at least one tool (hands count).")
        minutes = _for_field("minutes",
                             lambda: parse_minutes(self.query_one("#minutes", Input).value))
        return Profile(
            areas=areas,
            habits=chosen("habits"),
            tools=tools,
            minutes=minutes,
            desk_only=self.query_one("#desk-only", Switch).value,
            cautions=safety.cautions_with((), chosen("cautions")),
            # the safety answers are on this page: saving it answers them
            avoid_areas=tuple(self.query_one("#avoid-areas", TickList).selected),
            screened=True,
        )

    def _reminder_fields(self) -> dict:
        """The reminder fields as typed (text) or switched, by their stored key."""
        return {
            widget.id.removeprefix("reminder-"): widget.value
            for widget in self.query("Input, Switch")
            if widget.id and widget.id.startswith("reminder-")
        }


def _checked(saved, fields: dict):
    """The saved reminder settings with the form's fields: each field on its own first, so a
    wrong one is named next to itself. Runs inside the store's lock (on what is saved now)."""
    for key, value in fields.items():
        if isinstance(value, str):
            _for_field(f"reminder-{key}", lambda key=key, value=value:
                       with_fields(saved, {key: value}))
    return with_fields(saved, fields)


def _error_slot(field: str) -> Static:
    return Static("", id=f"error-{field}", classes="field-error error -hidden", markup=False)
