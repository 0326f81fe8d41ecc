"""Onboarding: safety first, sensible defaults, Enter through everything gives a routine."""

from __future__ import annotations

import pytest
from textual.widgets import Static

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
        assert screen.pages[0] == "safety" and len(screen.pages) == 8
        presses = 0
        while isinstance(app.screen, OnboardingScreen):
            await pilot.press("enter")
            await pilot.pause()
            presses += 1
        assert presses == 8  # one Enter a page
        assert isinstance(app.screen, HomeScreen)
        profile = store.load_profile()
        assert profile.areas == tuple(a for a in catalog.areas if a in DEFAULT_AREAS)
        assert profile.minutes == DEFAULT_MINUTES and not profile.desk_only
        assert profile.cautions == () and profile.screened
        assert "hands" in profile.tools
        assert store.load_settings()["reminders"]["routine_times"] == ["12:30"]
        from coach.voice import service_found

        # Asked once; Enter takes the default: speak when a speech service is found.
        assert store.load_settings()["app"]["voice"] is service_found()
        assert app.screen.routine.steps, "the defaults give a working routine"


@sync
async def test_safety_is_one_checklist_with_none_preselected_and_hands_always_on(
        store, make_app, catalog):
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        checklist = app.screen.query_one("#safety-list")
        assert checklist.selected == ["none"]
        assert len(checklist.options) == len(safety.screening_questions(catalog)) + 1
        await pilot.press("enter")
        await pilot.pause()
        assert all(str(option.prompt) != "Your hands"
                   for option in app.screen.query_one("#tools-list").options)


@sync
async def test_q_and_esc_leave_the_first_page(store, make_app):
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "q or Esc leaves" in str(app.screen.query_one("#onboarding-progress").render())
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert store.load_profile() is None


@sync
async def test_a_ticked_item_explains_in_place_and_urgent_ones_say_see_a_clinician(
        store, make_app, catalog):
    app = make_app(store)
    questions = safety.screening_questions(catalog)
    urgent = next(q for q in questions if q.urgent)
    calm = next(q for q in questions if q.caution not in safety.WHERE_CAUTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        checklist = screen.query_one("#safety-list")
        for question in (calm, urgent):
            checklist.highlighted = [o.value for o in checklist.options].index(question.caution)
            await pilot.press("space")
            await pilot.pause()
        assert "none" not in checklist.selected
        answer = screen.query_one("#safety-answer", Static)
        assert "urgent" in answer.classes and "-hidden" not in answer.classes
        text = str(answer.render())
        assert "see a doctor or physiotherapist" in text
        assert text.index(urgent.label) < text.index(calm.label), "urgent first"
        for _ in range(12):
            if not isinstance(app.screen, OnboardingScreen):
                break
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen), screen.pages[screen.index]
        assert store.load_profile().cautions == (calm.caution, urgent.caution)
        assert app.screen.routine.safety_level == "see-clinician"


@sync
async def test_an_injury_asks_where_and_leaves_those_areas_out(store, make_app, catalog):
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        checklist = screen.query_one("#safety-list")
        checklist.highlighted = [o.value for o in checklist.options].index(
            "recent-injury-surgery")
        await pilot.press("space", "enter")
        await pilot.pause()
        assert screen.pages[screen.index] == "where"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pages[screen.index] == "where", "an area must be ticked"
        screen.query_one("#where-list").select("neck")
        for _ in range(12):
            if not isinstance(app.screen, OnboardingScreen):
                break
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen), screen.pages[screen.index]
        profile = store.load_profile()
        assert profile.avoid_areas == ("neck",)
        assert all(step.area != "neck" for step in app.screen.routine.steps)


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


@sync
async def test_a_profile_made_without_screening_is_screened_on_first_open(store, make_app):
    from coach.model import Profile

    store.save_profile(Profile(areas=("jaw",), tools=("hands",), minutes=7))
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OnboardingScreen)
        for _ in range(12):
            if not isinstance(app.screen, OnboardingScreen):
                break
            await pilot.press("enter")
            await pilot.pause()
        profile = store.load_profile()
        assert profile.screened and profile.areas == ("jaw",) and profile.minutes == 7


@sync
async def test_the_highlighted_question_is_shown_whole_below_the_cut_list(store, make_app, catalog):
    app = make_app(store)
    questions = safety.screening_questions(catalog)
    longest = max(questions, key=lambda question: len(question.text))
    async with app.run_test(size=(60, 18)) as pilot:
        await pilot.pause()
        checklist = app.screen.query_one("#safety-list")
        for _ in range(questions.index(longest) + 1):
            await pilot.press("down")
        await pilot.pause()
        full = str(app.screen.query_one("#safety-full").render())
        assert " ".join(full.split()) == " ".join(longest.text.split())
        assert checklist.selected == ["none"], "moving does not tick"


@sync
async def test_eight_quick_enters_finish_onboarding_and_a_focused_button_answers(
        store, make_app):
    """Enter is decided by the screen at once: a button's press animation never eats the next
    Enter, and the focused button is the answer (here: desk only, then no voice)."""
    app = make_app(store)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*["enter"] * 5)  # safety, areas, habits, tools, minutes
        await pilot.press("right", "enter", "right", "enter")  # "Yes, desk only"; "No, quiet"
        await pilot.press("enter")  # reminders: finish
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert store.load_profile().desk_only
        assert store.load_settings()["app"]["voice"] is False


@sync
async def test_left_and_right_move_between_no_and_yes_and_the_focused_one_looks_chosen(
        store, make_app):
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*["enter"] * 5)
        await pilot.pause()
        no, yes = app.screen.query_one("#desk-no"), app.screen.query_one("#desk-yes")
        assert app.screen.focused is no and no.variant == "primary"
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.focused is yes and yes.variant == "primary" and no.variant == "default"
        await pilot.press("left")
        await pilot.pause()
        assert app.screen.focused is no and no.variant == "primary"
