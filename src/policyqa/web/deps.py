"""Dependencies the routes declare: the current engine, the stores, the settings, access
checks and the bounded slots engine calls run in."""

from __future__ import annotations

import hmac
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from ..engine import Engine
from ..errors import PolicyQAError
from ..settings import Settings
from .errors import Conflict, Forbidden, Unauthorized
from .feedback_store import FeedbackStore

log = logging.getLogger("policyqa.web")
T = TypeVar("T")


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine  # swapped whole by a reindex: read once
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.store
    return store


EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[FeedbackStore, Depends(_store)]


def presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-policyqa-token") or None


def same_token(given: str | None, expected: str) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def read_access(request: Request, settings: SettingsDep) -> None:
    """With a read token configured, every route but /healthz needs it (or the admin one)."""
    if not settings.read_token or request.url.path == "/healthz":
        return
    given = presented_token(request)
    if not (same_token(given, settings.read_token) or same_token(given, settings.admin_token)):
        raise Unauthorized("需要访问令牌：请在 Authorization: Bearer … 中提供。")


def admin_access(request: Request, settings: SettingsDep) -> None:
    if not settings.admin_token:
        raise Forbidden("管理功能未启用：服务器未配置 POLICYQA_ADMIN_TOKEN。")
    if not same_token(presented_token(request), settings.admin_token):
        raise Unauthorized("需要管理令牌：请在 Authorization: Bearer … 中提供。")


AdminAccess = Depends(admin_access)


BUSY = "索引正在更新（重建、添加或删除文件），请稍后再试。"


def index_idle(request: Request) -> None:
    """409 if an index change (reindex, upload, delete) is running now."""
    lock: threading.Lock = request.app.state.index_lock
    if lock.locked():
        raise Conflict(BUSY)


def take_index(request: Request) -> threading.Lock:
    """The lock every index change holds, taken without waiting (409 if another change runs);
    the caller releases it."""
    lock: threading.Lock = request.app.state.index_lock
    if not lock.acquire(blocking=False):
        raise Conflict(BUSY)
    return lock


def in_slot(request: Request, run: Callable[[], T]) -> T:
    """Run an engine call in one of the bounded slots (see create_app)."""
    slots: threading.BoundedSemaphore = request.app.state.slots
    with slots:
        return run()


def logged(
    request: Request,
    route: str,
    question: str,
    k: int | None,
    mode: str | None,
    run: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run one search/ask in a slot and append it to the question log (what, not who)."""
    store = _store(request)
    t0 = time.perf_counter()
    status, count = 200, None
    try:
        out = in_slot(request, run)
        count = len(out.get("results") or out.get("citations") or [])
        return out
    except PolicyQAError as err:
        status = err.status
        raise
    finally:
        try:
            store.log_question(
                route, question, k, mode, (time.perf_counter() - t0) * 1000, count, status
            )
        except (sqlite3.Error, ValueError, OverflowError) as err:  # never cost an answer
            log.warning("question log: %s", err)
