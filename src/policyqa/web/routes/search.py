"""``/api/search`` and ``/api/ask``: what ``policyqa search`` and ``policyqa ask`` print."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from ...conversation.history import Turn, parse_history
from ...conversation.store import ConversationStore
from .. import views
from ..deps import ConversationsDep, EngineDep, SettingsDep, logged
from ..schemas import READ_ERRORS, AskBody

router = APIRouter(tags=["api"])


@router.get("/api/search", summary="检索条款（同 policyqa search --json）", responses=READ_ERRORS)
def api_search(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="问题或关键词")] = "",
    k: Annotated[int, Query(description="返回条数（1 到 max_k）")] = 10,
    mode: Annotated[str | None, Query(description="hybrid / bm25 / dense")] = None,
    doc: Annotated[list[str] | None, Query(description="只检索这些文件（可重复）")] = None,
) -> dict[str, Any]:
    return logged(
        request,
        "search",
        q,
        k,
        mode or settings.mode,
        lambda: views.search(engine, q, k=k, mode=mode, docs=doc or ()),
    )


@router.post("/api/ask", summary="带引用的简短回答（Answer.to_dict()）", responses=READ_ERRORS)
def api_ask(
    request: Request,
    engine: EngineDep,
    store: ConversationsDep,
    body: Annotated[AskBody, Body()],
) -> dict[str, Any]:
    """With ``history`` the question may follow up on earlier turns; with
    ``conversation_id`` (one of this browser's) the turn is stored there, and its stored
    turns are the history when none is sent."""
    browser = request.state.browser
    history = history_of(body, store, browser)

    def run() -> dict[str, Any]:
        return views.ask(
            engine, body.question, docs=body.docs, k=body.k, details=body.details, history=history
        )

    out = logged(request, "ask", body.question, body.k, None, run)
    if body.conversation_id is not None:
        out.update(saved(store, browser, body, out))
    return out


def history_of(body: AskBody, store: ConversationStore, browser: str) -> tuple[Turn, ...]:
    """The history sent, else the stored conversation's turns (404 unless this browser's)."""
    if body.conversation_id is not None:
        store.summary(browser, body.conversation_id)
    if body.history is not None or body.conversation_id is None:
        return parse_history(body.history)
    return store.history(browser, body.conversation_id)


def saved(
    store: ConversationStore, browser: str, body: AskBody, out: dict[str, Any]
) -> dict[str, Any]:
    """Store the turn in the request's conversation; where it is."""
    cid = body.conversation_id or ""
    n = store.add_turn(
        browser, cid, body.question, {k: v for k, v in out.items() if k != "clauses"}
    )
    return {"conversation_id": cid, "turn": n, "permalink": f"/?c={cid}#turn-{n}"}
