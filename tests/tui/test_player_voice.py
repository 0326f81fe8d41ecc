"""Spoken cues and sounds in the real player, driven by Pilot on a fake monotonic clock.

A fake voice records (text, clock reading) for each cue, so these tests check the words
and the deadlines they are said at, through pause, skip, back and "+15 s".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from textual.app import App

from coach.model import Routine, Step, Stretch
from coach.store import Store
from coach.tui.dialogs.rating import RatingDialog
from coach.tui.screens.player import PlayerScreen
from tests.helpers import sync

pytestmark = pytest.mark.xdist_group("tui-player")

WALL_START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=1)))
START = 1000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> datetime:
        return WALL_START + timedelta(seconds=self.now - START)


class FakeVoice:
    """Records what would be said and when; stop() marks a cut-off."""

    name = "fake"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.said: list[tuple[str, float]] = []
        self.stops: list[float] = []

    def say(self, text: str) -> None:
        self.said.append((text, self.clock()))

    def stop(self) -> None:
        self.stops.append(self.clock())

    def texts(self) -> list[str]:
        return [text for text, _at in self.said]


class FakeSounds:
    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.played: list[str] = []

    def play(self, name: str) -> bool:
        if self.available:
            self.played.append(name)
        return self.available


def make_step(muscle: str, area: str, side: str, hold_s: int, stretch: bool) -> Step:
    return Step(
        muscle=muscle, muscle_name=muscle.replace("-", " ").capitalize(), area=area,
        side=side, tool="ball", tools=("ball", "wall"), position="standing",
        technique="sustained-pressure", how="Lean into the ball against the wall.",
        find="Top of the shoulder.", find_s=10, hold_s=hold_s, release_s=10, reps=2,
        stretch=Stretch("Ear to shoulder", "Tilt your ear to the shoulder.", 20, 1)
        if stretch else None,
        reason="test")


ROUTINE = Routine(date(2025, 3, 3), 10, (
    make_step("upper-trapezius", "neck", "left", 45, stretch=True),  # 10+2*(45+10)+20 = 140
    make_step("upper-trapezius", "neck", "right", 45, stretch=True),
    make_step("forearm-extensors", "forearm-wrist", "both", 30, stretch=False),  # 90
))
INTRO_LEFT = "Upper trapezius, left side. Ball and wall, standing. Find the spot."
SWITCH_RIGHT = "Switch to the right side. Ball and wall, standing. Find the spot."
INTRO_FOREARM = "Forearm extensors, both sides. Ball and wall, standing. Find the spot."


class VoiceApp(App):
    def __init__(self, store: Store, clock: FakeClock, voice=None, sounds=None,
                 voice_missing: bool = False, countdown: bool = False) -> None:
        super().__init__()
        self.store, self.fake_clock = store, clock
        self.voice, self.sounds = voice, sounds
        self.voice_missing, self.countdown = voice_missing, countdown
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(PlayerScreen(
            ROUTINE, self.store, clock=self.fake_clock, wall_clock=self.fake_clock.wall,
            voice=self.voice, voice_on=self.voice is not None or self.voice_missing,
            voice_missing=self.voice_missing, countdown_cues=self.countdown,
            sounds=self.sounds))

    def bell(self) -> None:
        self.bells += 1


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path)


def player(app: App) -> PlayerScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, PlayerScreen))


async def rate(pilot, value: int | None) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, RatingDialog)
    await pilot.press(*(["escape"] if value is None else [str(value), "enter"]))
    await pilot.pause()


async def tick_after(pilot, clock: FakeClock, seconds: float) -> None:
    clock.step(seconds)
    player(pilot.app).tick()
    await pilot.pause()


@sync
async def test_a_session_with_pause_skip_back_and_plus_speaks_the_right_words_on_time(store):
    clock = FakeClock()
    voice = FakeVoice(clock)
    app = VoiceApp(store, clock, voice)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert voice.said == [("Rate your neck.", START)]
        clock.step(4)  # the person takes 4 s to answer; the step starts then
        await rate(pilot, 5)
        assert voice.said[-1] == (INTRO_LEFT, START + 4)
        await tick_after(pilot, clock, 10)  # the find deadline
        assert voice.said[-1] == ("Press and hold, 45 seconds.", START + 14)
        await tick_after(pilot, clock, 22.5)
        assert voice.said[-1] == ("Halfway.", START + 36.5)

        # Pause: silence at once, and nothing is said however long the pause lasts.
        await tick_after(pilot, clock, 2.5)
        said = len(voice.said)
        await pilot.press("space")
        await pilot.pause()
        assert voice.stops[-1] == START + 39
        for _ in range(5):
            await tick_after(pilot, clock, 60)
        assert len(voice.said) == said
        await pilot.press("space")  # resume at START + 339 with 20 s of the hold left
        await pilot.pause()
        assert len(voice.said) == said, "resuming repeats nothing"
        await tick_after(pilot, clock, 20)
        assert voice.said[-1] == ("Release.", START + 359)
        await tick_after(pilot, clock, 10)
        assert voice.said[-1] == ("Again. Press and hold, 45 seconds.", START + 369)

        # "+15 s" stops the current cue; the release then comes 15 s later.
        await tick_after(pilot, clock, 5)
        stops = len(voice.stops)
        await pilot.press("plus")
        await pilot.pause()
        assert len(voice.stops) == stops + 1
        await tick_after(pilot, clock, 25)  # halfway through 45 + 15 s
        assert voice.said[-1] == ("Halfway.", START + 399)
        await tick_after(pilot, clock, 30)  # 45 + 15 after the hold began
        assert voice.said[-1] == ("Release.", START + 429)

        # Skip to the same muscle on the other side, then back: each says its step once.
        await pilot.press("n")
        await pilot.pause()
        assert voice.said[-1] == (SWITCH_RIGHT, START + 429)
        await tick_after(pilot, clock, 3)
        await pilot.press("b")
        await pilot.pause()
        assert voice.said[-1] == (INTRO_LEFT, START + 432)
        await pilot.press("n")
        await pilot.pause()
        assert voice.said[-1] == (SWITCH_RIGHT, START + 432)

        # Skipping out of the neck asks the ratings: each is said as its question opens.
        await pilot.press("n")
        await pilot.pause()
        assert voice.said[-1] == ("Rate your neck.", START + 432)
        await rate(pilot, 3)
        assert voice.said[-1] == ("Rate your forearm wrist.", START + 432)
        clock.step(2)
        await rate(pilot, 4)
        assert voice.said[-1] == (INTRO_FOREARM, START + 434)

        # The last step by time to the end: its after-rating, then "Session done."
        for seconds, words in ((10, "Press and hold, 30 seconds."), (30, "Release."),
                               (10, "Again. Press and hold, 30 seconds."), (30, "Release.")):
            await tick_after(pilot, clock, seconds)
            assert voice.said[-1] == (words, clock())
        await tick_after(pilot, clock, 10)
        assert voice.said[-1] == ("Rate your forearm wrist.", START + 524)
        await rate(pilot, 2)
        assert voice.said[-1] == ("Session done.", START + 524)
    texts = voice.texts()
    assert texts.count(INTRO_LEFT) == 2 and texts.count(SWITCH_RIGHT) == 2  # entered twice
    assert not any(text.startswith("Stretch") for text in texts), "skipped phases stay silent"


@sync
async def test_the_optional_countdown_is_said_in_the_last_seconds_of_a_hold(store):
    clock = FakeClock()
    voice = FakeVoice(clock)
    app = VoiceApp(store, clock, voice, countdown=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await tick_after(pilot, clock, 10)
        for at in (22.5, 42, 43, 44, 45):
            await tick_after(pilot, clock, at - (clock() - START - 10))
        assert voice.texts()[-5:] == ["Halfway.", "3", "2", "1", "Release."]
        assert [at - START for _text, at in voice.said[-4:]] == [52, 53, 54, 55]


@sync
async def test_v_toggles_the_voice_and_ending_early_stops_it(store):
    clock = FakeClock()
    voice = FakeVoice(clock)
    app = VoiceApp(store, clock, voice)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await pilot.press("v")
        await pilot.pause()
        assert voice.stops, "turning the voice off stops it at once"
        said = len(voice.said)
        await tick_after(pilot, clock, 10)
        assert len(voice.said) == said
        await pilot.press("v")
        await tick_after(pilot, clock, 45)
        assert voice.said[-1][0] == "Release."
        stops = len(voice.stops)
        await pilot.press("q")
        await pilot.pause()
        assert len(voice.stops) == stops + 1, "the end question is a pause: silence"
        await pilot.press("y")
        await pilot.pause()
        assert voice.said[-1][0] == "Release.", "ending early says no 'Session done'"


@sync
async def test_no_speech_service_is_said_once_in_the_footer_and_the_session_goes_on(store):
    clock = FakeClock()
    app = VoiceApp(store, clock, voice=None, voice_missing=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        notes = [str(note.message) for note in app._notifications]
        assert notes == ["No speech service found, so the steps are not spoken: "
                         "apt install speech-dispatcher espeak-ng."]
        binding = player(app).active_bindings["v"].binding
        assert binding.show and binding.description == "No voice: see ?"
        await tick_after(pilot, clock, 10)
        assert player(app).session.phase.kind == "press"
        await pilot.press("v")
        await pilot.pause()
        assert any("apt install speech-dispatcher espeak-ng" in str(note.message)
                   for note in app._notifications)


@sync
async def test_sounds_for_press_release_and_done_and_m_mutes_them(store):
    clock = FakeClock()
    sounds = FakeSounds()
    app = VoiceApp(store, clock, sounds=sounds)
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await tick_after(pilot, clock, 10)
        await tick_after(pilot, clock, 45)
        assert sounds.played == ["press", "release"] and app.bells == 0
        await pilot.press("m")
        await tick_after(pilot, clock, 10)
        assert sounds.played == ["press", "release"] and app.bells == 0
        await pilot.press("m")
        while player(app).session.step_index < 2:
            await pilot.press("n")
            await pilot.pause()
            while isinstance(app.screen, RatingDialog):
                await rate(pilot, None)
        await tick_after(pilot, clock, 90)
        assert sounds.played[-1] == "done"


@sync
async def test_without_a_sound_program_the_terminal_bell_rings(store):
    clock = FakeClock()
    app = VoiceApp(store, clock, sounds=FakeSounds(available=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await rate(pilot, 5)
        await tick_after(pilot, clock, 10)
        assert app.bells == 1
