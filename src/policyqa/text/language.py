"""Which language a question is in."""

from __future__ import annotations

from .chars import HAN_CHAR, LATIN_CHAR


def is_english(text: str) -> bool:
    """Mostly Latin letters: an English question (a few Chinese names may appear in it)."""
    return len(HAN_CHAR.findall(text)) < len(LATIN_CHAR.findall(text)) / 4


def language(text: str) -> str:
    """``en`` or ``zh``, by :func:`is_english`."""
    return "en" if is_english(text) else "zh"
