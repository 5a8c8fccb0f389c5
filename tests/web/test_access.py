"""Access control, feedback, the question log and reindexing, over real HTTP on loopback.

Admin routes need ``settings.admin_token`` (compared with hmac.compare_digest) and are
disabled (403) when none is configured; read routes are open unless ``read_token`` is set.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from policyqa.engine import Engine
from policyqa.index.build import build_index
from policyqa.index.encoders import HashEncoder
from policyqa.settings import Settings
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore

from .conftest import json_error, serve_in_thread

ADMIN = "adm-7f3c-secret"
READER = "read-91b2-secret"
EXAMPLE = "两江新区推进西部陆海新通道建设由哪个部门牵头？"


@pytest.fixture(scope="module")
def admin_app(index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("access") / "policyqa.db"
    settings = index_settings.with_overrides(admin_token=ADMIN)
    return create_app(settings, engine, FeedbackStore(db))


@pytest.fixture(scope="module")
def admin(admin_app) -> Iterator[httpx.Client]:
    with (
        serve_in_thread(admin_app) as url,
        httpx.Client(base_url=url, timeout=30, trust_env=False) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def guarded(
    index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("guarded") / "policyqa.db"
    settings = index_settings.with_overrides(admin_token=ADMIN, read_token=READER)
    app = create_app(settings, engine, FeedbackStore(db))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30, trust_env=False) as c:
        yield c


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- no admin token: disabled


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/feedback/export"),
        ("DELETE", "/api/feedback/1"),
        ("POST", "/api/admin/reindex"),
        ("GET", "/api/admin/reindex"),
    ],
)
def test_admin_routes_are_disabled_without_a_configured_token(
    client: httpx.Client, method: str, path: str
) -> None:
    for headers in (
        {},
        {"authorization": "Bearer"},
        _bearer("anything"),
        {"x-policyqa-token": "x"},
    ):
        body = json_error(client.request(method, path, headers=headers), 403)
        assert "POLICYQA_ADMIN_TOKEN" in body["error"]


def test_read_routes_are_open_by_default(client: httpx.Client) -> None:
    assert client.get("/api/search", params={"q": "通道"}).status_code == 200
    assert client.get("/").status_code == 200


# ---------------------------------------------------------------- admin token configured


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/feedback/export"),
        ("DELETE", "/api/feedback/1"),
        ("POST", "/api/admin/reindex"),
        ("GET", "/api/admin/reindex"),
    ],
)
def test_admin_routes_need_the_admin_token(admin: httpx.Client, method: str, path: str) -> None:
    for headers in (
        {},
        {"authorization": "Bearer"},
        _bearer(ADMIN + "x"),
        _bearer(ADMIN[:-1]),
        {"authorization": ADMIN},  # no scheme
        {"authorization": f"Basic {ADMIN}"},
        {"x-policyqa-token": "wrong"},
        {"authorization": "Bearer 密钥".encode()},  # non-ASCII must not crash compare_digest
    ):
        r = admin.request(method, path, headers=headers)
        json_error(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"


def test_feedback_round_trip_and_export(admin: httpx.Client, admin_app) -> None:
    r = admin.post(
        "/api/feedback",
        json={
            "question": EXAMPLE,
            "answer": "由自贸办牵头。",
            "helpful": True,
            "comment": "准确",
            "clause_ids": ["liangjiang-2023:27"],
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    r = admin.post("/api/feedback", json={"question": "到2030年目标？", "helpful": False})
    assert r.status_code == 201
    second = r.json()["id"]

    r = admin.get("/api/feedback/export", headers=_bearer(ADMIN))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    by_id = {row["id"]: row for row in rows}
    row = by_id[f"fb-{first}"]
    assert set(row) == {"id", "question", "lang", "type", "doc", "gold", "answer", "note"}
    assert row["question"] == EXAMPLE and row["lang"] == "zh" and row["type"] == ""
    assert row["doc"] == row["gold"] == row["answer"] == []
    assert "有帮助" in row["note"] and "准确" in row["note"] and "liangjiang-2023:27" in row["note"]
    assert "没帮助" in by_id[f"fb-{second}"]["note"]

    # X-PolicyQA-Token works as well as Authorization: Bearer
    r = admin.delete(f"/api/feedback/{second}", headers={"x-policyqa-token": ADMIN})
    assert r.status_code == 200 and r.json() == {"deleted": second}
    json_error(admin.delete(f"/api/feedback/{second}", headers=_bearer(ADMIN)), 404)
    json_error(admin.delete("/api/feedback/abc", headers=_bearer(ADMIN)), 422)
    json_error(admin.delete("/api/feedback/0", headers=_bearer(ADMIN)), 422)
    ids = [f["id"] for f in admin_app.state.store.feedback()]
    assert first in ids and second not in ids


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"question": "x"}, 422),  # helpful is required
        ({"question": "x", "helpful": "yes"}, 422),
        ({"question": "x", "helpful": 1}, 422),
        ({"question": "", "helpful": True}, 400),
        ({"question": "   ", "helpful": True}, 400),
        ({"question": "a\x00b", "helpful": True}, 400),
        ({"question": "x" * 2001, "helpful": True}, 422),
        ({"question": "x", "helpful": True, "comment": "y" * 2001}, 422),
        ({"question": "x", "helpful": True, "clause_ids": ["a"] * 51}, 422),
        ({"question": "x", "helpful": True, "clause_ids": "a"}, 422),
    ],
)
def test_bad_feedback_is_refused(admin: httpx.Client, body: dict, status: int) -> None:
    json_error(admin.post("/api/feedback", json=body), status)


def test_question_log_has_no_secrets(admin: httpx.Client, admin_app) -> None:
    before = len(admin_app.state.store.questions())
    admin.get("/api/search", params={"q": "研发经费投入强度", "k": 3}, headers=_bearer(ADMIN))
    admin.get("/api/search", params={"q": "   "}, headers={"x-policyqa-token": ADMIN})
    admin.post("/api/ask", json={"question": EXAMPLE, "k": 4}, headers=_bearer(ADMIN))
    rows = admin_app.state.store.questions()[before:]
    assert [(r["route"], r["question"], r["k"], r["status"]) for r in rows] == [
        ("search", "研发经费投入强度", 3, 200),
        ("search", "   ", 10, 400),
        ("ask", EXAMPLE, 4, 200),
    ]
    assert rows[0]["result_count"] == 3 and rows[0]["mode"] == "hybrid"
    assert rows[2]["result_count"] >= 1
    assert all(r["latency_ms"] > 0 and r["ts"] > 0 for r in rows)
    store = admin_app.state.store
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    assert ADMIN.encode() not in raw and b"authorization" not in raw.lower()


# ---------------------------------------------------------------- read token configured


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/search", {"params": {"q": "通道"}}),
        ("POST", "/api/ask", {"json": {"question": "通道"}}),
        ("GET", "/api/lookup", {"params": {"ref": "两江新区实施方案第27条"}}),
        ("GET", "/api/clauses/liangjiang-2023:27", {}),
        ("GET", "/api/documents", {}),
        ("GET", "/api/documents/outline", {}),
        ("POST", "/api/feedback", {"json": {"question": "通道", "helpful": True}}),
    ],
)
def test_read_token_guards_the_api(guarded: httpx.Client, method: str, path: str, kwargs) -> None:
    r = guarded.request(method, path, **kwargs)
    json_error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    json_error(guarded.request(method, path, headers=_bearer("nope"), **kwargs), 401)
    for headers in (_bearer(READER), {"x-policyqa-token": READER}, _bearer(ADMIN)):
        r = guarded.request(method, path, headers=headers, **kwargs)
        assert r.status_code in (200, 201), r.text


@pytest.mark.parametrize("path", ["/", "/documents", "/lookup?ref=x", "/clauses/outline:1.1"])
def test_read_token_guards_the_pages(guarded: httpx.Client, path: str) -> None:
    r = guarded.get(path)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/html")
    assert guarded.get(path, headers=_bearer(READER)).status_code in (200, 404)


def test_healthz_stays_open_with_a_read_token(guarded: httpx.Client) -> None:
    assert guarded.get("/healthz").status_code == 200


def test_reader_is_not_admin(guarded: httpx.Client) -> None:
    json_error(guarded.get("/api/feedback/export", headers=_bearer(READER)), 401)
    assert guarded.get("/api/feedback/export", headers=_bearer(ADMIN)).status_code == 200


# ---------------------------------------------------------------- reindex


@pytest.fixture
def hashed(tmp_path: Path, index_settings: Settings) -> Settings:
    settings = index_settings.with_overrides(
        index_dir=tmp_path / "index", encoder="hash", admin_token=ADMIN
    )
    build_index(settings, encoder=HashEncoder(), progress=False)
    return settings


def test_reindex_swaps_the_engine_and_refuses_a_second_run(
    hashed: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyqa.web.routes.admin as admin

    real = admin.build_index
    release = threading.Event()
    calls: list[float] = []

    def held_build(*args, **kwargs):  # keeps the rebuild "running" until the test lets go
        calls.append(time.time())
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(admin, "build_index", held_build)
    app = create_app(hashed, store=FeedbackStore(tmp_path / "db" / "policyqa.db"))
    old = app.state.engine
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        json_error(c.post("/api/admin/reindex"), 401)
        r = c.post("/api/admin/reindex", headers=_bearer(ADMIN))
        assert r.status_code == 202 and r.json()["state"] == "running"
        json_error(c.post("/api/admin/reindex", headers=_bearer(ADMIN)), 409)
        # searches keep working on the old engine while the rebuild runs
        r = c.get("/api/search", params={"q": "两江新区实施方案第27条", "k": 1})
        assert r.json()["results"][0]["clause_id"] == "liangjiang-2023:27"
        release.set()
        deadline = time.monotonic() + 120
        while (status := c.get("/api/admin/reindex", headers=_bearer(ADMIN)).json())[
            "state"
        ] == "running":
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
        assert status["state"] == "done", status
        assert status["clauses"] == len(old.index.clauses)
        assert app.state.engine is not old
        assert app.state.engine.encoder is old.encoder  # the model is not loaded again
        r = c.get("/api/search", params={"q": "两江新区实施方案第27条", "k": 1})
        assert r.json()["results"][0]["clause_id"] == "liangjiang-2023:27"
        # the lock was released: a second rebuild may start
        r = c.post("/api/admin/reindex", headers=_bearer(ADMIN))
        assert r.status_code == 202
        while c.get("/api/admin/reindex", headers=_bearer(ADMIN)).json()["state"] == "running":
            time.sleep(0.1)
    assert len(calls) == 2
    assert app.state.internal_errors == 0


def test_failed_reindex_keeps_the_old_engine(
    hashed: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyqa.web.routes.admin as admin
    from policyqa.errors import CorpusError

    def broken_build(*args, **kwargs):
        raise CorpusError("documents.toml is not valid TOML")

    monkeypatch.setattr(admin, "build_index", broken_build)
    app = create_app(hashed, store=FeedbackStore(tmp_path / "db" / "policyqa.db"))
    old = app.state.engine
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/api/admin/reindex", headers=_bearer(ADMIN)).status_code == 202
        deadline = time.monotonic() + 30
        while (status := c.get("/api/admin/reindex", headers=_bearer(ADMIN)).json())[
            "state"
        ] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert status["state"] == "failed" and "TOML" in status["error"]
        assert app.state.engine is old
        assert c.get("/api/search", params={"q": "通道"}).status_code == 200
        assert c.post("/api/admin/reindex", headers=_bearer(ADMIN)).status_code == 202
