"""Web errors: the access errors, and the handlers that render any error as JSON for the API
and as a page otherwise; nothing reaches a user as a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import PolicyQAError, UnknownClause
from . import views
from .rendering import page

log = logging.getLogger("policyqa.web")

_TITLES = {
    400: "请求有误",
    401: "需要令牌",
    403: "无权访问",
    404: "未找到",
    405: "不支持的请求方式",
    413: "请求过大",
    415: "不支持的内容类型",
    414: "请求地址过长",
}


class Unauthorized(PolicyQAError):
    status = 401


class Forbidden(PolicyQAError):
    status = 403


class Conflict(PolicyQAError):
    status = 409


class TooLarge(PolicyQAError):
    status = 413


class Unsupported(PolicyQAError):
    status = 415


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


def error_response(request: Request, status: int, message: str, **context: Any) -> Response:
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    if wants_json(request):
        return JSONResponse({"error": message, **context}, status_code=status, headers=headers)
    title = _TITLES.get(status, "出错了")
    resp = page(
        request, "error.html", status, status_code=status, title=title, message=message, **context
    )
    if headers:
        resp.headers.update(headers)
    return resp


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "请求体不是有效的 JSON。"
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc or '请求'}: {e.get('msg', '无效')}")
    return 422, "请求参数无效：" + "；".join(parts)


def install_handlers(app: FastAPI) -> None:
    """Every client mistake is a 4xx with {"error": ...}; anything else a logged 500."""

    @app.exception_handler(PolicyQAError)
    def _policyqa_error(request: Request, exc: PolicyQAError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, UnknownClause):
            extra["candidates"] = views.candidates(request.app.state.engine, exc.candidates)
        if exc.status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(request, exc.status, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        status, message = _validation_message(exc)
        return error_response(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在。", 405: "不支持该请求方式。"}
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = messages.get(exc.status_code) or detail or "请求有误。"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    def _internal(request: Request, exc: Exception) -> Response:
        request.app.state.internal_errors += 1
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if wants_json(request):
            return JSONResponse({"error": "内部错误"}, status_code=500)
        return HTMLResponse("<!doctype html><title>内部错误</title><p>内部错误</p>", 500)
