"""Cleaning a document's text into paragraphs that keep their source offsets.

Cleaning never changes the files: every paragraph keeps the character offsets of the
span it came from in the original text, so a clause can always be shown in context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOISE = re.compile(r"\[bookmark:[^\]]*\]|\*\*|\u3000|\ufeff")
_TOC_BULLET = re.compile(r"^\s*-\s+")


@dataclass(frozen=True)
class Para:
    """One cleaned paragraph and the [start, end) span of the source text it came from."""

    text: str
    start: int
    end: int


def clean_line(line: str) -> str:
    """Drop Word-export bookmarks, markdown bold markers and stray whitespace."""
    return re.sub(r"\s+", " ", _NOISE.sub("", line)).strip()


def split_lines(raw: str) -> list[Para]:
    """Non-empty cleaned lines with their source spans."""
    paras: list[Para] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        text = clean_line(_TOC_BULLET.sub("", line))
        if text:
            lead = len(line) - len(line.lstrip())
            paras.append(Para(text, pos + lead, pos + len(line.rstrip())))
        pos += len(line)
    return paras
