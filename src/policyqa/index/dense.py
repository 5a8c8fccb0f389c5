"""FAISS inner-product search over L2-normalised embeddings (cosine), exact or approximate
by the index's size.

Up to ``FLAT_MAX`` vectors an exact ``IndexFlatIP`` answers within the latency target; past
it an inverted-file index (``IndexIVFFlat``, about 4·√n cells, ``nprobe`` of them searched)
keeps recall@10 against exact search at 0.95 or more at a fraction of the cost (measured
in bench/scale.py, bench/results/scale.md). IVF rather than HNSW: it adds vectors to a
trained index without rebuilding it (``policyqa add``), and a search limited to some rows
(a document filter) is exact on it. The kind and its parameters go into the manifest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .encoders import Vectors

# exact search up to here: flat p95 was 48 ms at 142k vectors (bench/results/scale.md, 2 cores,
# load ~3), linear in n, so about 10 ms at 30k
FLAT_MAX = 30_000
# cells searched per query: recall@10 0.955 at 142k (p95 5.6 ms) and 0.966 at 1M (p95 8.8 ms);
# 32 gave 0.917 / 0.931 (bench/results/scale.md)
NPROBE = 64
TRAIN_PER_CELL = 40  # training sample: this many vectors per cell (faiss warns below 39)


def ivf_cells(n: int) -> int:
    """Cells of an IVF index over ``n`` vectors (4·√n, a common rule that the bench checks)."""
    return max(1, int(4 * math.sqrt(n)))


class DenseIndex:
    def __init__(self, index: faiss.Index, nprobe: int = NPROBE) -> None:
        self._index = index
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = min(nprobe, index.nlist)
            index.make_direct_map()  # rows can be read back (an add rebuilds from them)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self._index, faiss.IndexIVF) else "flat"

    def describe(self) -> dict[str, Any]:
        """What the manifest records: the kind chosen for this size and its parameters."""
        out: dict[str, Any] = {"kind": self.kind, "vectors": self.size, "flat_max": FLAT_MAX}
        if isinstance(self._index, faiss.IndexIVF):
            out |= {"nlist": int(self._index.nlist), "nprobe": int(self._index.nprobe)}
        return out

    @staticmethod
    def kind_for(n: int) -> str:
        """The kind of index for ``n`` vectors: exact up to ``FLAT_MAX``, IVF past it."""
        return "flat" if n <= FLAT_MAX else "ivf"

    @classmethod
    def build(cls, vectors: Vectors, kind: str | None = None) -> DenseIndex:
        """Exact up to ``FLAT_MAX`` vectors, IVF past it (or the ``kind`` asked for)."""
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = kind or cls.kind_for(len(x))
        index: faiss.Index
        if kind == "flat":
            index = faiss.IndexFlatIP(x.shape[1])
        else:
            nlist = ivf_cells(len(x))
            index = faiss.IndexIVFFlat(
                faiss.IndexFlatIP(x.shape[1]), x.shape[1], nlist, faiss.METRIC_INNER_PRODUCT
            )
            rng = np.random.default_rng(0)  # the same vectors give the same index
            sample = min(len(x), TRAIN_PER_CELL * nlist)
            index.train(x[np.sort(rng.choice(len(x), sample, replace=False))])
        index.add(x)
        return cls(index)

    def add(self, vectors: Vectors) -> None:
        """Append rows (an IVF index keeps its trained cells: nothing is rebuilt)."""
        if len(vectors):
            if isinstance(self._index, faiss.IndexIVF):
                self._index.make_direct_map(False)  # faiss adds only without the array map
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            if isinstance(self._index, faiss.IndexIVF):
                self._index.make_direct_map()

    def vectors(self, start: int = 0, stop: int | None = None) -> Vectors:
        """The stored vectors of rows ``start:stop``, in row order."""
        stop = self.size if stop is None else stop
        if stop <= start:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.reconstruct_n(start, stop - start), dtype=np.float32)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, nprobe: int = NPROBE) -> DenseIndex:
        return cls(faiss.read_index(str(path)), nprobe)

    def search(
        self, query_vector: Vectors, k: int, rows: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest rows; with ``rows``, exactly the nearest among those rows."""
        if self.size == 0 or (rows is not None and len(rows) == 0):
            return []
        q = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
        if rows is None:
            scores, ids = self._index.search(q, min(k, self.size))
        else:
            keep = np.asarray(rows, dtype=np.int64)  # the selector points into it
            params = self._only(keep)
            scores, ids = self._index.search(q, min(k, len(keep)), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _only(self, rows: np.ndarray) -> faiss.SearchParameters:
        """Search parameters that see only ``rows`` (every cell of an IVF index: exact)."""
        params: faiss.SearchParameters
        if isinstance(self._index, faiss.IndexIVF):
            params = faiss.SearchParametersIVF()
            params.nprobe = self._index.nlist
        else:
            params = faiss.SearchParameters()
        params.sel = faiss.IDSelectorBatch(len(rows), faiss.swig_ptr(rows))
        return params

    def best_score(self, query_vector: Vectors) -> float:
        """Cosine of the nearest vector (0.0 for an empty index)."""
        rows = self.search(query_vector, 1)
        return rows[0][1] if rows else 0.0
