"""Load corpus/: the documents' metadata (documents.toml) and their texts, cleaned into
paragraphs (:mod:`policyqa.ingest.clean`)."""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CorpusError, UnknownDocument
from ..types import Document
from .clean import Para, split_lines
from .runin import contents, split_run_in

log = logging.getLogger(__name__)

METADATA_FILE = "documents.toml"
LAYOUTS = ("sections", "chapters", "run-in")


@dataclass(frozen=True)
class SourceText:
    document: Document
    raw: str
    paras: tuple[Para, ...]
    dropped_duplicates: int = 0
    contents: tuple[Para, ...] = ()  # the headings a table of contents lists (run-in pages)


@dataclass(frozen=True)
class Examples:
    """What the chat page offers to try: questions and clause references (documents.toml's
    top-level ``examples`` and ``lookup_examples``), worded for this corpus."""

    questions: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


def _metadata(corpus_dir: Path) -> dict[str, Any]:
    meta = corpus_dir / METADATA_FILE
    if not meta.is_file():
        raise CorpusError(f"no {METADATA_FILE} in {corpus_dir}: is --corpus-dir right?")
    try:
        return tomllib.loads(meta.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CorpusError(f"{meta} is not valid TOML: {err}") from None


def load_examples(corpus_dir: Path) -> Examples:
    data = _metadata(corpus_dir)
    questions, references = data.get("examples", []), data.get("lookup_examples", [])
    if not all(
        isinstance(x, list) and all(isinstance(v, str) for v in x) for x in (questions, references)
    ):
        raise CorpusError(f"{corpus_dir / METADATA_FILE}: examples must be lists of strings")
    return Examples(tuple(questions), tuple(references))


def load_documents(corpus_dir: Path) -> list[Document]:
    """Read ``documents.toml``; each entry must name an existing text file."""
    meta = corpus_dir / METADATA_FILE
    entries = _metadata(corpus_dir).get("document", [])
    docs: list[Document] = []
    for e in entries:
        try:
            doc = Document(
                doc_id=e["id"],
                title=e["title"],
                short_names=tuple(e.get("short_names", [])),
                issuer=e.get("issuer", ""),
                doc_number=e.get("doc_number", ""),
                date=e.get("date", ""),
                period=e.get("period", ""),
                file=e["file"],
                seed_file=e.get("seed_file", ""),
                layout=e.get("layout", "sections"),
                aliases=tuple(e.get("aliases", [])),
            )
        except KeyError as missing:
            raise CorpusError(f"{meta}: a document lacks the field {missing}") from None
        if doc.layout not in LAYOUTS:
            raise CorpusError(f"{meta}: {doc.doc_id} has unknown layout {doc.layout!r}")
        if not (corpus_dir / doc.file).is_file():
            raise CorpusError(f"{meta}: {doc.doc_id} names a missing file {doc.file}")
        docs.append(doc)
    if len({d.doc_id for d in docs}) != len(docs):
        raise CorpusError(f"{meta}: document ids are not unique")
    return docs


def corpus_checksum(corpus_dir: Path, documents: list[Document]) -> str:
    """SHA-256 over the metadata file and every document text."""
    h = hashlib.sha256((corpus_dir / METADATA_FILE).read_bytes())
    for d in documents:
        h.update(d.doc_id.encode())
        h.update((corpus_dir / d.file).read_bytes())
    return h.hexdigest()


def read_raw(corpus_dir: Path, document: Document) -> str:
    return (corpus_dir / document.file).read_text(encoding="utf-8")


def load_source(corpus_dir: Path, document: Document) -> SourceText:
    """Read one document and cut it into cleaned paragraphs (layout-specific)."""
    raw = read_raw(corpus_dir, document)
    if document.layout == "run-in":
        paras, dropped = split_run_in(raw)
        if dropped:
            log.info("%s: dropped %d repeated passages", document.doc_id, dropped)
        return SourceText(document, raw, tuple(paras), dropped, tuple(contents(raw)))
    return SourceText(document, raw, tuple(split_lines(raw)))


def find_document(documents: list[Document], doc_id: str) -> Document:
    for d in documents:
        if d.doc_id == doc_id:
            return d
    known = ", ".join(d.doc_id for d in documents)
    raise UnknownDocument(f"unknown document {doc_id!r}; known: {known}")
