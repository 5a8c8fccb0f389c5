"""Structure-aware chunking: one clause per article, paragraph or table row.

The layout is recognised from the text (:mod:`.layout`; documents.toml may name one):

- ``sections`` (:mod:`.plans`): 一、 / （一） headings, numbered articles ``1．`` and
  indicator tables (:mod:`.tables`);
- ``chapters`` (:mod:`.chapters`): 第X章 / 第X节 headings with paragraphs (also the run-in
  page once :mod:`.runin` has put its headings back on lines of their own);
- ``legal`` (:mod:`.laws` over :mod:`.legal`): laws and regulations, one clause per 第N条.

Clauses longer than the chunk limit are indexed in parts (:func:`split_clause`).
"""

from __future__ import annotations

from ..text.sentences import SENTENCE
from ..types import RETRIEVABLE, Chunk, Clause, Layout
from .chapters import chapters
from .corpus import SourceText
from .laws import legal_clauses
from .plans import sections

CHUNKER_VERSION = "7"
MAX_CHUNK_CHARS = 800


def chunk_document(source: SourceText) -> list[Clause]:
    """Cut one cleaned document into clauses, in document order."""
    if source.legal is not None:
        return legal_clauses(source.document, source.legal)
    if source.layout == Layout.SECTIONS:
        return sections(source)
    return chapters(source)


def split_clause(clause: Clause, limit: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """One chunk per clause, or parts of at most ``limit`` characters cut at sentence ends."""
    if clause.kind not in RETRIEVABLE:
        return []
    if len(clause.text) <= limit:
        return [Chunk(clause.clause_id, clause.clause_id, 0, clause.text)]
    parts: list[str] = []
    current = ""
    for sentence in SENTENCE.findall(clause.text):
        while len(sentence) > limit:  # a single run-on sentence: cut at a comma, else hard
            cut = sentence.rfind("，", 0, limit) + 1 or limit
            if current:
                parts.append(current)
            parts.append(sentence[:cut])
            current, sentence = "", sentence[cut:]
        if len(current) + len(sentence) > limit:
            parts.append(current)
            current = ""
        current += sentence
    if current:
        parts.append(current)
    parts = [p for p in parts if p]
    return [
        Chunk(f"{clause.clause_id}#{k + 1}", clause.clause_id, k, t) for k, t in enumerate(parts)
    ]
