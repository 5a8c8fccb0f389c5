"""The optional language model in a conversation, against a small OpenAI-compatible server
started here (deterministic replies; the real model is in test_local_model.py): its rewrite
of a follow-up passes the checks or the rules' reading stands, and /api/ask/stream sends
the extractive answer first, then only verified sentences."""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from policyqa.conversation.history import Turn
from policyqa.conversation.reply import ask
from policyqa.conversation.rewrite import SYSTEM as REWRITE_SYSTEM
from policyqa.engine import Engine
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore

from .conftest import serve_in_thread

HIGHWAY = "按重庆2023—2027年行动方案，高速公路通车里程要达到多少？"
FOLLOW = "那2026—2030年的方案是怎么定的？"
GOOD = "2026—2030年行动方案对重庆高速公路通车里程定的目标是多少？"
INVENTED = "规划纲要对2035年重庆GDP定的目标是多少？"
SENTENCES = [
    "到2030年，重庆高速公路通车里程达「5700公里」[action-2026:2.3.p1]。",
    "另有高铁里程「9999公里」[action-2026:2.3.p1]。",  # not in the clause: dropped
]


class _Model(BaseHTTPRequestHandler):
    rewrite = GOOD
    fail = False
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
    _Model.rewrite, _Model.fail = GOOD, False
    _Model.calls.clear()
    return _Model


@pytest.fixture(scope="module")
def llm_engine(engine, model_url) -> Engine:
    s = engine.settings.with_overrides(llm_base_url=model_url, llm_model="m", llm_timeout=5)
    return Engine(s, engine.index, engine.encoder)


def _history(engine: Engine) -> tuple[Turn, ...]:
    first = ask(engine, HIGHWAY, llm=False)
    return (Turn(HIGHWAY, first.body, first.answer.citations),)


def test_a_checked_rewrite_is_the_reading(llm_engine, model) -> None:
    reply = ask(llm_engine, FOLLOW, _history(llm_engine), rephrase=False)
    assert reply.reading.source == "llm" and reply.reading.resolved == GOOD
    assert "5700公里" in reply.body and model.calls == ["rewrite"]


@pytest.mark.parametrize("bad", [INVENTED, "", "好的。\n" * 300, "What about the highway?"])
def test_a_rewrite_adding_context_is_refused(llm_engine, model, bad: str) -> None:
    model.rewrite = bad
    reply = ask(llm_engine, FOLLOW, _history(llm_engine), rephrase=False)
    assert reply.reading.source == "rules"
    assert "2026—2030年行动方案" in reply.reading.resolved and "5700公里" in reply.body


def test_a_failing_model_leaves_the_rules_reading(llm_engine, model) -> None:
    model.fail = True
    reply = ask(llm_engine, FOLLOW, _history(llm_engine))
    assert reply.reading.source == "rules" and "5700公里" in reply.body


def test_a_fresh_question_is_not_sent_to_be_rewritten(llm_engine, model) -> None:
    reply = ask(
        llm_engine, "两江新区规上工业增加值规模要突破多少？", _history(llm_engine), rephrase=False
    )
    assert reply.reading.source == "rules" and model.calls == []


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


@pytest.fixture(scope="module")
def llm_url(llm_engine):
    db = Path(tempfile.mkdtemp()) / "p.db"
    app = create_app(llm_engine.settings, llm_engine, FeedbackStore(db))
    with serve_in_thread(app) as url:
        yield url


def test_stream_sends_the_extractive_answer_then_verified_sentences(llm_url, model) -> None:
    with httpx.Client(base_url=llm_url, timeout=60, trust_env=False) as c:
        cid = c.post("/api/conversations", json={}).json()["id"]
        c.post("/api/ask", json={"question": HIGHWAY, "conversation_id": cid})
        body = {"question": FOLLOW, "conversation_id": cid, "details": True}
        r = c.post("/api/ask/stream", json=body)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = _events(r.text)
        names = [n for n, _ in events]
        assert names == ["answer", "sentence", "final", "done"]
        first, sentence, final = events[0][1], events[1][1], events[2][1]
        assert "5700公里" in first["answer"] and first["clauses"] and first["turn"] == 2
        assert sentence["text"].startswith("到2030年，重庆高速公路通车里程达「5700公里」（《")
        assert "9999" not in final["answer"] and "5700公里" in final["answer"]
        stored = c.get(f"/api/conversations/{cid}").json()["turns"][1]["reply"]
        assert stored["answer"] == final["answer"]  # the turn keeps the final answer
        bad = c.post("/api/ask/stream", json={"question": "", "history": []})
        assert bad.status_code == 400 and "error" in bad.json()


def test_stream_without_a_model_is_the_answer_alone(client) -> None:
    r = client.post("/api/ask/stream", json={"question": HIGHWAY})
    assert [n for n, _ in _events(r.text)] == ["answer", "done"]
    assert "5000 公里" in _events(r.text)[0][1]["answer"]
