"""The optional language model in a conversation, against a small OpenAI-compatible server
started here (deterministic replies; the real model is in test_local_model.py): its rewrite
of a follow-up passes the checks or the rules' reading stands, and /api/ask/stream sends
the extractive answer first, then only verified sentences."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from policyqa.conversation.history import Turn
from policyqa.conversation.reply import ask
from policyqa.engine import Engine
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore

from .conftest import GOOD, serve_in_thread

HIGHWAY = "按重庆2023—2027年行动方案，高速公路通车里程要达到多少？"
FOLLOW = "那2026—2030年的方案是怎么定的？"
INVENTED = "规划纲要对2035年重庆GDP定的目标是多少？"


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


def test_a_model_streaming_on_is_cut_off_after_the_timeout(llm_url, model) -> None:
    model.ramble = 60.0  # far beyond llm_timeout (5 s)
    start = time.monotonic()
    with httpx.Client(base_url=llm_url, timeout=60, trust_env=False) as c:
        r = c.post("/api/ask/stream", json={"question": FOLLOW, "history": _wire_history()})
    took = time.monotonic() - start
    events = _events(r.text)
    assert [n for n, _ in events] == ["answer", "sentence", "final", "done"]
    final = events[2][1]["answer"]
    assert "5700公里" in final and "9999" not in final and "以及" not in final
    assert took < 30, took  # the model was still writing; the page got its answer


def _wire_history() -> list[dict]:
    return [{"question": HIGHWAY, "answer": "", "citations": ["action-2023:5"]}]


def test_stream_without_a_model_is_the_answer_alone(client) -> None:
    r = client.post("/api/ask/stream", json={"question": HIGHWAY})
    assert [n for n, _ in _events(r.text)] == ["answer", "done"]
    assert "5000 公里" in _events(r.text)[0][1]["answer"]
