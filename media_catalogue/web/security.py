"""Security headers on every response, as a plain ASGI middleware (Starlette's BaseHTTPMiddleware costs about
0.2 ms per request, as much as serving a cached feed itself).

Framing is allowed on /embed/ only; every other page may be framed by this site alone."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


def _policy(ancestors: str) -> bytes:
    return (
        "default-src 'self'; img-src 'self' data:; media-src 'self' https:; style-src 'self' 'unsafe-inline'; "
        f"script-src 'self' 'unsafe-inline'; frame-src 'self'; frame-ancestors {ancestors}; base-uri 'self'"
    ).encode()


_SELF_ONLY = _policy("'self'")
_ANYONE = _policy("*")


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """What SecurityHeaders adds to an answer for `path` that sets none of them (for answers made before it)."""
    return [*_COMMON, (b"content-security-policy", _ANYONE if path.startswith("/embed/") else _SELF_ONLY)]


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = _ANYONE if scope["path"].startswith("/embed/") else _SELF_ONLY

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(item for item in _COMMON if item[0] not in present)
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED_CONTROL = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])")
# In a body, tab, line feed and carriage return are text (a textarea sends %0D%0A; JSON writes \n); others are not.
_FORM_CONTROL = re.compile(rb"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _field_with_control(value: Any, where: str = "") -> str | None:
    """The dotted name of the first string in a parsed JSON document that holds a control character."""
    if isinstance(value, str):
        return (where or "body") if _TEXT_CONTROL.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and _TEXT_CONTROL.search(key):
            return f"{where}.{key}".strip(".")
        found = _field_with_control(item, f"{where}.{key}".strip("."))
        if found:
            return found
    return None


def control_character_field(body: bytes, content_type: bytes) -> str | None:
    """Where a small JSON or form body carries a control character (other than tab and line breaks): the field's
    name, "body" when it cannot be told, None when there is none."""
    if content_type == b"application/json" or content_type.endswith(b"+json"):
        if not _JSON_CONTROL.search(body):
            return None
        try:
            return _field_with_control(json.loads(body)) or "body"
        except ValueError:
            return "body"
    if content_type == b"application/x-www-form-urlencoded":
        for pair in body.split(b"&"):
            name, _, value = pair.partition(b"=")
            if _FORM_CONTROL.search(value) or _ENCODED_CONTROL.search(name) or _CONTROL.search(pair.decode("latin-1")):
                return unquote_plus(name.decode("latin-1")) or "body"
    return None


def bad_request(send: Any, message: str, field: str) -> Any:
    body = json.dumps({"ok": False, "error": {"code": "invalid_request", "message": message, "field": field}})
    data = body.encode()

    async def answer() -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": data})

    return answer()


class RejectNulCharacters:
    """A U+0000 in the path or query can never match catalogue data, and PostgreSQL refuses it outright (SQLite
    does not): answer 400 for every such request before it reaches a route, on either database. (Other control
    characters in the address are the routes' to refuse, each naming its parameter; in a body, web.limits refuses
    them with control_character_field.)"""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
                message = "The address contains a NUL character (%00), which is never valid here."
                await bad_request(send, message, "path" if "\x00" in scope["path"] else "query")
                return
        await self.app(scope, receive, send)
