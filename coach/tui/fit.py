"""Fitting words into a width: shorten at a word boundary with "…", never cut a word."""

from __future__ import annotations


def fit_words(text: str, width: int) -> str:
    """`text` if it fits; else as many whole words as fit, then "…" (a lone long first word
    is shortened with "…" only when nothing else would fit at all)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    words = text.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + 1 > width:
            break
        kept = candidate
    if not kept:
        return text[: width - 1] + "…"
    return kept.rstrip(",;:(-") + "…"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 session", "2 sessions"."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
