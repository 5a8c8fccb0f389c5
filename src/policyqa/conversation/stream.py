"""Streaming a reply: the extractive answer at once, then the language model's rephrasing
sentence by sentence, each sentence shown only once it passed the citation checks.

Events (server-sent events, ``text/event-stream``): ``answer`` (the extractive reply, as
``POST /api/ask`` returns it), ``sentence`` (one verified sentence of the rephrasing),
``final`` (the reply with the verified rephrasing, or the extractive one when the model
failed or said nothing verifiable), ``done``. Without a language model: ``answer``, ``done``.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from ..answer.llm import endpoint, prompt, verified_text
from ..engine import Engine
from ..settings import Settings
from ..text.sentences import REPLY_SENTENCE
from ..types import Answer, Citation
from .reply import Reply

log = logging.getLogger(__name__)


def event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def chat_stream(settings: Settings, messages: list[dict[str, str]]) -> Iterator[str]:
    """The pieces of one streamed chat completion; raises on any HTTP, network, timeout or
    format error. The whole stream, like one unstreamed call, ends after ``llm_timeout``
    seconds: a slow model rambling without a verifiable sentence must not hold the page."""
    body = {"model": settings.llm_model, "messages": messages, "temperature": 0, "stream": True}
    req = urllib.request.Request(
        endpoint(settings.llm_base_url),
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "text/event-stream"},
        method="POST",
    )
    deadline = time.monotonic() + settings.llm_timeout
    with urllib.request.urlopen(req, timeout=settings.llm_timeout) as resp:
        for raw in resp:
            if time.monotonic() > deadline:
                raise TimeoutError(f"stream longer than {settings.llm_timeout:g} s")
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            delta = json.loads(data)["choices"][0].get("delta", {})
            piece = delta.get("content")
            if isinstance(piece, str):
                yield piece


def _complete(buffer: str) -> tuple[list[str], str]:
    """The sentences of ``buffer`` another sentence has begun after (finished, with their
    citations), and the rest, still being written."""
    found = [m for m in REPLY_SENTENCE.finditer(buffer) if m.group(0).strip()]
    if len(found) < 2:
        return [], buffer
    return [m.group(0) for m in found[:-1]], buffer[found[-1].start() :]


Stream = Callable[[Settings, list[dict[str, str]]], Iterator[str]]


def rephrased(engine: Engine, answer: Answer, stream: Stream) -> Iterator[str | Answer | None]:
    """Each verified sentence (str) as the model writes it, then the rephrased answer (or
    None when nothing was verified, or the model failed)."""
    cited = [engine.clause(c.clause_id) for c in answer.citations]
    clauses = engine.view.clauses
    kept: list[str] = []
    used: list[str] = []
    buffer = ""

    def take(sentence: str) -> Iterator[str]:
        text, ids = verified_text(sentence, clauses)
        if text:
            kept.append(text)
            used.extend(i for i in ids if i not in used)
            yield text

    try:
        for piece in stream(engine.settings, prompt(answer, cited)):
            buffer += piece
            done, buffer = _complete(buffer)
            for sentence in done:
                yield from take(sentence)
        if buffer.strip():
            yield from take(buffer)
    except Exception as err:  # noqa: BLE001 - a failing model leaves the extractive answer
        log.warning("language model stream failed (%s); keeping the extractive answer", err)
    if not kept:
        yield None
        return
    cites = tuple(Citation(i, clauses[i].citation, clauses[i].text) for i in used)
    yield replace(answer, answer="".join(kept), citations=cites)


def reply_events(
    engine: Engine,
    reply: Reply,
    details: Callable[[dict[str, Any]], dict[str, Any]],
    stream: Stream = chat_stream,
) -> Iterator[bytes]:
    """The event stream of ``reply`` (extractive) and, with a model configured, its
    rephrasing; ``details`` adds what the page shows (clause summaries)."""
    first = details(reply.to_dict())
    yield event("answer", first)
    s = engine.settings
    if s.llm_base_url and s.llm_model and not reply.answer.abstained and reply.answer.citations:
        final: Answer | None = None
        for item in rephrased(engine, reply.answer, stream):
            if isinstance(item, str):
                yield event("sentence", {"text": item})
            else:
                final = item
        if final is not None:
            yield event("final", details(replace(reply, answer=final).to_dict()))
        else:
            yield event("final", first)
    yield event("done", {})
