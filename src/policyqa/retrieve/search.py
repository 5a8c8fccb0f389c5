"""Search as officials ask: in the documents a question names, with the clause it names by
number first. Composes the hybrid retriever, document mentions and clause references."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..types import Clause, Document, Hit, Mode, Part
from .hybrid import HybridRetriever
from .mentions import document_mentions
from .references import ClauseTable, resolve


class Searcher:
    def __init__(
        self, retriever: HybridRetriever, documents: list[Document], clauses: ClauseTable
    ) -> None:
        self.retriever = retriever
        self.documents = documents
        self.clauses = clauses
        # an older version stays searchable but ranks after the current ones
        self._superseded = {d.doc_id for d in documents if d.superseded_by}

    def search(self, query: str, k: int, mode: Mode, docs: Sequence[str] | None) -> list[Hit]:
        """The best ``k`` clauses; a clause the question names by number comes first."""
        hits = self._search_named(query, k, mode, docs)
        res = resolve(query, self.documents, self.clauses)
        unnamed = res.reference.names_position and res.reference.doc_id is None
        # "Article 40 of <a name not recognised>": the document the rest of the question
        # finds, when most of the top clauses are from it
        if unnamed and (likeliest := _likeliest_document(hits)):
            found = resolve(query, self.documents, self.clauses, likeliest)
            res = found if found.clauses else res
        named = [c for c in res.clauses if not docs or c.doc_id in docs]
        near: list[Clause] = []
        if res.reference.doc_id and res.reference.chapter is not None:
            # a section the page never heads: its chapter (after its title, if known)
            near = [c for c in res.candidates if not docs or c.doc_id in docs]
        if named or near:
            hits = self._put_first(query, named, near, hits, k, mode, res.parts)
        return self._current_first(hits, docs, res.reference.doc_id)

    def _current_first(
        self, hits: list[Hit], docs: Sequence[str] | None, named: str | None
    ) -> list[Hit]:
        """Hits from superseded versions after the others, unless the question asks for one."""
        asked = set(docs or ()) | ({named} if named else set())
        old = self._superseded - asked
        if not old:
            return hits
        return [h for h in hits if h.clause.doc_id not in old] + [
            h for h in hits if h.clause.doc_id in old
        ]

    def _put_first(
        self,
        query: str,
        named: list[Clause],
        near: list[Clause],
        hits: list[Hit],
        k: int,
        mode: Mode,
        parts: dict[str, Part],
    ) -> list[Hit]:
        """The clauses a question names by position, then those near it, each most relevant
        first, then the rest."""
        doc = (named or near)[0].doc_id
        doc_ranking = self.retriever.search(query, len(self.clauses.all), mode, [doc])
        found = {h.clause.clause_id: (i, h) for i, h in enumerate(doc_ranking)}
        unranked: tuple[int, Hit | None] = (len(doc_ranking), None)
        first = []
        for scope, exact in ((named, True), (near, False)):
            for c in sorted(scope, key=lambda c: (found.get(c.clause_id, unranked)[0], c.ordinal)):
                h = found.get(c.clause_id, unranked)[1]
                part = parts.get(c.clause_id)
                if h is None:
                    first.append(Hit(c, 1.0, exact=exact, part=part))
                else:
                    first.append(Hit(c, 1.0 + h.score, h.bm25_rank, h.dense_rank, exact, part))
        ids = {h.clause.clause_id for h in first}
        return (first + [h for h in hits if h.clause.clause_id not in ids])[:k]

    def _search_named(
        self, query: str, k: int, mode: Mode, docs: Sequence[str] | None
    ) -> list[Hit]:
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


_MOST = 3  # of the top five hits from one document: the question is about that document


def _likeliest_document(hits: Sequence[Hit]) -> str | None:
    """The document most of the top five hits come from, if one is."""
    top = Counter(h.clause.doc_id for h in hits[:5]).most_common(1)
    return top[0][0] if top and top[0][1] >= _MOST else None
