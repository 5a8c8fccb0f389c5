"""Build the index from the corpus: chunk, tokenise, embed, write, swap in atomically.

A build may start from the previous index (``policyqa add`` / ``remove``): a document whose
text and description are unchanged keeps its clauses, chunks, tokens and vectors exactly as
they were, and only new documents are chunked, tokenised and embedded.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..ingest.chunk import chunk_document, split_clause
from ..ingest.corpus import corpus_checksums, load_documents, load_source
from ..settings import Settings
from ..text.sentences import sentences
from ..text.tokenizer import Tokenizer, build_terms
from ..types import Chunk, Clause, ClauseKind, Document
from .bm25 import BM25Index
from .dense import DenseIndex
from .embedding import cache_path, embed, passage_text
from .encoders import Encoder, Vectors, make_encoder
from .files import checksums, new_build, publish, read_jsonl, write_jsonl
from .lexicon import LEXICON_FILE, Lexicon, build_lexicon
from .load import LoadedIndex
from .manifest import make_manifest
from .progress import OnProgress

log = logging.getLogger(__name__)
TOKENS_FILE = "tokens.jsonl"  # each chunk's BM25 tokens: what a later add reuses


@dataclass
class _Part:
    """One document's share of the index."""

    document: Document
    clauses: list[Clause]
    chunks: list[Chunk]
    dropped: int = 0
    tokens: list[list[str]] | None = None  # known when reused from the previous index
    vectors: Vectors | None = None
    rows: list[int] | None = None  # its rows in the previous index, when reused


def bm25_text(document: Document, clause: Clause, chunk: Chunk) -> str:
    """What BM25 sees: the clause text plus its headings and the document's names (its
    title where it has no short names: an added document's place and subject, 青岛 and 养犬,
    are then words of the corpus, which English questions reach by their pinyin)."""
    names = document.short_names or (document.title,)
    return " ".join([chunk.text, *clause.heading_path, *names])


def _chunked(corpus_dir: Path, document: Document) -> _Part:
    source = load_source(corpus_dir, document)
    clauses = chunk_document(source)
    chunks = [ch for c in clauses for ch in split_clause(c)]
    return _Part(document, clauses, chunks, source.dropped_duplicates)


class _Previous:
    """The previous index's rows, read once, by document."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self.checksums: dict[str, str] = index.manifest.get("documents", {})
        # interned: millions of tokens, a few hundred thousand distinct strings
        self.tokens = [
            [sys.intern(t) for t in row["tokens"]] for row in read_jsonl(index.path / TOKENS_FILE)
        ]
        self.vectors = index.dense.vectors()
        doc_of = {c.clause_id: c.doc_id for c in index.clauses}
        self.rows: dict[str, list[int]] = {}
        for i, ch in enumerate(index.chunks):
            self.rows.setdefault(doc_of[ch.clause_id], []).append(i)
        self.clauses: dict[str, list[Clause]] = {}
        for c in index.clauses:
            self.clauses.setdefault(c.doc_id, []).append(c)

    def part(self, document: Document) -> _Part:
        """The document's clauses, chunks, tokens and vectors exactly as they were."""
        rows = self.rows.get(document.doc_id, [])
        dropped = self.index.manifest.get("dropped_duplicates", {}).get(document.doc_id, 0)
        return _Part(
            document,
            self.clauses.get(document.doc_id, []),
            [self.index.chunks[i] for i in rows],
            dropped,
            [self.tokens[i] for i in rows],
            self.vectors[rows] if rows else None,
            rows,
        )


def _parts(
    settings: Settings, documents: list[Document], previous: LoadedIndex | None
) -> list[_Part]:
    sums = corpus_checksums(settings.corpus_dir, documents)
    before = _Previous(previous) if previous is not None else None
    out = []
    for d in documents:
        if before is not None and before.checksums.get(d.doc_id) == sums[d.doc_id]:
            out.append(before.part(d))
        else:
            out.append(_chunked(settings.corpus_dir, d))
    return out


def _tokenizer(parts: Sequence[_Part], previous: LoadedIndex | None) -> Tokenizer:
    """The corpus's term dictionary: from scratch, or the previous one plus the new
    documents' own terms (so the documents kept are tokenised as they were)."""
    fresh = [p for p in parts if p.tokens is None]
    terms = build_terms(
        [p.document for p in fresh], [c for p in fresh for c in p.clauses]
    ) if fresh or previous is None else []  # fmt: skip
    if previous is None:
        return Tokenizer(terms)
    kept = list(previous.tokenizer.terms)
    return Tokenizer(kept + sorted(set(terms) - set(kept)))


def _embed_parts(
    parts: Sequence[_Part], encoder: Encoder, cache: Path, progress: bool, report: OnProgress | None
) -> Vectors:
    """Every chunk's vector in row order: kept ones as they were, new ones embedded; filled
    into one matrix (stacking per document and concatenating held it three times over)."""
    todo = [(p, ch) for p in parts if p.vectors is None for ch in p.chunks]
    by_clause = {c.clause_id: c for p in parts if p.vectors is None for c in p.clauses}
    texts = [passage_text(p.document, by_clause[ch.clause_id], ch) for p, ch in todo]
    fresh = embed(encoder, texts, cache, progress, "clauses", report)
    if all(p.vectors is None for p in parts):
        return fresh  # a build from scratch: already in row order
    out = np.empty((sum(len(p.chunks) for p in parts), encoder.dim), dtype=np.float32)
    row = done = 0
    for p in parts:
        n = len(p.chunks)
        if p.vectors is not None:
            out[row : row + n] = p.vectors
        else:
            out[row : row + n] = fresh[done : done + n]
            done += n
        row += n
    return out


def _sentence_vectors(
    chunks: Sequence[Chunk], previous: LoadedIndex | None, encoder: Encoder, cache: Path,
    progress: bool, report: OnProgress | None,
) -> tuple[list[str], Vectors]:  # fmt: skip
    """Every sentence of the chunks, sorted, with its vector (the answer step compares
    questions with single sentences: embedded once, here)."""
    texts = sorted({s for ch in chunks for s in sentences(ch.text)})
    known = previous.sentence_vectors if previous is not None else {}
    todo = [t for t in texts if t not in known]
    fresh = dict(zip(todo, embed(encoder, todo, cache, progress, "sentences", report), strict=True))
    if not texts:
        return texts, np.zeros((0, encoder.dim), dtype=np.float32)
    return texts, np.stack([known[t] if t in known else fresh[t] for t in texts])


def _dense_index(
    parts: Sequence[_Part], previous: LoadedIndex | None, vectors: Vectors
) -> DenseIndex:
    """The previous vector index with the new rows added, when the build kept every previous
    row in place and only appended (``policyqa add``: nothing is retrained or rebuilt);
    otherwise one built for the new size (exact or IVF)."""
    if previous is not None and previous.dense.size:
        kept = [r for p in parts if p.rows is not None for r in p.rows]
        first_fresh = next((i for i, p in enumerate(parts) if p.rows is None), len(parts))
        appended = all(p.rows is None for p in parts[first_fresh:])
        same_kind = DenseIndex.kind_for(len(vectors)) == previous.dense.kind
        if appended and kept == list(range(previous.dense.size)) and same_kind:
            dense = DenseIndex.load(previous.path / "dense.faiss")
            dense.add(vectors[len(kept) :])
            return dense
    return DenseIndex.build(vectors)


def build_index(
    settings: Settings,
    encoder: Encoder | None = None,
    progress: bool = True,
    previous: LoadedIndex | None = None,
    documents: list[Document] | None = None,
    report: OnProgress | None = None,
) -> dict[str, Any]:
    """Index ``documents`` (default: the corpus's) and swap the result in atomically.

    With ``previous``, documents it holds unchanged are reused as they are. ``report`` hears
    the embedding's progress: ``("clauses" | "sentences", done, total)``.
    """
    documents = load_documents(settings.corpus_dir) if documents is None else documents
    encoder = encoder or make_encoder(settings.encoder)
    parts = _parts(settings, documents, previous)
    tokenizer = _tokenizer(parts, previous)
    by_doc = {p.document.doc_id: p.document for p in parts}
    by_clause = {c.clause_id: c for p in parts for c in p.clauses}
    for p in parts:
        if p.tokens is None:
            p.tokens = [
                tokenizer.tokenize(bm25_text(p.document, by_clause[ch.clause_id], ch))
                for ch in p.chunks
            ]
    cache = cache_path(settings.index_dir, encoder.name)
    cache.parent.mkdir(parents=True, exist_ok=True)  # an unusable folder fails now, not after
    vectors = _embed_parts(parts, encoder, cache, progress, report)
    chunks = [ch for p in parts for ch in p.chunks]
    sentence_texts, sentence_vectors = _sentence_vectors(
        chunks if settings.sentence_vectors else [], previous, encoder, cache, progress, report
    )
    tokens = [t for p in parts for t in (p.tokens or [])]
    work, final = new_build(settings.index_dir)
    clauses = [c for p in parts for c in p.clauses]
    write_jsonl(work / "clauses.jsonl", (c.to_dict() for c in clauses))
    write_jsonl(work / "chunks.jsonl", (vars(ch) for ch in chunks))
    write_jsonl(work / TOKENS_FILE, ({"tokens": t} for t in tokens))
    _write_json(work / "documents.json", [d.to_dict() for d in by_doc.values()])
    tokenizer.save_terms(work / "terms.txt")
    write_jsonl(work / "sentences.jsonl", ({"text": t} for t in sentence_texts))
    np.save(work / "sentences.npy", sentence_vectors)
    dense = _dense_index(parts, previous, vectors)
    dense.save(work / "dense.faiss")
    dense_described = dense.describe()
    del dense, vectors  # written: their memory is the BM25 build's (peak RSS at 146k clauses)
    BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b).save(work / "bm25")
    vocabulary = {t for row in tokens for t in row}
    lexicon = Lexicon(build_lexicon(vocabulary), vocabulary)
    lexicon.save(work / LEXICON_FILE)
    counts = {
        "documents": len(documents),
        "clauses": len(clauses),
        "chunks": len(chunks),
        "terms": len(tokenizer.terms),
        "sentences": len(sentence_texts),
        "lexicon_entries": len(lexicon),
    }
    dropped = {p.document.doc_id: p.dropped for p in parts if p.dropped}
    per_document = {
        p.document.doc_id: {
            "clauses": len(p.clauses),
            "articles": sum(1 for c in p.clauses if c.kind == ClauseKind.ARTICLE),
        }
        for p in parts
    }
    sums = corpus_checksums(settings.corpus_dir, documents)
    manifest = make_manifest(
        settings, encoder.name, encoder.dim, sums, counts, dropped, checksums(work)
    )
    manifest["by_document"] = per_document
    manifest["dense"] = dense_described  # exact or IVF, chosen by size
    _write_json(work / "manifest.json", manifest)
    publish(settings.index_dir, work, final)
    return manifest


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
