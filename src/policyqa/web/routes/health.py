"""``/healthz``: the loaded index's manifest."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .. import views
from ..deps import EngineDep
from ..schemas import errors

router = APIRouter(tags=["api"])


@router.get("/healthz", summary="索引状态", responses=errors(413))
def healthz(engine: EngineDep) -> dict[str, Any]:
    return views.health(engine)
