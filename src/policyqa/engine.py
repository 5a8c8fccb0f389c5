"""PolicyQA's one entry point for the CLI, the web app and the evaluation.

Loads the index once and answers search, ask, clause and lookup requests over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .answer import CorpusStats, compose_answer
from .corpus import find_document
from .encoders import Encoder, make_encoder
from .errors import UnknownClause
from .lookup import Resolution, document_mentions, resolve
from .retriever import HybridRetriever
from .settings import Settings
from .store import LoadedIndex, load_index
from .types import Answer, Clause, Document, Hit
from .validation import check_k, check_mode, clean_question


@dataclass(frozen=True)
class OutlineNode:
    heading: str
    clauses: tuple[Clause, ...]


class Engine:
    def __init__(self, settings: Settings, index: LoadedIndex, encoder: Encoder | None) -> None:
        self.settings = settings
        self.index = index
        self.encoder = encoder
        self.retriever = HybridRetriever(index, encoder, settings)
        self.corpus_stats = CorpusStats(index.clauses)
        self._by_id = {c.clause_id: c for c in index.clauses}
        self._by_doc: dict[str, list[Clause]] = {}
        for c in index.clauses:
            self._by_doc.setdefault(c.doc_id, []).append(c)

    @classmethod
    def load(cls, settings: Settings, encoder: Encoder | None = None) -> Engine:
        """Load and verify the index, then the encoder it was built with."""
        index = load_index(settings)
        return cls(settings, index, encoder or make_encoder(settings.encoder))

    @property
    def documents(self) -> list[Document]:
        return self.index.documents

    @property
    def manifest(self) -> dict:
        return self.index.manifest

    def document(self, doc_id: str) -> Document:
        return find_document(self.documents, doc_id)

    def clauses_of(self, doc_id: str) -> list[Clause]:
        self.document(doc_id)
        return self._by_doc.get(doc_id, [])

    def outline(self, doc_id: str) -> list[OutlineNode]:
        """The document's clauses grouped by heading path, in document order."""
        nodes: list[OutlineNode] = []
        for c in self.clauses_of(doc_id):
            heading = " / ".join(c.heading_path)
            if nodes and nodes[-1].heading == heading:
                nodes[-1] = OutlineNode(heading, nodes[-1].clauses + (c,))
            else:
                nodes.append(OutlineNode(heading, (c,)))
        return nodes

    def clause(self, clause_id: str) -> Clause:
        c = self._by_id.get(clause_id)
        if c is None:
            res = resolve(clause_id, self.documents, self.index.clauses)
            raise UnknownClause(f"未找到条款 {clause_id!r}", [x.clause_id for x in res.candidates])
        return c

    def neighbours(self, clause_id: str) -> tuple[Clause | None, Clause | None]:
        c = self.clause(clause_id)
        siblings = self._by_doc[c.doc_id]
        i = siblings.index(c)
        return (
            siblings[i - 1] if i > 0 else None,
            siblings[i + 1] if i + 1 < len(siblings) else None,
        )

    def lookup(self, ref: str) -> Resolution:
        """Resolve a clause reference; raises UnknownClause with close matches if none."""
        ref = clean_question(ref, self.settings.max_question_chars)
        res = resolve(ref, self.documents, self.index.clauses)
        if not res.clauses:
            names = [c.clause_id for c in res.candidates]
            hint = f"；相近条款：{'、'.join(names)}" if names else ""
            raise UnknownClause(f"未找到与“{ref}”对应的条款{hint}", names)
        return res

    def search(
        self, query: str, k: int = 10, mode: str | None = None, docs: Sequence[str] | None = None
    ) -> list[Hit]:
        """The best ``k`` clauses; a clause the question names by number comes first."""
        query = clean_question(query, self.settings.max_question_chars)
        k = check_k(k, self.settings.max_k)
        mode = check_mode(mode or self.settings.mode)
        for d in docs or ():
            self.document(d)
        hits = self._search_named(query, k, mode, docs)
        res = resolve(query, self.documents, self.index.clauses)
        named = [c for c in res.clauses if not docs or c.doc_id in docs]
        near: list[Clause] = []
        if res.reference.doc_id and res.reference.chapter is not None:
            # a section the page never heads: its chapter (after its title, if known)
            near = [c for c in res.candidates if not docs or c.doc_id in docs]
        if not named and not near:
            return hits
        return self._put_first(query, named, near, hits, k, mode)

    def _put_first(
        self,
        query: str,
        named: list[Clause],
        near: list[Clause],
        hits: list[Hit],
        k: int,
        mode: str,
    ) -> list[Hit]:
        """The clauses a question names by position, then those near it, each most relevant
        first, then the rest."""
        doc = (named or near)[0].doc_id
        doc_ranking = self.retriever.search(query, len(self.index.clauses), mode, [doc])
        found = {h.clause.clause_id: (i, h) for i, h in enumerate(doc_ranking)}
        unranked = (len(doc_ranking), None)
        first = []
        for scope, exact in ((named, True), (near, False)):
            for c in sorted(scope, key=lambda c: (found.get(c.clause_id, unranked)[0], c.ordinal)):
                h = found.get(c.clause_id, unranked)[1]
                if h is None:
                    first.append(Hit(c, 1.0, exact=exact))
                else:
                    first.append(Hit(c, 1.0 + h.score, h.bm25_rank, h.dense_rank, exact))
        ids = {h.clause.clause_id for h in first}
        return (first + [h for h in hits if h.clause.clause_id not in ids])[:k]

    def _search_named(self, query: str, k: int, mode: str, docs: Sequence[str] | None) -> list[Hit]:
        """Search the documents the question names (officials often say which plan they mean).

        One named document: only that document. Several: their rankings interleaved, so
        each document is represented near the top.
        """
        mentions = document_mentions(query, self.documents)
        named = [d for d in mentions.doc_ids if not docs or d in docs]
        if not named:
            return self.retriever.search(query, k, mode, docs)
        # the documents' names say where to look, not what to look for
        query = mentions.without_names(query) or query
        if len(named) == 1:
            return self.retriever.search(query, k, mode, named)
        per_doc = [self.retriever.search(query, k, mode, [d]) for d in named]
        merged: list[Hit] = []
        for rank in range(k):
            merged.extend(hits[rank] for hits in per_doc if rank < len(hits))
        return merged[:k]

    def ask(self, question: str, docs: Sequence[str] | None = None, k: int = 5) -> Answer:
        question = clean_question(question, self.settings.max_question_chars)
        k = check_k(k, self.settings.max_k)
        hits = self.search(question, k=max(k, 5), docs=docs)
        return compose_answer(question, hits, self)
