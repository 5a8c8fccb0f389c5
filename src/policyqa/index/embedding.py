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

    def row(self, key: str, dim: int) -> int | None:
        """The key's row in ``vectors``, if cached with this dimension."""
        i = self.rows.get(key)
        return i if i is not None and self.vectors.shape[1] == dim else None

    def save(self, path: Path, fresh: dict[str, Vectors]) -> None:
        """Every cached vector of the same dimension and the ``fresh`` ones, atomically."""
        dim = next(iter(fresh.values())).shape[0] if fresh else self.vectors.shape[1]
        kept = self.rows if self.vectors.shape[1] == dim else {}  # another model's: dropped
        keys = sorted(set(kept) | set(fresh))
        matrix = np.empty((len(keys), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            matrix[i] = fresh[k] if k in fresh else self.vectors[self.rows[k]]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
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
    out = np.empty((len(texts), encoder.dim), dtype=np.float32)
    if not texts:
        return out
    cache = _Cache.load(cache_file)
    keys = [hashlib.sha256((EMBED_RECIPE + t).encode()).hexdigest() for t in texts]
    todo = []
    for i, k in enumerate(keys):
        row = cache.row(k, encoder.dim)
        if row is None:
            todo.append(i)
        else:
            out[i] = cache.vectors[row]
    if todo:
        bar = Progress(len(todo), f"embedding {what}", progress, report=report, step=what)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            out[batch] = encoder.encode_passages([texts[i] for i in batch])
            bar.update(len(batch))
        bar.close()
        # the new rows are views of ``out``: the cache costs no second copy of them
        cache.save(cache_file, {keys[i]: out[i] for i in todo})
    return out
