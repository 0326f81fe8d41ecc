"""Settings: profile and reminder schedule saved to the store, refused with a sentence if wrong."""

from __future__ import annotations

from datetime import timedelta

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


class QuietNotifier:
    """Takes the hosted scheduler's reminders without a desktop."""

    def check(self):
        from coach.reminders.notifier import BackendState

        return BackendState("test", True, "")

    def send(self, title: str, body: str, timeout_s: int = 30) -> bool:
        return True


class Desk:
    """No idle time, no do-not-disturb: the desktop as the planner sees it here."""

    def read(self):
        return None


def noon_zone() -> str:
    """A fixed-offset zone where it is around midday now: 00:00-23:59 is working time."""
    from datetime import UTC, datetime

    offset = (12 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc signs are inverted


@sync
async def test_a_new_break_interval_reaches_the_hosted_scheduler_and_home_at_once(
        profile_store, catalog, clock, monkeypatch):
    from functools import partial

    import coach.reminders.runner as runner
    import coach.tui.app
    from coach.tui.app import CoachApp

    profile_store.update_settings(lambda settings: {**settings, "reminders": {
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": "00:00-23:59",
        "break_interval_min": 30, "routine_times": [], "timezone": noon_zone()}})
    # The real scheduler in its thread; it looks only when the planner says (tick_s: an hour)
    monkeypatch.setattr(runner, "start_hosted", partial(runner.start_hosted,
                                                        notifier=QuietNotifier(), tick_s=3600))
    monkeypatch.setattr(runner, "desktop_monitors", lambda: {"idle": Desk(), "busy": Desk()})
    monkeypatch.setattr(coach.tui.app, "REMINDERS_START_DELAY_S", 0.01)
    app = CoachApp(profile_store, catalog, clock=clock, wall_clock=clock.wall,
                   tz=clock.start.tzinfo, voice="off")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        handle = app.reminder_handle
        assert handle is not None and handle.hosting, app.reminder_state
        assert handle.refresh()  # its first look is done
        before_fire = handle.next_fire_time()
        line = str(app.screen.query_one("#reminder-line").render())
        assert "this app" in line and "next break at" in line

        screen = await open_settings(app, pilot)
        screen.query_one("#reminder-break_interval_min", Input).value = "60"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        after_line = str(app.screen.query_one("#reminder-line").render())
        assert "next break at" in after_line and after_line != line
        for _ in range(100):  # the scheduler sets its next run just after the look returns
            if handle.next_fire_time() != before_fire:
                break
            await pilot.pause(0.02)
        assert handle.next_fire_time() - before_fire == timedelta(minutes=30)
        assert handle.engine.settings.break_interval_min == 60
