"""``/api/clauses/{id}`` and ``/api/lookup``: a clause by id or by reference."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ...errors import UnknownClause
from .. import views
from ..deps import EngineDep, in_slot
from ..schemas import READ_ERRORS

router = APIRouter(tags=["api"])
MAX_ID_CHARS = 200


def checked_id(clause_id: str) -> str:
    if len(clause_id) > MAX_ID_CHARS:
        raise UnknownClause(f"未找到条款（编号过长：{len(clause_id)} 字符）")
    return clause_id


@router.get("/api/clauses/{clause_id:path}", summary="条款及前后条", responses=READ_ERRORS)
def api_clause(engine: EngineDep, clause_id: str) -> dict[str, Any]:
    return views.clause(engine, checked_id(clause_id))


@router.get(
    "/api/lookup", summary="按引用查找条款，如 两江新区实施方案第27条", responses=READ_ERRORS
)
def api_lookup(
    request: Request,
    engine: EngineDep,
    ref: Annotated[str, Query(description="条款引用")] = "",
) -> dict[str, Any]:
    return in_slot(request, lambda: views.lookup(engine, ref))
