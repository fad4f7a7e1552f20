"""Security headers on every response (a pure ASGI middleware: cheap, and it cannot be skipped)."""
from __future__ import annotations

import json

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(k, v) for k, v in HEADERS if k not in names]
            await send(message)

        return await self.app(scope, receive, send_with_headers)


# -- the read-only public surface -------------------------------------------------------------
#: The only methods anything answers: the archive is changed by the CLI, never over HTTP.
READ_METHODS = ("GET", "HEAD")
#: Scope key set on HEAD requests (served as GET with the body dropped), so streaming endpoints
#: can skip producing a body nobody will read.
HEAD_MARK = "sijill.head"

_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Last-Modified, Link"),
]
_PREFLIGHT = _CORS + [
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", b"Accept, If-None-Match, If-Modified-Since"),
    (b"access-control-max-age", b"86400"),
]
_ALLOW = (b"allow", b"GET, HEAD")


def is_api(path: str) -> bool:
    return path.startswith("/api/")


class ReadOnlySurface:
    """ASGI middleware: only GET and HEAD anywhere (405 in the API's error shape otherwise);
    HEAD served as GET without a body; CORS for any origin on /api/ only (never elsewhere)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        api = is_api(scope["path"])
        if method == "OPTIONS" and api:  # CORS preflight (e.g. a fetch() sending If-None-Match)
            await send({"type": "http.response.start", "status": 204, "headers": _PREFLIGHT + [_ALLOW]})
            await send({"type": "http.response.body", "body": b""})
            return
        if method not in READ_METHODS:
            body = json.dumps({"error": {
                "code": "method_not_allowed",
                "message": f"الأرشيف للقراءة فقط: الطريقة {method[:20]} غير مسموحة، استعمل GET أو HEAD",
                "param": None}}, ensure_ascii=False).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       _ALLOW] + (_CORS if api else [])
            await send({"type": "http.response.start", "status": 405, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        head = method == "HEAD"
        if head:
            scope = dict(scope, method="GET")
            scope[HEAD_MARK] = True
        if not (head or api):
            return await self.app(scope, receive, send)
        body_sent = False

        async def send_wrapped(message):
            nonlocal body_sent
            if message["type"] == "http.response.start" and api:
                message["headers"] = list(message.get("headers", [])) + _CORS
            elif message["type"] == "http.response.body" and head:
                if body_sent:
                    return
                body_sent = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        return await self.app(scope, receive, send_wrapped)
