"""Settings: profile and reminder schedule saved to the store, refused with a sentence if wrong."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from coach.tui.screens.home import HomeScreen
from coach.tui.screens.settings import SettingsScreen
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-app")




async def open_settings(app, pilot) -> SettingsScreen:
    await pilot.pause()
    await pilot.press("comma")
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


@sync
async def test_changes_are_saved_to_the_store(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#minutes", Input).value = "15"
        screen.query_one("#reminder-break_interval_min", Input).value = "45"
        screen.query_one("#reminder-quiet", Input).value = "12:00-13:00; mon,wed 10:00-10:30"
        screen.query_one("#desk-only").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        profile = profile_store.load_profile()
        assert profile.minutes == 15 and profile.desk_only
        reminders = profile_store.load_settings()["reminders"]
        assert reminders["break_interval_min"] == 45
        assert reminders["quiet"] == ["12:00-13:00", "mon,wed 10:00-10:30"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("reminder-break_interval_min", "2", "between 5 and 240"),
    ("reminder-hours", "17:00-09:00", "the end comes before the start"),
    ("reminder-routine_times", "25:00", "not a time of day"),
    ("reminder-working_days", "mon,funday", "unknown weekday"),
    ("minutes", "61", "between 3 and 60"),
])
@sync
async def test_invalid_values_change_nothing_and_say_why(profile_store, make_app, field, value,
                                                         words):
    app = make_app(profile_store)
    before = (profile_store.load_profile(), profile_store.load_settings())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        message = str(screen.query_one("#settings-message", Static).render())
        assert message.startswith("Not saved:") and words in message
        # next to the field, on screen, with the field focused (seen: 60 lines below)
        slot = screen.query_one(f"#error-{field}", Static)
        assert words in str(slot.render()) and slot.display
        assert screen.focused is screen.query_one(f"#{field}")
        await pilot.pause()
        assert app.screen.region.contains_region(slot.region), slot.region
    assert (profile_store.load_profile(), profile_store.load_settings()) == before


@sync
async def test_voice_settings_are_saved_under_app_and_refused_when_out_of_range(
        profile_store, make_app):
    from textual.widgets import Select

    from coach.voice import VoiceSettings

    app = make_app(profile_store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(app, pilot)
        assert screen.query_one("#voice").value is True  # the default when nothing is saved
        screen.query_one("#voice-rate", Input).value = "300"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "between 50 and 200" in str(screen.query_one("#settings-message",
                                                            Static).render())
        assert "voice" not in profile_store.load_settings().get("app", {})
        screen.query_one("#voice-rate", Input).value = "130"
        screen.query_one("#voice-volume", Input).value = "70"
        screen.query_one("#voice-backend", Select).value = "espeak-ng"
        screen.query_one("#voice").value = False
        screen.query_one("#voice-countdown").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    saved = profile_store.load_settings()["app"]
    assert VoiceSettings.from_app(saved) == VoiceSettings(False, "espeak-ng", 130, 70, True)
    assert saved["bell"] is True  # the other app settings stay


@sync
async def test_esc_asks_before_dropping_edits(profile_store, make_app):
    from coach.tui.dialogs.confirm import ConfirmDialog

    app = make_app(profile_store)
    before = profile_store.load_profile()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot)
        await pilot.press("escape")  # nothing changed: straight back
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        screen = await open_settings(app, pilot)
        screen.query_one("#minutes", Input).value = "20"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#minutes", Input).value == "20"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert profile_store.load_profile() == before
