"""Where the chunks are searched: the contract, and the in-process engine (faiss + bm25s).

A backend answers over the index's chunk rows (``LoadedIndex.chunks``, in order): dense
top-k of a question's vector, BM25 top-k of its tokens, and the per-concept BM25 scores of
an English question's translations, each optionally limited to some documents. The
in-process backend is the default (nothing to run besides PolicyQA); ``milvus.py`` keeps
the same vectors and BM25 weights on a Milvus server, or in Milvus Lite's file.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..settings import Settings
from ..types import Backend
from .bm25 import BM25Index
from .dense import DenseIndex
from .encoders import Vectors
from .load import LoadedIndex, load_index
from .milvus import MilvusBackend

Ranked = list[tuple[int, float]]  # (chunk row, score), best first


class SearchBackend(Protocol):
    """Top-k over the chunks' vectors and BM25 weights (rows as in ``LoadedIndex.chunks``)."""

    name: str

    def dense(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> Ranked:
        """The ``k`` rows nearest to ``vector`` (only from ``docs`` if given)."""
        ...

    def sparse(self, tokens: Sequence[str], k: int, docs: Collection[str] | None = None) -> Ranked:
        """The ``k`` rows with the best positive BM25 score for ``tokens``."""
        ...

    def concept_scores(
        self,
        concepts: Sequence[tuple[str, ...]],
        tokens: Sequence[str],
        docs: Collection[str] | None = None,
    ) -> NDArray[np.float32]:
        """Each row's score: per concept its best alternative's BM25 score, plus ``tokens``'
        (0 outside ``docs``)."""
        ...

    def best_score(self, vector: Vectors) -> float:
        """Cosine of the nearest row (0.0 when there is none)."""
        ...


class InProcessBackend:
    """faiss and bm25s in this process, over the index's own files."""

    name = "inprocess"

    def __init__(self, dense: DenseIndex, bm25: BM25Index, chunk_docs: Sequence[str]) -> None:
        self._dense = dense
        self._bm25 = bm25
        self._chunk_doc = np.array(chunk_docs)
        self._rows: dict[str, list[int]] = {}
        for row, doc in enumerate(chunk_docs):
            self._rows.setdefault(doc, []).append(row)

    def _rows_of(self, docs: Collection[str]) -> list[int]:
        return sorted(r for d in docs for r in self._rows.get(d, []))

    def _mask(self, docs: Collection[str] | None) -> NDArray[np.float32] | None:
        if docs is None:
            return None
        return np.isin(self._chunk_doc, list(docs)).astype(np.float32)

    def dense(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> Ranked:
        return self._dense.search(vector, k, None if docs is None else self._rows_of(docs))

    def sparse(self, tokens: Sequence[str], k: int, docs: Collection[str] | None = None) -> Ranked:
        return self._bm25.search(list(tokens), k, self._mask(docs))

    def concept_scores(
        self,
        concepts: Sequence[tuple[str, ...]],
        tokens: Sequence[str],
        docs: Collection[str] | None = None,
    ) -> NDArray[np.float32]:
        scores = self._bm25.concept_scores(list(concepts), list(tokens))
        mask = self._mask(docs)
        return scores if mask is None else scores * mask

    def best_score(self, vector: Vectors) -> float:
        return self._dense.best_score(vector)


def milvus_uri(settings: Settings) -> str:
    """The configured Milvus URI; by default Milvus Lite's file beside the index."""
    return settings.milvus_uri or str(settings.index_dir / "milvus.db")


def make_backend(settings: Settings, index: LoadedIndex) -> SearchBackend:
    """The backend the settings choose, over ``index`` (Milvus is synced with it first)."""
    if settings.backend == Backend.MILVUS:
        backend = MilvusBackend(milvus_uri(settings), index, settings.bm25_k1, settings.bm25_b)
        backend.sync()
        return backend
    doc_of = {c.clause_id: c.doc_id for c in index.clauses}
    return InProcessBackend(index.dense, index.bm25, [doc_of[ch.clause_id] for ch in index.chunks])


def sync_backend(settings: Settings) -> dict[str, int] | None:
    """After ``policyqa add`` / ``remove``: bring an external backend (Milvus) in step with
    the index just published (only the changed documents move); None for in-process."""
    if settings.backend != Backend.MILVUS:
        return None
    index = load_index(settings)
    return MilvusBackend(milvus_uri(settings), index, settings.bm25_k1, settings.bm25_b).sync()
