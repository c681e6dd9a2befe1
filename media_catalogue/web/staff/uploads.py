"""Uploads, for the staff API and the workspace alike: the file is spooled to a temp file of the storage (never
held whole in memory), the size limit enforced while it arrives, and "too large" is always the media layer's one
message (media.validate.too_large). Plus the API's Idempotency-Key replays."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...catalogue import access
from ...catalogue.access import Identity
from ...errors import Invalid
from ...media.validate import too_large
from ...storage import Storage
from ..limits import FORM_ALLOWANCE
from ..multipart import upload_form

IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class FormUpload:
    """The file of a multipart form, spooled to `path`, with its original name and the form's other fields."""

    path: Path
    filename: str
    form: FormData


def refuse_declared_size(request: Request, limit: int, allowance: int = 0) -> None:
    """Refuse before reading when the declared Content-Length already passes the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + allowance:
        raise too_large(limit)


async def _spool(chunks: AsyncIterator[bytes], path: Path, limit: int) -> int:
    """Write the chunks to `path` as they arrive, refusing as soon as more than `limit` bytes came; the size."""
    size = 0
    handle = await run_in_threadpool(open, path, "wb")
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            if chunk:
                await run_in_threadpool(handle.write, chunk)
    finally:
        handle.close()
    return size


@contextlib.asynccontextmanager
async def spooled_body(request: Request, storage: Storage, limit: int) -> AsyncIterator[Path]:
    """The request body (the staff API's uploads) in a temp file that is removed afterwards. A declared
    Content-Length over the limit is refused before reading; an undeclared or lying one as soon as it is passed."""
    refuse_declared_size(request, limit)
    with storage.temp_file() as path:
        if await _spool(request.stream(), path, limit) == 0:
            raise Invalid("The request has no file in its body.", code="empty_upload", field="file")
        yield path


@contextlib.asynccontextmanager
async def spooled_form_file(
    request: Request, storage: Storage, limit: int, field: str = "file"
) -> AsyncIterator[FormUpload]:
    """The file of a multipart form (the workspace's upload forms) in a temp file that is removed afterwards, with
    the same limit and message as spooled_body. The form is read as it arrives (web.multipart): the file goes
    straight to the temp file, never spooled elsewhere; the other fields come with it."""
    refuse_declared_size(request, limit, FORM_ALLOWANCE)
    reader = upload_form(request)
    await reader.fields_before_file()
    if reader.file_field != field or not reader.filename:
        raise Invalid("Choose a file first.", field=field)
    with storage.temp_file() as path:
        await reader.spool_file(path, limit)
        yield FormUpload(path, reader.filename, FormData(reader.fields))


# -- Idempotency-Key ---------------------------------------------------------------------------------------------


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
