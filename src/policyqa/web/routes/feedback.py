"""``/api/feedback``: officials' verdicts on answers (readers), their export and deletion
(admin)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi import Path as PathParam

from ..deps import AdminAccess, StoreDep
from ..schemas import ADMIN_ERRORS, READ_ERRORS, Deleted, FeedbackBody, FeedbackCreated

router = APIRouter()


@router.post(
    "/api/feedback",
    tags=["feedback"],
    summary="对回答的反馈：有帮助 / 没帮助（可附意见）",
    status_code=201,
    response_model=FeedbackCreated,
    responses=READ_ERRORS,
)
def api_feedback(store: StoreDep, body: Annotated[FeedbackBody, Body()]) -> FeedbackCreated:
    fid = store.add_feedback(
        body.question, body.answer, body.helpful, body.comment, body.clause_ids
    )
    return FeedbackCreated(id=fid)


@router.get(
    "/api/feedback/export",
    tags=["admin"],
    summary="导出反馈为评测集 JSONL 格式（需管理令牌）",
    dependencies=[AdminAccess],
    responses={
        **ADMIN_ERRORS,
        200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
    },
    response_class=Response,
)
def api_feedback_export(store: StoreDep) -> Response:
    lines = [json.dumps(row, ensure_ascii=False) for row in store.export_gold()]
    body = "".join(line + "\n" for line in lines)
    return Response(body, media_type="application/x-ndjson; charset=utf-8")


@router.delete(
    "/api/feedback/{feedback_id}",
    tags=["admin"],
    summary="删除一条反馈（需管理令牌）",
    dependencies=[AdminAccess],
    response_model=Deleted,
    responses=ADMIN_ERRORS,
)
def api_feedback_delete(
    store: StoreDep, feedback_id: Annotated[int, PathParam(ge=1, le=2**62)]
) -> Deleted:
    store.delete_feedback(feedback_id)
    return Deleted(deleted=feedback_id)
