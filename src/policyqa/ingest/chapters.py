"""The chapter layout: 第X章 / 第X节 headings, 专栏 boxes, paragraphs numbered per section."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from ..text.numerals import cn_to_int
from ..types import Clause, ClauseKind, Heading, Level
from .clauses import BOX, CHAPTER, MAX_HEADING, SECTION, Builder, join_broken, preamble
from .clean import Para
from .corpus import SourceText

_PREFACE = Heading(Level.PREFACE, 0, "前言", "前言")
_LEAD_PHRASE_END = re.compile(r"[。：]")
_MAX_LEAD_PHRASE = 24


def _numbered(m: re.Match[str], level: Level, unit: str, text: str) -> Heading:
    return Heading(level, cn_to_int(m.group(1)) or 0, f"第{m.group(1)}{unit}", text)


def chapters(source: SourceText) -> list[Clause]:
    """Clauses of a chaptered document: one per paragraph, numbered within its section."""
    b = Builder(source.document)
    paras = _skip_contents(list(source.paras))
    first = next(
        (i for i, p in enumerate(paras) if p.text == "前言" or CHAPTER.match(p.text)), len(paras)
    )
    preamble(b, paras[:first])
    chapter: Heading | None = None
    section: Heading | None = None
    box: Heading | None = None
    counters: dict[tuple[int, int], int] = {}
    headed: set[tuple[int, int]] = set()
    for p in join_broken(paras[first:]):
        short = len(p.text) <= MAX_HEADING
        if p.text == "前言":
            chapter, section, box = _PREFACE, None, None
        elif short and (m := CHAPTER.match(p.text)):
            chapter, section, box = _numbered(m, Level.CHAPTER, "章", p.text), None, None
        elif short and (m := SECTION.match(p.text)):
            section, box = _numbered(m, Level.SECTION, "节", p.text), None
            headed.add((chapter.number if chapter else 0, section.number))
        elif short and (m := BOX.match(p.text)):
            box = Heading(Level.BOX, int(m.group(1)), "", p.text)
        else:
            _paragraph(b, p, chapter, section, box, counters)
    return _with_unheaded_sections(b, source.contents, headed)


def _paragraph(
    b: Builder,
    p: Para,
    chapter: Heading | None,
    section: Heading | None,
    box: Heading | None,
    counters: dict[tuple[int, int], int],
) -> None:
    ch = chapter.number if chapter else 0
    sec = section.number if section else 0
    counters[(ch, sec)] = n = counters.get((ch, sec), 0) + 1
    heads = tuple(h for h in (chapter, section, box) if h)
    where = "前言" if ch == 0 else "".join(h.cite for h in (chapter, section) if h)
    b.add(
        f"{ch}.{sec}.{n}",
        ClauseKind.PARAGRAPH,
        f"第{n}段",
        where,
        heads,
        p,
        title=_lead_phrase(p.text),
        path=(ch, sec, n),
    )


def _with_unheaded_sections(
    b: Builder, contents: Iterable[Para], headed: set[tuple[int, int]]
) -> list[Clause]:
    """The clauses plus, for each section the contents list but the page never heads (the
    scrape lost the heading), a ``heading`` clause holding its title, in its place.

    ``第六章第三节`` then resolves to what the document calls that section, even though which
    paragraphs belong to it cannot be told.
    """
    chapter: Heading | None = None
    found = list(b.clauses)
    for p in contents:
        if m := CHAPTER.match(p.text):
            chapter = _numbered(m, Level.CHAPTER, "章", p.text)
            continue
        m = SECTION.match(p.text)
        if not m or chapter is None or not chapter.number:
            continue
        section = _numbered(m, Level.SECTION, "节", p.text)
        if (chapter.number, section.number) in headed:
            continue
        headed.add((chapter.number, section.number))  # a contents listing a section twice
        title = m.group(2)
        b.add(
            f"{chapter.number}.{section.number}.0",
            ClauseKind.HEADING,
            "",
            chapter.cite + section.cite,
            (chapter, section),
            Para(title, p.end - len(title), p.end),
            title=title,
            path=(chapter.number, section.number, 0),
        )
    added = b.clauses[len(found) :]
    for c in added:
        # before the first paragraph of a later section (paragraph paths are (章, 节, 段))
        at = next(
            (i for i, x in enumerate(found) if len(x.path) == 3 and x.path[:2] > c.path[:2]),
            len(found),
        )
        found.insert(at, c)
    return [replace(c, ordinal=i) for i, c in enumerate(found)]


def _lead_phrase(text: str) -> str:
    head = _LEAD_PHRASE_END.split(text, maxsplit=1)[0]
    return head if len(head) <= _MAX_LEAD_PHRASE and "，" not in head else ""


def _skip_contents(paras: list[Para]) -> list[Para]:
    """Drop a table of contents (目录 … up to the first heading that repeats)."""
    try:
        start = next(i for i, p in enumerate(paras) if p.text == "目录")
    except StopIteration:
        return paras
    seen: set[str] = set()
    for j in range(start + 1, len(paras)):
        key = paras[j].text.replace(" ", "")
        if key in seen:
            return paras[:start] + paras[j:]
        seen.add(key)
    return paras
