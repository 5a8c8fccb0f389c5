"""``/api/conversations``: the asking browser's stored conversations, and their export."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi import Path as PathParam

from ...conversation.export import FORMATS, export, file_name
from ..deps import ConversationsDep
from ..schemas import READ_ERRORS, ConversationBody, Deleted

router = APIRouter(tags=["conversations"])
ConversationId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.get("/api/conversations", summary="本浏览器的对话列表", responses=READ_ERRORS)
def api_conversations(request: Request, store: ConversationsDep) -> dict[str, Any]:
    return {"conversations": store.list(request.state.browser)}


@router.post("/api/conversations", summary="新建对话", status_code=201, responses=READ_ERRORS)
def api_conversation_new(
    request: Request, store: ConversationsDep, body: Annotated[ConversationBody, Body()]
) -> dict[str, Any]:
    return store.create(request.state.browser, body.title or "")


@router.get("/api/conversations/{cid}", summary="一个对话及其各轮问答", responses=READ_ERRORS)
def api_conversation(
    request: Request, store: ConversationsDep, cid: ConversationId
) -> dict[str, Any]:
    return store.get(request.state.browser, cid)


@router.patch("/api/conversations/{cid}", summary="重命名对话", responses=READ_ERRORS)
def api_conversation_rename(
    request: Request,
    store: ConversationsDep,
    cid: ConversationId,
    body: Annotated[ConversationBody, Body()],
) -> dict[str, Any]:
    return store.rename(request.state.browser, cid, body.title or "")


@router.delete(
    "/api/conversations/{cid}", summary="删除对话", response_model=Deleted, responses=READ_ERRORS
)
def api_conversation_delete(
    request: Request, store: ConversationsDep, cid: ConversationId
) -> Deleted:
    store.delete(request.state.browser, cid)
    return Deleted(deleted=1)


@router.get(
    "/api/conversations/{cid}/export",
    summary="导出对话或其中一问（format=docx 或 md）",
    responses={**READ_ERRORS, 200: {"content": {m: {} for m in FORMATS.values()}}},
    response_class=Response,
)
def api_conversation_export(
    request: Request,
    store: ConversationsDep,
    cid: ConversationId,
    format: Annotated[str, Query(description="docx 或 md")] = "docx",
    turn: Annotated[int | None, Query(ge=1, le=100_000, description="只导出第几问")] = None,
) -> Response:
    conversation = store.get(request.state.browser, cid)
    body = export(conversation, format, turn)
    name = file_name(conversation, turn, format)
    disposition = f"attachment; filename=\"policyqa.{format}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=FORMATS[format], headers={"content-disposition": disposition})
