"""``/api/documents``: the corpus's documents and each one's outline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .. import views
from ..deps import EngineDep
from ..schemas import READ_ERRORS

router = APIRouter(tags=["api"])


@router.get("/api/documents", summary="文件列表", responses=READ_ERRORS)
def api_documents(engine: EngineDep) -> dict[str, Any]:
    return views.documents(engine)


@router.get("/api/documents/{doc_id}", summary="文件信息与目录", responses=READ_ERRORS)
def api_document(engine: EngineDep, doc_id: str) -> dict[str, Any]:
    return views.document(engine, doc_id)
