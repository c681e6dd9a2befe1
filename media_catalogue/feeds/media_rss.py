"""Media RSS feeds of videos (https://www.rssboard.org/media-rss): build_video_feed(videos, settings) -> RSS bytes.

For aggregators and partner sites following the catalogue's videos: /feeds/videos.xml and one per project. Like the
podcast feeds this is a pure function of catalogue objects and deterministic (lastBuildDate comes from the
catalogue), so every worker serves the same bytes under the same strong ETag.

feedgen's own media extension writes only media:content and media:thumbnail (always wrapped in media:group), so
this module has its own small extension, written the way podcast_ns.py is, for the elements a video needs:

- media:content (medium="video"): our stored file when the video's podcast episode carries one (URL, fileSize,
  type, duration, width, height), otherwise a content without url that holds the provider's media:player, which the
  specification allows ("if url is not included, a media:player element must be specified");
- media:player: the provider's embed URL (YouTube through youtube-nocookie.com), else our own video page;
- media:title, media:description (plain text), media:thumbnail (only where the provider's thumbnail address is
  deterministic: YouTube), media:credit (people with their role), media:category (the kind of video).

Only videos that can be watched are listed (our stored file, or the provider's player): a video the catalogue knows
only from a newsletter (no link yet) would be an empty entry in a reader, so it stays on the site only. GUIDs are
stored per video and survive renames; media:credit uses EBU role codes only under urn:ebu.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from .. import __version__
from ..catalogue.dates import day_instant
from ..catalogue.models import MediaFile, Project, Video
from ..catalogue.providers import ProviderVideo
from ..config import Settings
from ..errors import NotFound
from ..text import plain_text, xml_safe
from ..urls import UrlPlan
from .descriptions import DESCRIPTION_LIMIT, cdata, character_references, description_html, paragraph

MEDIA_NS = "http://search.yahoo.com/mrss/"
GENERATOR = f"media-catalogue {__version__}"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
KIND_SCHEME = "urn:media-catalogue:video-kind"
# media:credit roles: the default scheme (urn:ebu) allows only EBU role codes, so a role that is one of them is
# written under it; every other role (guest, speaker, panelist, host...) under our own scheme, never passed off as EBU.
EBU_SCHEME = "urn:ebu"
ROLE_SCHEME = "urn:media-catalogue:role"
EBU_ROLES = frozenset(
    {
        "actor", "anchor person", "author", "choreographer", "composer", "conductor", "director", "editor",
        "graphic designer", "grip", "illustrator", "lyricist", "music arranger", "music group", "musician",
        "orchestra", "performer", "photographer", "producer", "reporter", "vocalist",
    }
)  # fmt: skip
KIND_LABELS = {
    "vlog": "Vlog",
    "video_podcast": "Video podcast",
    "testimony": "Testimony",
    "webinar": "Webinar",
    "short_video": "Short video",
}
# YouTube's hqdefault.jpg is always 480x360 (letterboxed for 16:9).
YOUTUBE_THUMBNAIL_SIZE = (480, 360)
PLAYER_SIZE = (640, 360)


@dataclass(frozen=True)
class VideoFile:
    """A video file we store ourselves (the enclosure or alternate enclosure of a video podcast episode)."""

    url: str
    length: int
    type: str
    duration: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Credit:
    name: str
    role: str

    @property
    def scheme(self) -> str:
        return EBU_SCHEME if self.role in EBU_ROLES else ROLE_SCHEME


@dataclass(frozen=True)
class VideoItem:
    """Everything one <item> of the video feed says, computed from a video."""

    guid: str
    title: str
    link: str
    published_at: datetime | None
    description: str  # plain text (media:description type="plain")
    kind: str
    language: str | None = None
    player_url: str | None = None
    thumbnail_url: str | None = None
    file: VideoFile | None = None
    credits: tuple[Credit, ...] = ()
    updated_at: datetime = EPOCH
    description_html: str = ""  # the RSS <description>: sanitized HTML in CDATA, as in podcast feeds
    thumbnail_stored: bool = False  # served by the catalogue (its size is the provider's, not known here)

    @property
    def playable(self) -> bool:
        return self.file is not None or self.player_url is not None


def _provider(video: Video) -> ProviderVideo | None:
    if video.provider and video.provider_id and video.url:
        return ProviderVideo(video.provider, video.provider_id, video.url, video.start_seconds)
    return None


def video_file(video: Video, urls: UrlPlan) -> VideoFile | None:
    """Our stored video file of the video's podcast episode, when that episode is live and carries one: its video
    alternate enclosure first, else a primary enclosure that is itself a video."""
    episode = video.episode
    if episode is None or not episode.is_live():
        return None
    candidates: list[MediaFile] = [m for m in episode.media_files if m.role == "video"]
    candidates += [m for m in episode.media_files if m.role == "primary" and m.mime_type.startswith("video/")]
    if not candidates:
        return None
    media = candidates[0]
    return VideoFile(
        url=urls.enclosure(
            episode.show.slug, episode.slug, media.extension, role=media.role, storage_key=media.storage_key
        ),
        length=int(media.byte_length),
        type=media.mime_type,
        duration=max(1, round(media.duration_ms / 1000)) if media.duration_ms else None,
        width=media.width,
        height=media.height,
    )


def _published_at(video: Video, timezone: str | None) -> datetime | None:
    """The day the video came out, at noon in the time zone of its episode's show (else the catalogue's), as for
    podcast episodes (catalogue.dates); month- or year-precision dates stand for their first day. None for a video
    the catalogue knows only from a newsletter without a date: such an item has no pubDate rather than a made-up one."""
    if video.published_on is None:
        return None
    if video.episode is not None and video.episode.show is not None:
        timezone = video.episode.show.timezone
    return day_instant(video.published_on, timezone)


def video_item(video: Video, urls: UrlPlan, timezone: str | None = None) -> VideoItem:
    provider = _provider(video)
    page = urls.video(video.slug)
    title = xml_safe(video.title).strip() or video.slug
    file = video_file(video, urls)
    player = provider.embed_url if provider else (page if file else None)
    credits = tuple(
        Credit(name=xml_safe(credit.person.name), role=credit.role.strip().lower().replace("_", " "))
        for credit in video.credits
    )
    published_at = _published_at(video, timezone)
    return VideoItem(
        # Stored at creation and frozen (catalogue.identity.video_guid_for): a rename does not change it.
        guid=video.guid,
        title=title,
        link=page,
        published_at=published_at,
        description=plain_text(video.description, limit=DESCRIPTION_LIMIT) or title,
        description_html=description_html(video.description or "") or paragraph(title),
        kind=video.kind.value,
        language=video.language,
        player_url=player,
        # ours when it has been fetched (sync, import), else the provider's deterministic address
        thumbnail_url=urls.artwork(video.thumbnail_key)
        if video.thumbnail_key
        else (provider.thumbnail_url if provider else None),
        thumbnail_stored=bool(video.thumbnail_key),
        file=file,
        credits=credits,
        updated_at=max(video.updated_at or EPOCH, published_at or EPOCH),
    )


def video_items(videos: Iterable[Video], urls: UrlPlan, timezone: str | None = None) -> list[VideoItem]:
    """Items that can be watched (our file or the provider's player), newest first and undated ones last (as the
    /videos listing orders them), ties by title then slug. A video known only from a newsletter (no link yet) is
    left out: a reader would show an empty entry; its page still lists it."""
    items = [(video_item(video, urls, timezone), video.slug) for video in videos]
    items = [(item, slug) for item, slug in items if item.playable]
    items.sort(key=lambda pair: (pair[0].title, pair[1]))
    items.sort(key=lambda pair: pair[0].published_at or EPOCH, reverse=True)
    items.sort(key=lambda pair: pair[0].published_at is None)
    return [item for item, _slug in items]


class MediaRssExtension(BaseExtension):  # type: ignore[misc]
    """Declares the media namespace on the channel."""

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}


def _tag(name: str) -> str:
    return f"{{{MEDIA_NS}}}{name}"


def _set(element: Any, **attributes: object) -> None:
    for key, value in attributes.items():
        if value is not None and value != "":
            element.attrib[key] = str(value)


class MediaRssEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Writes the Media RSS elements of one item from a VideoItem."""

    def __init__(self) -> None:
        self.__item: VideoItem | None = None

    def video(self, item: VideoItem | None = None) -> VideoItem | None:
        if item is not None:
            self.__item = item
        return self.__item

    def extend_rss(self, entry: Any) -> Any:
        item = self.__item
        if item is None:
            return entry
        if item.playable:
            content = xml_elem(_tag("content"), entry)
            file = item.file
            if file is not None:
                _set(content, url=file.url, fileSize=file.length, type=file.type)
            _set(content, medium="video", expression="full", isDefault="true")
            if file is not None:
                _set(content, duration=file.duration, width=file.width, height=file.height)
            _set(content, lang=item.language)
            if item.player_url:
                player = xml_elem(_tag("player"), content)
                _set(player, url=item.player_url, width=PLAYER_SIZE[0], height=PLAYER_SIZE[1])
        title = xml_elem(_tag("title"), entry, type="plain")
        title.text = item.title
        description = xml_elem(_tag("description"), entry, type="plain")
        description.text = item.description
        if item.thumbnail_url:
            thumbnail = xml_elem(_tag("thumbnail"), entry)
            _set(thumbnail, url=item.thumbnail_url)
            if not item.thumbnail_stored:
                width, height = YOUTUBE_THUMBNAIL_SIZE
                _set(thumbnail, width=width, height=height)
        for credit in item.credits:
            element = xml_elem(_tag("credit"), entry, role=credit.role, scheme=credit.scheme)
            element.text = credit.name
        category = xml_elem(_tag("category"), entry, scheme=KIND_SCHEME, label=KIND_LABELS.get(item.kind, item.kind))
        category.text = item.kind
        return entry


def _common_language(items: Sequence[VideoItem]) -> str | None:
    languages = {item.language for item in items}
    return languages.pop() if len(languages) == 1 else None


def build_video_feed(
    videos: Iterable[Video],
    settings: Settings,
    *,
    project: Project | None = None,
    feed_url: str | None = None,
) -> bytes:
    """The Media RSS feed of these videos (all of them, or one project's when `project` is given), newest first.
    `feed_url` is the feed's own address (the atom:link rel=self); by default /feeds/videos.xml or the project's
    /feeds/projects/{project}/videos.xml."""
    urls = UrlPlan(settings)
    items = video_items(videos, urls, settings.timezone)
    if project is not None and not items:
        raise NotFound(f"{project.name} has no video to watch yet, so it has no video feed")
    fg = FeedGenerator()
    fg.register_extension("mediarss", MediaRssExtension, MediaRssEntryExtension, atom=False)
    fg.generator(GENERATOR)
    if project is not None:
        title = f"{xml_safe(project.name)}: videos"
        description = f"Vlogs, video podcasts, testimonies, webinars and short videos of {xml_safe(project.name)}."
        self_url = feed_url or urls.absolute(f"/feeds/projects/{project.slug}/videos.xml")
        page = urls.project(project.slug)
    else:
        title = "Videos"
        description = "Vlogs, video podcasts, testimonies, webinars and short videos in the catalogue."
        self_url = feed_url or urls.videos_feed()
        page = urls.absolute("/videos")
    fg.title(title)
    # feedgen uses the last link given as the RSS <link>: the self link first.
    fg.link(href=self_url, rel="self", type="application/rss+xml")
    fg.link(href=page, rel="alternate")
    fg.description(description)
    # The videos' common language, else that of the channel's own (English) title and description.
    fg.language(_common_language(items) or "en")
    fg.lastBuildDate(max((item.updated_at for item in items), default=EPOCH))
    for item in items:
        entry = fg.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.guid(item.guid, permalink=False)
        if item.published_at is not None:
            entry.pubDate(item.published_at)
        entry.description(cdata(item.description_html))
        entry.category(term=KIND_LABELS.get(item.kind, item.kind))
        if item.file is not None:
            entry.enclosure(item.file.url, str(item.file.length), item.file.type)
        entry.mediarss.video(item)
    return character_references(bytes(fg.rss_str(pretty=True)))
