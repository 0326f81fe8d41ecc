"""Short sounds for "press", "release" and "done", made here in code (no audio files).

Pure of Textual. Each sound is a few sine tones with soft edges, played through the sound
server (`paplay`, else `aplay`) as raw PCM on the player's stdin, never waited for. With
neither program, play() returns False and the player rings the terminal bell instead.
"""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from collections.abc import Callable

RATE = 22050  # samples a second, mono, 16 bit
# name -> the notes (frequency in Hz, seconds) played one after the other
SOUNDS: dict[str, tuple[tuple[float, float], ...]] = {
    "press": ((523.25, 0.09), (783.99, 0.14)),  # rising: C5 -> G5
    "release": ((783.99, 0.09), (523.25, 0.16)),  # falling: G5 -> C5
    "done": ((523.25, 0.12), (659.25, 0.12), (783.99, 0.12), (1046.5, 0.28)),  # C major
    "change": ((659.25, 0.12),),  # any other phase: one soft E5
}
FADE_S = 0.01  # soft edges: no click at the start or end of a note
LEVEL = 0.35  # of full scale: a cue, not an alarm


def pcm(name: str) -> bytes:
    """The sound as raw 16-bit little-endian mono samples at RATE."""
    samples: list[int] = []
    fade = int(RATE * FADE_S)
    for frequency, seconds in SOUNDS[name]:
        count = int(RATE * seconds)
        for index in range(count):
            edge = min(1.0, index / fade, (count - 1 - index) / fade)
            value = LEVEL * edge * math.sin(2 * math.pi * frequency * index / RATE)
            samples.append(int(value * 32767))
    return struct.pack(f"<{len(samples)}h", *samples)


def sound_for(kind: str | None) -> str:
    """The sound for entering a phase of this kind (None: the session is done)."""
    if kind is None:
        return "done"
    return kind if kind in ("press", "release") else "change"


class SoundPlayer:
    """Plays the sounds through paplay or aplay, whichever is on PATH first."""

    COMMANDS = {
        "paplay": ["--raw", "--format=s16le", f"--rate={RATE}", "--channels=1"],
        "aplay": ["-q", "-t", "raw", "-f", "S16_LE", "-r", str(RATE), "-c", "1", "-"],
    }

    def __init__(self, which: Callable[[str], str | None] = shutil.which) -> None:
        self.argv: list[str] | None = None
        for program, options in self.COMMANDS.items():
            path = which(program)
            if path:
                self.argv = [path, *options]
                break
        self._cache: dict[str, bytes] = {}

    @property
    def available(self) -> bool:
        return self.argv is not None

    def play(self, name: str) -> bool:
        """Start playing; False when there is no sound program (ring the bell instead)."""
        if self.argv is None:
            return False
        data = self._cache.get(name)
        if data is None:
            data = self._cache[name] = pcm(name)
        try:
            process = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       close_fds=True, start_new_session=True)
            # A sound is a few kilobytes, well under a pipe's buffer: this write never waits.
            process.stdin.write(data)
            process.stdin.close()
        except OSError:
            return False
        return True
