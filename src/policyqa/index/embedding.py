"""Passage embeddings, cached by text hash so a rebuild embeds only what is new."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from ..types import Chunk, Clause, Document
from .encoders import Encoder, Vectors
from .progress import OnProgress, Progress

log = logging.getLogger(__name__)

EMBED_RECIPE = "1"  # bump when the text given to the encoder changes
BATCH = 16


def passage_text(document: Document, clause: Clause, chunk: Chunk) -> str:
    """What the encoder sees: document short name and heading path before the clause text."""
    return f"{document.short_name}｜{' / '.join(clause.heading_path)}\n{chunk.text}"


def cache_path(index_dir: Path, encoder_name: str) -> Path:
    slug = "".join(ch if ch.isalnum() else "_" for ch in encoder_name)
    return index_dir / "cache" / f"{slug}.npz"


class _Cache:
    """Vectors by text hash: one matrix and its keys in an ``.npz`` (no pickles).

    One array per key, the first format, is still read: at 146k passages it took 16 s to
    load and as long to write, the matrix well under a second.
    """

    def __init__(self, keys: list[str], vectors: Vectors) -> None:
        self.rows = {k: i for i, k in enumerate(keys)}
        self.vectors = vectors
        self.fresh: dict[str, Vectors] = {}

    @classmethod
    def load(cls, path: Path) -> _Cache:
        empty = cls([], np.zeros((0, 0), dtype=np.float32))
        if not path.exists():
            return empty
        try:
            with np.load(path) as npz:
                if {"keys", "vectors"} == set(npz.files):
                    return cls([str(k) for k in npz["keys"]], npz["vectors"])
                old = {k: npz[k] for k in npz.files}
        except (OSError, ValueError):
            log.warning("ignoring an unreadable embedding cache %s", path)
            return empty
        if not old:
            return empty
        return cls(list(old), np.stack(list(old.values())))

    def get(self, key: str, dim: int) -> Vectors | None:
        if key in self.fresh:
            return self.fresh[key]
        i = self.rows.get(key)
        if i is None or self.vectors.shape[1] != dim:
            return None
        row: Vectors = self.vectors[i]
        return row

    def save(self, path: Path, keep: set[str]) -> None:
        """The vectors of ``keep`` (known or fresh), written atomically."""
        keys = sorted(k for k in keep if k in self.fresh or k in self.rows)
        rows = [self.fresh[k] if k in self.fresh else self.vectors[self.rows[k]] for k in keys]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        matrix = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)
        np.savez(tmp, allow_pickle=False, keys=np.array(keys, dtype="U64"), vectors=matrix)
        os.replace(tmp, path)


def embed(
    encoder: Encoder,
    texts: list[str],
    cache_file: Path,
    progress: bool,
    what: str = "clauses",
    report: OnProgress | None = None,
) -> Vectors:
    """Embed passages, reusing vectors cached by text hash; new ones are added to the cache.

    ``report`` hears ``(what, done, total)`` of the texts not cached (nothing if all are)."""
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    cache = _Cache.load(cache_file)
    keys = [hashlib.sha256((EMBED_RECIPE + t).encode()).hexdigest() for t in texts]
    todo = [i for i, k in enumerate(keys) if cache.get(k, encoder.dim) is None]
    if todo:
        bar = Progress(len(todo), f"embedding {what}", progress, report=report, step=what)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = encoder.encode_passages([texts[i] for i in batch])
            for i, v in zip(batch, vectors, strict=True):
                cache.fresh[keys[i]] = v
            bar.update(len(batch))
        bar.close()
        cache.save(cache_file, set(keys) | set(cache.rows))
    out = np.empty((len(keys), encoder.dim), dtype=np.float32)
    for row, k in enumerate(keys):
        out[row] = cache.get(k, encoder.dim)
    return out
