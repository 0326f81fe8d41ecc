"""Onboarding: safety first, sensible defaults, Enter through everything gives a routine."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Static

from coach import safety
from coach.model import DEFAULT_AREAS, DEFAULT_MINUTES
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.onboarding import OnboardingScreen
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-app")




@sync
async def test_enter_through_every_page_saves_defaults_and_opens_today(store, make_app, catalog):
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OnboardingScreen)
        questions = safety.screening_questions(catalog)
        assert screen.pages[: len(questions)] == [f"q-{n}" for n in range(len(questions))]
        presses = 0
        while isinstance(app.screen, OnboardingScreen):
            await pilot.press("enter")
            await pilot.pause()
            presses += 1
        assert presses == len(questions) + 7
        assert isinstance(app.screen, HomeScreen)
        profile = store.load_profile()
        assert profile.areas == tuple(a for a in catalog.areas if a in DEFAULT_AREAS)
        assert profile.minutes == DEFAULT_MINUTES and not profile.desk_only
        assert profile.cautions == ()
        assert store.load_settings()["reminders"]["routine_times"] == ["12:30"]
        from coach.voice import service_found

        # Asked once; Enter takes the default: speak when a speech service is found.
        assert store.load_settings()["app"]["voice"] is service_found()
        assert app.screen.routine.steps, "the defaults give a working routine"


@sync
async def test_yes_explains_adds_the_caution_and_urgent_flags_say_see_a_clinician(
        store, make_app, catalog):
    app = make_app(store)
    questions = safety.screening_questions(catalog)
    urgent_index = next(n for n, q in enumerate(questions) if q.urgent)
    calm_index = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.click(f"#yes-{calm_index}")
        await pilot.pause()
        page = screen.query_one(f"#q-{calm_index}")
        answer = str(page.query_one(".answer", Static).render())
        assert questions[calm_index].meaning.split()[0] in answer
        assert app.focused.id == f"continue-{calm_index}"
        await pilot.press("enter")
        await pilot.pause()
        while screen.index < urgent_index:
            await pilot.press("enter")
            await pilot.pause()
        await pilot.click(f"#yes-{urgent_index}")
        await pilot.pause()
        page = screen.query_one(f"#q-{urgent_index}")
        answer_widget = page.query_one(".answer", Static)
        assert "urgent" in answer_widget.classes
        assert "see a doctor or physiotherapist" in str(answer_widget.render())
        assert str(page.query_one(f"#continue-{urgent_index}", Button).label).startswith(
            "I understand")
        while isinstance(app.screen, OnboardingScreen):
            await pilot.press("enter")
            await pilot.pause()
        cautions = store.load_profile().cautions
        assert cautions == (questions[calm_index].caution, questions[urgent_index].caution)


@sync
async def test_bad_minutes_stay_on_the_page_with_a_sentence_and_esc_goes_back(store, make_app):
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        minutes_page = screen.pages.index("minutes")
        while screen.index < minutes_page:
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("backspace", "backspace", "9", "9", "enter")
        await pilot.pause()
        assert screen.index == minutes_page
        assert "between 3 and 60" in str(screen.query_one("#minutes-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert screen.pages[screen.index] == "tools"
        assert store.load_profile() is None, "nothing is saved before the last page"


@sync
async def test_no_area_ticked_cannot_continue(store, make_app):
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        areas_page = screen.pages.index("areas")
        while screen.index < areas_page:
            await pilot.press("enter")
            await pilot.pause()
        screen.query_one("#areas-list").deselect_all()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.index == areas_page
        assert "at least one area" in str(screen.query_one("#areas-error").render())


@pytest.mark.parametrize("found", [True, False])
@sync
async def test_the_voice_question_defaults_to_yes_only_when_a_speech_service_is_found(
        store, make_app, monkeypatch, found):
    import coach.voice

    monkeypatch.setattr(coach.voice, "service_found", lambda: found)
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.pages[screen.index] != "voice":
            await pilot.press("enter")
            await pilot.pause()
        page = str(screen.query_one("#voice").query_one(".hint", Static).render())
        assert ("apt install speech-dispatcher espeak-ng" in page) is not found
        assert app.focused.id == ("voice-yes" if found else "voice-no")
        await pilot.press("tab" if found else "shift+tab", "enter")  # the other answer
        await pilot.pause()
        assert screen.pages[screen.index] == "reminders"
        await pilot.press("enter")
        await pilot.pause()
    assert store.load_settings()["app"]["voice"] is (not found)
