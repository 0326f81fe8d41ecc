"""Speech backends and sounds: chosen from PATH, called with an argument list (no shell),
never waited for, a new cue stopping the old one; sounds made in code."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach import sounds, voice
from coach.voice import VoiceSettings


def which_of(*present: str):
    return lambda program: f"/usr/bin/{program}" if program in present else None


def test_settings_default_when_absent_and_when_damaged():
    assert VoiceSettings.from_app({}) == VoiceSettings()
    assert VoiceSettings.from_app({"voice_rate": "fast"}) == VoiceSettings()
    assert VoiceSettings.from_app({"voice_backend": "festival"}) == VoiceSettings()
    saved = VoiceSettings(False, "espeak-ng", 150, 60, True)
    assert VoiceSettings.from_app(saved.to_app()) == saved


@pytest.mark.parametrize("field,value", [("rate", 49), ("rate", 201), ("volume", 9),
                                         ("volume", 101), ("backend", "off")])
def test_settings_refuse_values_out_of_range(field, value):
    with pytest.raises(ValueError):
        VoiceSettings(**{field: value})


def test_the_app_option_overrides_the_settings_for_one_run():
    saved = VoiceSettings(True, "speech-dispatcher", 120, 80)
    assert saved.with_option(None) == saved
    assert saved.with_option("off").enabled is False
    assert saved.with_option("espeak-ng") == VoiceSettings(True, "espeak-ng", 120, 80)
    assert VoiceSettings(enabled=False).with_option("auto").enabled is True


def test_auto_prefers_speech_dispatcher_then_espeak_ng():
    settings = VoiceSettings()
    chosen = voice.find_voice(settings, {}, which_of("spd-say", "espeak-ng"))
    assert isinstance(chosen, voice.SpeechDispatcherVoice)
    assert isinstance(voice.find_voice(settings, {}, which_of("espeak-ng")), voice.EspeakVoice)
    assert voice.find_voice(settings, {}, which_of()) is None
    forced = VoiceSettings(backend="espeak-ng")
    assert voice.find_voice(forced, {}, which_of("spd-say")) is None
    assert isinstance(voice.find_voice(forced, {}, which_of("spd-say", "espeak-ng")),
                      voice.EspeakVoice)


def test_the_text_is_one_argument_after_the_options_never_a_shell_line():
    text = "-w /tmp/x; rm -rf ~ $(reboot)"
    espeak = voice.EspeakVoice("/usr/bin/espeak-ng", rate=200, volume=50)
    assert espeak.argv(text) == ["/usr/bin/espeak-ng", "-s", "350", "-a", "50", "--", text]
    spd = voice.SpeechDispatcherVoice("/usr/bin/spd-say", rate=50, volume=100)
    assert spd.argv(text) == ["/usr/bin/spd-say", "-r", "-50", "-i", "100", "--", text]


class SleepVoice(voice.CommandVoice):
    """A stand-in speech program that takes its time, like a long phrase."""

    def argv(self, text: str) -> list[str]:
        return [sys.executable, "-c", "import time; time.sleep(30)", text]


def test_say_returns_at_once_and_a_new_cue_kills_the_stale_one():
    speaker = SleepVoice(sys.executable)
    started = time.perf_counter()
    speaker.say("Press and hold, 45 seconds.")
    first = speaker.process
    speaker.say("Release.")
    assert time.perf_counter() - started < 5  # neither call waited for the 30 s phrase
    assert first.poll() is not None  # the stale cue was stopped
    second = speaker.process
    assert second.poll() is None
    speaker.stop()
    assert second.poll() is not None and speaker.process is None


def test_recording_writes_numbered_private_wav_files(tmp_path):
    program = voice.shutil.which("espeak-ng")
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail("espeak-ng is not installed, and CI must run this test")
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path / "cues"
    recorder = voice.find_voice(VoiceSettings(), {voice.RECORD_ENV: str(folder)})
    assert isinstance(recorder, voice.RecordingVoice)
    recorder.say("Find the spot.")
    first = recorder.process
    recorder.say("Release.")
    first.wait(timeout=20)
    recorder.process.wait(timeout=20)
    files = sorted(folder.iterdir())
    assert [path.name for path in files] == ["0001.wav", "0002.wav"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size > 1000
    # A second run goes on numbering; a link planted where the next file goes is refused.
    (folder / "0003.wav").symlink_to(tmp_path / "elsewhere")
    again = voice.find_voice(VoiceSettings(), {voice.RECORD_ENV: str(folder)})
    with pytest.raises(FileExistsError):
        again.count = 2
        again.say("Release.")
    assert not (tmp_path / "elsewhere").exists()


def test_doctor_says_what_is_found_and_how_to_install_one():
    assert voice.doctor_lines(which_of("espeak-ng")) == [
        ("ok", "spoken cues: espeak-ng (/usr/bin/espeak-ng) found.")]
    [(level, message)] = voice.doctor_lines(which_of())
    assert level == "note" and "apt install speech-dispatcher espeak-ng" in message


@pytest.mark.skipif(voice.shutil.which("spd-say") is None,
                    reason="speech-dispatcher (spd-say) is not installed")
def test_speech_dispatcher_takes_a_cue_without_waiting():
    speaker = voice.SpeechDispatcherVoice(voice.shutil.which("spd-say"))
    started = time.perf_counter()
    speaker.say("Release.")
    speaker.stop()
    assert time.perf_counter() - started < 0.5


# -- sounds ----------------------------------------------------------------------------


def test_the_sounds_are_short_distinct_and_whole_samples():
    made = {name: sounds.pcm(name) for name in sounds.SOUNDS}
    assert len(set(made.values())) == len(made)
    for data in made.values():
        assert len(data) % 2 == 0  # 16-bit mono samples
        seconds = len(data) / 2 / sounds.RATE
        assert 0.05 < seconds < 1.0
        assert len(data) < 65536  # fits a pipe's buffer: writing it never blocks
    assert sounds.sound_for("press") == "press"
    assert sounds.sound_for("release") == "release"
    assert sounds.sound_for(None) == "done"
    assert sounds.sound_for("find") == "change"


def test_no_sound_program_means_the_bell(monkeypatch):
    player = sounds.SoundPlayer(which=which_of())
    assert not player.available
    assert player.play("press") is False


def test_paplay_gets_the_raw_sound_on_its_stdin(tmp_path):
    out = tmp_path / "heard.raw"
    fake = tmp_path / "paplay"
    fake.write_text(f"#!/bin/sh\nexec cat > '{out}'\n")
    fake.chmod(0o700)
    player = sounds.SoundPlayer(which=lambda name: str(fake) if name == "paplay" else None)
    assert player.argv[1:] == ["--raw", "--format=s16le", f"--rate={sounds.RATE}",
                               "--channels=1"]
    assert player.play("release") is True
    deadline = time.monotonic() + 10
    while (not out.exists() or out.stat().st_size < len(sounds.pcm("release"))) and \
            time.monotonic() < deadline:
        time.sleep(0.02)
    assert out.read_bytes() == sounds.pcm("release")


def test_aplay_is_the_fallback():
    player = sounds.SoundPlayer(which=which_of("aplay"))
    assert player.argv[0] == "/usr/bin/aplay" and player.argv[-1] == "-"


def test_the_cue_modules_stay_out_of_textual():
    code = ("import sys, coach.cues, coach.voice, coach.sounds; "
            "print('textual' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], check=True)
    assert result.stdout.strip() == "False"


def test_a_recording_folder_that_cannot_be_made_means_no_voice(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    found = voice.find_voice(VoiceSettings(), {voice.RECORD_ENV: str(blocker / "cues")},
                             which_of("espeak-ng"))
    assert found is None
