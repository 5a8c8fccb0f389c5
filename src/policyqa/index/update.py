"""Adding and removing documents: the corpus changes first, then the index is rebuilt from
the previous one (only new documents are chunked and embedded) and swapped in atomically.

Order matters for interruptions. An add writes the document's folder before the index: a
kill in between leaves the corpus one document ahead, and the previous index keeps serving
(it lists the document as pending). A remove swaps in the index without the document before
deleting its folder: a kill in between leaves the same, safe state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import BadInput, IndexProblem
from ..ingest import library
from ..ingest.corpus import load_documents
from ..ingest.metadata import infer_metadata
from ..ingest.readers import ReadError, read_document
from ..settings import Settings
from .backend import sync_backend
from .build import build_index
from .encoders import Encoder
from .files import current_build
from .load import LoadedIndex, load_index
from .progress import OnProgress


@dataclass(frozen=True)
class AddResult:
    """What became of one file given to ``policyqa add``."""

    file: str
    status: str  # added | unchanged (already indexed) | indexed (was pending) | failed
    doc_id: str = ""
    title: str = ""
    clauses: int = 0
    articles: int = 0
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v != "" or k == "error"}


def _previous(settings: Settings) -> LoadedIndex | None:
    """The index to build on, if there is one this code can use."""
    try:
        current_build(settings.index_dir)
    except IndexProblem:
        return None
    try:
        return load_index(settings, warn_pending=False)  # the build takes the pending in
    except IndexProblem:
        return None  # another recipe, or damaged: rebuild everything (embeddings are cached)


def _stage(
    settings: Settings, path: Path, pending: set[str], by_sha256: dict[str, str]
) -> AddResult:
    """Read ``path`` into the library (nothing is written for a file that cannot be read);
    ``by_sha256`` (the library's documents by content) learns the new one."""
    if not path.is_file():
        return AddResult(str(path), "failed", error=f"文件 {path} 不存在或不是文件")
    sha = library.file_sha256(path)
    known = by_sha256.get(sha)
    if known is not None:
        return AddResult(str(path), "indexed" if known in pending else "unchanged", known)
    try:
        extracted = read_document(path, settings.max_document_mb * 1024 * 1024)
    except ReadError as err:
        return AddResult(str(path), "failed", error=str(err))
    meta = infer_metadata(extracted.text, path.name)
    entry = library.add(settings.corpus_dir, path, extracted, meta, sha)
    by_sha256[sha] = entry["id"]
    return AddResult(str(path), "added", entry["id"], entry["title"])


def add_documents(
    settings: Settings,
    paths: Sequence[Path],
    encoder: Encoder | None = None,
    progress: bool = True,
    report: OnProgress | None = None,
) -> list[AddResult]:
    """Add each file to the corpus and the index; a file that cannot be read is reported and
    changes nothing. ``report`` hears the embedding's progress (see ``build_index``)."""
    previous = _previous(settings)
    pending = set(previous.pending) if previous is not None else set()
    # read the library once, not once a file (adding thousands of files stays linear)
    entries = library.entries(settings.corpus_dir)
    by_sha256 = {str(e["sha256"]): str(e["id"]) for e in entries if "sha256" in e}
    staged = [_stage(settings, Path(p), pending, by_sha256) for p in paths]
    if previous is not None and not pending and all(r.status == "failed" for r in staged):
        return staged  # nothing was read: corpus and index stay exactly as they were
    if previous is None or pending or any(r.status == "added" for r in staged):
        try:
            manifest = build_index(settings, encoder, progress, previous, report=report)
        except Exception:  # a text the build cannot take must not block every later build
            for r in staged:
                if r.status == "added":
                    library.remove(settings.corpus_dir, r.doc_id)
            raise
        sync_backend(settings)
    else:
        assert previous is not None
        manifest = previous.manifest
    titles = {d.doc_id: d.title for d in load_documents(settings.corpus_dir)}
    return [_counted(r, manifest, titles) for r in staged]


def _counted(result: AddResult, manifest: dict[str, Any], titles: dict[str, str]) -> AddResult:
    if result.status == "failed":
        return result
    counts = manifest.get("by_document", {}).get(result.doc_id, {})
    return AddResult(
        result.file,
        result.status,
        result.doc_id,
        titles.get(result.doc_id, result.title),
        int(counts.get("clauses", 0)),
        int(counts.get("articles", 0)),
    )


def remove_document(
    settings: Settings,
    doc_id: str,
    encoder: Encoder | None = None,
    progress: bool = True,
    report: OnProgress | None = None,
) -> None:
    """Take an added document out of the index, then out of the corpus."""
    documents = load_documents(settings.corpus_dir)
    if doc_id not in {d.doc_id for d in documents}:
        raise BadInput(f"没有编号为 {doc_id!r} 的文件（policyqa documents 列出全部文件）")
    if doc_id not in {e["id"] for e in library.entries(settings.corpus_dir)}:
        raise BadInput(
            f"{doc_id} 由 documents.toml 手工登记：请在该文件中删去它的条目，再运行 policyqa index"
        )
    previous = _previous(settings)
    kept = [d for d in documents if d.doc_id != doc_id]
    build_index(settings, encoder, progress, previous, documents=kept, report=report)
    sync_backend(settings)
    library.remove(settings.corpus_dir, doc_id)
