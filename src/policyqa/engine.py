"""PolicyQA's one entry point for the CLI, the web app and the evaluation.

Loads the index once and answers search, ask, clause and lookup requests over it. For a
question it runs the retrievals the answer step asks for up front and hands it the
results; nothing below calls back into the engine.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .answer.compose import Prepared, compose, prepare
from .answer.context import CorpusView
from .answer.plan import Retrieval
from .answer.stats import CorpusStats
from .answer.templates import Retrieved
from .errors import BadInput, UnknownClause
from .index.encoders import Encoder, make_encoder
from .index.load import LoadedIndex, load_index
from .index.sentences import SentenceVectors
from .ingest.corpus import find_document
from .retrieve.hybrid import HybridRetriever
from .retrieve.references import ClauseTable, Resolution, resolve
from .retrieve.search import Searcher
from .settings import Settings
from .text.normalize import clean_question
from .types import Answer, Clause, Document, Hit, Mode


@dataclass(frozen=True)
class OutlineNode:
    heading: str
    clauses: tuple[Clause, ...]


def check_k(k: int, max_k: int) -> int:
    if not 1 <= k <= max_k:
        raise BadInput(f"k 须在 1 到 {max_k} 之间，收到 {k}。")
    return k


class Engine:
    def __init__(self, settings: Settings, index: LoadedIndex, encoder: Encoder | None) -> None:
        self.settings = settings
        self.index = index
        self.encoder = encoder
        self.retriever = HybridRetriever(index, encoder, settings)
        self.table = ClauseTable(index.clauses)
        self.searcher = Searcher(self.retriever, index.documents, self.table)
        self._by_id = {c.clause_id: c for c in index.clauses}
        self._by_doc: dict[str, list[Clause]] = {}
        for c in index.clauses:
            self._by_doc.setdefault(c.doc_id, []).append(c)
        self.view = CorpusView(
            documents=index.documents,
            clauses=self._by_id,
            stats=CorpusStats(index.clauses),
            tokenize=index.tokenizer.tokenize,
            translate=index.lexicon.translate,
            vocabulary=index.bm25.vocabulary,
            sentences=SentenceVectors(index.sentence_vectors, encoder),
        )

    @classmethod
    def load(cls, settings: Settings, encoder: Encoder | None = None) -> Engine:
        """Load and verify the index, then the encoder it was built with."""
        index = load_index(settings)
        return cls(settings, index, encoder or make_encoder(settings.encoder))

    @property
    def documents(self) -> list[Document]:
        return self.index.documents

    @property
    def manifest(self) -> dict[str, Any]:
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
            res = resolve(clause_id, self.documents, self.table)
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
        res = resolve(ref, self.documents, self.table)
        if not res.clauses and res.reference.ambiguous:
            titles = "、".join(f"《{self.document(d).title}》" for d in res.reference.ambiguous)
            raise BadInput(f"“{ref}”可指多个文件：{titles}，请写出文件全称。")
        if not res.clauses:
            names = [c.clause_id for c in res.candidates]
            hint = f"；相近条款：{'、'.join(names)}" if names else ""
            raise UnknownClause(f"未找到与“{ref}”对应的条款{hint}", names)
        return res

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str | None = None,
        docs: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The best ``k`` clauses; a clause the question names by number comes first."""
        query = clean_question(query, self.settings.max_question_chars)
        k = check_k(k, self.settings.max_k)
        chosen = Mode.parse(mode or self.settings.mode)
        for d in docs or ():
            self.document(d)
        return self.searcher.search(query, k, chosen, docs)

    def prepare(
        self,
        question: str,
        docs: Sequence[str] | None = None,
        k: int = 5,
        scope: Collection[str] | None = None,
    ) -> Prepared:
        """The question's hits, features, kind, answerability and the retrievals it needs;
        with ``scope`` (clause ids) only those clauses are hits."""
        question = clean_question(question, self.settings.max_question_chars)
        k = check_k(k, self.settings.max_k)
        if scope is None:
            hits = self.search(question, k=max(k, 5), docs=docs)
        else:
            hits = self._within(question, scope)[: max(k, 5)]
        vector = self.retriever.query_vector(question)
        nearest = self.retriever.nearest(vector) if vector is not None else None
        return prepare(question, hits, self.view, vector, nearest)

    def retrieve(
        self,
        retrievals: Iterable[Retrieval],
        scope: Collection[str] | None = None,
        docs: Sequence[str] | None = None,
    ) -> dict[str, Retrieved]:
        """Run the retrievals the answer step asked for up front (inside ``scope``, and
        inside ``docs`` when the question was asked of those documents only)."""
        extra = {}
        for r in retrievals:
            where = _searched_documents(r, docs)
            hits = self.search(r.query, k=r.k, mode=r.mode, docs=where) if where != [] else []
            extra[r.key] = Retrieved(r.query, hits)
        if scope is not None:
            extra = {
                key: Retrieved(r.query, [h for h in r.hits if h.clause.clause_id in scope])
                for key, r in extra.items()
            }
        return extra

    def ask(
        self,
        question: str,
        docs: Sequence[str] | None = None,
        k: int = 5,
        scope: Collection[str] | None = None,
        rephrase: bool = True,
    ) -> Answer:
        """The cited answer; with ``scope`` (clause ids) only those clauses may answer it
        (a follow-up about the clause or section of the answer before). ``rephrase=False``
        skips the language model (the extractive answer a stream shows first)."""
        prepared = self.prepare(question, docs, k, scope)
        extra = self.retrieve(prepared.retrievals, scope, docs)
        return compose(prepared, extra, self.settings if rephrase else None)

    def _within(self, question: str, scope: Collection[str]) -> list[Hit]:
        """The clauses of ``scope`` ranked for the question (unranked ones last)."""
        chosen = [self._by_id[i] for i in scope if i in self._by_id]
        docs = list(dict.fromkeys(c.doc_id for c in chosen))
        if not docs:
            return []
        depth = sum(len(self._by_doc[d]) for d in docs)
        mode = Mode.parse(self.settings.mode)
        ids = {c.clause_id for c in chosen}
        ranked = [
            h
            for h in self.searcher.search(question, depth, mode, docs)
            if h.clause.clause_id in ids
        ]
        seen = {h.clause.clause_id for h in ranked}
        return ranked + [Hit(c, 0.0) for c in chosen if c.clause_id not in seen]


def _searched_documents(r: Retrieval, docs: Sequence[str] | None) -> list[str] | None:
    """The documents a retrieval searches when the question was asked of ``docs`` only: its
    own that are among them (none: nothing to search, so an empty result)."""
    if not docs:
        return list(r.docs) if r.docs else None
    return [d for d in (r.docs or docs) if d in docs]
