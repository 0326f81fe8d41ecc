"""The whole path through the real app: onboarding, a session with ratings, the ratings in
the store, quitting mid-session and resuming, then the trends screen showing them."""

from __future__ import annotations

import pytest

from coach.tui.dialogs.confirm import ConfirmDialog
from coach.tui.dialogs.rating import RatingDialog
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.onboarding import OnboardingScreen
from coach.tui.screens.player import PlayerScreen
from coach.tui.screens.summary import SummaryScreen
from coach.tui.screens.trends import TrendsScreen
from tests.helpers import screen_lines, sync

from .conftest import TZ

pytestmark = pytest.mark.xdist_group("tui-app")




async def onboard_with_defaults(app, pilot) -> int:
    """Press Enter until home shows; returns how many presses it took."""
    presses = 0
    while isinstance(app.screen, OnboardingScreen):
        assert presses < 40, "onboarding never ended"
        await pilot.press("enter")
        await pilot.pause()
        presses += 1
    return presses


async def run_session(app, pilot, clock, rating: int, stop_after_steps: int | None = None):
    """Play the session on the fake clock, answering every rating dialog with `rating`."""
    player = next(screen for screen in app.screen_stack if isinstance(screen, PlayerScreen))
    for _ in range(400):
        screen = app.screen
        if isinstance(screen, RatingDialog):
            await pilot.press(str(rating), "enter")
            await pilot.pause()
            continue
        if screen is not player:
            return
        done = sum(1 for step in player.record.steps if step.get("completed"))
        if stop_after_steps is not None and done >= stop_after_steps:
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.click("#yes")
            await pilot.pause()
            return
        clock.advance(12)
        player.tick()
        await pilot.pause()
    pytest.fail("the session never ended")


@sync
async def test_onboard_session_quit_resume_and_trends(store, make_app, clock):
    app = make_app(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OnboardingScreen)
        await onboard_with_defaults(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.load_profile() is not None
        routine = app.screen.routine
        assert routine.steps

        await pilot.press("s")
        await pilot.pause()
        await run_session(app, pilot, clock, rating=6, stop_after_steps=2)
        assert isinstance(app.screen, SummaryScreen)
        summary = str(app.screen.query_one("#summary-text").render())
        assert "Session ended early" in summary and "not reached" in summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        [interrupted] = store.sessions()
        assert interrupted.status == "ended-early"
        assert 2 <= sum(step["completed"] for step in interrupted.steps) < len(routine.steps)
        before = [r for r in store.ratings() if r.phase == "before"]
        assert before and all(r.rating == 6 and r.session_id == interrupted.id for r in before)
        assert app.screen.resumable is not None
        done = sum(step["completed"] for step in interrupted.steps)
        assert (f"Press r to go on at step {done + 1}."
                in str(app.screen.query_one("#resume-line").render()))

        await pilot.press("r")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen) and player.session.step_index == done
        await run_session(app, pilot, clock, rating=3)
        assert isinstance(app.screen, SummaryScreen)
        summary = str(app.screen.query_one("#summary-text").render())
        assert "Session done" in summary and "24-48 hours" in summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        records = store.sessions()
        assert any(record.status == "finished" for record in records)
        after = [r.rating for r in store.ratings() if r.phase == "after"]
        assert 3 in after and set(after) <= {6, 3}
        before_areas = [r.area for r in store.ratings() if r.phase == "before"]
        assert len(before_areas) == len(set(before_areas)), "resuming never asks twice"
        assert set(before_areas) == {step.area for step in routine.steps}
        assert app.screen.resumable is None

        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        week_text = str(app.screen.query_one("#trends-week").render())
        first_area = app.area_label(routine.steps[0].area)
        assert first_area[:18] in week_text and "6.0" in week_text
        assert app.screen.report.this_week.sessions >= 1


@sync
async def test_quick_log_from_any_screen_writes_the_rating(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second of the profile's areas
        await pilot.pause()
        assert isinstance(app.screen, RatingDialog)
        await pilot.press("1", "0", "enter")
        await pilot.pause()
        [rating] = profile_store.ratings()
        assert (rating.area, rating.phase) == (app.profile().areas[1], "check-in")
        assert rating.rating == 10
        assert rating.at == clock_now(app)


def clock_now(app):
    return app.now()


@sync
async def test_quick_log_escape_logs_nothing(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("l", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert profile_store.ratings() == []
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_help_and_command_palette_reach_the_main_actions(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"trends")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)


@sync
async def test_reminders_missing_or_failing_only_turn_reminders_off(profile_store, catalog,
                                                                   clock, monkeypatch):
    from coach.tui.app import CoachApp

    def broken_status(_store):
        raise RuntimeError("no D-Bus session")

    import coach.reminders.runner as runner
    import coach.tui.app

    monkeypatch.setattr(runner, "status", broken_status)
    monkeypatch.setattr(coach.tui.app, "REMINDERS_START_DELAY_S", 0.01)
    app = CoachApp(profile_store, catalog, clock=clock, wall_clock=clock.wall,
                   tz=clock.start.tzinfo)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(app.screen.query_one("#reminder-line").render())
        assert line == "Reminders off: no D-Bus session"
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_reminders_from_a_separate_runner_show_in_the_app(profile_store, catalog,
                                                                 clock, monkeypatch):
    import coach.reminders.runner as runner
    import coach.tui.app
    from coach.tui.app import CoachApp

    monkeypatch.setattr(runner, "status", lambda _store: {"runner_pid": 4242, "next": []})
    monkeypatch.setattr(coach.tui.app, "REMINDERS_START_DELAY_S", 0.01)
    due = clock.wall().isoformat()
    profile_store.add_event("sent", clock.wall(), reminder="break", due=due,
                            title="Old", body="sent before the app opened")
    app = CoachApp(profile_store, catalog, clock=clock, wall_clock=clock.wall,
                   tz=clock.start.tzinfo)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "coach remind run" in str(app.screen.query_one("#reminder-line").render())
        clock.advance(60)
        profile_store.add_event("sent", clock.wall(), reminder="break", due=due,
                                title="Time for a short break", body="Neck: 2 minutes, seated")
        for _ in range(2):  # a second look shows nothing twice
            app.show_runner_reminders_soon()
            await app.workers.wait_for_complete()
            await pilot.pause()
        # shown once, with its own answers (done, snooze, skip)
        from coach.tui.dialogs.reminder import ReminderDialog

        dialogs = [screen for screen in app.screen_stack if isinstance(screen, ReminderDialog)]
        assert [(d.title_text, d.body_text) for d in dialogs] == [
            ("Time for a short break", "Neck: 2 minutes, seated")]


@sync
async def test_a_reminder_in_the_app_has_its_own_answers(profile_store, make_app, clock):
    # Seen: the in-app reminder said "Later: coach remind snooze". Its keys act as the CLI.
    from coach.tui.dialogs.reminder import ReminderDialog

    now = clock.wall()
    profile_store.add_event("sent", now, reminder="break", due=now.isoformat(), snoozes=0)
    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.show_reminder("Time for a break", "Stand up and walk.\nLater: coach remind snooze")
        await pilot.pause()
        assert isinstance(app.screen, ReminderDialog)
        text = "\n".join(screen_lines(app))
        assert "coach remind snooze" not in text and "Snooze 10 min" in text
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.show_reminder("Time for a break", "Stand up and walk.")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        app.show_reminder("Time for a break", "Stand up and walk.")
        await pilot.pause()
        await pilot.press("d")  # already skipped: refused, as the CLI refuses it
        await pilot.pause()
    kinds = [event.kind for event in profile_store.events()]
    assert kinds == ["sent", "snoozed", "skipped"]


def test_the_reminder_line_says_today_and_tomorrow_like_the_cli():
    from datetime import datetime

    from coach.tui.app import _status_text

    now = datetime(2026, 3, 1, 9, 0, tzinfo=TZ)  # a Sunday
    soon = {"next": [{"kind": "break", "at": "2026-03-01T10:59:00+01:00"}]}
    assert "next break at 10:59 today" in _status_text(soon, host="this app", now=now)
    later = {"next": [{"kind": "routine", "at": "2026-03-02T12:30:00+01:00"}]}
    assert "next routine at 12:30 tomorrow" in _status_text(later, host="this app", now=now)


@sync
async def test_reminder_text_with_markup_characters_is_shown_as_written(profile_store, catalog,
                                                                        clock, monkeypatch):
    import coach.reminders.runner as runner
    import coach.tui.app
    from coach.tui.app import CoachApp

    monkeypatch.setattr(runner, "status", lambda _store: {"runner_pid": 4242, "next": []})
    monkeypatch.setattr(coach.tui.app, "REMINDERS_START_DELAY_S", 0.01)
    app = CoachApp(profile_store, catalog, clock=clock, wall_clock=clock.wall,
                   tz=clock.start.tzinfo)
    body = "Neck [/] [link=https://example.com]here[/link] [bold"
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        clock.advance(60)
        profile_store.add_event("sent", clock.wall(), reminder="break",
                                due=clock.wall().isoformat(), title="[b]break[/]", body=body)
        app.show_runner_reminders_soon()
        await app.workers.wait_for_complete()
        await pilot.pause()
        from coach.tui.dialogs.reminder import ReminderDialog

        # the dialog shows the words as written; parsed as markup, "[/]" is a MarkupError
        assert isinstance(app.screen, ReminderDialog)
        assert (app.screen.title_text, app.screen.body_text) == ("[b]break[/]", body)
        text = "\n".join(screen_lines(app))
        assert "[b]break[/]" in text and "[link=https://example.com]here[/link]" in text


@sync
@pytest.mark.parametrize("screened", [True, False])
async def test_the_garbage_collector_works_again_after_the_first_paint(store, make_app,
                                                                      screened):
    # CoachApp.run stops the collector until the first screen is painted (home or, on a
    # first run, onboarding); it must never stay off. run_test skips run(), so stop it here.
    import gc

    from coach.model import Profile

    if screened:
        store.save_profile(Profile(screened=True))
    app = make_app(store)
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen if screened else OnboardingScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
