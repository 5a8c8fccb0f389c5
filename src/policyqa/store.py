"""The index directory on disk: build it atomically, load it only if it matches.

Layout::

    index/current -> builds/<stamp>     symlink swapped atomically when a build completes
    index/builds/<stamp>/manifest.json  what was built, from what, with file checksums
    index/builds/<stamp>/clauses.jsonl, chunks.jsonl, terms.txt, dense.faiss, bm25/
    index/builds/<stamp>/lexicon.json   English -> corpus terms, for English questions
    index/cache/<encoder>.npz           passage embeddings by text hash, reused across builds
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .bm25_index import BM25Index
from .chunking import CHUNKER_VERSION, chunk_document, split_clause
from .corpus import corpus_checksum, load_documents, load_source
from .crosslingual import LEXICON_FILE, Lexicon, build_lexicon, dictionary_version
from .dense_index import DenseIndex
from .encoders import Encoder, encoder_name, make_encoder
from .errors import IndexProblem
from .progress import Progress
from .sentences import sentences
from .settings import Settings
from .tokenizing import Tokenizer, build_terms
from .types import Chunk, Clause, Document

log = logging.getLogger(__name__)

INDEX_FORMAT = 3
EMBED_RECIPE = "1"  # bump when the text given to the encoder changes
_BATCH = 16
REBUILD_HINT = "run `policyqa index` to rebuild it"


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
    sentence_vectors: dict[str, np.ndarray]
    lexicon: Lexicon


def passage_text(document: Document, clause: Clause, chunk: Chunk) -> str:
    """What the encoder sees: document short name and heading path before the clause text."""
    return f"{document.short_name}｜{' / '.join(clause.heading_path)}\n{chunk.text}"


def bm25_text(document: Document, clause: Clause, chunk: Chunk) -> str:
    """What BM25 sees: the clause text plus its headings and the document's names."""
    return " ".join([chunk.text, *clause.heading_path, *document.short_names])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cache_path(index_dir: Path, name: str) -> Path:
    slug = "".join(ch if ch.isalnum() else "_" for ch in name)
    return index_dir / "cache" / f"{slug}.npz"


def _embed(
    encoder: Encoder, texts: list[str], cache_file: Path, progress: bool, what: str = "clauses"
) -> np.ndarray:
    """Embed passages, reusing vectors cached by text hash."""
    cache: dict[str, np.ndarray] = {}
    if cache_file.exists():
        try:
            with np.load(cache_file) as npz:
                cache = {k: npz[k] for k in npz.files}
        except (OSError, ValueError):
            log.warning("ignoring an unreadable embedding cache %s", cache_file)
    keys = [hashlib.sha256((EMBED_RECIPE + t).encode()).hexdigest() for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in cache or cache[k].shape != (encoder.dim,)]
    if todo:
        bar = Progress(len(todo), f"embedding {what}", enabled=progress)
        for start in range(0, len(todo), _BATCH):
            batch = todo[start : start + _BATCH]
            vectors = encoder.encode_passages([texts[i] for i in batch])
            for i, v in zip(batch, vectors, strict=True):
                cache[keys[i]] = v
            bar.update(len(batch))
        bar.close()
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp.npz")
        np.savez(tmp, **{k: cache[k] for k in set(keys) | set(cache)})
        os.replace(tmp, cache_file)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([cache[k] for k in keys]).astype(np.float32)


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

    encoder = encoder or make_encoder(settings.encoder)
    tokenizer = Tokenizer(build_terms(documents, clauses))
    vectors = _embed(
        encoder,
        [
            passage_text(by_doc[by_clause[ch.clause_id].doc_id], by_clause[ch.clause_id], ch)
            for ch in chunks
        ],
        _cache_path(index_dir, encoder.name),
        progress,
    )
    # the answer step compares the question with single sentences: embed them once, here
    sentence_texts = sorted({s for ch in chunks for s in sentences(ch.text)})
    sentence_vectors = _embed(
        encoder, sentence_texts, _cache_path(index_dir, encoder.name), progress, "sentences"
    )
    tokens = [
        tokenizer.tokenize(
            bm25_text(by_doc[by_clause[ch.clause_id].doc_id], by_clause[ch.clause_id], ch)
        )
        for ch in chunks
    ]
    vocabulary = {t for row in tokens for t in row}
    lexicon = Lexicon(build_lexicon(vocabulary), vocabulary)

    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    work = builds / f".partial-{stamp}"
    work.mkdir()
    _write_jsonl(work / "clauses.jsonl", [c.to_dict() for c in clauses])
    _write_jsonl(work / "chunks.jsonl", [vars(ch) for ch in chunks])
    (work / "documents.json").write_text(
        json.dumps([d.to_dict() for d in documents], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    tokenizer.save_terms(work / "terms.txt")
    _write_jsonl(work / "sentences.jsonl", [{"text": t} for t in sentence_texts])
    np.save(work / "sentences.npy", sentence_vectors)
    DenseIndex.build(vectors).save(work / "dense.faiss")
    BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b).save(work / "bm25")
    lexicon.save(work / LEXICON_FILE)
    manifest = {
        "format": INDEX_FORMAT,
        "package_version": __version__,
        "chunker_version": CHUNKER_VERSION,
        "embed_recipe": EMBED_RECIPE,
        "encoder": {"name": encoder.name, "dim": encoder.dim},
        "bm25": {"k1": settings.bm25_k1, "b": settings.bm25_b, "library": "bm25s"},
        "lexicon": dictionary_version(),
        "corpus_checksum": corpus_checksum(corpus_dir, documents),
        "counts": {
            "documents": len(documents),
            "clauses": len(clauses),
            "chunks": len(chunks),
            "terms": len(tokenizer.terms),
            "sentences": len(sentence_texts),
            "lexicon_entries": len(lexicon),
        },
        "dropped_duplicates": dropped,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {
            str(p.relative_to(work)): _sha256(p) for p in sorted(work.rglob("*")) if p.is_file()
        },
    }
    (work / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    final = builds / stamp
    os.replace(work, final)
    _swap_current(index_dir, final)
    _remove_old_builds(builds, keep=final)
    return manifest


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _swap_current(index_dir: Path, target: Path) -> None:
    link = index_dir / "current"
    tmp = index_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target.relative_to(index_dir))
    os.replace(tmp, link)  # atomic: readers see the old build or the new one, never half


def _remove_old_builds(builds: Path, keep: Path) -> None:
    for p in builds.iterdir():
        if p != keep:
            shutil.rmtree(p, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    link = index_dir / "current"
    if not link.exists():
        raise IndexProblem(f"no index in {index_dir}: run `policyqa index` first")
    return link.resolve()


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = current_build(index_dir) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexProblem(f"index file {path} is unreadable: {REBUILD_HINT}") from None


def check_manifest(manifest: dict[str, Any], settings: Settings, documents: list[Document]) -> None:
    """Refuse an index built from another corpus, chunker or encoder."""
    where = settings.index_dir
    if manifest.get("format") != INDEX_FORMAT:
        raise IndexProblem(f"index in {where} has an old format: {REBUILD_HINT}")
    if manifest.get("chunker_version") != CHUNKER_VERSION or (
        manifest.get("embed_recipe") != EMBED_RECIPE
    ):
        raise IndexProblem(f"index in {where} was built by an older chunker: {REBUILD_HINT}")
    want = encoder_name(settings.encoder)
    have = manifest.get("encoder", {}).get("name")
    if have != want:
        raise IndexProblem(
            f"index in {where} was built with encoder {have}, settings ask for "
            f"{want}: {REBUILD_HINT} (or pass --encoder {have})"
        )
    if manifest.get("corpus_checksum") != corpus_checksum(settings.corpus_dir, documents):
        raise IndexProblem(
            f"the corpus changed since the index in {where} was built: {REBUILD_HINT}"
        )


def load_index(settings: Settings) -> LoadedIndex:
    """Load the current index, verifying it matches the corpus, encoder and its checksums."""
    path = current_build(settings.index_dir)
    manifest = read_manifest(settings.index_dir)
    documents = load_documents(settings.corpus_dir)
    check_manifest(manifest, settings, documents)
    for rel, digest in manifest.get("files", {}).items():
        f = path / rel
        if not f.is_file() or _sha256(f) != digest:
            raise IndexProblem(f"index file {f} is missing or damaged: {REBUILD_HINT}")
    try:
        clauses = [
            Clause.from_dict(json.loads(line))
            for line in (path / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        chunks = [
            Chunk(**json.loads(line))
            for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        tokenizer = Tokenizer.from_file(path / "terms.txt")
        bm25 = BM25Index.load(path / "bm25", len(chunks))
        dense = DenseIndex.load(path / "dense.faiss")
        sentence_texts = [
            json.loads(line)["text"]
            for line in (path / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
        ]
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
    )
