"""Which documents a question names, by title, short name or alias, and where."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Document

# words that may follow a document's name or alias without adding to the question
_NAME_TAIL = re.compile(r"年?(?:这一轮|这轮|这份)?(?:行动方案|实施方案|方案)?")
_NUMERIC_ALIAS = re.compile(r"[\d\-—–至]+")


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


def document_mentions(
    text: str, documents: Sequence[Document], every_alias: bool = False
) -> Mentions:
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
            weight = 3 if _NUMERIC_ALIAS.fullmatch(alias) else len(alias)
            scores[doc_id] = scores.get(doc_id, 0) + weight
            alias_spans.setdefault(doc_id, []).append(span)
    best = sorted(scores.items(), key=lambda kv: -kv[1])
    if not best or (len(best) > 1 and best[0][1] == best[1][1]):
        return Mentions([], [])
    return Mentions([best[0][0]], alias_spans[best[0][0]])


def named_documents(text: str, documents: Sequence[Document]) -> list[str]:
    """The documents a text names, in order of mention."""
    return document_mentions(text, documents).doc_ids


def identify_document(text: str, documents: Sequence[Document]) -> str | None:
    """The one document a text names; None if it names none or several."""
    named = named_documents(text, documents)
    return named[0] if len(named) == 1 else None
