"""The FastAPI app: the chat page, clause, lookup and document pages, and their JSON twins.

``create_app(settings)`` loads the Engine once (never at import time). Each page has a JSON
route that returns the same data (see ``data.py``); HTML routes only render it. Routes are
sync ``def`` so the CPU-bound engine runs in the threadpool, never on the event loop.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, StrictBool, StrictInt, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__ as _version
from ..engine import Engine
from ..errors import PolicyQAError, UnknownClause
from ..settings import Settings
from . import data

log = logging.getLogger("policyqa.web")

MAX_BODY_BYTES = 64 * 1024
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


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The web app over ``engine`` (loaded from ``settings`` if not given: IndexProblem if bad)."""
    if engine is None:
        engine = Engine.load(settings)
    web_dir = Path(settings.web_dir)
    templates = Jinja2Templates(directory=str(web_dir / "templates"))
    templates.env.globals.update(
        product="PolicyQA 政策问答", version=_version, clause_url=data.clause_url
    )

    app = FastAPI(
        title="PolicyQA 政策问答 API",
        version=_version,
        description="离线政策文件检索问答：检索、问答、条款、引用查找与文件目录。",
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.internal_errors = 0  # how often the catch-all handler ran (tests expect 0)
    app.add_middleware(_Limits)
    app.mount("/static", StaticFiles(directory=str(web_dir / "static")), name="static")

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("documents", engine.documents)
        return templates.TemplateResponse(request, name, context, status_code=status)

    def error_page(request: Request, status: int, message: str, **context: Any) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message, **context}, status_code=status)
        titles = {400: "请求有误", 404: "未找到", 405: "不支持的请求方式", 413: "请求过大"}
        return page(
            request,
            "error.html",
            status,
            status_code=status,
            title=titles.get(status, "出错了"),
            message=message,
            **context,
        )

    # ---- errors: every client mistake is a 4xx with {"error": ...}, never a 500 ----

    @app.exception_handler(PolicyQAError)
    def _policyqa_error(request: Request, exc: PolicyQAError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, UnknownClause):
            extra["candidates"] = data.candidates(engine, exc.candidates)
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
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if _wants_json(request):
            return JSONResponse({"error": "内部错误"}, status_code=500)
        return HTMLResponse("<!doctype html><title>内部错误</title><p>内部错误</p>", 500)

    # ---- JSON API ----

    @app.get("/healthz", tags=["api"], summary="索引状态")
    def healthz() -> dict[str, Any]:
        return data.health(engine)

    @app.get("/api/search", tags=["api"], summary="检索条款（同 policyqa search --json）")
    def api_search(
        q: Annotated[str, Query(description="问题或关键词")] = "",
        k: Annotated[int, Query(description="返回条数")] = 10,
        mode: Annotated[str | None, Query(description="hybrid / bm25 / dense")] = None,
        doc: Annotated[list[str] | None, Query(description="只检索这些文件（可重复）")] = None,
    ) -> dict[str, Any]:
        return data.search(engine, q, k=k, mode=mode, docs=doc or ())

    @app.post("/api/ask", tags=["api"], summary="带引用的简短回答（Answer.to_dict()）")
    def api_ask(body: Annotated[AskBody, Body()]) -> dict[str, Any]:
        return data.ask(engine, body.question, docs=body.docs, k=body.k, details=body.details)

    @app.get("/api/clauses/{clause_id:path}", tags=["api"], summary="条款及前后条")
    def api_clause(clause_id: str) -> dict[str, Any]:
        return data.clause(engine, _checked_id(clause_id))

    @app.get("/api/lookup", tags=["api"], summary="按引用查找条款，如 两江新区实施方案第27条")
    def api_lookup(ref: Annotated[str, Query(description="条款引用")] = "") -> dict[str, Any]:
        return data.lookup(engine, ref)

    @app.get("/api/documents", tags=["api"], summary="文件列表")
    def api_documents() -> dict[str, Any]:
        return data.documents(engine)

    @app.get("/api/documents/{doc_id}", tags=["api"], summary="文件信息与目录")
    def api_document(doc_id: str) -> dict[str, Any]:
        return data.document(engine, doc_id)

    # ---- HTML pages ----

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat_page(request: Request) -> Response:
        return page(request, "chat.html", examples=EXAMPLES, lookup_examples=LOOKUP_EXAMPLES)

    @app.get("/clauses/{clause_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def clause_page(request: Request, clause_id: str) -> Response:
        return page(request, "clause.html", clause=data.clause(engine, _checked_id(clause_id)))

    @app.get("/lookup", response_class=HTMLResponse, include_in_schema=False)
    def lookup_page(request: Request, ref: str = "") -> Response:
        context: dict[str, Any] = {"ref": ref, "lookup_examples": LOOKUP_EXAMPLES}
        if not ref.strip():
            return page(request, "lookup.html", result=None, **context)
        try:
            result = data.lookup(engine, ref)
        except UnknownClause as err:
            cands = data.candidates(engine, err.candidates)
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
        return page(request, "documents.html", listing=data.documents(engine)["documents"])

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> Response:
        return page(request, "document.html", doc=data.document(engine, doc_id))

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
