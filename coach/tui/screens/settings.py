"""Settings: the profile and the reminder schedule, checked by the same rules as the CLI.

Nothing is saved until every field is valid; then the reminder settings (under the store's
lock) and the profile are written, and the reminder runner picks them up on its next check.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static, Switch
from textual.widgets.selection_list import Selection

from coach import safety
from coach.errors import CoachError, UsageError
from coach.model import Profile
from coach.tui.dialogs.minutes import parse_minutes
from coach.tui.widgets.tick_list import TickList
from coach.tui.widgets.title_bar import TitleBar

DEFAULT_ROUTINE_TIMES = ("12:30",)

# The reminder schedule as typed text: key in ReminderSettings.to_dict() -> (label, hint).
REMINDER_FIELDS = {
    "working_days": ("Working days", "e.g. mon-fri or mon,tue,thu"),
    "hours": ("Working hours", "e.g. 09:00-17:30"),
    "break_interval_min": ("Break reminder every (minutes)", "5 to 240"),
    "routine_times": ("Daily routine reminder at", "HH:MM, comma-separated; empty for none"),
    "quiet": ("Quiet periods", "e.g. 12:00-13:00; mon,wed 10:00-10:30 (';' between periods)"),
}


def _settings_module():
    from coach.reminders import settings as reminder_settings

    return reminder_settings


def reminder_dict(store) -> dict:
    """The saved reminder settings in their stored (dict) form, defaults filled in."""
    module = _settings_module()
    saved = store.load_settings().get("reminders", {})
    return module.ReminderSettings.from_dict(saved).to_dict()


def field_text(key: str, value) -> str:
    """A stored reminder value as the text shown in its input."""
    if key == "working_days":
        return _settings_module().format_days(tuple(value))
    if key == "quiet":
        return "; ".join(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def parse_field(key: str, text: str):
    """Typed text -> the stored form; ReminderSettings.from_dict then validates it."""
    text = text.strip()
    if key == "working_days":
        return list(_settings_module().parse_days(text))
    if key == "routine_times":
        return [part.strip() for part in text.split(",") if part.strip()]
    if key == "quiet":
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def validated_reminders(store, changes: dict) -> dict:
    """The new reminder settings (stored form), validated by the same parsers as
    `coach remind set`; raises UsageError with one sentence when something is wrong."""
    module = _settings_module()
    updated = reminder_dict(store)
    for key, value in changes.items():
        updated[key] = parse_field(key, value) if isinstance(value, str) else value
    return module.ReminderSettings.from_dict(updated).to_dict()


def save_routine_times(store, times_text: str) -> str:
    """Onboarding's one reminder question; returns a note if reminders cannot be set here."""
    try:
        new = validated_reminders(store, {"routine_times": times_text})
    except ImportError:
        return "Reminder settings are not available in this version; set them later."
    store.update_settings(lambda settings: {**settings, "reminders": new})
    return ""


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
            yield Static("Only exercises seated at the desk", classes="field-label")
            yield Switch(profile.desk_only, id="desk-only")
            yield from self._choices("cautions", "Safety answers (tick what applies to you)",
                                     catalog.cautions, profile.cautions)
            yield Static("Sessions", classes="field-label")
            with Horizontal(classes="buttons"):
                yield Switch(app.bell_on(), id="bell")
                yield Static(" Bell at each phase change", classes="hint")
            yield from self._voice_fields()
            yield Static("Reminders", classes="title")
            try:
                reminders = reminder_dict(app.store)
            except (ImportError, CoachError) as error:
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
            yield Static("", id="settings-message")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def _voice_fields(self):
        from coach.voice import INSTALL_HINT, SERVICES, VoiceSettings, service_found

        # What is saved, not this run's --voice: saving must not store a one-run option.
        voice = VoiceSettings.from_app(self.app.store.load_settings().get("app", {}))
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
        yield Static("Voice volume  [dim]percent, 10 to 100[/dim]", classes="field-label")
        yield Input(str(voice.volume), id="voice-volume", type="integer")
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
                raise ValueError(f"the {what} must be a whole number, not {text!r}.") from None

        return VoiceSettings(
            enabled=self.query_one("#voice", Switch).value,
            backend=str(self.query_one("#voice-backend", Select).value),
            rate=number("voice-rate", "speaking rate"),
            volume=number("voice-volume", "voice volume"),
            countdown=self.query_one("#voice-countdown", Switch).value)

    def _choices(self, key: str, label: str, entries: dict, chosen):
        yield Static(label, classes="field-label")
        yield TickList(
            *(Selection(entry.label, entry_id, entry_id in chosen)
              for entry_id, entry in entries.items()),
            id=key,
        )

    def on_mount(self) -> None:
        self.query_one("#areas", TickList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_save(self) -> None:
        message = self.query_one("#settings-message", Static)
        try:
            profile, reminders = self._validated()
            voice = self._voice()
        except (UsageError, ValueError) as error:
            message.update(f"Not saved: {error}")
            message.set_class(True, "error")
            return
        store = self.app.store
        bell = self.query_one("#bell", Switch).value
        try:
            store.update_settings(lambda settings: _merged(settings, reminders, bell,
                                                           voice.to_app()))
            store.save_profile(profile)
        except CoachError as error:
            message.update(f"Not saved: {error}")
            message.set_class(True, "error")
            return
        self.app.minutes_today = None
        message.set_class(False, "error")
        message.update("Saved.")
        self.notify("Settings saved.", timeout=3)
        self.app.pop_screen()

    def _validated(self) -> tuple[Profile, dict | None]:
        catalog = self.app.catalog

        def chosen(key: str) -> tuple[str, ...]:
            return catalog.resolve_list(key.rstrip("s"), self.query_one(f"#{key}",
                                                                       TickList).selected)

        areas, tools = chosen("areas"), chosen("tools")
        if not areas:
            raise UsageError("choose at least one area.")
        if not tools:
            raise UsageError("choose at least one tool (hands count).")
        profile = Profile(
            areas=areas,
            habits=chosen("habits"),
            tools=tools,
            minutes=parse_minutes(self.query_one("#minutes", Input).value),
            desk_only=self.query_one("#desk-only", Switch).value,
            cautions=safety.cautions_with((), chosen("cautions")),
        )
        changes = {
            widget.id.removeprefix("reminder-"): widget.value
            for widget in self.query("Input, Switch")
            if widget.id and widget.id.startswith("reminder-")
        }
        reminders = validated_reminders(self.app.store, changes) if changes else None
        return profile, reminders


def _merged(settings: dict, reminders: dict | None, bell: bool, voice: dict) -> dict:
    updated = {**settings, "app": {**settings.get("app", {}), "bell": bell, **voice}}
    if reminders is not None:
        updated["reminders"] = reminders
    return updated
