"""``/api/admin/reindex``: rebuild the index in the background and swap it in atomically
(409 while it, an upload or a delete runs: they share ``app.state.index_lock``)."""

from __future__ import annotations

import logging
import threading
import time

from fastapi import APIRouter, FastAPI, Request

from ...engine import Engine
from ...index.build import build_index
from ..deps import AdminAccess, take_index
from ..schemas import ADMIN_ERRORS, ReindexStatus, errors

log = logging.getLogger("policyqa.web")
router = APIRouter(tags=["admin"])


@router.post(
    "/api/admin/reindex",
    summary="重建索引并原子替换（需管理令牌；索引正在更新时返回 409）",
    dependencies=[AdminAccess],
    status_code=202,
    response_model=ReindexStatus,
    responses={**ADMIN_ERRORS, **errors(409)},
)
def api_reindex(request: Request) -> ReindexStatus:
    app = request.app
    lock = take_index(request)
    app.state.reindex = ReindexStatus(state="running", started_at=time.time())
    try:
        threading.Thread(target=_rebuild, args=(app,), name="policyqa-reindex", daemon=True).start()
    except BaseException:
        lock.release()
        raise
    status: ReindexStatus = app.state.reindex
    return status


@router.get(
    "/api/admin/reindex",
    summary="索引重建状态（需管理令牌）",
    dependencies=[AdminAccess],
    response_model=ReindexStatus,
    responses=ADMIN_ERRORS,
)
def api_reindex_status(request: Request) -> ReindexStatus:
    status: ReindexStatus = request.app.state.reindex
    return status


def _rebuild(app: FastAPI) -> None:
    started = app.state.reindex.started_at
    settings = app.state.settings
    try:
        old: Engine = app.state.engine
        build_index(settings, encoder=old.encoder, progress=False)
        new = Engine.load(settings, encoder=old.encoder)
        app.state.engine = new  # one attribute store: atomic for every reader
        app.state.reindex = ReindexStatus(
            state="done",
            started_at=started,
            finished_at=time.time(),
            built_at=new.manifest.get("built_at"),
            clauses=len(new.index.clauses),
        )
    except Exception as err:  # reported through the status route, the old engine stays
        log.exception("reindex failed")
        app.state.reindex = ReindexStatus(
            state="failed", started_at=started, finished_at=time.time(), error=str(err)
        )
    finally:
        app.state.index_lock.release()
