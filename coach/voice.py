"""Speaking cues aloud through the system's speech service, one backend interface.

Pure of Textual. A backend is a command found on PATH (`spd-say` for speech-dispatcher,
else `espeak-ng`), started with the text as an argument (never through a shell) and never
waited for, so a cue cannot delay the countdown. A new cue stops the one still speaking:
there is no queue of old phrases after a pause or a skip.

With COACH_VOICE_RECORD naming a folder, espeak-ng writes each cue as a numbered WAV
file there instead of speaking (the end-to-end tests and the benchmark listen this way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

RECORD_ENV = "COACH_VOICE_RECORD"
SERVICES = ("auto", "speech-dispatcher", "espeak-ng")
OPTION_CHOICES = (*SERVICES, "off")  # `coach --voice ...`
PROGRAMS = {"speech-dispatcher": "spd-say", "espeak-ng": "espeak-ng"}
INSTALL_HINT = "apt install speech-dispatcher espeak-ng"
ESPEAK_WPM = 175  # espeak-ng's own default speed, our rate 100


@dataclass(frozen=True)
class VoiceSettings:
    """The voice settings, stored under "app" in coach.json (absent keys: defaults)."""

    enabled: bool = True  # speak cues in a session
    backend: str = "auto"  # "auto", "speech-dispatcher" or "espeak-ng"
    rate: int = 100  # speaking speed in percent of the service's normal, 50-200
    volume: int = 100  # loudness in percent, 10-100
    countdown: bool = False  # also say 3, 2, 1 before a hold ends

    def __post_init__(self) -> None:
        if self.backend not in SERVICES:
            raise ValueError(f"the voice must be one of {', '.join(SERVICES)}.")
        if not 50 <= self.rate <= 200:
            raise ValueError("the speaking rate must be between 50 and 200 (percent).")
        if not 10 <= self.volume <= 100:
            raise ValueError("the voice volume must be between 10 and 100 (percent).")

    @classmethod
    def from_app(cls, app_settings: Mapping) -> VoiceSettings:
        """From the stored "app" settings; a damaged value falls back to its default."""
        defaults = cls()
        values = {
            "enabled": app_settings.get("voice", defaults.enabled),
            "backend": app_settings.get("voice_backend", defaults.backend),
            "rate": app_settings.get("voice_rate", defaults.rate),
            "volume": app_settings.get("voice_volume", defaults.volume),
            "countdown": app_settings.get("voice_countdown", defaults.countdown),
        }
        try:
            return cls(enabled=bool(values["enabled"]), backend=str(values["backend"]),
                       rate=int(values["rate"]), volume=int(values["volume"]),
                       countdown=bool(values["countdown"]))
        except (TypeError, ValueError):
            return defaults

    def to_app(self) -> dict:
        return {"voice": self.enabled, "voice_backend": self.backend,
                "voice_rate": self.rate, "voice_volume": self.volume,
                "voice_countdown": self.countdown}

    def with_option(self, option: str | None) -> VoiceSettings:
        """`coach --voice auto|speech-dispatcher|espeak-ng|off` for this run only."""
        if option is None:
            return self
        if option == "off":
            return VoiceSettings(False, self.backend, self.rate, self.volume, self.countdown)
        return VoiceSettings(True, option, self.rate, self.volume, self.countdown)


class Voice(Protocol):
    """What the player needs from a speech backend."""

    name: str

    def say(self, text: str) -> None:
        """Start speaking `text` now, stopping whatever is still being said; never waits."""

    def stop(self) -> None:
        """Stop speaking now."""


class CommandVoice:
    """A speech program run once per cue; the running one is killed by the next cue."""

    name = "command"

    def __init__(self, program: str) -> None:
        self.program = program
        self.process: subprocess.Popen | None = None

    def argv(self, text: str) -> list[str]:
        raise NotImplementedError

    def say(self, text: str) -> None:
        self.stop()
        self.process = self._start(self.argv(text))

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()  # reaps at once: a killed process ends within microseconds

    def _start(self, argv: list[str], stdout=subprocess.DEVNULL) -> subprocess.Popen:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=subprocess.DEVNULL, close_fds=True,
                                start_new_session=True)


class EspeakVoice(CommandVoice):
    name = "espeak-ng"

    def __init__(self, program: str, rate: int = 100, volume: int = 100) -> None:
        super().__init__(program)
        self.rate = rate
        self.volume = volume

    def argv(self, text: str) -> list[str]:
        # -a is espeak-ng's amplitude, 100 its normal loudness; "--" ends the options, so
        # a cue can never be read as one.
        return [self.program, "-s", str(round(ESPEAK_WPM * self.rate / 100)),
                "-a", str(self.volume), "--", text]


class SpeechDispatcherVoice(CommandVoice):
    """spd-say hands the text to the speech-dispatcher daemon and returns at once, so
    stopping means asking the daemon to cancel (spd-say -C) before the next cue. The two
    calls run in order on a short-lived thread, so the player never waits for them."""

    name = "speech-dispatcher"

    def __init__(self, program: str, rate: int = 100, volume: int = 100) -> None:
        super().__init__(program)
        self.rate = rate
        self.volume = volume
        self._lock = threading.Lock()
        self._latest = 0

    def argv(self, text: str) -> list[str]:
        rate = max(-100, min(100, self.rate - 100))  # spd-say: -100..100, 0 normal
        volume = max(-100, min(100, 2 * self.volume - 100))
        return [self.program, "-r", str(rate), "-i", str(volume), "--", text]

    def say(self, text: str) -> None:
        self._send([self.program, "-C"], self.argv(text))

    def stop(self) -> None:
        self._send([self.program, "-C"], None)

    def _send(self, cancel: list[str], speak: list[str] | None) -> None:
        self._latest += 1
        number = self._latest

        def run() -> None:
            with self._lock:
                if number != self._latest and speak is not None:
                    return  # a newer cue came while this one waited: it is stale
                try:
                    subprocess.run(cancel, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   timeout=3, check=False)
                    if speak is not None:
                        self._start(speak)
                except (OSError, subprocess.SubprocessError):
                    pass  # speech is a comfort: a failing service must not break a session

        threading.Thread(target=run, name="spd-say", daemon=True).start()


class RecordingVoice(EspeakVoice):
    """espeak-ng writing each cue to FOLDER/0001.wav, 0002.wav, ... instead of speaking.

    A recording is not cut short by the next cue (it stands for a cue that started);
    each file is created private (0600) and new (O_EXCL, no symlink followed).
    """

    name = "espeak-ng (recording)"

    def __init__(self, program: str, folder: Path, rate: int = 100, volume: int = 100) -> None:
        super().__init__(program, rate, volume)
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        numbers = [int(path.stem) for path in folder.glob("*.wav") if path.stem.isdigit()]
        self.count = max(numbers, default=0)

    def argv(self, text: str) -> list[str]:
        return [self.program, "--stdout", *super().argv(text)[1:]]

    def say(self, text: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:04d}.wav"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             0o600)
        try:
            self.process = self._start(self.argv(text), stdout=descriptor)
        finally:
            os.close(descriptor)

    def stop(self) -> None:
        self.process = None


def find_voice(settings: VoiceSettings, environ: Mapping[str, str] | None = None,
               which: Callable[[str], str | None] = shutil.which) -> Voice | None:
    """The backend the settings ask for, if its program is on PATH; None: none found."""
    environ = os.environ if environ is None else environ
    names = (["speech-dispatcher", "espeak-ng"] if settings.backend == "auto"
             else [settings.backend])
    record = environ.get(RECORD_ENV)
    if record:
        program = which(PROGRAMS["espeak-ng"])
        try:
            return (RecordingVoice(program, Path(record), settings.rate, settings.volume)
                    if program else None)
        except OSError:  # the folder cannot be made: no voice, the session still runs
            return None
    for name in names:
        program = which(PROGRAMS[name])
        if program is None:
            continue
        if name == "speech-dispatcher":
            return SpeechDispatcherVoice(program, settings.rate, settings.volume)
        return EspeakVoice(program, settings.rate, settings.volume)
    return None


def service_found(which: Callable[[str], str | None] = shutil.which) -> bool:
    return any(which(program) for program in PROGRAMS.values())


def doctor_lines(which: Callable[[str], str | None] = shutil.which) -> list[tuple[str, str]]:
    """(level, message) for `coach doctor`: which speech service the player would use."""
    found = [f"{name} ({which(program)})" for name, program in PROGRAMS.items()
             if which(program)]
    if found:
        return [("ok", f"spoken cues: {', '.join(found)} found.")]
    return [("note", f"spoken cues: no speech service found; to hear the steps, run "
                     f"'{INSTALL_HINT}'.")]
