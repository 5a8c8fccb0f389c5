"""The index directory's mechanics: atomic builds, the current-build link, checksums.

Layout::

    index/current -> builds/<stamp>     symlink swapped atomically when a build completes
    index/builds/<stamp>/manifest.json  what was built, from what, with file checksums
    index/builds/<stamp>/...            clauses, chunks, terms, vectors, bm25/, lexicon
    index/cache/<encoder>.npz           passage embeddings by text hash, reused across builds
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import IndexProblem

REBUILD_HINT = "run `policyqa index` to rebuild it"
_BUILDS = itertools.count()  # two builds of one process in the same second get two names


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checksums(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def new_build(index_dir: Path) -> tuple[Path, Path]:
    """A fresh work folder for a build, and the name it will have when complete."""
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{next(_BUILDS)}"
    work = builds / f".partial-{stamp}"
    work.mkdir()
    return work, builds / stamp


def publish(index_dir: Path, work: Path, final: Path) -> None:
    """Make the completed build current atomically and remove the older ones."""
    os.replace(work, final)
    link = index_dir / "current"
    tmp = index_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(final.relative_to(index_dir))
    if link.is_dir() and not link.is_symlink():
        # an index copied with its links followed (cp -rL) has its build as a folder named
        # current: a link cannot replace a folder, so that build joins the older ones first
        os.replace(link, final.parent / f"copied-{final.name}")
    os.replace(tmp, link)  # atomic: readers see the old build or the new one, never half
    for p in final.parent.iterdir():
        if p != final:
            shutil.rmtree(p, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    link = index_dir / "current"
    if not link.exists():
        raise IndexProblem(f"no index in {index_dir}: run `policyqa index` first")
    return link.resolve()


def verify_files(build: Path, expected: dict[str, str]) -> None:
    """IndexProblem naming the first file that is missing or differs from the manifest."""
    for rel, digest in expected.items():
        f = build / rel
        if not f.is_file() or sha256(f) != digest:
            raise IndexProblem(f"index file {f} is missing or damaged: {REBUILD_HINT}")
