"""FAISS inner-product index over L2-normalised embeddings (cosine similarity)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from .encoders import Vectors


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: Vectors) -> DenseIndex:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def vectors(self) -> Vectors:
        """Every stored vector, in row order (an add rebuilds from them, embedding nothing)."""
        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.reconstruct_n(0, self.size), dtype=np.float32)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    def search(self, query_vector: Vectors, k: int) -> list[tuple[int, float]]:
        if self.size == 0:
            return []
        q = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(q, min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def best_score(self, query_vector: Vectors) -> float:
        """Cosine of the nearest vector (0.0 for an empty index)."""
        rows = self.search(query_vector, 1)
        return rows[0][1] if rows else 0.0
