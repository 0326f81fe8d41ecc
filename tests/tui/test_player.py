"""The session player, driven by Pilot with a fake monotonic clock and a real Store."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from textual.app import App

from coach.model import Routine, Step, Stretch
from coach.store import Rating, SessionRecord, Store
from coach.tui.dialogs.rating import RatingDialog
from coach.tui.screens.player import PlayerScreen
from coach.tui.widgets.big_clock import BigClock
from coach.tui.widgets.countdown import PhaseCountdown
from tests.helpers import screen_lines, sync

pytestmark = pytest.mark.xdist_group("tui-player")

TZ = timezone(timedelta(hours=1))
WALL_START = datetime(2025, 3, 3, 9, 0, tzinfo=TZ)




class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.start = start

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> datetime:
        return WALL_START + timedelta(seconds=self.now - self.start)


def make_step(muscle: str, area: str, side: str = "right", stretch: bool = False) -> Step:
    return Step(
        muscle=muscle, muscle_name=muscle.replace("-", " ").capitalize(), area=area, side=side,
        tool="ball", tools=("ball", "wall"), position="standing",
        technique="sustained-pressure",
        how="Lean into the ball against the wall until it is tender, about 7/10.",
        find="Top of the shoulder, midway between the neck and the shoulder tip.",
        find_s=10, hold_s=30, release_s=10, reps=2,
        stretch=Stretch("Ear to shoulder", "Tilt your ear towards the other shoulder.", 20, 1)
        if stretch else None,
        reason="Your neck hurts most this week.",
        cautions=("Never press the front or the side triangle of the neck.",)
        if muscle == "upper-trapezius" else (),
    )


ROUTINE = Routine(
    day=date(2025, 3, 3), minutes=10,
    steps=(make_step("upper-trapezius", "neck", stretch=True),
           make_step("levator-scapulae", "neck", side="left"),
           make_step("forearm-extensors", "forearm-wrist")),
)
STEP_S = [step.seconds for step in ROUTINE.steps]  # [110, 90, 90]


class PlayerApp(App):
    """Opens a PlayerScreen and records what it reports."""

    def __init__(self, store: Store, clock: FakeClock, resume: SessionRecord | None = None,
                 routine: Routine = ROUTINE) -> None:
        super().__init__()
        self.store, self.fake_clock, self.resume, self.routine = store, clock, resume, routine
        self.results: list = []
        self.finished: list[PlayerScreen.Finished] = []
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(
            PlayerScreen(self.routine, self.store, resume=self.resume, clock=self.fake_clock,
                         wall_clock=self.fake_clock.wall),
            callback=self.results.append)

    def bell(self) -> None:
        self.bells += 1

    def on_player_screen_finished(self, message: PlayerScreen.Finished) -> None:
        self.finished.append(message)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path)


def player(app: App) -> PlayerScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, PlayerScreen))


def shown_digits(app: App) -> str:
    return player(app).query_one("#countdown-digits", BigClock).value


async def rate(pilot, value: int | None) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, RatingDialog)
    if value is None:
        await pilot.press("escape")
    else:
        await pilot.press(*list(str(value)), "enter")
    await pilot.pause()


async def tick_after(pilot, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the player notice, as its redraw tick would."""
    clock.step(seconds)
    player(pilot.app).tick()
    await pilot.pause()


@sync
async def test_before_rating_is_asked_first_and_stored_at_once(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RatingDialog)
        clock.step(30)  # the person takes their time: the step has not started
        await rate(pilot, 6)
        [rating] = store.ratings()
        assert (rating.area, rating.rating, rating.phase) == ("neck", 6, "before")
        assert rating.session_id == player(app).record.id
        assert (rating.muscle, rating.technique) == ("upper-trapezius", "sustained-pressure")
        assert rating.at == WALL_START + timedelta(seconds=30)
        assert shown_digits(app) == "0:10"  # find the spot, full length
        [session] = store.sessions()
        assert session.status == "in-progress" and session.done_s == 0


@sync
async def test_pause_freezes_the_countdown_and_plus_adds_fifteen_seconds(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await tick_after(pilot, clock, 4)
        assert shown_digits(app) == "0:06"
        await pilot.press("space")
        await tick_after(pilot, clock, 300)
        assert shown_digits(app) == "0:06"
        assert "PAUSED" in str(player(app).query_one("#countdown-phase").render())
        await pilot.press("space")
        await tick_after(pilot, clock, 1)
        assert shown_digits(app) == "0:05"
        await pilot.press("plus")
        await pilot.pause()
        assert shown_digits(app) == "0:20"
        await tick_after(pilot, clock, 19.5)
        assert player(app).session.phase.kind == "find"
        await tick_after(pilot, clock, 0.5)
        assert player(app).session.phase.kind == "press"
        assert shown_digits(app) == "0:30"


@sync
async def test_redraw_ticks_do_not_count_time(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await pilot.pause(0.5)  # several real redraw ticks, the fake clock stands still
        assert shown_digits(app) == "0:10"
        clock.step(3)
        await pilot.pause(0.3)  # the interval timer alone picks the new time up
        assert shown_digits(app) == "0:07"


@sync
async def test_phase_change_rings_and_flashes_and_m_mutes_the_bell(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        countdown = player(app).query_one(PhaseCountdown)
        await tick_after(pilot, clock, 10)
        assert app.bells == 1 and countdown.has_class("-flash")
        await tick_after(pilot, clock, 1)
        assert not countdown.has_class("-flash")
        await pilot.press("m")
        await tick_after(pilot, clock, 29)
        assert app.bells == 1 and countdown.has_class("-flash")
        await pilot.press("f")
        await tick_after(pilot, clock, 10)
        assert player(app).session.phase.rep == 2
        assert not countdown.has_class("-flash")


@sync
async def test_skip_and_back_move_by_step_and_ratings_come_at_area_edges(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 7)
        screen = player(app)
        await tick_after(pilot, clock, 5)
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.step_index == 1
        assert "Levator scapulae · left side" in str(screen.query_one("#player-muscle").render())
        await pilot.press("b")
        await pilot.pause()
        assert screen.session.step_index == 0
        assert not isinstance(app.screen, RatingDialog)  # neck was rated already
        await pilot.press("n", "n")
        await pilot.pause()
        # leaving the neck after 5 s and two skips: it was not worked, so no "after" for
        # it; only the "before" for the forearm
        await rate(pilot, None)
        assert screen.session.step_index == 2
        assert not isinstance(app.screen, RatingDialog)
        ratings = [(r.area, r.phase, r.rating) for r in store.ratings()]
        assert ratings == [("neck", "before", 7)]
        [session] = store.sessions()
        assert session.steps[0]["seconds"] == 5
        assert [step["completed"] for step in session.steps] == [False, False, False]
        assert [step["skipped"] for step in session.steps] == [True, True, False]


@sync
async def test_a_whole_session_is_saved_with_its_ratings(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 6)
        await tick_after(pilot, clock, STEP_S[0])
        saved = store.sessions()[0]
        assert saved.steps[0]["completed"] and saved.steps[0]["seconds"] == STEP_S[0]
        await tick_after(pilot, clock, STEP_S[1] + 0.05)
        await rate(pilot, 3)  # neck after
        await rate(pilot, 5)  # forearm before
        await tick_after(pilot, clock, STEP_S[2] + 0.05)
        await rate(pilot, 10)  # forearm after
        await pilot.pause()
        assert not any(isinstance(screen, PlayerScreen) for screen in app.screen_stack)
    [session] = store.sessions()
    assert session.status == "finished"
    assert session.done_s == sum(STEP_S) == session.planned_s
    assert all(step["completed"] for step in session.steps)
    assert session.finished_at is not None
    assert [(r.area, r.phase, r.rating) for r in store.ratings()] == [
        ("neck", "before", 6), ("neck", "after", 3),
        ("forearm-wrist", "before", 5), ("forearm-wrist", "after", 10)]
    assert {r.session_id for r in store.ratings()} == {session.id}
    assert app.results == [session.id]
    assert [(m.session_id, m.status) for m in app.finished] == [(session.id, "finished")]


@sync
async def test_q_asks_then_ends_early_and_keeps_what_was_done(store):
    clock = FakeClock()
    app = PlayerApp(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 6)
        await tick_after(pilot, clock, STEP_S[0] + 20)
        await pilot.press("q")
        await pilot.pause()
        clock.step(100)  # deciding takes a while; it is not counted
        await pilot.press("escape")  # "keep going"
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert shown_digits(app) == "0:20"  # 10 s into the second step's first press
        await tick_after(pilot, clock, 5)
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert not isinstance(app.screen, PlayerScreen)
    [session] = store.sessions()
    assert session.status == "ended-early"
    assert session.done_s == STEP_S[0] + 25
    assert [step["completed"] for step in session.steps] == [True, False, False]
    assert session.steps[1]["seconds"] == 25
    assert [m.status for m in app.finished] == ["ended-early"]


@sync
async def test_resume_continues_at_the_first_incomplete_step(store):
    first_run = SessionRecord(
        id="earlier", day=ROUTINE.day, started_at=WALL_START - timedelta(hours=2),
        finished_at=WALL_START - timedelta(hours=2) + timedelta(seconds=150),
        planned_s=ROUTINE.total_s, done_s=150,
        steps=[{"muscle": "upper-trapezius", "area": "neck", "side": "right", "tool": "ball",
                "technique": "sustained-pressure", "seconds": 110, "completed": True},
               {"muscle": "levator-scapulae", "area": "neck", "side": "left", "tool": "ball",
                "technique": "sustained-pressure", "seconds": 40, "completed": False},
               {"muscle": "forearm-extensors", "area": "forearm-wrist", "side": "right",
                "tool": "ball", "technique": "sustained-pressure", "seconds": 0,
                "completed": False}],
        status="ended-early")
    store.save_session(first_run)
    store.add_rating(Rating(area="neck", rating=6, phase="before", at=first_run.started_at,
                            session_id="earlier"))
    clock = FakeClock()
    app = PlayerApp(store, clock, resume=first_run)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)  # the neck was rated before
        assert player(app).session.step_index == 1
        assert shown_digits(app) == "0:10"
        await tick_after(pilot, clock, STEP_S[1])
        await rate(pilot, 2)  # neck after
        await rate(pilot, None)  # forearm before, skipped
        await tick_after(pilot, clock, 30)
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    [session] = store.sessions()
    assert session.id == "earlier"
    assert session.started_at == first_run.started_at
    assert session.steps[1] == {**first_run.steps[1], "seconds": 40 + STEP_S[1],
                                "completed": True}
    assert session.steps[2]["seconds"] == 30
    assert session.done_s == 110 + 40 + STEP_S[1] + 30
    assert [(r.phase, r.rating) for r in store.ratings() if r.area == "neck"] == [
        ("before", 6), ("after", 2)]


def fixed_app(store: Store) -> PlayerApp:
    return PlayerApp(store, FakeClock())


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 60)])
def test_player_snapshot(snap_compare, tmp_path, size):
    app = fixed_app(Store(tmp_path))

    async def into_the_first_press(pilot) -> None:
        await rate(pilot, 6)
        app.fake_clock.step(17.4)  # 10 s finding, then 7.4 s into the first press
        player(app).tick()
        app.fake_clock.step(1)  # the flash is over
        player(app).tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=into_the_first_press)


# Seconds into the first step for each phase: find 0-10, press 10-40, release 40-50,
# stretch 90-110 (after the second press and release).
PHASE_AT = {"find": 3.0, "release": 44.0, "stretch": 95.0, "paused": 20.0}


@pytest.mark.parametrize("phase", list(PHASE_AT))
def test_player_phase_snapshot(snap_compare, tmp_path, phase):
    app = fixed_app(Store(tmp_path))

    async def into_the_phase(pilot) -> None:
        await rate(pilot, 6)
        app.fake_clock.step(PHASE_AT[phase])
        player(app).tick()
        app.fake_clock.step(1)
        player(app).tick()
        if phase == "paused":
            await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=into_the_phase)


def test_player_snapshot_without_colour(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = fixed_app(Store(tmp_path))

    async def into_the_first_press(pilot) -> None:
        await rate(pilot, 6)
        app.fake_clock.step(18.4)
        player(app).tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=into_the_first_press)


@sync
async def test_the_player_keeps_countdown_and_phase_on_screen_at_every_size(store):
    for width, height in [(60, 18), (80, 24), (120, 40), (200, 60)]:
        app = PlayerApp(store, FakeClock())
        async with app.run_test(size=(width, height)) as pilot:
            await rate(pilot, None)
            for seconds in (3.0, 15.0, 45.0, 95.0):  # find, press, release, stretch
                app.fake_clock.step(seconds - (app.fake_clock.now - app.fake_clock.start))
                player(app).tick()
                await pilot.pause()
                text = "\n".join(screen_lines(app))
                heading = str(player(app).query_one("#countdown-phase").render())
                assert heading.split(" · ")[0] in text, (width, height, seconds)
                assert "Next up:" in text, (width, height, seconds)
                clock = player(app).query_one("#countdown-digits")
                assert clock.region.height >= 1 and clock.region.bottom <= height - 1
                if height >= 24:  # big digits, not one line of text
                    assert clock.region.height >= 3 and "█" in text, (width, height, seconds)
                assert text.count("Find it:") <= 1
        store = Store(store.directory.parent / f"s{width}")


@sync
async def test_an_empty_routine_leaves_no_session_behind(store):
    empty = Routine(day=date(2025, 3, 3), minutes=10, steps=())
    app = PlayerApp(store, FakeClock(), routine=empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, PlayerScreen)
    assert app.results == [None]
    assert store.sessions() == []


@sync
async def test_resuming_a_session_with_every_step_done_finishes_it(store):
    done = SessionRecord(
        id="all-done", day=ROUTINE.day, started_at=WALL_START, finished_at=None,
        planned_s=ROUTINE.total_s, done_s=ROUTINE.total_s,
        steps=[{"muscle": step.muscle, "area": step.area, "side": step.side, "tool": step.tool,
                "technique": step.technique, "seconds": step.seconds, "completed": True}
               for step in ROUTINE.steps],
        status="in-progress")
    app = PlayerApp(store, FakeClock(), resume=done)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, None)  # the last area's "after" is still due
        await pilot.pause()
        assert not isinstance(app.screen, PlayerScreen)
    [session] = store.sessions()
    assert (session.id, session.status, session.done_s) == ("all-done", "finished",
                                                             ROUTINE.total_s)


@sync
async def test_the_step_cautions_are_on_screen(store):
    app = PlayerApp(store, FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        careful = str(player(app).query_one("#player-careful").render())
        assert careful == "Careful: Never press the front or the side triangle of the neck."
        await pilot.press("n")
        await pilot.pause()
        assert str(player(app).query_one("#player-careful").render()) == ""
