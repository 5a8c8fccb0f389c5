"""Sentence vectors: embedded with the index, and on demand for the rest (parts of split
clauses), so the answer step can compare a question with single sentences."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from .encoders import Encoder, Vectors


class SentenceVectors:
    """Cosine of a question vector with sentences, by their text."""

    def __init__(self, known: dict[str, Vectors], encoder: Encoder | None) -> None:
        self._known = known
        self._encoder = encoder
        self._extra: dict[str, Vectors] = {}
        self._lock = threading.Lock()

    def similarities(self, query: Vectors | None, texts: Sequence[str]) -> list[float]:
        """Cosine of ``query`` with each text (0.0 each without a query vector or encoder)."""
        if query is None or self._encoder is None:
            return [0.0] * len(texts)
        with self._lock:
            todo = [
                t for t in dict.fromkeys(texts) if t not in self._known and t not in self._extra
            ]
            if todo:
                vectors = self._encoder.encode_passages(todo)
                self._extra.update(zip(todo, vectors, strict=True))
            return [float(np.dot(query, self._vector(t))) for t in texts]

    def _vector(self, text: str) -> Vectors:
        known = self._known.get(text)
        return known if known is not None else self._extra[text]
