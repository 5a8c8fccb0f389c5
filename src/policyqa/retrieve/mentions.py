"""Which documents a question names, by title, short name or alias, and where."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text.numerals import SPAN, YEAR, target_years
from ..text.pos import words
from ..types import Document
from .short_names import ambiguous_short_names, find_short_names

# words that may follow a document's name or alias without adding to the question
_NAME_TAIL = re.compile(r"年?(?:这一轮|这轮|这份)?(?:行动方案|实施方案|方案)?")
_NUMERIC_ALIAS = re.compile(r"[\d\-—–至]+")


@dataclass(frozen=True)
class Mentions:
    """The documents a text names, in order of mention, and the spans that name them."""

    doc_ids: list[str]
    spans: list[tuple[int, int]]
    ambiguous: list[str] = field(default_factory=list)  # documents a short name fits equally

    def without_names(self, text: str) -> str:
        """The text without the document names (what is left is the question proper)."""
        out, pos = [], 0
        for start, end in sorted(self.spans):
            out.append(text[pos:start])
            pos = end
        out.append(text[pos:])
        return " ".join(part.strip(" ，,：:的") for part in out if part.strip(" ，,：:的"))


def starts_after(doc: Document, year: int) -> bool:
    """Whether ``doc``'s period, written as its first and last year, begins after ``year``
    (2026—2030年 has no 2025 target)."""
    span = SPAN.search(doc.period)
    return span is not None and year < int(span[1])


def reaches(doc: Document, year: int) -> bool:
    """Whether ``doc``'s period reaches ``year`` (2023—2027年 reaches 2027, not 2030; a
    document of no known period reaches every year)."""
    found = [int(y) for y in YEAR.findall(doc.period)]
    return not found or year <= max(found)


def document_mentions(
    text: str, documents: Sequence[Document], every_alias: bool = False
) -> Mentions:
    """Find the documents a text names.

    Titles and short names count first (longest first, each span of the text used once).
    Aliases (years, partial names) then name documents too: with ``every_alias`` every
    document an alias names (an answer comparing documents wants them all); otherwise, and
    only when no title or short name was found, the single best document (retrieval, which
    restricts the search to it, must not guess). Last, the abbreviations officials make of a
    title (物业条例 for 北京市物业管理条例, :mod:`.short_names`); one that fits several current
    documents names none of them and lists them as ``ambiguous``.
    """
    lowered = text.lower()
    used = [False] * len(lowered)

    def claim(name: str, doc: Document | None = None) -> tuple[int, int] | None:
        start = lowered.find(name.lower())
        while start >= 0:
            end = start + len(name)
            if not any(used[start:end]) and not (doc and _other_place(text, start, name, doc)):
                # "2023—2027年方案": the generic words after a name belong to the name
                if tail := _NAME_TAIL.match(lowered, end):
                    end = tail.end() if not any(used[end : tail.end()]) else end
                used[start:end] = [True] * (end - start)
                return start, end
            start = lowered.find(name.lower(), start + 1)
        return None

    # longest first; a name two versions share names the current one
    current = {d.doc_id: not d.superseded_by for d in documents}
    names = sorted(
        ((n, d.doc_id) for d in documents for n in {d.title, *d.short_names} if n),
        key=lambda x: (-len(x[0]), not current[x[1]]),
    )
    found: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    aliases = sorted(
        ((a, d.doc_id) for d in documents for a in d.aliases if a), key=lambda x: -len(x[0])
    )
    by_id = {d.doc_id: d for d in documents}
    for name, doc_id in names + (aliases if every_alias else []):
        if span := claim(name, by_id[doc_id] if name in by_id[doc_id].aliases else None):
            spans.append(span)
            found[doc_id] = min(found.get(doc_id, span[0]), span[0])
    if found or every_alias:
        return Mentions(sorted(found, key=found.__getitem__), spans)
    scores: dict[str, int] = {}
    alias_spans: dict[str, list[tuple[int, int]]] = {}
    # a worded alias is often the place a document is about (两江新区): a year the
    # document's period does not reach means the question is about the place, not it
    asked = [int(y) for y in target_years(text)]
    reaching = {d.doc_id for d in documents if all(reaches(d, y) for y in asked)}
    for alias, doc_id in aliases:
        numeric = bool(_NUMERIC_ALIAS.fullmatch(alias))
        if (numeric or doc_id in reaching) and (span := claim(alias, by_id[doc_id])):
            weight = 3 if numeric else len(alias)
            scores[doc_id] = scores.get(doc_id, 0) + weight
            alias_spans.setdefault(doc_id, []).append(span)
    best = sorted(scores.items(), key=lambda kv: -kv[1])
    if best and (len(best) == 1 or best[0][1] != best[1][1]):
        return Mentions([best[0][0]], alias_spans[best[0][0]])
    if best:
        return Mentions([], [])
    return _abbreviated(text, documents)


def _other_place(text: str, start: int, alias: str, doc: Document) -> bool:
    """An alias the document also names with a place before it (都市圈, 重庆都市圈) that the
    text writes after another place (成都都市圈): that is the other place's, not the document."""
    places = {n[: -len(alias)] for n in doc.names if n.endswith(alias) and n != alias}
    if not places or start == 0:
        return False
    before = words(text[max(0, start - 8) : start])
    last = before[-1] if before else None
    return (
        last is not None
        and last[1].startswith("ns")
        and not any(p.endswith(last[0]) or last[0].endswith(p) for p in places)
    )


def _abbreviated(text: str, documents: Sequence[Document]) -> Mentions:
    """Documents named by an abbreviation of their title (current versions only)."""
    titles = {d.doc_id: d.title for d in documents if not d.superseded_by}
    found = find_short_names(text, titles)
    if len({doc_id for doc_id, _, _ in found}) == 1:
        return Mentions([found[0][0]], [(start, end) for _, start, end in found])
    unclear = [doc_id for _, ids in ambiguous_short_names(text, titles) for doc_id in ids]
    return Mentions([], [], list(dict.fromkeys(unclear)))


def named_documents(text: str, documents: Sequence[Document]) -> list[str]:
    """The documents a text names, in order of mention."""
    return document_mentions(text, documents).doc_ids


def identify_document(text: str, documents: Sequence[Document]) -> str | None:
    """The one document a text names; None if it names none or several."""
    named = named_documents(text, documents)
    return named[0] if len(named) == 1 else None
