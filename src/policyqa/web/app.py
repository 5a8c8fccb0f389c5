"""The FastAPI app: the chat page, clause, lookup and document pages, and their JSON twins.

``create_app(settings)`` loads the Engine once (never at import time). Each page has a JSON
route that returns the same data (see ``data.py``); HTML routes only render it. Routes are
sync ``def`` so the CPU-bound engine runs in the threadpool, never on the event loop.
"""

from __future__ import annotations

import hmac
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__ as _version
from ..engine import Engine
from ..errors import PolicyQAError, UnknownClause
from ..feedback import MAX_ANSWER_CHARS, MAX_CLAUSE_IDS, MAX_COMMENT_CHARS, FeedbackStore, db_path
from ..settings import Settings
from . import data

log = logging.getLogger("policyqa.web")

MAX_BODY_BYTES = 64 * 1024
# Engine calls (search, ask, lookup) running at once. The routes run in anyio's threadpool
# (40 threads); letting 40 CPU-bound searches (numpy, faiss's OpenMP) contend on a 2-core
# machine cut throughput ~5x and sent p99 to seconds under 50 clients (bench/load.py).
# Requests beyond the slots wait in line instead; the event loop is never blocked.
ENGINE_SLOTS = max(2, os.cpu_count() or 2)
MAX_ID_CHARS = 200

EXAMPLES = (
    "两江新区推进西部陆海新通道建设由哪个部门牵头？",
    "到2030年重庆研发经费投入强度目标是多少？",
    "Which body leads the Western Land-Sea corridor task?",
    "两江新区实施方案第27条",
)
LOOKUP_EXAMPLES = ("两江新区实施方案第27条", "规划纲要第六章第二节", "2026—2030年行动方案 第十三条")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class AskBody(BaseModel):
    """The body of ``POST /api/ask``."""

    question: StrictStr
    docs: list[StrictStr] | None = None
    k: StrictInt | None = None
    details: StrictBool = False  # add ``clauses``: id -> summary (what the chat page shows)


class FeedbackBody(BaseModel):
    """The body of ``POST /api/feedback``: was this answer helpful?"""

    question: StrictStr = Field(max_length=2000)
    answer: StrictStr = Field("", max_length=MAX_ANSWER_CHARS)
    helpful: StrictBool
    comment: StrictStr = Field("", max_length=MAX_COMMENT_CHARS)
    clause_ids: list[Annotated[StrictStr, Field(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_CLAUSE_IDS
    )


class Error(BaseModel):
    """Every 4xx/5xx JSON body: one readable line (Chinese), sometimes close matches."""

    error: str
    candidates: list[dict[str, Any]] | None = None


class FeedbackCreated(BaseModel):
    id: int


class Deleted(BaseModel):
    deleted: int


class ReindexStatus(BaseModel):
    state: str  # idle | running | done | failed
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    built_at: str | None = None
    clauses: int | None = None


def _err(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "输入无效（问题为空、过长、含控制字符，或 k / 模式越界）",
        401: "需要令牌（Authorization: Bearer … 或 X-PolicyQA-Token）",
        403: "管理功能未启用（未配置 POLICYQA_ADMIN_TOKEN）",
        404: "未找到（条款、文件或反馈）",
        409: "索引重建已在进行",
        413: "请求体过大",
        422: "参数类型或格式无效",
    }
    return {c: {"model": Error, "description": text[c]} for c in codes}


READ_ERRORS = _err(400, 401, 404, 413, 422)
ADMIN_ERRORS = _err(400, 401, 403, 404, 413, 422)


class Unauthorized(PolicyQAError):
    status = 401


class Forbidden(PolicyQAError):
    status = 403


class Conflict(PolicyQAError):
    status = 409


def _presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-policyqa-token") or None


def _same(given: str | None, expected: str) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class _Limits:
    """ASGI middleware: bounded request bodies (413) and security headers on every response."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _too_large(send, self.max_body)
            return
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            # read the (bounded) body first: a chunked body without content-length is
            # counted here, and the app never sees more than max_body bytes
            chunks: list[bytes] = []
            seen = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # client went away
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > self.max_body:
                    await _too_large(send, self.max_body)
                    return
                if not message.get("more_body", False):
                    break
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                return await receive()

            receive = replay

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, secured_send)


async def _too_large(send: Send, limit: int) -> None:
    body = JSONResponse({"error": f"请求体过大：上限 {limit // 1024} KB。"}, status_code=413)
    await send(
        {"type": "http.response.start", "status": 413, "headers": body.raw_headers},
    )
    await send({"type": "http.response.body", "body": body.body})


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "请求体不是有效的 JSON。"
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc or '请求'}: {e.get('msg', '无效')}")
    return 422, "请求参数无效：" + "；".join(parts)


def create_app(
    settings: Settings, engine: Engine | None = None, store: FeedbackStore | None = None
) -> FastAPI:
    """The web app over ``engine`` (loaded from ``settings`` if not given: IndexProblem if bad).

    ``app.state.engine`` is the one Engine every request uses; ``POST /api/admin/reindex``
    replaces it atomically (a request keeps the engine it started with).
    """
    if engine is None:
        engine = Engine.load(settings)
    if store is None:
        store = FeedbackStore(db_path(settings))
    web_dir = Path(settings.web_dir)
    templates = Jinja2Templates(directory=str(web_dir / "templates"))
    templates.env.globals.update(
        product="PolicyQA 政策问答", version=_version, clause_url=data.clause_url
    )

    def read_access(request: Request) -> None:
        """With a read token configured, every route but /healthz needs it (or the admin one)."""
        if not settings.read_token or request.url.path == "/healthz":
            return
        given = _presented_token(request)
        if not (_same(given, settings.read_token) or _same(given, settings.admin_token)):
            raise Unauthorized("需要访问令牌：请在 Authorization: Bearer … 中提供。")

    def admin_access(request: Request) -> None:
        if not settings.admin_token:
            raise Forbidden("管理功能未启用：服务器未配置 POLICYQA_ADMIN_TOKEN。")
        if not _same(_presented_token(request), settings.admin_token):
            raise Unauthorized("需要管理令牌：请在 Authorization: Bearer … 中提供。")

    app = FastAPI(
        title="PolicyQA 政策问答 API",
        version=_version,
        description="离线政策文件检索问答：检索、问答、条款、引用查找与文件目录。",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(read_access)],
        redirect_slashes=False,  # /documents/..%2f is a 404, never a redirect somewhere
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.store = store
    app.state.internal_errors = 0  # how often the catch-all handler ran (tests expect 0)
    app.state.reindex = ReindexStatus(state="idle")
    reindex_lock = threading.Lock()
    slots = threading.BoundedSemaphore(ENGINE_SLOTS)
    app.add_middleware(_Limits)
    app.mount("/static", StaticFiles(directory=str(web_dir / "static")), name="static")

    def current() -> Engine:
        return app.state.engine

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("documents", current().documents)
        return templates.TemplateResponse(request, name, context, status_code=status)

    def error_page(request: Request, status: int, message: str, **context: Any) -> Response:
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        if _wants_json(request):
            return JSONResponse({"error": message, **context}, status_code=status, headers=headers)
        titles = {
            400: "请求有误",
            401: "需要令牌",
            403: "无权访问",
            404: "未找到",
            405: "不支持的请求方式",
            413: "请求过大",
        }
        resp = page(
            request,
            "error.html",
            status,
            status_code=status,
            title=titles.get(status, "出错了"),
            message=message,
            **context,
        )
        if headers:
            resp.headers.update(headers)
        return resp

    # ---- errors: every client mistake is a 4xx with {"error": ...}, never a 500 ----

    @app.exception_handler(PolicyQAError)
    def _policyqa_error(request: Request, exc: PolicyQAError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, UnknownClause):
            extra["candidates"] = data.candidates(current(), exc.candidates)
        if exc.status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return error_page(request, exc.status, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        status, message = _validation_message(exc)
        return error_page(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在。", 405: "不支持该请求方式。"}
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = messages.get(exc.status_code) or detail or "请求有误。"
        return error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    def _internal(request: Request, exc: Exception) -> Response:
        app.state.internal_errors += 1
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if _wants_json(request):
            return JSONResponse({"error": "内部错误"}, status_code=500)
        return HTMLResponse("<!doctype html><title>内部错误</title><p>内部错误</p>", 500)

    def logged(
        route: str, question: str, k: int | None, mode: str | None, run: Callable[[], Any]
    ) -> Any:
        """Run one search/ask and append it to the question log (what was asked, not who)."""
        t0 = time.perf_counter()
        status, count = 200, None
        try:
            with slots:
                out = run()
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

    # ---- JSON API ----

    @app.get("/healthz", tags=["api"], summary="索引状态", responses=_err(413))
    def healthz() -> dict[str, Any]:
        return data.health(current())

    @app.get(
        "/api/search",
        tags=["api"],
        summary="检索条款（同 policyqa search --json）",
        responses=READ_ERRORS,
    )
    def api_search(
        q: Annotated[str, Query(description="问题或关键词")] = "",
        k: Annotated[int, Query(description="返回条数（1 到 max_k）")] = 10,
        mode: Annotated[str | None, Query(description="hybrid / bm25 / dense")] = None,
        doc: Annotated[list[str] | None, Query(description="只检索这些文件（可重复）")] = None,
    ) -> dict[str, Any]:
        eng = current()
        return logged(
            "search",
            q,
            k,
            mode or settings.mode,
            lambda: data.search(eng, q, k=k, mode=mode, docs=doc or ()),
        )

    @app.post(
        "/api/ask",
        tags=["api"],
        summary="带引用的简短回答（Answer.to_dict()）",
        responses=READ_ERRORS,
    )
    def api_ask(body: Annotated[AskBody, Body()]) -> dict[str, Any]:
        eng = current()
        return logged(
            "ask",
            body.question,
            body.k,
            None,
            lambda: data.ask(eng, body.question, docs=body.docs, k=body.k, details=body.details),
        )

    @app.get(
        "/api/clauses/{clause_id:path}",
        tags=["api"],
        summary="条款及前后条",
        responses=READ_ERRORS,
    )
    def api_clause(clause_id: str) -> dict[str, Any]:
        return data.clause(current(), _checked_id(clause_id))

    @app.get(
        "/api/lookup",
        tags=["api"],
        summary="按引用查找条款，如 两江新区实施方案第27条",
        responses=READ_ERRORS,
    )
    def api_lookup(ref: Annotated[str, Query(description="条款引用")] = "") -> dict[str, Any]:
        with slots:
            return data.lookup(current(), ref)

    @app.get("/api/documents", tags=["api"], summary="文件列表", responses=READ_ERRORS)
    def api_documents() -> dict[str, Any]:
        return data.documents(current())

    @app.get(
        "/api/documents/{doc_id}", tags=["api"], summary="文件信息与目录", responses=READ_ERRORS
    )
    def api_document(doc_id: str) -> dict[str, Any]:
        return data.document(current(), doc_id)

    # ---- feedback (readers) and administration (admin token) ----

    @app.post(
        "/api/feedback",
        tags=["feedback"],
        summary="对回答的反馈：有帮助 / 没帮助（可附意见）",
        status_code=201,
        response_model=FeedbackCreated,
        responses=READ_ERRORS,
    )
    def api_feedback(body: Annotated[FeedbackBody, Body()]) -> FeedbackCreated:
        fid = store.add_feedback(
            body.question, body.answer, body.helpful, body.comment, body.clause_ids
        )
        return FeedbackCreated(id=fid)

    @app.get(
        "/api/feedback/export",
        tags=["admin"],
        summary="导出反馈为评测集 JSONL 格式（需管理令牌）",
        dependencies=[Depends(admin_access)],
        responses={
            **ADMIN_ERRORS,
            200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
        },
        response_class=Response,
    )
    def api_feedback_export() -> Response:
        import json

        lines = [json.dumps(row, ensure_ascii=False) for row in store.export_gold()]
        body = "".join(line + "\n" for line in lines)
        return Response(body, media_type="application/x-ndjson; charset=utf-8")

    @app.delete(
        "/api/feedback/{feedback_id}",
        tags=["admin"],
        summary="删除一条反馈（需管理令牌）",
        dependencies=[Depends(admin_access)],
        response_model=Deleted,
        responses=ADMIN_ERRORS,
    )
    def api_feedback_delete(
        feedback_id: Annotated[int, PathParam(ge=1, le=2**62)],
    ) -> Deleted:
        store.delete_feedback(feedback_id)
        return Deleted(deleted=feedback_id)

    @app.post(
        "/api/admin/reindex",
        tags=["admin"],
        summary="重建索引并原子替换（需管理令牌；进行中再次请求返回 409）",
        dependencies=[Depends(admin_access)],
        status_code=202,
        response_model=ReindexStatus,
        responses={**ADMIN_ERRORS, **_err(409)},
    )
    def api_reindex() -> ReindexStatus:
        if not reindex_lock.acquire(blocking=False):
            raise Conflict("索引重建已在进行，请稍后再试。")
        app.state.reindex = ReindexStatus(state="running", started_at=time.time())
        try:
            threading.Thread(target=_rebuild, name="policyqa-reindex", daemon=True).start()
        except BaseException:
            reindex_lock.release()
            raise
        return app.state.reindex

    @app.get(
        "/api/admin/reindex",
        tags=["admin"],
        summary="索引重建状态（需管理令牌）",
        dependencies=[Depends(admin_access)],
        response_model=ReindexStatus,
        responses=ADMIN_ERRORS,
    )
    def api_reindex_status() -> ReindexStatus:
        return app.state.reindex

    def _rebuild() -> None:
        from ..store import build_index

        started = app.state.reindex.started_at
        try:
            old = current()
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
            reindex_lock.release()

    # ---- HTML pages ----

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat_page(request: Request) -> Response:
        return page(request, "chat.html", examples=EXAMPLES, lookup_examples=LOOKUP_EXAMPLES)

    @app.get("/clauses/{clause_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def clause_page(request: Request, clause_id: str) -> Response:
        return page(request, "clause.html", clause=data.clause(current(), _checked_id(clause_id)))

    @app.get("/lookup", response_class=HTMLResponse, include_in_schema=False)
    def lookup_page(request: Request, ref: str = "") -> Response:
        context: dict[str, Any] = {"ref": ref, "lookup_examples": LOOKUP_EXAMPLES}
        if not ref.strip():
            return page(request, "lookup.html", result=None, **context)
        eng = current()
        try:
            result = data.lookup(eng, ref)
        except UnknownClause as err:
            cands = data.candidates(eng, err.candidates)
            return page(
                request,
                "lookup.html",
                404,
                result=None,
                error=str(err),
                candidates=cands,
                **context,
            )
        except PolicyQAError as err:
            return page(request, "lookup.html", err.status, result=None, error=str(err), **context)
        return page(request, "lookup.html", result=result, **context)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request) -> Response:
        return page(request, "documents.html", listing=data.documents(current())["documents"])

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> Response:
        return page(request, "document.html", doc=data.document(current(), doc_id))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs_page(request: Request) -> Response:
        routes = [
            {
                "method": ",".join(sorted(r.methods - {"HEAD"})),
                "path": r.path,
                "summary": r.summary or "",
            }
            for r in app.routes
            if getattr(r, "include_in_schema", False) and hasattr(r, "methods")
        ]
        return page(request, "api_docs.html", routes=routes)

    return app


def _checked_id(clause_id: str) -> str:
    if len(clause_id) > MAX_ID_CHARS:
        raise UnknownClause(f"未找到条款（编号过长：{len(clause_id)} 字符）")
    return clause_id
