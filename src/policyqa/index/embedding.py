"""Passage embeddings, cached by text hash so a rebuild embeds only what is new."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

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


def _load_cache(cache_file: Path) -> dict[str, Vectors]:
    if not cache_file.exists():
        return {}
    try:
        with np.load(cache_file) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError):
        log.warning("ignoring an unreadable embedding cache %s", cache_file)
        return {}


def _save_vectors(path: Path, vectors: dict[str, Vectors]) -> None:
    """One named array per text hash (no pickles)."""
    arrays: dict[str, Any] = dict(vectors)  # numpy's stubs type **kwds narrowly
    np.savez(path, allow_pickle=False, **arrays)


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
    cache = _load_cache(cache_file)
    keys = [hashlib.sha256((EMBED_RECIPE + t).encode()).hexdigest() for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in cache or cache[k].shape != (encoder.dim,)]
    if todo:
        bar = Progress(len(todo), f"embedding {what}", progress, report=report, step=what)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = encoder.encode_passages([texts[i] for i in batch])
            for i, v in zip(batch, vectors, strict=True):
                cache[keys[i]] = v
            bar.update(len(batch))
        bar.close()
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp.npz")
        _save_vectors(tmp, {k: cache[k] for k in set(keys) | set(cache)})
        os.replace(tmp, cache_file)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([cache[k] for k in keys]).astype(np.float32)
