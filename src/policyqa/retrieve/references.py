"""Clause references as officials write them -> clauses.

``两江新区实施方案第27条``, ``2023—2027年行动方案第三十八条``, ``规划纲要第六章第二节``,
``指标表第7项``, ``liangjiang-2023:27``: the document is recognised by its names and
aliases, the clause by the document's own numbering (Chinese or Arabic numerals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text.chars import CN_DIGITS
from ..text.numerals import CN_NUMERAL_CHARS, cn_to_int
from ..types import Clause, ClauseKind, Document, Level
from .mentions import identify_document

_NUM = rf"([0-9０-９]{{1,3}}|[{CN_NUMERAL_CHARS}]{{1,5}})"
_ARTICLE = re.compile(rf"第\s*{_NUM}\s*条|\barticle\s*([0-9]{{1,3}})\b", re.IGNORECASE)
_CHAPTER = re.compile(rf"第\s*{_NUM}\s*章")
_SECTION = re.compile(rf"第\s*{_NUM}\s*节")
_PARAGRAPH = re.compile(rf"第\s*{_NUM}\s*段")
_ITEM = re.compile(rf"第\s*{_NUM}\s*项")
_PART = re.compile(rf"([{CN_DIGITS}]{{1,3}})（([{CN_DIGITS}]{{1,3}})）")
_CLAUSE_ID = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9.#]+$")
_SECTIONED = (ClauseKind.PARAGRAPH, ClauseKind.HEADING)  # what 第X章第Y节 may name
_IN_PARTS = (ClauseKind.ARTICLE, ClauseKind.LEAD, ClauseKind.PARAGRAPH)  # what 一（二） may name
_NUMBERED = (ClauseKind.ARTICLE, ClauseKind.TABLE_ROW, ClauseKind.PARAGRAPH)


@dataclass(frozen=True)
class Reference:
    """What a reference names: a document (if recognised) and a position in it."""

    doc_id: str | None
    article: int | None = None
    chapter: int | None = None
    section: int | None = None
    paragraph: int | None = None
    item: int | None = None
    part: tuple[int, int] | None = None

    @property
    def names_position(self) -> bool:
        return any(
            v is not None
            for v in (
                self.article,
                self.chapter,
                self.section,
                self.paragraph,
                self.item,
                self.part,
            )
        )


@dataclass(frozen=True)
class Resolution:
    reference: Reference
    clauses: list[Clause] = field(default_factory=list)  # what the reference names exactly
    # close matches otherwise; for a section known only by its title, its chapter
    candidates: list[Clause] = field(default_factory=list)


def _num(m: re.Match[str] | None) -> int | None:
    if not m:
        return None
    return cn_to_int(next(g for g in m.groups() if g))


def parse_reference(text: str, documents: Sequence[Document]) -> Reference:
    part = _PART.search(text)
    return Reference(
        doc_id=identify_document(text, documents),
        article=_num(_ARTICLE.search(text)),
        chapter=_num(_CHAPTER.search(text)),
        section=_num(_SECTION.search(text)),
        paragraph=_num(_PARAGRAPH.search(text)),
        item=_num(_ITEM.search(text)),
        part=(cn_to_int(part.group(1)) or 0, cn_to_int(part.group(2)) or 0) if part else None,
    )


def _matches(c: Clause, ref: Reference) -> bool:
    if ref.article is not None:
        return c.kind == ClauseKind.ARTICLE and c.number == ref.article
    if ref.item is not None:
        row = c.kind == ClauseKind.TABLE_ROW
        return row and c.path[:1] == (ref.item,) and c.path[1:] in ((0,), ())
    if ref.chapter is not None:
        # a "heading" clause stands for a section whose paragraphs cannot be told apart
        if c.kind not in _SECTIONED or len(c.path) != 3 or c.path[0] != ref.chapter:
            return False
        # "第三章第1段" is how the chapter's own first paragraph is cited (a section's is
        # "第三章第一节第1段")
        section = ref.section if ref.section is not None or ref.paragraph is None else 0
        if section is not None and c.path[1] != section:
            return False
        return ref.paragraph is None or c.path[2] == ref.paragraph
    if ref.part is not None:
        return c.kind in _IN_PARTS and _part_of(c) == ref.part
    return False


def _part_of(c: Clause) -> tuple[int, int] | None:
    """(一, （二）) numbers of the part and sub-part a clause sits in, if it sits in both."""
    part = next((h for h in c.headings if h.level == Level.PART), None)
    sub = next((h for h in c.headings if h.level == Level.SUBPART), None)
    return (part.number, sub.number) if part and sub else None


def resolve(text: str, documents: Sequence[Document], clauses: list[Clause]) -> Resolution:
    """Resolve a reference; exact clauses when it names one place in one document."""
    text = text.strip()
    if _CLAUSE_ID.match(text):
        exact = [c for c in clauses if c.clause_id == text]
        ref = Reference(doc_id=text.split(":", 1)[0])
        if exact:
            return Resolution(ref, exact)
        prefix = text.rsplit(".", 1)[0] if "." in text else text.split(":", 1)[0] + ":"
        return Resolution(ref, [], [c for c in clauses if c.clause_id.startswith(prefix)][:5])
    ref = parse_reference(text, documents)
    if not ref.names_position:
        return Resolution(ref)
    named = [c for c in clauses if _matches(c, ref)]
    if ref.doc_id is not None:
        in_doc = [c for c in named if c.doc_id == ref.doc_id]
        if in_doc and not all(c.kind == ClauseKind.HEADING for c in in_doc):
            return Resolution(ref, in_doc)
        doc_clauses = [c for c in clauses if c.doc_id == ref.doc_id]
        # a scraped page may name a section only in its contents: offer the chapter (after
        # the section's title, where the contents give one)
        chapter = [
            c
            for c in doc_clauses
            if c.kind == ClauseKind.PARAGRAPH
            and c.path[:1] == (ref.chapter,)
            and ref.section is not None
        ]
        if in_doc:
            return Resolution(ref, in_doc, chapter)
        return Resolution(ref, [], chapter or _nearest(ref, doc_clauses))
    # no document named: every document's clause at that position is a candidate
    return Resolution(ref, [], named[:10])


def _nearest(ref: Reference, clauses: list[Clause]) -> list[Clause]:
    target = ref.article or ref.item or ref.chapter
    numbered = [c for c in clauses if c.kind in _NUMBERED]
    if target is None:
        return numbered[:5]
    return sorted(numbered, key=lambda c: abs((c.number or (c.path[0] if c.path else 0)) - target))[
        :5
    ]
