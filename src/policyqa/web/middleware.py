"""ASGI middleware: bounded request bodies (413) and security headers on every response."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class Limits:
    """ASGI middleware: bounded request bodies (413) and security headers on every response.

    ``streamed`` maps a POST path to its own byte limit (the upload): its body is not read
    here but passed through for the route to stream to disk, and a Content-Length above the
    limit is refused before any of it is read.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body: int = MAX_BODY_BYTES,
        streamed: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.streamed = dict(streamed or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        stream = scope.get("method") == "POST" and scope.get("path") in self.streamed
        limit = self.streamed[scope["path"]] if stream else self.max_body
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        if not stream and scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
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
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    body = JSONResponse({"error": f"请求体过大：上限 {size}。"}, status_code=413)
    await send(
        {"type": "http.response.start", "status": 413, "headers": body.raw_headers},
    )
    await send({"type": "http.response.body", "body": body.body})
