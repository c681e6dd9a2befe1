"""Upload plumbing shared by the staff API and the workspace: a request body streamed to a temp file (never held in
memory; the size limit enforced while it arrives), and Idempotency-Key replays."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..catalogue import access
from ..catalogue.access import Identity
from ..errors import Invalid, TooLarge

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _too_large(limit: int) -> TooLarge:
    mib = limit / 1048576
    return TooLarge(f"The file is larger than the {mib:.0f} MiB limit; export it at a lower bitrate and try again.")


@contextlib.asynccontextmanager
async def spooled_body(request: Request, storage: Any, limit: int) -> AsyncIterator[Path]:
    """The request body in a temp file that is removed afterwards. A declared Content-Length over the limit is
    refused before reading; an undeclared or lying one is refused as soon as the limit is passed."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    with storage.temp_file() as path:
        size = 0
        handle = await run_in_threadpool(open, path, "wb")
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                if chunk:
                    await run_in_threadpool(handle.write, chunk)
        finally:
            handle.close()
        if size == 0:
            raise Invalid("The request has no file in its body.", code="empty_upload", field="file")
        yield path


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 200:
        raise Invalid("Idempotency-Key must have 1 to 200 characters.", field=IDEMPOTENCY_HEADER)
    return key


def scope_of(request: Request) -> str:
    return f"{request.method} {request.url.path}"[:500]


def replay(session: Session, identity: Identity, request: Request) -> JSONResponse | None:
    """The stored answer of an earlier request with the same Idempotency-Key, if any."""
    key = idempotency_key(request)
    if key is None:
        return None
    found = access.idempotent_replay(session, identity.user, key, scope_of(request))
    if found is None:
        return None
    headers = {"Idempotent-Replayed": "true"}
    etag = (found.response or {}).get("etag")
    if isinstance(etag, str):
        headers["ETag"] = etag
    return JSONResponse(found.response, status_code=found.status_code, headers=headers)


def remember(session: Session, identity: Identity, request: Request, status_code: int, body: dict[str, Any]) -> None:
    key = idempotency_key(request)
    if key is not None:
        access.remember_outcome(session, identity.user, key, scope_of(request), status_code, body)
