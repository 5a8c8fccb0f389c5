"""The retrievals an answer needs beyond the question's own hits, decided up front.

The engine runs them and hands the results to the templates, so the answer step never
searches behind the engine's back: an English question also searches inside the documents
it names (its words are not the corpus's), an English indicator question looks for the
table row, and a comparison searches each named document with its own part of the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import AnswerKind, Document, Mode
from .context import Context
from .kinds import cross_documents, mentioned_documents

# words a later part of a question uses to point back at what an earlier part named
_BACK = re.compile(r"那里|那儿|该地|此处|它们|它")
_PARTS = re.compile(r"[？?；;]")
_TOPIC_MARK = re.compile(r"[：:]")
_TOPIC_END = re.compile(r"[：:，,]")


@dataclass(frozen=True)
class Retrieval:
    """One search the answer needs: ``mode`` None is the configured default."""

    key: str
    query: str
    k: int
    mode: Mode | None
    docs: tuple[str, ...] | None


def plan(ctx: Context, kind: AnswerKind) -> list[Retrieval]:
    docs = ctx.view.documents
    out: list[Retrieval] = []
    if ctx.english:
        named = tuple(mentioned_documents(ctx.question, docs)) or None
        out += [
            Retrieval("en:hybrid", ctx.question, 3, Mode.HYBRID, named),
            Retrieval("en:dense", ctx.question, 3, Mode.DENSE, named),
        ]
        if kind == AnswerKind.NUMERIC and "indicator" in ctx.question.lower():
            out.append(Retrieval("indicator", ctx.question, 10, None, named))
    if kind == AnswerKind.CROSS:
        for doc, sub in cross_queries(ctx.question, cross_documents(ctx.question, docs), docs):
            out.append(Retrieval(f"cross:{doc}", sub, 5, None, (doc,)))
    return out


def cross_queries(
    question: str, doc_ids: Sequence[str], documents: Sequence[Document]
) -> list[tuple[str, str]]:
    """For each compared document, the part of the question about it (with a shared topic
    before a colon, and with the parts a later part points back to)."""
    parts = [p for p in _PARTS.split(question) if p.strip()]
    names = {d.doc_id: d.names for d in documents}
    topic = _TOPIC_END.split(question, maxsplit=1)[0] if _TOPIC_MARK.search(question) else ""
    out = []
    for doc in doc_ids:
        own = [p for p in parts if any(n.lower() in p.lower() for n in names[doc])]
        if own and not topic and _BACK.search(" ".join(own)):
            # "…还要在那里建设哪些机构": the place it points back to is in the parts before
            own = parts[: parts.index(own[0])] + own
        out.append((doc, (topic + " " + " ".join(own)).strip() if own else question))
    return out
