"""BM25 over jieba tokens, backed by bm25s (sparse arrays; saved without pickles)."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np

# bm25s sets its own logger to DEBUG, which prints "Building index from tokens" on every build
logging.getLogger("bm25s").setLevel(logging.WARNING)


class BM25Index:
    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]], k1: float, b: float) -> BM25Index:
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        # an empty document would make bm25s drop it; a placeholder keeps row ids aligned
        model.index([t or ["\u2205"] for t in token_lists], show_progress=False)
        return cls(model, len(token_lists))

    def save(self, path: Path) -> None:
        self._model.save(str(path))

    @classmethod
    def load(cls, path: Path, size: int) -> BM25Index:
        return cls(bm25s.BM25.load(str(path)), size)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self._model.vocab_dict)

    def document_frequencies(self) -> dict[str, int]:
        """Per term, how many rows hold it (the column lengths of bm25s's score matrix)."""
        df = np.diff(np.asarray(self._model.scores["indptr"]))
        return {t: int(df[i]) for t, i in self._model.vocab_dict.items() if i < len(df)}

    def concept_scores(self, concepts: list[tuple[str, ...]], tokens: list[str]) -> np.ndarray:
        """Each row's score: per concept the best of its alternative terms, plus ``tokens``.

        Taking the best alternative (not the sum) lets each concept count once, however
        many ways the dictionary translates it.
        """
        total = np.zeros(self.size, dtype=np.float32)
        vocab = self._model.vocab_dict
        for terms in concepts:
            known = [t for t in terms if t in vocab]
            if known:
                total += np.max([self._model.get_scores([t]) for t in known], axis=0)
        known = [t for t in tokens if t in vocab]
        if known:
            total += self._model.get_scores(known)
        return total

    def search(
        self, tokens: list[str], k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Row ids and scores of the best ``k`` rows with a positive score (only rows whose
        ``mask`` is non-zero, if given)."""
        known = [t for t in tokens if t in self._model.vocab_dict]
        if not known or self.size == 0:
            return []
        docs, scores = self._model.retrieve(
            [known], k=min(k, self.size), show_progress=False, n_threads=1, weight_mask=mask
        )
        return [
            (int(d), float(s))
            for d, s in zip(docs[0], scores[0], strict=True)
            if s > 0 and np.isfinite(s)
        ]
