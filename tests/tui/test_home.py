"""Home: today's list, shorter routines, streak, this week's pain, resume detection."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from coach.model import duration_text
from coach.store import Rating, SessionRecord
from coach.tui.screens.home import HomeScreen
from coach.tui.widgets.routine_table import RoutineTable
from tests.helpers import screen_lines, sync

from .conftest import TZ


def record(day: date, done_s: int = 600) -> SessionRecord:
    """A finished session on `day` that worked the neck."""
    started = datetime(day.year, day.month, day.day, 12, tzinfo=TZ)
    steps = [{"muscle": "upper-trapezius", "area": "neck", "side": "both", "tool": "hands",
              "technique": "sustained-pressure", "seconds": done_s, "completed": True}]
    return SessionRecord(id=f"{day}-12", day=day, started_at=started, finished_at=None,
                         planned_s=done_s, done_s=done_s, steps=steps, status="finished")

pytestmark = pytest.mark.xdist_group("tui-app")


@pytest.fixture
def demo_store(store, catalog, clock):
    from coach.demo import seed

    seed(store, catalog, today=clock.wall().date(), tz=clock.start.tzinfo)
    return store




@sync
async def test_start_pressed_twice_starts_one_session(profile_store, make_app):
    # Seen end to end: an Enter queued behind "s" selected the home row after the player
    # had opened, stacking a second session under the first.
    from coach.tui.screens.player import PlayerScreen

    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        home.action_start_routine()
        table = home.query_one(RoutineTable)
        home.post_message(RoutineTable.RowSelected(table, 0))
        home.action_start_routine()
        await pilot.pause()
        players = [screen for screen in app.screen_stack if isinstance(screen, PlayerScreen)]
        assert len(players) == 1


@sync
async def test_today_lists_every_step_with_total_and_reason(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        table = screen.query_one(RoutineTable)
        routine = screen.routine
        # one row per muscle, its sides together
        assert len(table.rows) == len({step.muscle for step in routine.steps}) > 0
        assert [label for label, _ in table.columns] == [
            "#", "Muscle", "Side", "Tool", "Time", "Why"]
        first = table.rows[0]
        steps = [step for step in routine.steps if step.muscle == routine.steps[0].muscle]
        assert first[1] == routine.steps[0].muscle_name
        assert first[2] == " + ".join(step.side for step in steps)
        assert first[4] == duration_text(sum(step.seconds for step in steps))
        why = first[5].rstrip("…")
        assert why and why.split()[0] in routine.steps[0].reason
        assert f"{routine.total_s // 60} min" in screen.query_one("#routine-panel").border_title


@sync
async def test_home_fits_every_column_and_shows_rows_at_every_size(demo_store, make_app):
    # Seen in tmux: at 80x24 a long muscle name pushed the Time column off screen; at 60x18
    # no routine row showed at all; the Why column was cut mid-word.
    for size in [(60, 18), (80, 24), (120, 40), (200, 60)]:
        app = make_app(demo_store)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            lines = screen_lines(app)
            text = "\n".join(lines)
            screen = app.screen
            assert "Time" in text, size
            for row in screen.rows:
                assert duration_text(row["seconds"]) in text, (size, row["name"])
            visible_rows = [line for line in lines if line.lstrip("│ ").startswith("1 ")]
            assert visible_rows, size
            table = screen.query_one(RoutineTable)
            assert table.virtual_size.width <= table.size.width, size


@sync
async def test_i_only_have_n_minutes_rebuilds_shorter(profile_store, make_app):
    app = make_app(profile_store)
    async with app.run_test() as pilot:
        await pilot.pause()
        full = app.screen.routine.total_s
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("backspace", "backspace", "2", "enter")
        await pilot.pause()
        assert "between 3 and 60" in str(app.screen.query_one("#minutes-error").render())
        await pilot.press("backspace", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.minutes_today == 4
        assert abs(app.screen.routine.total_s - 240) <= 24 < full - 240


@sync
async def test_this_weeks_pain_shows_mean_and_flag_in_words(profile_store, make_app, clock):
    now = clock.wall()
    for days_ago, values in ((7, (6, 6, 7)), (0, (3, 3, 4))):
        for value in values:
            profile_store.add_rating(Rating(area="neck", rating=value, phase="check-in",
                                            at=now - timedelta(days=days_ago, minutes=value)))
    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#pain-panel").render())
        neck_line = next(line for line in text.splitlines() if line.startswith("Neck"))
        assert "3.3" in neck_line and "improving" in neck_line


@sync
@pytest.mark.parametrize("size", [(80, 24), (60, 18)])
async def test_an_urgent_answer_shows_why_first_and_the_button_on_screen(store, make_app, size):
    from coach.model import Profile

    store.save_profile(Profile(cautions=("numbness-tingling",), screened=True))
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert screen.routine.safety_level == "see-clinician" and not screen.routine.steps
        text = str(screen.query_one("#safety-line").render())
        assert text.startswith("No routine today")
        button = screen.query_one("#safety-settings")
        assert button.display
        region = button.region
        assert region.height > 0 and region.bottom <= size[1] - 1, region


@sync
async def test_an_avoided_area_is_named_on_home(store, make_app):
    from coach.model import Profile

    store.save_profile(Profile(cautions=("recent-injury-surgery",), avoid_areas=("neck",),
                               screened=True))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert all(step.area != "neck" for step in screen.routine.steps)
        assert "neck" in str(screen.query_one("#safety-line").render()).lower()
        assert not screen.query_one("#safety-panel").has_class("-hidden")


@sync
async def test_the_first_open_the_next_day_asks_about_soreness_once(profile_store, make_app,
                                                                    clock):
    from coach.tui.dialogs.soreness import SorenessDialog

    store = profile_store
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        yesterday = app.today() - timedelta(days=1)
        store.save_session(record(yesterday))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SorenessDialog)
        await pilot.click("#sore-a-lot")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [event] = [e for e in store.events() if e.kind == "soreness"]
    assert (event.area, event.level) == ("neck", "a-lot")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), "asked only once"


@sync
async def test_home_reloads_once_after_a_session(profile_store, make_app, clock):
    from coach.tui.screens.summary import SummaryScreen
    from tests.tui.test_app import run_session

    app = make_app(profile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        reloads = []
        original = home.reload
        home.reload = lambda: (reloads.append(app.screen), original())
        await pilot.press("s")
        await pilot.pause()
        await run_session(app, pilot, clock, rating=4, stop_after_steps=1)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert reloads == []  # not under the summary
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is home
        assert reloads == [home]
        assert home.resumable is not None  # and that one reload saw the session


@sync
async def test_home_paints_before_the_other_screens_stylesheet_is_read(profile_store, make_app):
    """Start-up reads only what home draws: the other screens' rules (screens.tcss) join
    when the first of them opens, and the see-a-clinician button only when it is needed."""
    from coach.tui.app import OTHER_SCREENS_CSS
    from coach.tui.screens.trends import TrendsScreen

    def stylesheets() -> set[str]:
        return {str(path) for path, _ in app.stylesheet.source}

    app = make_app(profile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.routine.safety_level != "see-clinician"
        assert str(OTHER_SCREENS_CSS) not in stylesheets()
        assert not app.screen.query("#safety-settings")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)
        assert str(OTHER_SCREENS_CSS) in stylesheets()


@sync
async def test_the_safety_panel_is_made_when_needed_and_follows_the_routine(store, make_app):
    # Home mounts the panel (and its button) only when a routine needs them; after that it
    # shows, hides and changes them as the profile changes.
    from coach.model import Profile

    store.save_profile(Profile(screened=True))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.routine.safety_level == "ok" and not screen.routine.safety_reasons
        assert not screen.query("#safety-panel") and not screen.query("#resume-line")
        assert screen.focused is screen.query_one(RoutineTable)

        store.save_profile(Profile(cautions=("recent-injury-surgery",), avoid_areas=("neck",),
                                   screened=True))
        screen.reload()
        await pilot.pause()
        panel = screen.query_one("#safety-panel")
        assert panel.display and not panel.has_class("-hidden")
        assert panel is screen.query_one("#home-body").children[0]  # above the routine
        assert "neck" in str(screen.query_one("#safety-line").render()).lower()
        assert not screen.query("#safety-settings")

        store.save_profile(Profile(cautions=("numbness-tingling",), screened=True))
        screen.reload()
        await pilot.pause()
        button = screen.query_one("#safety-settings")
        assert button.display and screen.focused is button
        assert panel.has_class("urgent")
        assert str(screen.query_one("#safety-line").render()).startswith("No routine today")

        store.save_profile(Profile(screened=True))
        screen.reload()
        await pilot.pause()
        assert panel.has_class("-hidden") and not panel.display
        assert len(screen.query("#safety-panel")) == 1


@sync
@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 60)])
async def test_home_opens_with_the_classes_its_size_gives(profile_store, make_app, size):
    # Home is made with the classes a resize gives a screen (and -tiny): so the first resize
    # changes none and does not restyle every widget before the first paint. A later
    # resize still moves them.
    app = make_app(profile_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        fresh = HomeScreen()  # made now, at this size, never shown
        assert fresh.classes == screen.classes
        assert screen.has_class("-tiny") == (size[1] < 20)
        assert screen.has_class("-narrow") == (size[0] < 110)
        await pilot.resize_terminal(130, 17)
        await pilot.pause()
        assert {"-wide", "-short", "-tiny"} <= screen.classes
        assert not screen.classes & {"-narrow", "-tall", "-huge"}


@sync
async def test_home_key_bar_shows_every_key_whole_and_a_click_presses_it(profile_store,
                                                                          make_app):
    from coach.tui.widgets.key_bar import KeyBar

    app = make_app(profile_store)
    async with app.run_test(size=(60, 18)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert [key.key for key in bar.shown_keys()] == ["s", "t", "h", "comma", "l",
                                                         "question_mark"]
        line = screen_lines(app)[-1]
        assert line.rstrip() == "s Start t Trends h History , Settings l Log pain ? Help"
        await pilot.click(KeyBar, offset=(line.index("Trends"), 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "TrendsScreen"
