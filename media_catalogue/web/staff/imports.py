"""Staff API for feed imports (admins only): POST /api/staff/imports/{show} with the feed XML as the body, or
`?url=` to fetch it. `?preview=true` parses and checks without writing anything (what would be imported, with every
warning); otherwise the import runs like `media-catalogue import-feed` and answers its report. The body is bounded
before parsing; a refusal answers 422 with what was found and what is accepted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing.common import Slug
from ...errors import Invalid
from ...feed_import.apply import ImportOptions, check, import_feed
from ...feed_import.document import parse_document
from ...feed_import.fetch import read_source
from ...feed_import.parse import ParsedFeed, parse_feed
from ..auth import require
from ..deps import SessionDep, SettingsDep, StorageDep
from ..limits import FEED
from .uploads import spooled_body

router = APIRouter()
Admin = Annotated[Identity, Depends(require(Role.admin))]


class ItemPreview(BaseModel):
    guid: str
    title: str
    enclosure_url: str
    published_at: str | None


class ImportOut(BaseModel):
    show: str
    preview: bool
    title: str
    podcast_guid: str | None
    items: list[ItemPreview]
    warnings: list[str]
    summary: str | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def _preview_items(feed: ParsedFeed) -> list[ItemPreview]:
    return [
        ItemPreview(guid=i.guid, title=i.title, enclosure_url=i.enclosure.url,
                    published_at=i.published_at.isoformat() if i.published_at else None)
        for i in feed.items
    ]  # fmt: skip


@router.post(
    "/imports/{show}",
    response_model=ImportOut,
    summary="Import (or preview) a podcast feed into a show",
    openapi_extra={"x-required-role": "admin", **FEED},  # a feed document may be the body (web.limits)
)
async def import_show_feed(
    request: Request,
    show: Slug,
    identity: Admin,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    url: Annotated[str | None, Query(max_length=2000, description="Fetch the feed from here.")] = None,
    preview: bool = False,
    download: bool = True,
    owner_confirmed: bool = False,
) -> ImportOut:
    if url is not None:
        if not url.startswith(("http://", "https://")):
            raise Invalid("url must start with http:// or https://", field="url")
        data, feed_url = await run_in_threadpool(read_source, url, settings)
    else:
        async with spooled_body(request, storage, settings.import_max_feed_bytes) as path:
            data, feed_url = path.read_bytes(), None
    feed = parse_feed(parse_document(data, base_url=feed_url), feed_url=feed_url)
    options = ImportOptions(
        actor=identity.actor(), download=download, owner_confirmed=owner_confirmed, feed_url=feed_url
    )
    out = ImportOut(
        show=show, preview=preview, title=feed.show.title, podcast_guid=feed.show.podcast_guid,
        items=_preview_items(feed), warnings=list(feed.warnings),
    )  # fmt: skip
    if preview:
        await run_in_threadpool(check, session, settings, show, feed, options)
        return out
    report = await run_in_threadpool(import_feed, session, storage, settings, show, feed, options)
    out.warnings, out.summary = report.warnings, report.summary()
    out.added, out.updated, out.unchanged, out.failed = report.added, report.updated, report.unchanged, report.failed
    return out
