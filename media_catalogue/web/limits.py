"""The one request-size policy, enforced while the body arrives, before routing, parsing or identity: a plain ASGI
middleware, outermost in the stack. A small body is also refused (400, naming the field) when a string in it holds
a control character other than tab and line breaks (NUL first of all: PostgreSQL refuses it in text).

- Upload routes (marked `x-body-limit` in their OpenAPI extra: the staff API's raw uploads and feed imports, the
  workspace's file forms) stream their body: the limit is settings.max_upload_bytes (import_max_feed_bytes for a
  feed), plus a small allowance around a multipart file; the count runs in `receive`, so a chunked body or one that
  lies about its Content-Length is cut off as soon as it passes the limit. The route spools the file to disk as it
  comes (web.staff.uploads) and the multipart reader (web.multipart) applies the exact limit to the file alone.
- Every other request: max_json_bytes for JSON, max_form_bytes for anything else. The body is read here, whole,
  before the app sees the request; past the limit the answer is 413 at once, and the app is never called.

A declared Content-Length over the limit is refused before reading a byte. A body that does not arrive in time
(settings.body_timeout_seconds: whole for small bodies, between two chunks for uploads) is answered 408. Headers
that do not arrive in time are uvicorn's to refuse (web.server): the app is only called once they are complete.
"""

from __future__ import annotations

import asyncio
import ctypes
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import fastapi.routing
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from ..config import Settings
from ..errors import CatalogueError
from ..media.validate import human_bytes, too_large
from .security import bad_request, control_character_field

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Answer = Callable[[Scope, int, dict[str, str]], Any]

MARK = "x-body-limit"
UPLOAD = {MARK: "upload"}
FEED = {MARK: "feed"}
# What a multipart form adds around its file (boundaries, part headers, the CSRF token, a language code).
FORM_ALLOWANCE = 65536
UPLOAD_SCOPE_KEY = "mc_upload_limit"


class BodyTooLarge(CatalogueError):
    status = 413
    code = "too_large"


class BodyTimeout(CatalogueError):
    status = 408
    code = "request_timeout"


def too_large_body(limit: int, what: str) -> BodyTooLarge:
    return BodyTooLarge(
        f"The request body is larger than {human_bytes(limit)}, the limit for {what} (uploads of files go to the "
        "upload routes, which take larger bodies)."
    )


def too_slow(seconds: float) -> BodyTimeout:
    return BodyTimeout(f"The request body did not arrive within {seconds:g} s; send it again on a faster connection.")


def upload_routes(routes: list[Any]) -> list[tuple[set[str], re.Pattern[str], str]]:
    """(methods, path pattern, kind) of every route marked as an upload, through included routers at any depth."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is None:  # FastAPI versions that flatten included routers into app.routes
        flat = [(getattr(route, "path", None), getattr(route, "methods", None), route) for route in routes]
    else:
        flat = [(context.path, context.methods, context.original_route) for context in iterate(routes)]
    found = []
    for path, methods, route in flat:
        extra = route.openapi_extra if isinstance(route, APIRoute) else None
        if path and methods and extra and MARK in extra:
            found.append((set(methods), compile_path(path)[0], str(extra[MARK])))
    return found


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


class BodyLimits:
    def __init__(self, app: ASGIApp, settings: Settings, routes: Callable[[], list[Any]], answer: Answer) -> None:
        self.app = app
        self.settings = settings
        self.routes = routes
        self.answer = answer
        self._uploads: list[tuple[set[str], re.Pattern[str], str]] | None = None

    def _upload_kind(self, scope: Scope) -> str | None:
        if self._uploads is None:  # routes are all added once the first request comes
            self._uploads = upload_routes(self.routes())
        if scope["method"] not in ("POST", "PUT"):
            return None
        for methods, pattern, kind in self._uploads:
            if scope["method"] in methods and pattern.fullmatch(scope["path"]):
                return kind
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
        kind = self._upload_kind(scope)
        if kind is not None:
            limit = self.settings.max_upload_bytes if kind == "upload" else self.settings.import_max_feed_bytes
            refusal: CatalogueError = too_large(limit)  # the message names the file's limit, the form around it aside
            if content_type == b"multipart/form-data":
                limit += FORM_ALLOWANCE
        elif content_type == b"application/json" or content_type.endswith(b"+json"):
            limit = self.settings.max_json_bytes
            refusal = too_large_body(limit, "JSON")
        else:
            limit = self.settings.max_form_bytes
            refusal = too_large_body(limit, "forms and other bodies")
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await self._refuse(scope, send, refusal)
            return
        if kind is not None:
            scope[UPLOAD_SCOPE_KEY] = limit
            await self.app(scope, self._counting(receive, limit, refusal), send)
            return
        if (
            declared is not None
            and int(declared) == 0
            or (declared is None and not _header(scope, b"transfer-encoding"))
        ):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_whole(receive, limit, refusal)
        except (BodyTooLarge, BodyTimeout) as exc:
            await self._refuse(scope, send, exc)
            return
        field = control_character_field(body, content_type)
        if field is not None:
            message = (
                f"{field}: contains a control character (such as NUL); only text, tabs and line breaks are accepted."
            )
            await bad_request(send, message, field)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_whole(self, receive: Receive, limit: int, refusal: CatalogueError) -> bytes:
        chunks: list[bytes] = []
        size = 0
        seconds = self.settings.body_timeout_seconds
        with anyio.move_on_after(seconds) as scope:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break  # disconnected: the app will see an empty body and the server drops the answer
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise refusal
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
        if scope.cancelled_caught:
            raise too_slow(seconds)
        return b"".join(chunks)

    def _counting(self, receive: Receive, limit: int, refusal: CatalogueError) -> Receive:
        size = 0
        seconds = self.settings.body_timeout_seconds

        async def counted() -> Message:
            nonlocal size
            with anyio.move_on_after(seconds):
                message = await receive()
                if message["type"] == "http.request":
                    size += len(message.get("body", b""))
                    if size > limit:
                        raise refusal
                return message
            raise too_slow(seconds)

        return counted

    async def _refuse(self, scope: Scope, send: Send, error: CatalogueError) -> None:
        response = self.answer(scope, error.status, error.as_dict())
        response.headers["Connection"] = "close"  # the rest of the body is not read: the connection cannot be reused

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
        give_back_memory()


_trim_pending = False


def give_back_memory() -> None:
    """After a refused body: glibc keeps the pages its chunks were in (the heap only shrinks from the top), so a
    stream of hostile bodies would leave the process tens of MB larger; malloc_trim hands the free pages back. Once
    per burst: half a second after the first refusal (it walks the heap); a no-op where the C library has no
    malloc_trim."""
    global _trim_pending
    if _trim_pending or _malloc_trim is None:
        return
    _trim_pending = True

    def trim() -> None:
        global _trim_pending
        _trim_pending = False
        if _malloc_trim is not None:
            _malloc_trim(0)

    asyncio.get_running_loop().call_later(0.5, trim)


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (AttributeError, OSError):
        return None


_malloc_trim = _find_malloc_trim()


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # http.disconnect, when the client goes

    return replay
