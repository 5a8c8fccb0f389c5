"""Build the index from the corpus: chunk, tokenise, embed, write, swap in atomically."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from ..ingest.chunk import chunk_document, split_clause
from ..ingest.corpus import corpus_checksum, load_documents, load_source
from ..settings import Settings
from ..text.sentences import sentences
from ..text.tokenizer import Tokenizer, build_terms
from ..types import Chunk, Clause, Document
from .bm25 import BM25Index
from .dense import DenseIndex
from .embedding import cache_path, embed, passage_text
from .encoders import Encoder, make_encoder
from .files import checksums, new_build, publish, write_jsonl
from .lexicon import LEXICON_FILE, Lexicon, build_lexicon
from .manifest import make_manifest

log = logging.getLogger(__name__)


def bm25_text(document: Document, clause: Clause, chunk: Chunk) -> str:
    """What BM25 sees: the clause text plus its headings and the document's names."""
    return " ".join([chunk.text, *clause.heading_path, *document.short_names])


def build_index(
    settings: Settings, encoder: Encoder | None = None, progress: bool = True
) -> dict[str, Any]:
    """Chunk the corpus, embed and index it, and swap the result in atomically."""
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    documents = load_documents(corpus_dir)
    sources = [load_source(corpus_dir, d) for d in documents]
    clauses = [c for s in sources for c in chunk_document(s)]
    chunks = [ch for c in clauses for ch in split_clause(c)]
    by_clause = {c.clause_id: c for c in clauses}
    by_doc = {d.doc_id: d for d in documents}
    dropped = {s.document.doc_id: s.dropped_duplicates for s in sources if s.dropped_duplicates}

    def owners(ch: Chunk) -> tuple[Document, Clause, Chunk]:
        clause = by_clause[ch.clause_id]
        return by_doc[clause.doc_id], clause, ch

    encoder = encoder or make_encoder(settings.encoder)
    tokenizer = Tokenizer(build_terms(documents, clauses))
    cache = cache_path(index_dir, encoder.name)
    vectors = embed(encoder, [passage_text(*owners(ch)) for ch in chunks], cache, progress)
    # the answer step compares the question with single sentences: embed them once, here
    sentence_texts = sorted({s for ch in chunks for s in sentences(ch.text)})
    sentence_vectors = embed(encoder, sentence_texts, cache, progress, "sentences")
    tokens = [tokenizer.tokenize(bm25_text(*owners(ch))) for ch in chunks]
    vocabulary = {t for row in tokens for t in row}
    lexicon = Lexicon(build_lexicon(vocabulary), vocabulary)

    work, final = new_build(index_dir)
    write_jsonl(work / "clauses.jsonl", (c.to_dict() for c in clauses))
    write_jsonl(work / "chunks.jsonl", (vars(ch) for ch in chunks))
    _write_json(work / "documents.json", [d.to_dict() for d in documents])
    tokenizer.save_terms(work / "terms.txt")
    write_jsonl(work / "sentences.jsonl", ({"text": t} for t in sentence_texts))
    np.save(work / "sentences.npy", sentence_vectors)
    DenseIndex.build(vectors).save(work / "dense.faiss")
    BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b).save(work / "bm25")
    lexicon.save(work / LEXICON_FILE)
    counts = {
        "documents": len(documents),
        "clauses": len(clauses),
        "chunks": len(chunks),
        "terms": len(tokenizer.terms),
        "sentences": len(sentence_texts),
        "lexicon_entries": len(lexicon),
    }
    manifest = make_manifest(
        settings,
        encoder.name,
        encoder.dim,
        corpus_checksum(corpus_dir, documents),
        counts,
        dropped,
        checksums(work),
    )
    _write_json(work / "manifest.json", manifest)
    publish(index_dir, work, final)
    return manifest


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
