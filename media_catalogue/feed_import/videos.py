"""Video channels into videos: a YouTube channel or playlist feed (Atom with yt:videoId and media:group) or a Vimeo
user/channel RSS feed. Videos are created or updated by provider id, so a second import changes nothing; each
video's thumbnail is fetched once, at import, and served by the catalogue (a visitor's browser asks the provider for
nothing before a click)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

from lxml import etree
from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from ..catalogue import audit, versions
from ..catalogue.audit import Actor
from ..catalogue.editing.common import slugify
from ..catalogue.models import Video
from ..catalogue.providers import recognise
from ..catalogue.queries import get_project
from ..catalogue.queries import imports as reads
from ..config import Settings
from ..errors import CatalogueError
from ..storage import Storage
from ..text import plain_text
from .document import ATOM, MEDIA, YOUTUBE, local_name, namespace_of, parse_document, refuse
from .fetch import fetch_bytes
from .notes import html_to_markdown
from .values import children, first, iso_or_rfc822, text_of

ACCEPTED = "accepted: a YouTube channel or playlist feed (Atom with yt:videoId) or a Vimeo RSS feed"
THUMBNAIL_LIMIT = 5 * 1024 * 1024


@dataclass
class VideoData:
    provider: str
    provider_id: str
    url: str
    title: str
    description: str = ""
    published_on: date | None = None
    thumbnail_url: str | None = None


@dataclass
class ParsedVideos:
    videos: list[VideoData]
    warnings: list[str] = field(default_factory=list)


@dataclass
class VideoReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported videos: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.warnings)} warning(s)"
        )


def _thumbnail(parent: etree._Element | None) -> str | None:
    found = [el for el in (parent.iter() if parent is not None else []) if isinstance(el.tag, str)]
    thumbs = [el for el in found if namespace_of(el) == MEDIA and local_name(el) == "thumbnail" and el.get("url")]
    if not thumbs:
        return None
    best = max(thumbs, key=lambda el: int(el.get("width") or 0) if (el.get("width") or "").isdigit() else 0)
    return (best.get("url") or "").strip() or None


def _youtube(root: etree._Element, warnings: list[str]) -> list[VideoData]:
    videos = []
    for position, entry in enumerate(children(root, ATOM, "entry"), start=1):
        video_id = text_of(first(entry, YOUTUBE, "videoId"))
        if not video_id:
            warnings.append(f"warning: entry {position}: no yt:videoId; skipped")
            continue
        group = first(entry, MEDIA, "group")
        moment = iso_or_rfc822(text_of(first(entry, ATOM, "published")), f"entry {position}", warnings)
        try:
            found = recognise(f"https://www.youtube.com/watch?v={video_id}")
        except CatalogueError as exc:
            warnings.append(f"warning: entry {position}: {exc.message}; skipped")
            continue
        videos.append(
            VideoData(
                provider=found.provider, provider_id=found.provider_id, url=found.canonical_url,
                title=text_of(first(entry, ATOM, "title")) or text_of(first(group, MEDIA, "title")) or video_id,
                description=text_of(first(group, MEDIA, "description")),
                published_on=moment.date() if moment else None, thumbnail_url=_thumbnail(group),
            )
        )  # fmt: skip
    return videos


def _vimeo(channel: etree._Element, warnings: list[str]) -> list[VideoData]:
    videos = []
    for position, item in enumerate(children(channel, "", "item"), start=1):
        link = text_of(first(item, "", "link"))
        where = f"item {position}"
        try:
            found = recognise(link)
        except CatalogueError as exc:
            warnings.append(f"warning: {where}: {exc.message}; skipped")
            continue
        moment = iso_or_rfc822(text_of(first(item, "", "pubDate")), where, warnings)
        videos.append(
            VideoData(
                provider=found.provider, provider_id=found.provider_id, url=found.canonical_url,
                title=text_of(first(item, "", "title")) or found.provider_id,
                description=plain_text(html_to_markdown(text_of(first(item, "", "description")))),
                published_on=moment.date() if moment else None, thumbnail_url=_thumbnail(item),
            )
        )  # fmt: skip
    return videos


def parse_videos(data: bytes, *, base_url: str | None = None) -> ParsedVideos:
    document = parse_document(data, base_url=base_url)
    root, warnings = document.root, list(document.warnings)
    name = local_name(root).lower()
    if name == "feed" and namespace_of(root) == ATOM:
        if not any(namespace_of(el) == YOUTUBE for el in root.iter() if isinstance(el.tag, str)):
            raise refuse("an Atom feed without yt:videoId (not a YouTube channel or playlist feed)", ACCEPTED)
        videos = _youtube(root, warnings)
    elif name == "rss" and first(root, "", "channel") is not None:
        videos = _vimeo(first(root, "", "channel"), warnings)  # type: ignore[arg-type]
    else:
        raise refuse(f"an XML document whose root is <{name}>", ACCEPTED)
    if not videos:
        raise refuse("a feed with no YouTube or Vimeo video in it", ACCEPTED)
    return ParsedVideos(videos, warnings)


def store_thumbnail(storage: Storage, settings: Settings, provider: str, url: str) -> str:
    """Fetch a video's thumbnail once and store it (the catalogue serves it from then on); returns its key, or
    raises CatalogueError saying why not. Used when videos are imported, and by sync when a video gets its link."""
    try:
        data, _ = fetch_bytes(url, settings, limit=THUMBNAIL_LIMIT)
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "").lower()
    except (UnidentifiedImageError, OSError):
        raise CatalogueError("not an image") from None
    if kind not in ("jpeg", "png", "webp"):
        raise CatalogueError(f"a {kind or 'unknown'} image, not JPEG, PNG or WebP")
    extension = {"jpeg": "jpg"}.get(kind, kind)
    key = f"thumbnails/{provider}-{hashlib.sha256(data).hexdigest()[:20]}.{extension}"
    if not storage.exists(key):
        storage.put_bytes(key, data, content_type=f"image/{kind}")
    return key


def _store_thumbnail(storage: Storage, settings: Settings, video: VideoData, warnings: list[str]) -> str | None:
    if not video.thumbnail_url:
        return None
    try:
        return store_thumbnail(storage, settings, video.provider, video.thumbnail_url)
    except CatalogueError as exc:
        warnings.append(f"warning: video {video.provider}:{video.provider_id}: thumbnail not imported: {exc.message}")
        return None


def import_videos(
    session: Session, storage: Storage, settings: Settings, parsed: ParsedVideos, *,
    project: str | None = None, series: str | None = None, actor: Actor,
) -> VideoReport:  # fmt: skip
    report = VideoReport(warnings=list(parsed.warnings))
    project_row = get_project(session, project) if project else None
    slugs = reads.taken_video_slugs(session)
    known: dict[str, dict[str, Video]] = {}
    for data in parsed.videos:
        existing = known.setdefault(data.provider, reads.videos_by_provider(session, data.provider))
        video = existing.get(data.provider_id)
        values = {
            "title": data.title[:500], "url": data.url, "description": data.description,
            "published_on": data.published_on, **({"series": series[:200]} if series else {}),
            **({"project_id": project_row.id} if project_row else {}),
        }  # fmt: skip
        if video is None:
            slug = base = slugify(data.title)
            counter = 2
            while slug in slugs:
                slug, counter = f"{base}-{counter}", counter + 1
            slugs.add(slug)
            video = Video(slug=slug, provider=data.provider, provider_id=data.provider_id, **values)
            session.add(video)
            existing[data.provider_id] = video
            report.added += 1
        elif any(getattr(video, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(video, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
        if video.thumbnail_key is None:
            video.thumbnail_key = _store_thumbnail(storage, settings, data, report.warnings)
    session.flush()
    versions.bump_catalogue(session)
    audit.record(session, actor, "video.import", "video", None, f"{len(parsed.videos)} videos", note=report.summary())
    return report
