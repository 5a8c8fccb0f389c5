"""Which structure a document has, recognised from its text alone."""

from __future__ import annotations

import re

from ..text.chars import CN_DIGITS
from ..types import Layout
from .clauses import CHAPTER, MAX_HEADING
from .clean import Para
from .legal import LegalStructure, parse_legal

_HEADING_ANYWHERE = re.compile(rf"第[{CN_DIGITS}]+[章节]")
_RUN_IN_LINE = 200  # a scraped page's lines hold whole chapters
_MIN_RUN_IN = 5


def _run_in(raw: str) -> bool:
    """Chapter and section headings inside long lines, more than at line starts."""
    inside = starts = 0
    for line in raw.splitlines():
        stripped = line.lstrip()
        if _HEADING_ANYWHERE.match(stripped):
            starts += 1
        if len(line) > _RUN_IN_LINE:
            inside += sum(1 for m in _HEADING_ANYWHERE.finditer(stripped) if m.start() > 0)
    return inside >= _MIN_RUN_IN and inside > 2 * starts


def detect(raw: str, paras: list[Para]) -> tuple[Layout, LegalStructure | None]:
    """The document's layout, and its article structure when it is a law or regulation."""
    if (legal := parse_legal(raw)) is not None:
        return Layout.LEGAL, legal
    if _run_in(raw):
        return Layout.RUN_IN, None
    chapters = sum(1 for p in paras if len(p.text) <= MAX_HEADING and CHAPTER.match(p.text))
    return (Layout.CHAPTERS if chapters >= 2 else Layout.SECTIONS), None
