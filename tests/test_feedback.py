"""The feedback store: WAL SQLite, thread-safe, and every acknowledged write survives SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from policyqa.errors import BadInput, NotFound
from policyqa.settings import Settings, load_settings
from policyqa.web.feedback_store import FeedbackStore, db_path
from policyqa.web.spawn import free_port, serve_subprocess


def test_db_path_defaults_beside_the_index(tmp_path: Path) -> None:
    s = load_settings(environ={}, index_dir=tmp_path / "index")
    assert db_path(s) == tmp_path / "var" / "policyqa.db"
    s = load_settings(environ={"POLICYQA_DB_PATH": "/x/y.db"})
    assert db_path(s) == Path("/x/y.db")


def test_store_modes_and_round_trip(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "a" / "b.db")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    i = store.add_feedback("问题？", "回答。", True, "好", ["outline:1.1"])
    j = store.add_feedback("Which body leads?", "", False)
    rows = store.export_gold()
    assert rows[0]["id"] == f"fb-{i}" and rows[0]["lang"] == "zh"
    assert rows[1]["id"] == f"fb-{j}" and rows[1]["lang"] == "en" and "没帮助" in rows[1]["note"]
    store.delete_feedback(i)
    with pytest.raises(NotFound):
        store.delete_feedback(i)
    assert [f["id"] for f in store.feedback()] == [j]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"question": "  "},
        {"question": "a\x00"},
        {"question": "q", "comment": "c" * 2001},
        {"question": "q", "clause_ids": ["x"] * 51},
    ],
)
def test_store_refuses_bad_feedback(tmp_path: Path, kwargs: dict) -> None:
    store = FeedbackStore(tmp_path / "f.db")
    with pytest.raises(BadInput):
        store.add_feedback(answer="", helpful=True, **kwargs)


def test_store_keeps_odd_text(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.db")
    store.add_feedback("a\ud800b 问", "\U0001f600", True)  # a lone surrogate from JSON
    store.log_question("search", "\ud800", 10**30, "x" * 100, 1.0, None, 400)
    assert store.feedback()[0]["question"] == "a?b 问"
    assert store.questions()[0]["k"] is None


def test_concurrent_writers(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.db")

    def work(n: int) -> None:
        for i in range(50):
            store.add_feedback(f"q{n}-{i}", "a", i % 2 == 0)
            store.log_question("ask", f"q{n}-{i}", 5, None, 1.0, 3)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.feedback()) == 400 and len(store.questions()) == 400


# ---------------------------------------------------------------- crash safety


def _served(index_settings: Settings, db: Path, port: int):  # noqa: ANN202
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(
        POLICYQA_ENCODER=index_settings.encoder,
        POLICYQA_DB_PATH=str(db),
        POLICYQA_ADMIN_TOKEN="crash-admin",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    return serve_subprocess(["--index-dir", str(index_settings.index_dir)], env=env, port=port)


def test_acknowledged_feedback_survives_sigkill(index_settings: Settings, tmp_path: Path) -> None:
    db = tmp_path / "var" / "policyqa.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    acked: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n: int) -> None:
        with httpx.Client(base_url=url, timeout=5, trust_env=False) as c:
            i = 0
            while not stop.is_set():
                q = f"崩溃测试 {n}-{i}"
                try:
                    r = c.post("/api/feedback", json={"question": q, "helpful": i % 2 == 0})
                except httpx.HTTPError:
                    return  # the server is gone: this write was never acknowledged
                if r.status_code == 201:
                    with lock:
                        acked.append((r.json()["id"], q))
                i += 1

    with _served(index_settings, db, port) as served:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(2.0)  # writes in flight from four clients
        os.kill(served.proc.pid, signal.SIGKILL)
        served.proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert len(acked) > 20, "too few writes before the kill to prove anything"

    # nothing checkpointed the WAL: the acknowledged rows are (at least) in the -wal file
    with _served(index_settings, db, port):
        r = httpx.get(
            url + "/api/feedback/export",
            headers={"authorization": "Bearer crash-admin"},
            timeout=30,
            trust_env=False,
        )
        assert r.status_code == 200
        exported = {json.loads(line)["question"] for line in r.text.splitlines()}
    stored = {
        row[0]: row[1]
        for row in sqlite3.connect(str(db)).execute("SELECT id, question FROM feedback")
    }
    missing = [(i, q) for i, q in acked if stored.get(i) != q]
    assert not missing, f"{len(missing)} acknowledged writes lost of {len(acked)}"
    assert {q for _, q in acked} <= exported
    print(f"{len(acked)} acknowledged writes before SIGKILL, all present after restart")
