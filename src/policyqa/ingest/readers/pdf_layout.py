"""Page lines to paragraphs: running headers, footers and page numbers out; wrapped lines joined.

Works on positioned lines from a PDF text layer or from OCR, so it needs no PDF library. Units
are whatever the caller uses (PDF points, image pixels); y grows downwards.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One visual line of a page and its box."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        """Line height, which tracks the font size."""
        return self.bottom - self.top


@dataclass(frozen=True)
class Page:
    lines: tuple[Line, ...]
    height: float


_NUM = r"[\d一二三四五六七八九十百零〇]+"
_PAGE_NUMBER = re.compile(
    rf"""^(?:
        [-－—–~·•\s]*\d{{1,4}}[-－—–~·•\s]*           # 3, - 3 -, — 3 —
      | (?:共\s*{_NUM}\s*页\s*[,，/／]?\s*)?第\s*{_NUM}\s*页(?:\s*[,，/／]?\s*共\s*{_NUM}\s*页)?
      | \d{{1,4}}\s*[/／]\s*\d{{1,4}}                  # 3/10
      | (?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?       # Page 3 of 10
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
# A clause, chapter, section or part heading always opens a paragraph, whatever the geometry.
_STRUCTURE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+[条章节编][\s\u3000]")
_EDGE_LINES = 3  # lines at each end of a page that may be running headers or footers
_EDGE_ZONE = 0.2  # ... if they also lie in the top or bottom fifth of the page
_REPEAT_SHARE = 0.4  # a header or footer recurs on at least this share of pages


def _key(text: str) -> str:
    """A running line's identity: its page number and spacing vary between pages, nothing else."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_lines(page: Page) -> list[Line]:
    """Lines that could be running material: the outermost few, inside the page's edge zones."""
    ordered = sorted(page.lines, key=lambda ln: ln.top)
    head = [ln for ln in ordered[:_EDGE_LINES] if ln.top < page.height * _EDGE_ZONE]
    foot = [ln for ln in ordered[-_EDGE_LINES:] if ln.bottom > page.height * (1 - _EDGE_ZONE)]
    return head + [ln for ln in foot if ln not in head]


def strip_running(pages: Sequence[Page]) -> tuple[list[list[Line]], int]:
    """Page lines without running headers, footers and page numbers, and how many were removed.

    A line goes if it sits at a page's top or bottom edge and either looks like a page number or
    repeats (digits aside) on many pages at no more than body size; a larger line, such as the
    document title on page 1, is kept even when later pages repeat it as a header.
    """
    edges = [_edge_lines(p) for p in pages]
    counts = Counter(k for lines in edges for k in {_key(ln.text) for ln in lines})
    threshold = max(2, math.ceil(_REPEAT_SHARE * len(pages)))
    sizes = [ln.size for p in pages for ln in p.lines]
    body_size = statistics.median(sizes) if sizes else 0.0
    kept: list[list[Line]] = []
    removed = 0
    for page, edge in zip(pages, edges, strict=True):
        drop = {
            id(ln)
            for ln in edge
            if _PAGE_NUMBER.match(ln.text.strip())
            or (counts[_key(ln.text)] >= threshold and ln.size <= body_size * 1.3)
        }
        kept.append([ln for ln in page.lines if id(ln) not in drop])
        removed += len(drop)
    return kept, removed


@dataclass(frozen=True)
class _Frame:
    """Where a page's body text starts and ends, and its type size."""

    left: float
    right: float
    em: float


def _edge(values: list[float], em: float, lowest: bool) -> float:
    """The outermost x shared by at least two lines (a lone outlier is no margin)."""
    ordered = sorted(values, reverse=not lowest)
    for i in range(len(ordered) - 1):
        if abs(ordered[i + 1] - ordered[i]) <= em * 0.3:
            return ordered[i]
    return ordered[0]


def _frame(lines: list[Line], fallback: _Frame | None, em: float) -> _Frame:
    if len(lines) < 6 and fallback is not None:
        return fallback
    return _Frame(
        _edge([ln.x0 for ln in lines], em, True), _edge([ln.x1 for ln in lines], em, False), em
    )


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _joiner(before: str, after: str) -> str:
    """What goes between a wrapped line and its continuation: nothing in CJK text, else a space."""
    if not before or not after or _is_cjk(before[-1]) or _is_cjk(after[0]):
        return ""
    return "" if before.endswith("-") and before[-2:-1].isalpha() else " "


def _breaks(a: Line, b: Line, frames: tuple[_Frame, _Frame], same_page: bool, gap: float) -> bool:
    """Does ``b`` open a new paragraph after ``a``? ``frames`` are a's page's and b's page's."""
    em = frames[1].em
    indented = b.x0 > frames[1].left + 0.8 * em
    if indented or a.x1 < frames[0].right - 2.2 * em or _STRUCTURE.match(b.text):
        return True  # indented or centred line, line ending short, or a clause heading
    if not same_page:
        return False  # a full last line continues on the next page
    return b.top < a.top - 0.5 * em or b.top - a.bottom > gap + 0.4 * em


def _gaps(lines: Sequence[Line]) -> list[float]:
    return [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom]


def join_paragraphs(pages: Sequence[Sequence[Line]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text with one paragraph per line, and each page's [start, end) span in it.

    A paragraph running over a page break is joined, so one page's end may equal the next
    page's start; a page without text gets an empty span.
    """
    every = [ln for page in pages for ln in page]
    if not every:
        return "", tuple((0, 0) for _ in pages)
    em = statistics.median(ln.size for ln in every) or 1.0
    whole = _frame(every, None, em)
    # The gap between lines inside a paragraph is the smallest common one; paragraph spacing
    # adds to it. (A median would be the paragraph gap on pages of one-line paragraphs.)
    gaps = [g for page in pages for g in _gaps(page)]
    gap = _edge(gaps, em, lowest=True) if gaps else 0.0
    pieces: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    prev: Line | None = None
    prev_frame = whole
    for lines in pages:
        frame, start = _frame(list(lines), whole, em), -1
        for i, line in enumerate(lines):
            if prev is None:
                sep = ""
            elif _breaks(prev, line, (frame if i else prev_frame, frame), i > 0, gap):
                sep = "\n"
            else:
                sep = _joiner(prev.text, line.text)
            pieces += [sep, line.text]
            start = length + len(sep) if start < 0 else start
            length += len(sep) + len(line.text)
            prev = line
        spans.append((start if start >= 0 else length, length))
        prev_frame = frame
    return "".join(pieces), tuple(spans)
