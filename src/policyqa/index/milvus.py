"""The search backend on Milvus, through its official client ``pymilvus`` (extra
``policyqa[milvus]``).

One code path for both deployments: a local file URI (``index/milvus.db``) runs Milvus Lite
inside this process; ``http://host:19530`` talks to a Milvus server or cluster.

What Milvus holds, per chunk row: the chunk's id (primary key), its document and clause ids
(fields a search filters on), its dense vector and its BM25 weights as a sparse vector.
The weights come from PolicyQA's own tokens (jieba with the corpus dictionary), not from
Milvus's analyzer: the sparse vector of a chunk holds, per term, Lucene's BM25 term part
``tf / (tf + k1·(1 − b + b·dl/avgdl))``, and a question's sparse vector holds, per term, its
count times the term's idf. Their inner product is exactly bm25s's score (same k1, b, idf),
and because the idf sits on the question's side it is always the current corpus's, however
many documents were added since a chunk was stored. Terms become sparse dimensions by a
stable hash, so the dimension of a term never changes as the vocabulary grows.

The local index stays the source of truth (clauses, tokens, vectors, manifest): Milvus is
synced from it, document by document, by checksum (``sync``), when the engine loads and
after ``policyqa add`` / ``remove``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError
from .dense import FLAT_MAX, NPROBE, ivf_cells
from .encoders import Vectors
from .files import read_jsonl
from .load import LoadedIndex

MAX_LIMIT = 16384  # the most hits one Milvus search returns
BATCH = 1000  # rows per insert
SPARSE_DIMS = 2**32 - 1  # Milvus sparse dimensions are uint32 below this
Ranked = list[tuple[int, float]]  # (chunk row, score), best first, as in backend.py


def term_dimension(term: str) -> int:
    """The sparse dimension of a term: a stable hash, the same in every process."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % SPARSE_DIMS


def _quote(values: Collection[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in sorted(values)) + "]"


class MilvusBackend:
    """Dense and BM25 top-k on Milvus (rows as in ``LoadedIndex.chunks``)."""

    name = "milvus"

    def __init__(self, uri: str, index: LoadedIndex, k1: float, b: float) -> None:
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise ConfigError(
                "backend milvus needs the optional extra: pip install 'policyqa[milvus]'"
            ) from None
        self.uri = uri
        try:
            self._client = MilvusClient(uri=uri)
        except Exception as err:  # a server that does not answer, a file that cannot open
            raise ConfigError(f"Milvus at {uri!r} cannot be opened: {err}") from None
        self._index = index
        self._k1, self._b = k1, b
        self._row = {ch.chunk_id: i for i, ch in enumerate(index.chunks)}
        self._size = len(index.chunks)
        self._idf = _idf(index)
        recipe = json.dumps([index.manifest.get("recipe"), k1, b], sort_keys=True)
        self.collection = "policyqa_" + hashlib.sha256(recipe.encode()).hexdigest()[:12]
        self.documents = self.collection + "_documents"

    # --- searching ---------------------------------------------------------------------

    def _filter(self, docs: Collection[str] | None) -> str:
        return "" if docs is None else f"doc in {_quote(docs)}"

    def _search(
        self, data: list[Any], field: str, k: int, docs: Collection[str] | None
    ) -> list[Ranked]:
        """One request for every query in ``data``: each one's ranking."""
        if k <= 0 or self._size == 0 or (docs is not None and not docs) or not data:
            return [[] for _ in data]
        params: dict[str, Any] = {"metric_type": "IP"}
        if field == "dense" and self._size > FLAT_MAX:
            params["params"] = {"nprobe": NPROBE}
        results = self._client.search(
            self.collection,
            data=data,
            anns_field=field,
            limit=min(k, MAX_LIMIT, self._size),
            filter=self._filter(docs),
            search_params=params,
            output_fields=["key"],
        )
        out: list[Ranked] = []
        for hits in results:
            rows = ((self._row.get(h["entity"]["key"]), float(h["distance"])) for h in hits)
            # a row synced by a newer index than this engine's has no row here
            out.append([(r, d) for r, d in rows if r is not None])
        return out

    def dense(self, vector: Vectors, k: int, docs: Collection[str] | None = None) -> Ranked:
        return self._search([np.asarray(vector, dtype=np.float32).tolist()], "dense", k, docs)[0]

    def _query(self, tokens: Sequence[str]) -> dict[int, float]:
        """A question's sparse vector: per known term, its count times its idf."""
        out: dict[int, float] = {}
        for term, count in Counter(t for t in tokens if t in self._idf).items():
            dim = term_dimension(term)
            out[dim] = out.get(dim, 0.0) + count * self._idf[term]
        return out

    def sparse(self, tokens: Sequence[str], k: int, docs: Collection[str] | None = None) -> Ranked:
        query = self._query(tokens)
        if not query:
            return []
        return [(r, s) for r, s in self._search([query], "sparse", k, docs)[0] if s > 0]

    def concept_scores(
        self,
        concepts: Sequence[tuple[str, ...]],
        tokens: Sequence[str],
        docs: Collection[str] | None = None,
    ) -> NDArray[np.float32]:
        """As bm25s's: every alternative term and the plain tokens in one Milvus request."""
        groups = [[t for t in terms if t in self._idf] for terms in concepts]
        groups = [g for g in groups if g]
        queries = [self._query([t]) for g in groups for t in g]
        plain = self._query(tokens)
        rankings = self._search(queries + ([plain] if plain else []), "sparse", self._size, docs)
        scores = np.zeros((len(rankings), self._size), dtype=np.float32)
        for i, ranking in enumerate(rankings):
            for row, score in ranking:
                scores[i, row] = max(score, 0.0)
        total = np.zeros(self._size, dtype=np.float32)
        start = 0
        for g in groups:  # per concept, its best alternative
            total += scores[start : start + len(g)].max(axis=0)
            start += len(g)
        total += scores[start:].sum(axis=0)  # the untranslated tokens, if any
        return total

    def best_score(self, vector: Vectors) -> float:
        rows = self.dense(vector, 1)
        return rows[0][1] if rows else 0.0

    def rows_of(self, doc: str) -> int:
        """How many chunk rows of ``doc`` Milvus holds (what ``sync`` put there)."""
        rows = self._client.query(
            self.collection, filter=f"doc == {json.dumps(doc)}", output_fields=["key"]
        )
        return len(rows)

    # --- keeping Milvus in step with the local index ----------------------------------

    def sync(self) -> dict[str, int]:
        """Make Milvus hold exactly the index's documents: those whose checksum changed or
        that are gone are deleted, the missing ones inserted. Returns the counts."""
        self._ensure_collections()
        want: dict[str, str] = self._index.manifest.get("documents", {})
        have = {
            r["doc"]: r["checksum"]
            for r in self._client.query(
                self.documents, filter='doc != ""', output_fields=["doc", "checksum"]
            )
        }
        stale = [d for d, c in have.items() if want.get(d) != c]
        missing = [d for d, c in want.items() if have.get(d) != c]
        if stale:
            self.remove(stale)
        if missing:
            self.add(missing)
        return {"removed": len(stale), "added": len(missing), "documents": len(want)}

    def remove(self, doc_ids: Collection[str]) -> None:
        """Delete the documents' rows (and their record)."""
        for start in range(0, len(doc_ids), 100):
            part = sorted(doc_ids)[start : start + 100]
            self._client.delete(self.collection, filter=f"doc in {_quote(part)}")
            self._client.delete(self.documents, filter=f"doc in {_quote(part)}")

    def add(self, doc_ids: Collection[str]) -> None:
        """Insert the documents' rows from the local index (vectors and tokens as built)."""
        wanted = set(doc_ids)
        sums: dict[str, str] = self._index.manifest.get("documents", {})
        rows = self._rows(wanted)
        for start in range(0, len(rows), BATCH):
            self._client.insert(self.collection, rows[start : start + BATCH])
        dummy = [0.0, 0.0]
        records = [{"doc": d, "checksum": sums.get(d, ""), "v": dummy} for d in sorted(wanted)]
        for start in range(0, len(records), BATCH):
            self._client.insert(self.documents, records[start : start + BATCH])

    def _rows(self, docs: set[str]) -> list[dict[str, Any]]:
        clause_doc = {c.clause_id: c.doc_id for c in self._index.clauses}
        # an empty chunk is one placeholder token to bm25s: the same here
        tokens = [t or ["\u2205"] for t in _tokens(self._index.path)]
        lengths = [len(t) for t in tokens]
        vectors = self._index.dense.vectors()
        avgdl = sum(lengths) / max(1, len(lengths))
        out = []
        for row, chunk in enumerate(self._index.chunks):
            doc = clause_doc[chunk.clause_id]
            if doc not in docs:
                continue
            out.append(
                {
                    "key": chunk.chunk_id,
                    "doc": doc,
                    "clause": chunk.clause_id,
                    "dense": vectors[row].tolist(),
                    "sparse": self._weights(tokens[row], lengths[row], avgdl) or {0: 0.0},
                }
            )
        return out

    def _weights(self, tokens: list[str], length: int, avgdl: float) -> dict[int, float]:
        """A chunk's sparse vector: Lucene's BM25 term part per term (idf: the question's)."""
        norm = self._k1 * ((1 - self._b) + self._b * length / avgdl)
        out: dict[int, float] = {}
        for term, tf in Counter(tokens).items():
            out[term_dimension(term)] = tf / (norm + tf)
        return out

    def _ensure_collections(self) -> None:
        from pymilvus import DataType, MilvusClient

        if not self._client.has_collection(self.collection):
            schema = MilvusClient.create_schema(auto_id=False)
            schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=512)
            schema.add_field("doc", DataType.VARCHAR, max_length=256)
            schema.add_field("clause", DataType.VARCHAR, max_length=512)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self._index.dense.dim)
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            params = self._client.prepare_index_params()
            if self._size > FLAT_MAX:
                cells = {"nlist": ivf_cells(self._size)}
                params.add_index("dense", index_type="IVF_FLAT", metric_type="IP", params=cells)
            else:
                params.add_index("dense", index_type="FLAT", metric_type="IP")
            params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
            params.add_index("doc", index_type="INVERTED")
            self._client.create_collection(self.collection, schema=schema, index_params=params)
        if not self._client.has_collection(self.documents):
            schema = MilvusClient.create_schema(auto_id=False)
            schema.add_field("doc", DataType.VARCHAR, is_primary=True, max_length=256)
            schema.add_field("checksum", DataType.VARCHAR, max_length=128)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
            params = self._client.prepare_index_params()
            params.add_index("v", index_type="FLAT", metric_type="L2")
            self._client.create_collection(self.documents, schema=schema, index_params=params)
        for name in (self.collection, self.documents):  # a reopened collection is released
            self._client.load_collection(name)


def _tokens(path: Path) -> Iterator[list[str]]:
    for row in read_jsonl(path / "tokens.jsonl"):
        yield list(row["tokens"])


def _idf(index: LoadedIndex) -> dict[str, float]:
    """Lucene's idf of every term of the index (as bm25s computes it)."""
    n = index.bm25.size
    return {
        term: math.log(1 + (n - df + 0.5) / (df + 0.5))
        for term, df in index.bm25.document_frequencies().items()
    }
