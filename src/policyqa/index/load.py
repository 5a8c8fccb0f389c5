"""Load the current index read-only, after checking it fits the corpus and the code."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexProblem
from ..ingest.corpus import Examples, corpus_checksums, load_documents, load_examples
from ..settings import Settings
from ..text.tokenizer import Tokenizer
from ..types import Chunk, Clause, Document
from .bm25 import BM25Index
from .dense import DenseIndex
from .encoders import Vectors
from .files import REBUILD_HINT, current_build, read_jsonl, verify_files
from .lexicon import LEXICON_FILE, Lexicon
from .manifest import check_manifest

log = logging.getLogger(__name__)


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict[str, Any]
    documents: list[Document]
    clauses: list[Clause]
    chunks: list[Chunk]
    tokenizer: Tokenizer
    bm25: BM25Index
    dense: DenseIndex
    sentence_vectors: dict[str, Vectors]
    lexicon: Lexicon
    examples: Examples
    pending: list[str]  # corpus documents not indexed yet


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = current_build(index_dir) / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexProblem(f"index file {path} is unreadable: {REBUILD_HINT}") from None
    return manifest


def load_index(settings: Settings, warn_pending: bool = True) -> LoadedIndex:
    """Load the current index, verifying it matches the corpus, the code and its checksums."""
    path = current_build(settings.index_dir)
    manifest = read_manifest(settings.index_dir)
    corpus = load_documents(settings.corpus_dir)
    pending = check_manifest(manifest, settings, corpus_checksums(settings.corpus_dir, corpus))
    if pending and warn_pending:
        log.warning(
            "%d document(s) in the corpus are not in the index yet (%s): run `policyqa index`",
            len(pending),
            ", ".join(pending[:5]),
        )
    documents = [d for d in corpus if d.doc_id not in pending]
    verify_files(path, manifest.get("files", {}))
    try:
        clauses = [Clause.from_dict(d) for d in read_jsonl(path / "clauses.jsonl")]
        chunks = [Chunk(**d) for d in read_jsonl(path / "chunks.jsonl")]
        tokenizer = Tokenizer.from_file(path / "terms.txt")
        bm25 = BM25Index.load(path / "bm25", len(chunks))
        dense = DenseIndex.load(path / "dense.faiss")
        sentence_texts = [d["text"] for d in read_jsonl(path / "sentences.jsonl")]
        sentence_vectors = dict(zip(sentence_texts, np.load(path / "sentences.npy"), strict=True))
        lexicon = Lexicon.load(path / LEXICON_FILE, bm25.vocabulary)
    except Exception as err:  # noqa: BLE001 - any decoding failure means a damaged index
        raise IndexProblem(f"index in {path} cannot be read ({err}): {REBUILD_HINT}") from None
    if dense.size != len(chunks):
        raise IndexProblem(f"index in {path} is inconsistent: {REBUILD_HINT}")
    return LoadedIndex(
        path,
        manifest,
        documents,
        clauses,
        chunks,
        tokenizer,
        bm25,
        dense,
        sentence_vectors,
        lexicon,
        load_examples(settings.corpus_dir),
        pending,
    )
