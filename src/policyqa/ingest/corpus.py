"""The corpus folder: hand-written metadata (documents.toml), documents added with
``policyqa add`` (:mod:`.library`), their texts cleaned into paragraphs (:mod:`.clean`), and
the structure each text has (:mod:`.layout`)."""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import CorpusError, UnknownDocument
from ..types import Document, Layout
from . import library
from .clean import Para, split_lines
from .layout import detect
from .legal import LegalStructure, parse_legal
from .runin import contents, split_run_in
from .versions import supersessions

log = logging.getLogger(__name__)

METADATA_FILE = "documents.toml"
_FIELDS = {f.name for f in fields(Document)}
_LISTS = ("short_names", "aliases")
_DERIVED = ("superseded_by",)  # worked out from the corpus, not described
_RECORDED = {"id", "format", "warnings", "added_at"}  # what an add notes beside the fields


@dataclass(frozen=True)
class SourceText:
    document: Document
    raw: str
    paras: tuple[Para, ...]
    layout: Layout
    dropped_duplicates: int = 0
    contents: tuple[Para, ...] = ()  # the headings a table of contents lists (run-in pages)
    legal: LegalStructure | None = None  # a law's or regulation's articles


@dataclass(frozen=True)
class Examples:
    """What the chat page offers to try: questions and clause references (documents.toml's
    top-level ``examples`` and ``lookup_examples``), worded for this corpus."""

    questions: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


def _metadata(corpus_dir: Path) -> dict[str, Any]:
    meta = corpus_dir / METADATA_FILE
    if not meta.is_file():
        if (corpus_dir / library.LIBRARY_DIR).is_dir():
            return {}  # a corpus of added documents only
        raise CorpusError(f"no {METADATA_FILE} in {corpus_dir}: is --corpus-dir right?")
    try:
        return tomllib.loads(meta.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CorpusError(f"{meta} is not valid TOML: {err}") from None


def load_examples(corpus_dir: Path) -> Examples:
    data = _metadata(corpus_dir)
    questions, references = data.get("examples", []), data.get("lookup_examples", [])
    for value in (questions, references):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{corpus_dir / METADATA_FILE}: examples must be lists of strings")
    return Examples(tuple(questions), tuple(references))


def _document(entry: dict[str, Any], where: str) -> Document:
    """A Document from a metadata table: unknown fields refused, lists made tuples."""
    unknown = sorted(k for k in entry if k not in _FIELDS | _RECORDED)
    if unknown:
        raise CorpusError(f"{where}: unknown field(s) {', '.join(unknown)}")
    values = {k: v for k, v in entry.items() if k in _FIELDS and k not in _DERIVED}
    values["doc_id"] = entry["id"]
    for key in ("short_names", "issuer", "doc_number", "date", "period", "seed_file"):
        values.setdefault(key, "")
    for key in _LISTS:
        values[key] = tuple(values.get(key) or ())
    try:
        return Document(**values)
    except TypeError as err:
        raise CorpusError(f"{where}: {err}") from None


def load_documents(corpus_dir: Path) -> list[Document]:
    """Every document: the hand-written entries and the added ones (a hand-written entry
    with an added document's id overrides its inferred fields); newer versions marked."""
    meta = corpus_dir / METADATA_FILE
    written = {}
    for e in _metadata(corpus_dir).get("document", []):
        if "id" not in e:
            raise CorpusError(f"{meta}: a document lacks the field 'id'")
        written[e["id"]] = e
    added = {e["id"]: e for e in library.entries(corpus_dir)}
    docs: list[Document] = []
    for doc_id in [*written, *(i for i in added if i not in written)]:
        entry = {**added.get(doc_id, {}), **written.get(doc_id, {})}
        for key in ("title", "file"):
            if key not in entry:
                raise CorpusError(f"{meta}: a document lacks the field '{key}'")
        doc = _document(entry, str(meta if doc_id in written else corpus_dir / entry["file"]))
        if doc.layout and doc.layout not in {m.value for m in Layout}:
            raise CorpusError(f"{meta}: {doc.doc_id} has unknown layout {doc.layout!r}")
        if not (corpus_dir / doc.file).is_file():
            raise CorpusError(f"{meta}: {doc.doc_id} names a missing file {doc.file}")
        docs.append(doc)
    newer = supersessions([(d.doc_id, d.title, d.date) for d in docs])
    return [replace(d, superseded_by=newer.get(d.doc_id, "")) for d in docs]


def document_checksum(corpus_dir: Path, document: Document) -> str:
    """SHA-256 over what the index takes from a document: its description and its text."""
    described = {k: v for k, v in document.to_dict().items() if k not in _DERIVED}
    h = hashlib.sha256(json.dumps(described, ensure_ascii=False, sort_keys=True).encode())
    h.update((corpus_dir / document.file).read_bytes())
    return h.hexdigest()


def corpus_checksums(corpus_dir: Path, documents: list[Document]) -> dict[str, str]:
    return {d.doc_id: document_checksum(corpus_dir, d) for d in documents}


def read_raw(corpus_dir: Path, document: Document) -> str:
    return (corpus_dir / document.file).read_text(encoding="utf-8")


def load_source(corpus_dir: Path, document: Document) -> SourceText:
    """Read one document, recognise its layout (unless its metadata names one) and cut it
    into cleaned paragraphs."""
    raw = read_raw(corpus_dir, document)
    lines = split_lines(raw)
    if document.layout:
        layout = Layout(document.layout)
        legal = parse_legal(raw) if layout == Layout.LEGAL else None
        if layout == Layout.LEGAL and legal is None:
            raise CorpusError(f"{document.doc_id}: layout 'legal' but no 第N条 articles found")
    else:
        layout, legal = detect(raw, lines)
    if layout == Layout.RUN_IN:
        paras, dropped = split_run_in(raw)
        if dropped:
            log.info("%s: dropped %d repeated passages", document.doc_id, dropped)
        return SourceText(document, raw, tuple(paras), layout, dropped, tuple(contents(raw)))
    return SourceText(document, raw, tuple(lines), layout, legal=legal)


def find_document(documents: list[Document], doc_id: str) -> Document:
    for d in documents:
        if d.doc_id == doc_id:
            return d
    known = ", ".join(d.doc_id for d in documents)
    raise UnknownDocument(f"unknown document {doc_id!r}; known: {known}")
