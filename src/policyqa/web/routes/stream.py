"""``POST /api/ask/stream``: the reply as server-sent events — the extractive answer at once,
then, with a language model configured, its rephrasing sentence by sentence, each shown only
after the citation checks (see :mod:`policyqa.conversation.stream`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import StreamingResponse

from ...conversation.stream import reply_events
from .. import views
from ..deps import ConversationsDep, EngineDep, logged
from ..schemas import READ_ERRORS, AskBody
from .search import history_of, saved

router = APIRouter(tags=["api"])


@router.post(
    "/api/ask/stream",
    summary="同 /api/ask，以 SSE 流式返回：先给摘录答案，再逐句给经核验的改写",
    responses={**READ_ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
def api_ask_stream(
    request: Request,
    engine: EngineDep,
    store: ConversationsDep,
    body: Annotated[AskBody, Body()],
) -> StreamingResponse:
    browser = request.state.browser
    history = history_of(body, store, browser)  # bad input is a 4xx before the stream starts

    def run() -> dict[str, Any]:
        reply = views.ask_reply(engine, body.question, body.docs, body.k, history, rephrase=False)
        return {"reply": reply, "citations": reply.answer.citations}

    reply = logged(request, "ask", body.question, body.k, None, run)["reply"]
    where: dict[str, Any] = {}

    def details(out: dict[str, Any]) -> dict[str, Any]:
        out = views.with_clauses(engine, out) if body.details else out
        if body.conversation_id is not None:
            if not where:
                where.update(saved(store, browser, body, out))
            else:
                kept = {k: v for k, v in out.items() if k != "clauses"}
                store.update_turn(browser, where["conversation_id"], where["turn"], kept)
            out.update(where)
        return out

    def events() -> Iterator[bytes]:
        yield from reply_events(engine, reply, details)

    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
