"""Which browser is asking: a random id in an HttpOnly, SameSite=Lax cookie.

There is no login. Conversations belong to the browser that made them; this ASGI
middleware gives a browser without a valid id a new one (set on a successful response only:
an error, such as a 404 for an odd path, sets no cookie) and puts it in
``request.state.browser`` for the routes.
"""

from __future__ import annotations

import re
import secrets
from http.cookies import SimpleCookie

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "policyqa_browser"
MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep (about 13 months)
_VALID = re.compile(r"[A-Za-z0-9_-]{22,64}")


def _from_header(raw: bytes | None) -> str | None:
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # noqa: BLE001 - a malformed Cookie header is just no cookie
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and _VALID.fullmatch(morsel.value) else None


class BrowserId:
    """ASGI middleware: ``scope["state"]["browser"]``, set as a cookie when new."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        known = _from_header(headers.get(b"cookie"))
        browser = known or secrets.token_urlsafe(24)
        scope.setdefault("state", {})["browser"] = browser

        async def send_cookie(message: Message) -> None:
            start = message["type"] == "http.response.start"
            if start and known is None and message["status"] < 400:
                cookie = (
                    f"{COOKIE}={browser}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax"
                ).encode("latin-1")
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"set-cookie", cookie)],
                }
            await send(message)

        await self.app(scope, receive, send_cookie)


def browser_of(request: Request) -> str:
    """The asking browser's id (set by :class:`BrowserId`)."""
    browser: str = request.state.browser
    return browser
