"""A multipart/form-data body read as it arrives, for the workspace's upload forms: the small text fields before the
file (the CSRF token first of all) are read without touching the file; the file part is then written straight to
a temp file of the storage, its size limit enforced while it comes, and the fields after it are read too. Nothing
is spooled anywhere else, and nothing of the file is held in memory beyond one chunk.

One reader per request, kept in the request's scope: the CSRF check (web.auth) reads the fields before the file,
the route (web.staff.uploads.spooled_form_file) goes on from there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from ..errors import Invalid
from ..media.validate import too_large

SCOPE_KEY = "mc_multipart"
FIELD_BYTES = 16384  # a CSRF token, a language code, an ETag: text fields of an upload form are short
MAX_PARTS = 20


class UploadForm:
    def __init__(self, request: Request) -> None:
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary:
            raise Invalid("Send the form as multipart/form-data, with its boundary.", field="file")
        self.chunks: AsyncIterator[bytes] = request.stream()
        self.fields: list[tuple[str, str | UploadFile]] = []
        self.filename: str | None = None
        self.file_field: str | None = None
        self.done = False
        self._pending: list[bytes] = []  # file bytes parsed before the file was opened (one chunk at most)
        self._file: IO[bytes] | None = None
        self._parts = 0
        self._name = ""
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]
        self._text = bytearray()
        self._in_file = False
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": lambda data, start, end: self._grow(0, data[start:end]),
                "on_header_value": lambda data, start, end: self._grow(1, data[start:end]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_part_end": self._end,
            },
        )

    # -- parser callbacks (synchronous) ---------------------------------------------------------------------------

    def _begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise Invalid(f"The form has more than {MAX_PARTS} fields.", field="form")
        self._headers, self._text, self._in_file = {}, bytearray(), False

    def _grow(self, which: int, data: bytes) -> None:
        self._header[which] += data

    def _header_end(self) -> None:
        self._headers[self._header[0].lower()] = self._header[1]
        self._header = [b"", b""]

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if self.file_field is not None:
                raise Invalid("Send one file per form.", field=self._name or "file")
            self.file_field = self._name
            self.filename = options[b"filename"].decode("utf-8", "replace")
            self._in_file = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])
            return
        self._text += data[start:end]
        if len(self._text) > FIELD_BYTES:
            raise Invalid(f"The field {self._name!r} is longer than {FIELD_BYTES} bytes.", field=self._name or "form")

    def _end(self) -> None:
        if not self._in_file:
            self.fields.append((self._name, self._text.decode("utf-8", "replace")))
        self._in_file = False

    # -- reading ----------------------------------------------------------------------------------------------------

    async def _feed_one(self) -> bool:
        """Parse the next chunk; False at the end of the body."""
        if self.done:
            return False
        try:
            chunk = await self.chunks.__anext__()
        except StopAsyncIteration:
            self.done = True
            self._parse(None)
            return False
        self._parse(chunk)
        return True

    def _parse(self, chunk: bytes | None) -> None:
        try:
            self.parser.write(chunk) if chunk is not None else self.parser.finalize()
        except FormParserError as exc:  # not multipart at all, a broken boundary, too many part headers...
            raise Invalid(f"The form could not be read as multipart/form-data ({exc}).", field="form") from None
        if chunk is None and (self.file_field is None and not self.fields):
            raise Invalid("The form is empty.", field="form")

    async def fields_before_file(self) -> FormData:
        """The text fields sent before the file part (all of them if there is no file); the file is not read."""
        while self.file_field is None and await self._feed_one():
            pass
        return FormData(self.fields)

    async def spool_file(self, path: Path, limit: int) -> int:
        """Write the file part to `path` as it arrives (413 past `limit` bytes), then read the fields after it;
        the file's size."""
        await self.fields_before_file()
        size = 0
        handle = await run_in_threadpool(open, path, "wb")
        try:
            while True:
                pending, self._pending = self._pending, []
                for piece in pending:
                    size += len(piece)
                    if size > limit:
                        raise too_large(limit)
                    await run_in_threadpool(handle.write, piece)
                if not await self._feed_one():
                    break
        finally:
            handle.close()
        return size


def upload_form(request: Request) -> UploadForm:
    """The request's one reader (made on first use)."""
    reader = request.scope.get(SCOPE_KEY)
    if reader is None:
        reader = request.scope[SCOPE_KEY] = UploadForm(request)
    return reader  # type: ignore[no-any-return]
