"""The optional language model, against a local OpenAI-compatible server started here."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from policyqa.answer.llm import endpoint, rephrase, verified_text
from policyqa.engine import Engine

QUESTION = "两江新区推进西部陆海新通道建设由哪个部门牵头？"


class _Handler(BaseHTTPRequestHandler):
    behaviour = "good"
    requests: list[dict] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        b = type(self).behaviour
        if b == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if b == "slow":
            time.sleep(1.5)
        if b == "invented":
            content = (
                "该任务由「自贸办」牵头 [liangjiang-2023:27]。"
                "另由财政局配合 [liangjiang-2023:999]。"
                "没有引用的句子。"
            )
        else:
            content = "推进西部陆海新通道建设的牵头部门是「自贸办」[liangjiang-2023:27]。"
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data.encode("utf-8"))


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def llm_engine(engine, server):
    settings = engine.settings.with_overrides(
        llm_base_url=server, llm_model="test-model", llm_timeout=0.5
    )
    return Engine(settings, engine.index, engine.encoder)


def _extractive(engine):
    return engine.ask(QUESTION)


def test_off_by_default(engine):
    assert not engine.settings.llm_base_url
    _Handler.requests.clear()
    a = engine.ask(QUESTION)
    assert "牵头部门：自贸办" in a.answer and not _Handler.requests


def test_good_reply_is_used(llm_engine):
    _Handler.behaviour = "good"
    _Handler.requests.clear()
    a = llm_engine.ask(QUESTION)
    assert a.answer.startswith("推进西部陆海新通道建设的牵头部门是「自贸办」")
    assert "[liangjiang-2023:27]" not in a.answer  # ids become citations
    assert a.citations[0].citation in a.answer
    req = _Handler.requests[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["model"] == "test-model"
    assert "liangjiang-2023:27" in req["body"]["messages"][-1]["content"]


def test_invented_citation_is_dropped(llm_engine):
    _Handler.behaviour = "invented"
    a = llm_engine.ask(QUESTION)
    assert "自贸办" in a.answer
    assert "财政局" not in a.answer  # cites an unknown clause: dropped
    assert "没有引用的句子" not in a.answer  # uncited: dropped
    assert [c.clause_id for c in a.citations] == ["liangjiang-2023:27"]


def test_slow_reply_falls_back(llm_engine, engine, caplog):
    _Handler.behaviour = "slow"
    with caplog.at_level("WARNING", logger="policyqa.llm"):
        a = llm_engine.ask(QUESTION)
    assert a.answer == _extractive(engine).answer
    assert any("language model failed" in r.message for r in caplog.records)


def test_server_error_falls_back(llm_engine, engine, caplog):
    _Handler.behaviour = "error"
    with caplog.at_level("WARNING", logger="policyqa.llm"):
        a = llm_engine.ask(QUESTION)
    assert a.answer == _extractive(engine).answer
    assert any("language model failed" in r.message for r in caplog.records)


def test_unreachable_endpoint_falls_back(engine):
    settings = engine.settings.with_overrides(
        llm_base_url="http://127.0.0.1:9", llm_model="m", llm_timeout=0.5
    )
    a = Engine(settings, engine.index, engine.encoder).ask(QUESTION)
    assert a.answer == _extractive(engine).answer


def test_quote_not_in_cited_clause_is_dropped(engine):
    text, used = verified_text(
        "牵头部门是「财政局」[liangjiang-2023:27]。任务是「推动西部陆海新通道加快建设」"
        "[liangjiang-2023:27]。",
        engine._by_id,
    )
    assert "财政局" not in text and "推动西部陆海新通道加快建设" in text
    assert used == ["liangjiang-2023:27"]


def test_endpoint_paths():
    assert endpoint("http://h:1") == "http://h:1/v1/chat/completions"
    assert endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"


def test_abstained_answer_is_not_sent(llm_engine):
    _Handler.behaviour = "good"
    _Handler.requests.clear()
    a = llm_engine.ask("重庆主城区出租车的起步价是多少？")
    assert a.abstained and not _Handler.requests
    assert rephrase(a, [], llm_engine._by_id, llm_engine.settings) is a
