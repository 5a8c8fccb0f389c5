"""The Milvus backend on Milvus Lite (a local file, in this process; a server URI runs the
same code): on every gold set (every other question) its hybrid ranking matches faiss +
bm25s within 0.01 hit@5 and MRR@10, from the index's own vectors (nothing is embedded
again), and ``policyqa add`` / ``remove`` reach it (scripts/test.sh installs the ``milvus``
extra, so CI runs this)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import REGULATIONS

from policyqa.engine import Engine
from policyqa.evaluation.gold import load_gold
from policyqa.evaluation.run import evaluate
from policyqa.index.milvus import MilvusBackend
from policyqa.settings import Settings
from policyqa.types import Mode

REPO = Path(__file__).resolve().parents[1]
# the sets over the bundled corpus (added-*.jsonl ask about regulations added to an index of
# their own: eval/README, sixth pass)
GOLD = sorted(
    p for p in (REPO / "eval" / "gold").glob("*.jsonl") if not p.name.startswith("added-")
)
DOG = "青岛市养犬管理条例(2016-05-26).txt"


@pytest.fixture(scope="module")
def milvus(
    index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    """The session's index served from a fresh Milvus Lite file (synced once, on load)."""
    uri = tmp_path_factory.mktemp("milvus") / "milvus.db"
    settings = index_settings.with_overrides(backend="milvus", milvus_uri=str(uri))
    return Engine.load(settings, engine.encoder)


# run in a child process: Milvus Lite's file is held by one process until it exits
CHECK = """
import json, sys
from policyqa.engine import Engine
from policyqa.settings import load_settings
engine = Engine.load(load_settings())
backend = engine.retriever.backend
doc = next((d.doc_id for d in engine.documents if d.title == sys.argv[1]), None)
doc_of = {c.clause_id: c.doc_id for c in engine.index.clauses}
print(json.dumps({
    "backend": backend.name,
    "doc": doc,
    "chunks": sum(1 for ch in engine.index.chunks if doc_of[ch.clause_id] == doc),
    "milvus_rows": backend.rows_of(doc or sys.argv[2]),
    "citations": [c.citation for c in engine.ask(sys.argv[3]).citations],
    "search_docs": [h.clause.doc_id for h in engine.search(sys.argv[4], k=10)],
}, ensure_ascii=False))
"""


def test_milvus_hybrid_matches_in_process_on_the_gold_sets(engine: Engine, milvus: Engine) -> None:
    backend = milvus.retriever.backend
    assert isinstance(backend, MilvusBackend)
    # every other question of each set: the sets' kinds all stay, in half the time
    items = load_gold(GOLD)[::2]
    assert len({it.source for it in items}) == len(GOLD) >= 5  # every gold set
    here = evaluate(engine, items, modes=(Mode.HYBRID,), answers=False)["retrieval"]["hybrid"]
    there = evaluate(milvus, items, modes=(Mode.HYBRID,), answers=False)["retrieval"]["hybrid"]
    for name in ("overall", *sorted(here["by_set"])):
        a = here["overall"] if name == "overall" else here["by_set"][name]
        b = there["overall"] if name == "overall" else there["by_set"][name]
        for metric in ("hit@5", "mrr@10"):
            assert abs(a[metric] - b[metric]) <= 0.01, (name, metric, a[metric], b[metric])
    assert here["overall"]["hit@5"] > 0.5  # a real ranking, not two empty ones


def test_milvus_sparse_vectors_score_exactly_as_bm25s(engine: Engine, milvus: Engine) -> None:
    """PolicyQA's own tokens as sparse vectors: Milvus's inner product is bm25s's score."""
    backend = milvus.retriever.backend
    local = engine.retriever.backend
    questions = [it.question for it in load_gold(GOLD[:1])][:40]
    compared = 0
    for q in questions:
        tokens = engine.index.tokenizer.tokenize(q)
        want = dict(local.sparse(tokens, 10))
        got = dict(backend.sparse(tokens, 10))
        best = max(want.values(), default=0.0)
        # the same rows with the same scores (ties at the cut may swap)
        for row in set(want) & set(got):
            assert got[row] == pytest.approx(want[row], rel=1e-4), q
        assert len(set(want) & set(got)) >= len(want) - 2, q
        assert max(got.values(), default=0.0) == pytest.approx(best, rel=1e-4), q
        compared += bool(want)
    assert compared >= 30


def test_add_and_remove_reach_milvus(milvus: Engine, tmp_path: Path) -> None:
    """``policyqa add`` and ``remove`` (the CLI, POLICYQA_BACKEND=milvus) update the
    collection (a new Milvus Lite file: the add fills it from the index, then adds the new
    regulation's chunks); they are cited, and leave again with ``remove``."""
    settings = milvus.settings
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index", symlinks=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env |= {
        "POLICYQA_CORPUS_DIR": str(tmp_path / "corpus"),
        "POLICYQA_INDEX_DIR": str(tmp_path / "index"),
        "POLICYQA_BACKEND": "milvus",
        "POLICYQA_MILVUS_URI": str(tmp_path / "milvus.db"),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "policyqa.cli", *args, "--quiet"],
            env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    def check(doc: str = "") -> dict[str, Any]:
        args = ["青岛市养犬管理条例", doc, "青岛市居民能不能养烈性犬？", "居民不得饲养烈性犬"]
        done = subprocess.run(
            [sys.executable, "-c", CHECK, *args],
            env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    done = cli("add", str(REGULATIONS / DOG))
    assert done.returncode == 0, done.stderr[-2000:]
    added = check()
    assert added["backend"] == "milvus" and added["doc"]
    assert added["milvus_rows"] == added["chunks"] > 0
    assert any(c.startswith("《青岛市养犬管理条例》第五条") for c in added["citations"])
    assert added["doc"] in added["search_docs"]

    gone = cli("remove", added["doc"])
    assert gone.returncode == 0, gone.stderr[-2000:]
    removed = check(added["doc"])
    assert removed["doc"] is None and removed["milvus_rows"] == 0
    assert added["doc"] not in removed["search_docs"]
