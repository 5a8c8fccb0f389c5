"""Web fixtures: the real app over the session's real index, reached over real HTTP.

``live_url``: uvicorn in a background thread serving ``create_app(index_settings, engine)``.
``server_url``: ``policyqa serve`` as a child process (what the browser tests drive).
``browser``: headless Debian Chromium through Playwright (never ``playwright install``).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import uvicorn

from policyqa.conversation.rewrite import SYSTEM as REWRITE_SYSTEM
from policyqa.engine import Engine
from policyqa.settings import Settings
from policyqa.web.app import create_app
from policyqa.web.spawn import ServerFailed, free_port, serve_subprocess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def web_app(index_settings: Settings, engine: Engine):
    return create_app(index_settings, engine)


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free loopback port; yields its URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="policyqa-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(web_app) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free loopback port."""
    with serve_in_thread(web_app) as url:
        yield url


@pytest.fixture(scope="session")
def client(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=30, trust_env=False) as c:
        yield c


def _child_env(index_settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env["POLICYQA_ENCODER"] = index_settings.encoder
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


@pytest.fixture(scope="session")
def server_url(index_settings: Settings) -> Iterator[str]:
    """``policyqa serve`` as a subprocess; stopped at the end whatever happens."""
    try:
        with serve_subprocess(
            ["--index-dir", str(index_settings.index_dir)],
            env=_child_env(index_settings),
            ready_timeout=60,
        ) as served:
            yield served.url
    except ServerFailed as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def json_error(r: httpx.Response, status: int) -> dict:
    """Assert an error response: the status, a JSON body, a non-empty ``error`` message."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body.get("error"), str) and body["error"]
    return body


# ------------------------------------------- a deterministic OpenAI-compatible language model

GOOD = "2026—2030年行动方案对重庆高速公路通车里程定的目标是多少？"  # its rewrite of a follow-up
SENTENCES = [  # its rephrasing: one sentence the clause holds, one it does not
    "到2030年，重庆高速公路通车里程达「5700公里」[action-2026:2.3.p1]。",
    "另有高铁里程「9999公里」[action-2026:2.3.p1]。",
]


class _Model(BaseHTTPRequestHandler):
    rewrite = GOOD
    fail = False
    ramble = 0.0  # seconds: after its reply a streamed answer goes on, without a sentence end
    calls: list[str] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        system = body["messages"][0]["content"]
        kind = "rewrite" if system == REWRITE_SYSTEM else "rephrase"
        type(self).calls.append(kind)
        if type(self).fail:
            self.send_response(500)
            self.end_headers()
            return
        content = type(self).rewrite if kind == "rewrite" else "".join(SENTENCES)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(content), 7):  # pieces cut mid-sentence
                    delta = {"choices": [{"delta": {"content": content[i : i + 7]}}]}
                    self.wfile.write(f"data: {json.dumps(delta)}\n\n".encode())
                end = time.monotonic() + type(self).ramble
                while time.monotonic() < end:
                    delta = {"choices": [{"delta": {"content": "以及"}}]}
                    self.wfile.write(f"data: {json.dumps(delta)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(0.1)
                self.wfile.write(b"data: [DONE]\n\n")
                return
            data = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)


@pytest.fixture(scope="module")
def model_url():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def model(model_url):
    _Model.rewrite, _Model.fail, _Model.ramble = GOOD, False, 0.0
    _Model.calls.clear()
    return _Model
