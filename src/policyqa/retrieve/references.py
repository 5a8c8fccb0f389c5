"""Clause references as officials write them -> clauses.

``两江新区实施方案第27条``, ``北京市物业管理条例第二十九条第二款``, ``物业条例第十四条第（三）项``,
``第九条至第十一条``, ``Article 9``, ``规划纲要第六章第二节``, ``指标表第7项``, ``doc-id:27``:
the document is recognised by its names (:mod:`.mentions`), the clause by the document's
own numbering (Chinese or Arabic numerals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..text.chars import CN_DIGITS
from ..text.numerals import CN_NUMERAL_CHARS, cn_to_int
from ..types import Clause, ClauseKind, Document, Level, Part
from .mentions import document_mentions

_NUM = rf"([0-9０-９]{{1,4}}|[{CN_NUMERAL_CHARS}]{{1,8}})"
_ARTICLE = re.compile(
    rf"第\s*{_NUM}\s*条(?:\s*之\s*([{CN_DIGITS}]+))?|\bart(?:icle|\.)\s*([0-9]{{1,4}})\b",
    re.IGNORECASE,
)
_RANGE = re.compile(rf"第\s*{_NUM}\s*条\s*(?:至|到|—|–|-|~|～)\s*第?\s*{_NUM}\s*条")
_KUAN = re.compile(rf"第\s*{_NUM}\s*款")
_XIANG = re.compile(rf"第\s*[（(]\s*{_NUM}\s*[）)]\s*项")
_CHAPTER = re.compile(rf"第\s*{_NUM}\s*章")
_SECTION = re.compile(rf"第\s*{_NUM}\s*节")
_PARAGRAPH = re.compile(rf"第\s*{_NUM}\s*段")
_ITEM = re.compile(rf"第\s*{_NUM}\s*项")
_PART = re.compile(rf"([{CN_DIGITS}]{{1,3}})（([{CN_DIGITS}]{{1,3}})）")
_CLAUSE_ID = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9.#-]+$")
_SECTIONED = (ClauseKind.PARAGRAPH, ClauseKind.HEADING)  # what 第X章第Y节 may name
_IN_PARTS = (ClauseKind.ARTICLE, ClauseKind.LEAD, ClauseKind.PARAGRAPH)  # what 一（二） may name
_NUMBERED = (ClauseKind.ARTICLE, ClauseKind.TABLE_ROW, ClauseKind.PARAGRAPH)
_MAX_RANGE = 50


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
    article_end: int | None = None  # 第九条至第十一条
    article_suffix: int = 0  # 第十条之一
    kuan: int | None = None  # 第二款
    xiang: int | None = None  # 第（三）项
    ambiguous: tuple[str, ...] = ()  # documents a short name fits equally

    @property
    def names_position(self) -> bool:
        places = (self.article, self.chapter, self.section, self.paragraph, self.item, self.part)
        return any(v is not None for v in places)


@dataclass(frozen=True)
class Resolution:
    reference: Reference
    clauses: list[Clause] = field(default_factory=list)  # what the reference names exactly
    # close matches otherwise; for a section known only by its title, its chapter
    candidates: list[Clause] = field(default_factory=list)
    parts: dict[str, Part] = field(default_factory=dict)  # the 款/项 named, by clause id


class ClauseTable:
    """The clauses with the lookups references need, built once per index."""

    def __init__(self, clauses: Sequence[Clause]) -> None:
        self.all = list(clauses)
        self.by_id = {c.clause_id: c for c in self.all}
        self.by_doc: dict[str, list[Clause]] = {}
        self.articles: dict[int, list[Clause]] = {}
        for c in self.all:
            self.by_doc.setdefault(c.doc_id, []).append(c)
            if c.kind == ClauseKind.ARTICLE and c.number is not None:
                self.articles.setdefault(c.number, []).append(c)


def _num(m: re.Match[str] | None, group: int | None = None) -> int | None:
    if not m:
        return None
    if group is not None:
        return cn_to_int(m.group(group)) if m.group(group) else None
    return cn_to_int(next(g for g in m.groups() if g))


def parse_reference(text: str, documents: Sequence[Document]) -> Reference:
    part = _PART.search(text)
    article = _ARTICLE.search(text)
    span = _RANGE.search(text)
    xiang = _num(_XIANG.search(text))
    named = document_mentions(text, documents)
    number = _num(article, 1) if article and article.group(1) else _num(article, 3)
    return Reference(
        doc_id=named.doc_ids[0] if len(named.doc_ids) == 1 else None,
        article=number,
        chapter=_num(_CHAPTER.search(text)),
        section=_num(_SECTION.search(text)),
        paragraph=_num(_PARAGRAPH.search(text)),
        # with an article named, 第三项 is the article's item, not a table's row
        item=None if number is not None else _num(_ITEM.search(text)),
        part=(cn_to_int(part.group(1)) or 0, cn_to_int(part.group(2)) or 0) if part else None,
        article_end=_num(span, 2) if span else None,
        article_suffix=(_num(article, 2) or 0) if article else 0,
        kuan=_num(_KUAN.search(text)),
        xiang=xiang if xiang is not None else (_num(_ITEM.search(text)) if number else None),
        ambiguous=tuple(named.ambiguous),
    )


def _article_matches(c: Clause, ref: Reference) -> bool:
    assert ref.article is not None
    if c.kind != ClauseKind.ARTICLE or c.number is None:
        return False
    if ref.article_end is not None:
        return ref.article <= c.number <= min(ref.article_end, ref.article + _MAX_RANGE)
    suffix = c.path[1] if len(c.path) > 1 else 0
    return c.number == ref.article and suffix == ref.article_suffix


def _matches(c: Clause, ref: Reference) -> bool:
    if ref.article is not None:
        return _article_matches(c, ref)
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


def _named_part(c: Clause, ref: Reference) -> Part | None:
    """The 款 or 项 of article ``c`` the reference names (the 款 is the first when only a
    项 is named and the article has one 款)."""
    if ref.kuan is None and ref.xiang is None:
        return None
    kuan = ref.kuan if ref.kuan is not None else 1
    return next((p for p in c.parts if p.paragraph == kuan and p.item == (ref.xiang or 0)), None)


def _by_id(text: str, table: ClauseTable) -> Resolution:
    ref = Reference(doc_id=text.split(":", 1)[0])
    exact = table.by_id.get(text)
    if exact is not None:
        return Resolution(ref, [exact])
    prefix = text.rsplit(".", 1)[0] if "." in text else text.split(":", 1)[0] + ":"
    return Resolution(ref, [], [c for c in table.all if c.clause_id.startswith(prefix)][:5])


def _candidates(ref: Reference, table: ClauseTable) -> list[Clause]:
    if ref.article is not None:
        numbers = range(ref.article, (ref.article_end or ref.article) + 1)
        return [c for n in numbers[:_MAX_RANGE] for c in table.articles.get(n, [])]
    return table.all


def resolve(
    text: str, documents: Sequence[Document], table: ClauseTable, default_doc: str | None = None
) -> Resolution:
    """Resolve a reference; exact clauses when it names one place in one document
    (``default_doc`` where the text names none)."""
    text = text.strip()
    if _CLAUSE_ID.match(text):
        return _by_id(text, table)
    ref = parse_reference(text, documents)
    if ref.doc_id is None and default_doc is not None:
        ref = replace(ref, doc_id=default_doc)
    if not ref.names_position:
        return Resolution(ref)
    named = [c for c in _candidates(ref, table) if _matches(c, ref)]
    if ref.doc_id is None:  # no document named: each one's clause there is a candidate
        return Resolution(ref, [], named[:10])
    in_doc = [c for c in named if c.doc_id == ref.doc_id]
    parts = {c.clause_id: p for c in in_doc if (p := _named_part(c, ref)) is not None}
    if ref.kuan is not None or ref.xiang is not None:
        if not parts:  # the article exists but not that 款/项: offer the article
            return Resolution(ref, [], in_doc)
        in_doc = [c for c in in_doc if c.clause_id in parts]
    if in_doc and not all(c.kind == ClauseKind.HEADING for c in in_doc):
        return Resolution(ref, in_doc, parts=parts)
    doc_clauses = table.by_doc.get(ref.doc_id, [])
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


def _nearest(ref: Reference, clauses: list[Clause]) -> list[Clause]:
    target = ref.article or ref.item or ref.chapter
    numbered = [c for c in clauses if c.kind in _NUMBERED]
    if target is None:
        return numbered[:5]
    return sorted(numbered, key=lambda c: abs((c.number or (c.path[0] if c.path else 0)) - target))[
        :5
    ]
