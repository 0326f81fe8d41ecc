"""A countdown in block digits that grow with the space they get: readable from two metres.

Each glyph is a 3x5 grid of square "pixels". A pixel is `scale` columns wide and
`scale` half-rows tall (a terminal cell is about twice as tall as it is wide, and the
half blocks ▀ ▄ █ give two pixel rows per cell), so the digits keep their shape at
every scale. The largest scale that fits the widget's region is used; with less than
three rows the time is drawn as plain bold text.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

GLYPHS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
}
GLYPH_ROWS = 5


def pixel_columns(text: str) -> int:
    """Width of `text` in pixels: glyphs plus a one-pixel gap between them."""
    return sum(len(GLYPHS[char][0]) for char in text) + max(0, len(text) - 1)


def best_scale(text: str, width: int, height: int) -> int:
    """The largest scale at which `text` fits width x height cells; 0 if none does."""
    columns = pixel_columns(text)
    scale = 0
    while True:
        bigger = scale + 1
        rows = -(-GLYPH_ROWS * bigger // 2)  # two pixel rows per cell, rounded up
        if columns * bigger > width or rows > height:
            return scale
        scale = bigger


def render_lines(text: str, scale: int) -> list[str]:
    """The block-character lines drawing `text` at `scale`."""
    pixels: list[str] = []
    for row in range(GLYPH_ROWS):
        line = ".".join(GLYPHS[char][row] for char in text)
        pixels.extend(["".join(pixel * scale for pixel in line)] * scale)
    if len(pixels) % 2:
        pixels.append("." * len(pixels[0]))
    lines = []
    for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True):
        lines.append("".join(_half_block(a == "#", b == "#") for a, b in zip(top, bottom,
                                                                             strict=True)))
    return lines


def _half_block(top: bool, bottom: bool) -> str:
    if top and bottom:
        return "█"
    if top:
        return "▀"
    if bottom:
        return "▄"
    return " "


class BigClock(Widget):
    """Shows `value` ("m:ss") as big as its region allows, centred."""

    DEFAULT_CSS = """
    BigClock {
        width: 1fr;
        height: 1fr;
        min-height: 1;
        color: $text;
        text-style: bold;
    }
    """

    value: reactive[str] = reactive("0:00", layout=False)

    def __init__(self, value: str = "0:00", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(BigClock.value, value)

    def update(self, value: str) -> None:
        self.value = value

    def render(self) -> Text:
        width, height = self.content_size
        text = self.value
        scale = best_scale(text, width, height) if all(c in GLYPHS for c in text) else 0
        lines = [text] if scale == 0 else render_lines(text, scale)
        top = max(0, (height - len(lines)) // 2)
        padded = [""] * top + [line.center(width).rstrip() for line in lines]
        return Text("\n".join(padded), no_wrap=True, overflow="crop")
