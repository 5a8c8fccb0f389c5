"""The readers' contract: what every reader returns and the one error it raises."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

FORMATS = ("txt", "md", "docx", "pdf", "html", "pdf-ocr")

# Whitespace runs inside a line; "\u3000" (ideographic space) is kept out of the collapse on
# purpose: it is meaningful spacing in Chinese documents ("第一条　总则").
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u2000-\u200a\u202f\u205f]+")
# Zero-width and byte-order characters that web pages and Word files scatter through text.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# C0/C1 controls other than tab and newline never belong in extracted text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Extracted:
    """A document's text, one paragraph per line; table rows are lines of tab-separated cells."""

    text: str
    format: str
    pages: tuple[tuple[int, int], ...] = ()  # PDFs: [start, end) of each page's text in `text`
    warnings: tuple[str, ...] = ()


class ReadError(Exception):
    """A document that cannot be read; ``str(err)`` is one line naming the file and the problem."""


def clean_line(text: str) -> str:
    """One paragraph's text with invisible characters dropped and whitespace runs collapsed."""
    text = _CONTROLS.sub("", _INVISIBLE.sub("", text))
    return _SPACES.sub(" ", text).strip(" \u3000")


def clean_cell(text: str) -> str:
    """A table cell on one line: newlines and tabs inside it become spaces."""
    return clean_line(text.replace("\n", " ").replace("\t", " "))


def join_lines(lines: Iterable[str]) -> str:
    """Non-empty cleaned lines joined by newlines; table rows keep their tabs."""
    kept = (
        "\t".join(clean_cell(c) for c in ln.split("\t")) if "\t" in ln else clean_line(ln)
        for ln in lines
    )
    return "\n".join(ln for ln in kept if ln.strip("\t "))
