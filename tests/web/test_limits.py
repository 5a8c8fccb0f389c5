"""Odd ids, path traversal, size limits and a dead language model, over real HTTP.

Raw request lines go through http.client so ``..`` and ``%2F`` reach the server exactly as
written (httpx would normalise them first).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from support import REPO as ROOT

from policyqa.engine import Engine
from policyqa.settings import Settings
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore
from policyqa.web.middleware import MAX_BODY_BYTES, MAX_URL_BYTES

from .conftest import _child_env, free_port, serve_in_thread

EXAMPLE = "两江新区推进西部陆海新通道建设由哪个部门牵头？"
SECRETS = (b"root:x:0:0", b"[project]", b"[tool.ruff]", b"#!/", b"PRIVATE KEY")


def _raw(url: str, method: str, target: str, body: bytes | None = None, headers=None):
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("content-length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        _raw.headers = {k.lower() for k, _ in r.getheaders()}  # type: ignore[attr-defined]
        return r.status, r.getheader("content-type") or "", r.read()
    finally:
        conn.close()


TRAVERSAL = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "..%5C..%5Cwindows%5Cwin.ini",
    "....//....//etc/passwd",
    "%2Fetc%2Fpasswd",
    "/etc/passwd",
    "liangjiang-2023:27%00",
    "liangjiang-2023:27%00.html",
    "%00",
    "a%0d%0aSet-Cookie:%20x=1",
    "%c0%ae%c0%ae%2f",
    "%ff%fe",
    "x" * 5000,
    "%E4%B8%AD" * 3000,
    "..",
    "..%2f",
    "..%2F",
    "%2e%2e%2f",
    "./",
    "x/",
    ".",
    "~root",
    "file:%2F%2F%2Fetc%2Fpasswd",
]


@pytest.mark.parametrize("odd", TRAVERSAL)
@pytest.mark.parametrize("prefix", ["/api/clauses/", "/clauses/", "/api/documents/", "/documents/"])
def test_odd_ids_are_404(live_url: str, prefix: str, odd: str) -> None:
    status, ctype, body = _raw(live_url, "GET", prefix + odd)
    if len(prefix + odd) > MAX_URL_BYTES:  # refused before routing, as JSON on every route
        assert status == 414, (prefix + odd, status, body[:200])
        assert ctype.startswith("application/json") and json.loads(body)["error"]
        assert "set-cookie" not in _raw.headers  # type: ignore[attr-defined]
        return
    assert status == 404, (prefix + odd, status, body[:200])
    if prefix.startswith("/api/"):
        assert ctype.startswith("application/json")
        assert json.loads(body)["error"]
    else:
        assert ctype.startswith("text/html")
    assert not any(s in body for s in SECRETS)
    assert "set-cookie" not in _raw.headers  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../pyproject.toml",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/....//....//pyproject.toml",
        "/static/..%5C..%5Cpyproject.toml",
        "/static/%2Fetc%2Fpasswd",
        "/static//etc/passwd",
        "/static/../templates/base.html",
        "/static/app.js%00.png",
        "/static/" + "a" * 5000,
        "/static/",
        "/static",
    ],
)
def test_static_files_stay_in_their_folder(live_url: str, target: str) -> None:
    status, _, body = _raw(live_url, "GET", target)
    assert status in (404, 400), (target, status)
    assert not any(s in body for s in SECRETS)
    assert b"{% block" not in body


def test_static_files_still_served(live_url: str) -> None:
    status, ctype, body = _raw(live_url, "GET", "/static/app.js")
    assert status == 200 and "javascript" in ctype and b"PolicyQA" in body


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_absolute_form_and_odd_methods_never_500(live_url: str, method: str) -> None:
    for target in ("/api/clauses/%00", "/api/feedback/%00", "/api/feedback/-1"):
        status, _, _ = _raw(live_url, method, target, body=b"" if method != "GET" else None)
        assert 400 <= status < 500, (method, target, status)


# ---------------------------------------------------------------- limits


def test_question_length_cap_is_a_setting(
    index_settings: Settings, engine: Engine, tmp_path
) -> None:
    small = index_settings.with_overrides(max_question_chars=20, max_k=3)
    app = create_app(
        small, Engine(small, engine.index, engine.encoder), FeedbackStore(tmp_path / "d")
    )
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.get("/api/search", params={"q": "问" * 20, "k": 3}).status_code == 200
        r = c.get("/api/search", params={"q": "问" * 21})
        assert (
            r.status_code == 400 and r.json()["error"] == "问题过长（21 字），请控制在 20 字以内。"
        )
        r = c.post("/api/ask", json={"question": "问" * 21})
        assert r.status_code == 400 and "20 字以内" in r.json()["error"]
        r = c.get("/api/search", params={"q": "通道", "k": 4})
        assert r.status_code == 400 and r.json()["error"] == "k 须在 1 到 3 之间，收到 4。"
        assert c.post("/api/ask", json={"question": "通道", "k": 4}).status_code == 400
        assert c.get("/api/lookup", params={"ref": "第" * 21}).status_code == 400
    assert app.state.internal_errors == 0


def test_default_limits(client: httpx.Client) -> None:
    r = client.get("/api/search", params={"q": "问" * 501})
    assert r.status_code == 400 and "500 字以内" in r.json()["error"]
    r = client.get("/api/search", params={"q": "通道", "k": str(10**40)})
    assert r.status_code == 400 and "1 到 50" in r.json()["error"]


@pytest.mark.parametrize("path", ["/api/ask", "/api/feedback"])
def test_body_limit_on_every_post(live_url: str, path: str) -> None:
    big = json.dumps({"question": "通道", "helpful": True, "pad": "x" * MAX_BODY_BYTES}).encode()
    status, ctype, body = _raw(
        live_url, "POST", path, body=big, headers={"content-type": "application/json"}
    )
    assert (
        status == 413
        and ctype.startswith("application/json")
        and "64 KB" in json.loads(body)["error"]
    )
    # a lying content-length is refused before the body is read
    status, _, _ = _raw(
        live_url,
        "POST",
        path,
        headers={"content-length": "abc", "content-type": "application/json"},
    )
    assert status in (400, 413)
    ok = json.dumps({"question": "通道", "helpful": True, "comment": "x" * 1000}).encode()
    status, _, _ = _raw(
        live_url, "POST", path, body=ok, headers={"content-type": "application/json"}
    )
    assert status in (200, 201)


def test_huge_query_string_is_refused_cleanly(live_url: str) -> None:
    status, _, _ = _raw(live_url, "GET", "/api/search?q=" + "a" * 60_000)
    assert 400 <= status < 500 or status == 431


# ---------------------------------------------------------------- faults: a dead language model


@pytest.fixture(scope="module")
def dead_llm_server(index_settings: Settings) -> Iterator[str]:
    """``policyqa serve`` configured with a language model on a closed loopback port."""
    port, dead = free_port(), free_port()
    env = _child_env(index_settings)
    env.update(
        POLICYQA_LLM_BASE_URL=f"http://127.0.0.1:{dead}/v1",
        POLICYQA_LLM_MODEL="x",
        POLICYQA_LLM_TIMEOUT="3",
        POLICYQA_DB_PATH=os.path.join(tempfile.mkdtemp(), "policyqa.db"),
    )
    cmd = [sys.executable, "-m", "policyqa.cli", "serve", "--port", str(port)]
    cmd += ["--index-dir", str(index_settings.index_dir)]
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, f"serve exited: {log.seek(0) or log.read()}"
                try:
                    if httpx.get(url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def test_ask_answers_with_a_dead_language_model(dead_llm_server: str) -> None:
    with httpx.Client(base_url=dead_llm_server, timeout=60, trust_env=False) as c:
        for _ in range(2):  # and again: a failed model call leaves nothing broken behind
            t0 = time.monotonic()
            r = c.post(
                "/api/ask", json={"question": "两江新区推进西部陆海新通道建设由哪个部门牵头？"}
            )
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["answer"] and body["citations"]
            assert body["citations"][0]["clause_id"] == "liangjiang-2023:27"
            assert time.monotonic() - t0 < 30
        assert c.get("/api/search", params={"q": "通道"}).status_code == 200
        assert c.get("/healthz").status_code == 200


# ---------------------------------------------------------------- no per-request loading


def test_requests_never_load_the_index_or_the_model(
    client: httpx.Client, web_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyqa.engine
    import policyqa.index.encoders
    import policyqa.index.load

    def forbidden(*args, **kwargs):
        raise AssertionError("loaded during a request")

    monkeypatch.setattr(policyqa.engine.Engine, "load", classmethod(forbidden))
    monkeypatch.setattr(policyqa.engine, "load_index", forbidden)
    monkeypatch.setattr(policyqa.engine, "make_encoder", forbidden)
    monkeypatch.setattr(policyqa.index.load, "load_index", forbidden)
    monkeypatch.setattr(policyqa.index.encoders, "make_encoder", forbidden)
    before = web_app.state.engine
    assert client.get("/api/search", params={"q": EXAMPLE}).status_code == 200
    assert client.post("/api/ask", json={"question": EXAMPLE}).status_code == 200
    assert client.get("/api/lookup", params={"ref": "两江新区实施方案第27条"}).status_code == 200
    assert client.get("/").status_code == 200
    assert web_app.state.engine is before
    assert web_app.state.internal_errors == 0


def test_engine_routes_run_in_the_threadpool(web_app) -> None:
    """Sync ``def`` routes run in anyio's threadpool: CPU-bound work never blocks the loop."""
    import inspect

    from fastapi.routing import APIRoute

    from policyqa.web.app import ROUTERS

    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 15
    assert not [r.path for r in routes if inspect.iscoroutinefunction(r.endpoint)]
