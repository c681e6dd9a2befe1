"""Enclosure and side-file routes: /media/{show}/{episode}.{ext}, /artwork/{key}, /chapters/{show}/{episode}.json
and /transcripts/{show}/{episode}.{lang}.{vtt,srt}.

Enclosure URLs are permanent (they are in every listener's app): they redirect (302) to the storage's public URL
when there is one, or to the external host of an externally hosted episode; otherwise the catalogue streams the
object itself and honours HEAD and Range exactly (one byte range; 206 with Content-Range; 416 with `bytes */size`;
If-Range and If-None-Match against the ETag), because Apple stops ingesting a feed whose enclosures break Range.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from ..catalogue.models import Episode, MediaFile, Show
from ..catalogue.versions import VersionReader
from ..db import Database
from ..errors import NotFound
from ..media.chapters import VERSION as CHAPTERS_VERSION
from ..media.transcripts import MIME_TYPES as TRANSCRIPT_TYPES
from ..storage import Storage
from .deps import SessionDep, StorageDep
from .pagecache import etag_matches
from .pages import find_episode

if TYPE_CHECKING:
    from .downloads import DownloadLog

router = APIRouter(include_in_schema=False)
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
MEDIA_CACHE = "public, max-age=3600"
ARTWORK_WIDTHS = (96, 192, 400, 800)
# What ingest.store_artwork writes (artwork/<digest>.<jpg|png>) and the video thumbnails fetched once from a provider
# (thumbnails/<provider>-<id>.<jpg|png>): the only objects /artwork/ serves.
ARTWORK_KEY = re.compile(r"(?:artwork|thumbnails)/[A-Za-z0-9_-]{1,200}\.(?:jpg|jpeg|png)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """(start, end) inclusive for one satisfiable byte range; None to ignore the header (absent, malformed or
    several ranges: a full 200 is a valid answer); "unsatisfiable" for a range beyond the object (416)."""
    if not header or "," in header:
        return None
    match = _RANGE.match(header)
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            return "unsatisfiable"
        return start, min(end, size - 1)
    suffix = int(last)
    if suffix == 0 or size == 0:
        return "unsatisfiable"
    return max(0, size - suffix), size - 1


def if_range_matches(header: str | None, tag: str | None, last_modified: datetime | None) -> bool:
    """RFC 9110 13.1.5: If-Range holds a strong entity tag or an HTTP date; the range applies when it names the
    current version: the same strong tag, or exactly the Last-Modified date we send."""
    value = (header or "").strip()
    if not value:
        return True
    if value.startswith(('"', "W/")):
        return tag is not None and value == tag  # a weak tag never matches
    if last_modified is None:
        return False
    try:
        sent = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)
        return parsedate_to_datetime(value) == sent.replace(microsecond=0)
    except (TypeError, ValueError):
        return False


def serve_object(
    request: Request, storage: Storage, key: str, *, content_type: str, etag: str | None = None,
    cache_control: str = MEDIA_CACHE, extra: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """Redirect to the object's public URL, or stream it with exact HEAD/Range/conditional semantics."""
    public = storage.public_url(key)
    if public:
        return RedirectResponse(public, status_code=302, headers={"Cache-Control": cache_control, **(extra or {})})
    stat = storage.stat(key)
    if stat is None:
        raise NotFound("The file of this item is missing from storage.")
    size = stat.size
    tag = f'"{etag}"' if etag else (f'"{stat.etag.strip(chr(34))}"' if stat.etag else None)
    headers = {"Accept-Ranges": "bytes", "Content-Type": content_type, "Cache-Control": cache_control, **(extra or {})}
    if tag:
        headers["ETag"] = tag
    if stat.last_modified is not None:
        headers["Last-Modified"] = format_datetime(stat.last_modified, usegmt=True)
    if tag and etag_matches(request.headers.get("if-none-match", "").encode("latin-1"), tag.encode()):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
    wanted = parse_range(request.headers.get("range"), size)
    if wanted is not None and not if_range_matches(request.headers.get("if-range"), tag, stat.last_modified):
        wanted = None  # the client's copy is another version: send the whole new one
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    status, start, end = 200, 0, size - 1
    if isinstance(wanted, tuple):
        status, (start, end) = 206, wanted
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1 if size else 0
    headers["Content-Length"] = str(length)
    if request.method == "HEAD" or length == 0:
        return Response(status_code=status, headers=headers)
    if length <= READ_WHOLE_BYTES:  # read here, in the route's thread: no thread hop per chunk while sending
        data = b"".join(storage.iter_range(key, start, end))
        return StreamingResponse(_in_memory(data), status_code=status, headers=headers)
    return StreamingResponse(storage.iter_range(key, start, end), status_code=status, headers=headers)


READ_WHOLE_BYTES = 256 * 1024


async def _in_memory(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _split(filename: str, parts: int) -> list[str]:
    """'slug.ext' -> [slug, ext]; 'slug.lang.ext' -> [slug, lang, ext]; NotFound for anything else."""
    pieces = filename.split(".")
    if len(pieces) < parts or not all(pieces):
        raise NotFound(f"'{filename}' is not a file of this catalogue.")
    return [".".join(pieces[: len(pieces) - parts + 1]), *pieces[len(pieces) - parts + 1 :]]


class _Enclosures:
    """The live episodes enclosure requests found, per worker, tagged with the catalogue version (as feeds and
    pages are): a podcast app's request costs no database read while nothing changed. The rows are kept detached
    from their session, with the columns and media files they had. Only found episodes are kept: a 404, 410 or 301
    is looked up again every time (a scheduled episode goes live by the clock)."""

    def __init__(self, database: Database, max_entries: int = 4096) -> None:
        self.database = database
        self.entries: OrderedDict[tuple[str, str], tuple[int, Show, Episode]] = OrderedDict()
        self.max_entries = max_entries
        self.lock = threading.Lock()
        self.versions = VersionReader(database.engine)

    @classmethod
    def of(cls, state: Any) -> _Enclosures:
        """The app's own (made on first use): each app has its database."""
        with _made:
            found: _Enclosures | None = getattr(state, "enclosures", None)
            if found is None:
                found = state.enclosures = cls(state.database)
            return found

    def find(self, show: str, slug: str) -> tuple[Show, Episode]:
        database = self.database
        with self.lock:  # the reader is used by one thread at a time
            version = self.versions.read()
            found = self.entries.get((show, slug))
            if found is not None and found[0] == version:
                self.entries.move_to_end((show, slug))
                return found[1], found[2]
        with database.session() as session:
            found_show, episode = find_episode(session, show, slug)
            session.expunge_all()  # keeps what was loaded (columns, media files) readable after the session ends
        with self.lock:
            self.entries[(show, slug)] = (version, found_show, episode)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return found_show, episode


_made = threading.Lock()


@router.api_route("/media/{show}/{filename}", methods=["GET", "HEAD"])
def enclosure(show: str, filename: str, request: Request) -> Response:
    stem, extension = _split(filename, 2)
    slug, _, role = stem.partition(".")
    role = role or "primary"
    found_show, episode = _Enclosures.of(request.app.state).find(show, slug)
    storage: Storage = request.app.state.storage
    downloads: DownloadLog = request.app.state.downloads  # counting (web/downloads.py): every answer is logged
    media: MediaFile | None
    for media in episode.media_files:
        if media.role == role and media.extension.lower() == extension.lower():
            key, mime = media.storage_key, media.mime_type
            response = serve_object(request, storage, key, content_type=mime, etag=media.sha256)
            break
    else:
        if not (role == "primary" and episode.external_enclosure_url and not episode.media_files):
            raise NotFound(f"The episode '{slug}' of '{found_show.slug}' has no {role} .{extension} file.")
        media, response = None, RedirectResponse(episode.external_enclosure_url, status_code=302)
    if not downloads.enabled:
        return response
    with request.app.state.database.session() as session:  # the day's salt, read once a day per zone
        return downloads.track(request, response, session, found_show, episode, media)


class _Thumbnails:
    """Small artwork renditions (the embed player must weigh under 30 KB): made once per worker, kept in an LRU."""

    def __init__(self, max_entries: int = 128) -> None:
        self.entries: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
        self.max_entries = max_entries
        self.lock = threading.Lock()

    def get(self, storage: Storage, key: str, version: str, width: int) -> bytes:
        cache_key = (key, version, width)
        with self.lock:
            if cache_key in self.entries:
                self.entries.move_to_end(cache_key)
                return self.entries[cache_key]
        from PIL import Image

        with storage.open(key) as handle, Image.open(handle) as image:
            image.draft("RGB", (width, width))
            rendition = image.convert("RGB")
            rendition.thumbnail((width, width))
            out = io.BytesIO()
            rendition.save(out, "JPEG", quality=80, optimize=True, progressive=True)
        data = out.getvalue()
        with self.lock:
            self.entries[cache_key] = data
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return data


thumbnails = _Thumbnails()


@router.api_route("/artwork/{key:path}", methods=["GET", "HEAD"])
def artwork(key: str, request: Request, storage: StorageDep, w: int | None = None) -> Response:
    from ..storage import validate_key

    validate_key(key)
    if not ARTWORK_KEY.fullmatch(key):  # audio, transcripts and anything else stored are never served from here
        raise NotFound("No such artwork.")
    cache = "public, max-age=86400"
    if w is None:
        stat = storage.stat(key)
        content_type = (stat.content_type if stat else None) or "image/jpeg"
        return serve_object(request, storage, key, content_type=content_type, cache_control=cache)
    if w not in ARTWORK_WIDTHS:
        raise NotFound(f"Artwork comes in widths {', '.join(map(str, ARTWORK_WIDTHS))}.")
    stat = storage.stat(key)
    if stat is None:
        raise NotFound("No such artwork.")
    version = (stat.etag or str(stat.size)).strip('"')
    tag = f'"{version}-w{w}"'
    headers = {"ETag": tag, "Cache-Control": cache}
    if etag_matches(request.headers.get("if-none-match", "").encode("latin-1"), tag.encode()):
        return Response(status_code=304, headers=headers)
    data = thumbnails.get(storage, key, version, w)
    return Response(b"" if request.method == "HEAD" else data, media_type="image/jpeg", headers={
        **headers, "Content-Length": str(len(data))})  # fmt: skip


@router.api_route("/chapters/{show}/{filename}", methods=["GET", "HEAD"])
def chapters(show: str, filename: str, request: Request, session: SessionDep) -> Response:
    slug, extension = _split(filename, 2)
    if extension != "json":
        raise NotFound("Chapters are published as JSON.")
    _, episode = find_episode(session, show, slug)
    if not episode.chapters:
        raise NotFound(f"The episode '{slug}' has no chapters.")
    body = json.dumps({"version": CHAPTERS_VERSION, "chapters": episode.chapters}, ensure_ascii=False).encode()
    # Validators like every other file we serve: apps poll chapters, and a 304 saves them the download.
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300", "ETag": tag,
        "Last-Modified": format_datetime(episode.updated_at.astimezone(UTC), usegmt=True),
    }  # fmt: skip
    if etag_matches(request.headers.get("if-none-match", "").encode("latin-1"), tag.encode()):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        return Response(media_type="application/json+chapters", headers={**headers, "Content-Length": str(len(body))})
    return Response(body, media_type="application/json+chapters", headers=headers)


@router.api_route("/transcripts/{show}/{filename}", methods=["GET", "HEAD"])
def transcript(show: str, filename: str, request: Request, session: SessionDep, storage: StorageDep) -> Response:
    slug, language, fmt = _split(filename, 3)
    _, episode = find_episode(session, show, slug)
    for item in episode.transcripts:
        if item.language == language and item.format == fmt:
            content_type = f"{TRANSCRIPT_TYPES.get(fmt, item.mime_type)}; charset=utf-8"
            return serve_object(
                request, storage, item.storage_key, content_type=content_type, cache_control="public, max-age=300",
                extra={"Access-Control-Allow-Origin": "*", "Content-Language": language},
            )  # fmt: skip
    raise NotFound(f"The episode '{slug}' has no {fmt} transcript in '{language}'.")
