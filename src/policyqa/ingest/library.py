"""Documents added with ``policyqa add``: one folder each under ``corpus/library/``.

``library/<id>/`` holds the original file as it arrived, ``text.txt`` (its extracted text,
which clause offsets point into) and ``document.json`` (the metadata inferred from the text
and where it came from). A folder is written under a temporary name and renamed into
place, so an interrupted add leaves either the whole document or nothing; an entry with the
same id in ``documents.toml`` overrides any inferred field.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import CorpusError, UnknownDocument
from ..types import Document
from .metadata import InferredMetadata
from .readers import Extracted

LIBRARY_DIR = "library"
TEXT_FILE = "text.txt"
META_FILE = "document.json"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def entries(corpus_dir: Path) -> list[dict[str, Any]]:
    """The metadata of every complete library folder, by id order of addition."""
    root = corpus_dir / LIBRARY_DIR
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        meta = folder / META_FILE
        if folder.name.startswith(".") or not meta.is_file():
            continue  # a folder being written or removed
        try:
            entry = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise CorpusError(f"{meta} is unreadable: {err}") from None
        out.append(entry)
    return sorted(out, key=lambda e: (str(e.get("added_at", "")), str(e.get("id", ""))))


def find_by_sha256(corpus_dir: Path, sha256: str) -> str | None:
    """The id of the library document made from a file with this content, if any."""
    return next((e["id"] for e in entries(corpus_dir) if e.get("sha256") == sha256), None)


def is_added(document: Document) -> bool:
    """Whether the document's text lives in the library (added, not described by hand)."""
    return document.file.startswith(f"{LIBRARY_DIR}/")


def new_id(sha256: str) -> str:
    return f"doc-{sha256[:10]}"


def add(
    corpus_dir: Path, original: Path, extracted: Extracted, meta: InferredMetadata, sha256: str
) -> dict[str, Any]:
    """Write the document's folder (original, text, metadata) atomically; its entry."""
    doc_id = new_id(sha256)
    root = corpus_dir / LIBRARY_DIR
    final = root / doc_id
    if final.exists():
        raise CorpusError(f"{final} exists already")
    work = root / f".adding-{doc_id}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    name = original.name
    if name in (TEXT_FILE, META_FILE):  # an original called text.txt keeps its own bytes
        name = f"original-{name}"
    shutil.copyfile(original, work / name)
    (work / TEXT_FILE).write_text(extracted.text, encoding="utf-8")
    entry = {
        "id": doc_id,
        **{k: v for k, v in asdict(meta).items()},
        "file": f"{LIBRARY_DIR}/{doc_id}/{TEXT_FILE}",
        "source": f"{LIBRARY_DIR}/{doc_id}/{name}",
        "format": extracted.format,
        "sha256": sha256,
        "warnings": list(extracted.warnings),
        "added_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (work / META_FILE).write_text(json.dumps(entry, ensure_ascii=False, indent=1), "utf-8")
    os.replace(work, final)
    return entry


def remove(corpus_dir: Path, doc_id: str) -> None:
    """Take the document's folder out of the library (renamed away first: atomic)."""
    folder = corpus_dir / LIBRARY_DIR / doc_id
    if not (folder / META_FILE).is_file():
        raise UnknownDocument(f"{doc_id!r} is not a document added with policyqa add")
    gone = folder.with_name(f".removing-{doc_id}-{os.getpid()}")
    os.replace(folder, gone)
    shutil.rmtree(gone, ignore_errors=True)
