"""``/api/search`` and ``/api/ask``: what ``policyqa search`` and ``policyqa ask`` print."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from .. import views
from ..deps import EngineDep, SettingsDep, logged
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
    request: Request, engine: EngineDep, body: Annotated[AskBody, Body()]
) -> dict[str, Any]:
    return logged(
        request,
        "ask",
        body.question,
        body.k,
        None,
        lambda: views.ask(engine, body.question, docs=body.docs, k=body.k, details=body.details),
    )
