"""Clause references as officials write them -> clauses.

``两江新区实施方案第27条``, ``2023—2027年行动方案第三十八条``, ``规划纲要第六章第二节``,
``指标表第7项``, ``liangjiang-2023:27``: the document is recognised by its names and
aliases, the clause by the document's own numbering (Chinese or Arabic numerals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numerals import cn_to_int
from .types import Clause, Document

_NUM = r"([0-9０-９]{1,3}|[零〇一二两三四五六七八九十百]{1,5})"
_ARTICLE = re.compile(rf"第\s*{_NUM}\s*条|\barticle\s*([0-9]{{1,3}})\b", re.IGNORECASE)
_CHAPTER = re.compile(rf"第\s*{_NUM}\s*章")
_SECTION = re.compile(rf"第\s*{_NUM}\s*节")
# words that may follow a document's name or alias without adding to the question
_NAME_TAIL = re.compile(r"年?(?:这一轮|这轮|这份)?(?:行动方案|实施方案|方案)?")
_PARAGRAPH = re.compile(rf"第\s*{_NUM}\s*段")
_ITEM = re.compile(rf"第\s*{_NUM}\s*项")
_PART = re.compile(r"([一二三四五六七八九十]{1,3})（([一二三四五六七八九十]{1,3})）")
_CLAUSE_ID = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9.#]+$")


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


@dataclass(frozen=True)
class Mentions:
    """The documents a text names, in order of mention, and the spans that name them."""

    doc_ids: list[str]
    spans: list[tuple[int, int]]

    def without_names(self, text: str) -> str:
        """The text without the document names (what is left is the question proper)."""
        out, pos = [], 0
        for start, end in sorted(self.spans):
            out.append(text[pos:start])
            pos = end
        out.append(text[pos:])
        return " ".join(part.strip(" ，,：:的") for part in out if part.strip(" ，,：:的"))


def document_mentions(text: str, documents: list[Document], every_alias: bool = False) -> Mentions:
    """Find the documents a text names.

    Titles and short names count first (longest first, each span of the text used once).
    Aliases (years, partial names) then name documents too: with ``every_alias`` every
    document an alias names (an answer comparing documents wants them all); otherwise, and
    only when no title or short name was found, the single best document (retrieval, which
    restricts the search to it, must not guess).
    """
    lowered = text.lower()
    used = [False] * len(lowered)

    def claim(name: str) -> tuple[int, int] | None:
        start = lowered.find(name.lower())
        while start >= 0:
            end = start + len(name)
            if not any(used[start:end]):
                # "2023—2027年方案": the generic words after a name belong to the name
                if tail := _NAME_TAIL.match(lowered, end):
                    end = tail.end() if not any(used[end : tail.end()]) else end
                used[start:end] = [True] * (end - start)
                return start, end
            start = lowered.find(name.lower(), start + 1)
        return None

    names = sorted(
        ((n, d.doc_id) for d in documents for n in {d.title, *d.short_names} if n),
        key=lambda x: -len(x[0]),
    )
    found: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    aliases = sorted(
        ((a, d.doc_id) for d in documents for a in d.aliases if a), key=lambda x: -len(x[0])
    )
    for name, doc_id in names + (aliases if every_alias else []):
        if span := claim(name):
            spans.append(span)
            found[doc_id] = min(found.get(doc_id, span[0]), span[0])
    if found or every_alias:
        return Mentions(sorted(found, key=found.__getitem__), spans)
    scores: dict[str, int] = {}
    alias_spans: dict[str, list[tuple[int, int]]] = {}
    for alias, doc_id in aliases:
        if span := claim(alias):
            weight = 3 if re.fullmatch(r"[\d\-—–至]+", alias) else len(alias)
            scores[doc_id] = scores.get(doc_id, 0) + weight
            alias_spans.setdefault(doc_id, []).append(span)
    best = sorted(scores.items(), key=lambda kv: -kv[1])
    if not best or (len(best) > 1 and best[0][1] == best[1][1]):
        return Mentions([], [])
    return Mentions([best[0][0]], alias_spans[best[0][0]])


def named_documents(text: str, documents: list[Document]) -> list[str]:
    """The documents a text names, in order of mention."""
    return document_mentions(text, documents).doc_ids


def identify_document(text: str, documents: list[Document]) -> str | None:
    """The one document a text names; None if it names none or several."""
    named = named_documents(text, documents)
    return named[0] if len(named) == 1 else None


def _num(m: re.Match[str] | None) -> int | None:
    if not m:
        return None
    return cn_to_int(next(g for g in m.groups() if g))


def parse_reference(text: str, documents: list[Document]) -> Reference:
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
        return c.kind == "article" and c.number == ref.article
    if ref.item is not None:
        return c.kind == "table_row" and c.path[:1] == (ref.item,) and c.path[1:] in ((0,), ())
    if ref.chapter is not None:
        # a "heading" clause stands for a section whose paragraphs cannot be told apart
        if c.kind not in ("paragraph", "heading") or len(c.path) != 3 or c.path[0] != ref.chapter:
            return False
        # "第三章第1段" is how the chapter's own first paragraph is cited (a section's is
        # "第三章第一节第1段")
        section = ref.section if ref.section is not None or ref.paragraph is None else 0
        if section is not None and c.path[1] != section:
            return False
        return ref.paragraph is None or c.path[2] == ref.paragraph
    if ref.part is not None:
        heads = "".join(c.heading_path)
        return c.kind in ("article", "lead", "paragraph") and _part_of(heads) == ref.part
    return False


def _part_of(heads: str) -> tuple[int, int] | None:
    m = re.match(r"([一二三四五六七八九十]+)、.*?（([一二三四五六七八九十]+)）", heads)
    return (cn_to_int(m.group(1)) or 0, cn_to_int(m.group(2)) or 0) if m else None


def resolve(text: str, documents: list[Document], clauses: list[Clause]) -> Resolution:
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
        if in_doc and not all(c.kind == "heading" for c in in_doc):
            return Resolution(ref, in_doc)
        doc_clauses = [c for c in clauses if c.doc_id == ref.doc_id]
        # a scraped page may name a section only in its contents: offer the chapter (after
        # the section's title, where the contents give one)
        chapter = [
            c
            for c in doc_clauses
            if c.kind == "paragraph" and c.path[:1] == (ref.chapter,) and ref.section is not None
        ]
        if in_doc:
            return Resolution(ref, in_doc, chapter)
        return Resolution(ref, [], chapter or _nearest(ref, doc_clauses))
    # no document named: every document's clause at that position is a candidate
    return Resolution(ref, [], named[:10])


def _nearest(ref: Reference, clauses: list[Clause]) -> list[Clause]:
    target = ref.article or ref.item or ref.chapter
    numbered = [c for c in clauses if c.kind in ("article", "table_row", "paragraph")]
    if target is None:
        return numbered[:5]
    return sorted(numbered, key=lambda c: abs((c.number or (c.path[0] if c.path else 0)) - target))[
        :5
    ]
