"""What the digest says, once, for every format: catalogue rows (queries.digest) -> plain values with absolute URLs
and words in the digest's language. The HTML, text, Markdown and RSS builders only lay these out.

Images are only the catalogue's own (artwork and the thumbnails it stores): a provider's thumbnail would make every
reader's mail client call YouTube, and the email would depend on a host the office does not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..catalogue.labels import ROLE_LABELS
from ..catalogue.labels import VIDEO_KIND_LABELS as KIND_LABELS
from ..catalogue.models import Episode, Show, Video
from ..catalogue.queries.digest import Digest, Entry, Group, Part, Section
from ..urls import UrlPlan
from .words import (
    LINK_LABELS,
    Gettext,
    date_text,
    gettext_for,
    language_name,
    period_text,
    sentences,
)

ARTWORK_RENDITION = 192  # /artwork/ serves 96, 192, 400, 800 px: 192 is sharp at 96 px on high-density screens
ARTWORK_SIZE = (96, 96)
THUMBNAIL_SIZE = (96, 54)  # 16:9, as the site's video lists show them


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    hreflang: str | None = None


@dataclass(frozen=True)
class Image:
    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Item:
    """One episode or video."""

    guid: str
    kind: str  # episode | video
    title: str
    title_lang: str | None  # the content's language, when it is not the digest's
    summary: str
    when: str
    published: date | None
    people: str
    image: Image | None
    action: Link  # "Listen now" / "Watch now": the catalogue's page
    links: tuple[Link, ...] = ()
    versions: tuple[Link, ...] = ()
    label: str = ""  # the kind of video, for a video


@dataclass(frozen=True)
class EntryView:
    items: tuple[Item, ...]
    title: str = ""  # a mini-series: its name
    note: str = ""  # "Mini-series in 5 parts"

    @property
    def image(self) -> Image | None:
        return next((item.image for item in self.items if item.image), None)


@dataclass(frozen=True)
class GroupView:
    title: str
    title_lang: str | None
    links: tuple[Link, ...]
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class SectionView:
    title: str
    url: str | None
    groups: tuple[GroupView, ...]


@dataclass(frozen=True)
class DigestView:
    language: str
    title: str
    period: str
    intro: str
    sections: tuple[SectionView, ...] = field(default_factory=tuple)
    home: str = ""
    empty: str = ""
    people_label: str = ""  # "With:"
    footer: str = ""

    @property
    def items(self) -> list[Item]:
        return [i for s in self.sections for g in s.groups for e in g.entries for i in e.items]


class _Builder:
    def __init__(self, urls: UrlPlan, language: str) -> None:
        self.urls = urls
        self.language = language
        self._: Gettext = gettext_for(language)

    def page(self, url: str) -> str:
        """Pages in the digest's language whatever the reader's browser negotiates (/fr/shows/...)."""
        return self.urls.in_language(url, self.language)

    def _lang(self, code: str | None) -> str | None:
        primary = (code or "").split("-")[0].lower()
        return primary if primary and primary != self.language else None

    def _people(self, credits: list) -> str:  # type: ignore[type-arg]
        _ = self._
        return ", ".join(
            f"{c.person.name} ({_(ROLE_LABELS[c.role])})" if c.role in ROLE_LABELS else c.person.name
            for c in sorted(credits, key=lambda c: c.position)
        )

    def _artwork(self, key: str | None, show: Show) -> Image | None:
        if not key:
            return None
        url = f"{self.urls.artwork(key)}?w={ARTWORK_RENDITION}"
        return Image(url, *ARTWORK_SIZE, alt=self._("Cover of the podcast %(show)s") % {"show": show.title})

    def _also(self, episode: Episode) -> Link:
        label = self._("Also in %(language)s") % {"language": language_name(episode.show.language, self.language)}
        url = self.page(self.urls.episode(episode.show.slug, episode.slug))
        return Link(label, url, hreflang=self._lang(episode.show.language))

    def episode(self, part: Part) -> Item:
        episode = part.episode
        assert episode is not None
        _ = self._
        links = [Link(_(LINK_LABELS[link.kind]), link.url) for link in episode.links if link.kind in LINK_LABELS]
        links += [Link(_("Watch the video"), self.page(self.urls.video(video.slug))) for video in part.videos]
        versions = sorted(part.versions, key=lambda e: (e.show.language, e.id))
        return Item(
            guid=episode.guid or f"episode:{episode.id}",
            kind="episode",
            title=episode.title,
            title_lang=self._lang(episode.show.language),
            summary=episode.summary.strip() or sentences(episode.show_notes),
            when=date_text(part.day, episode.date_precision, self.language),
            published=part.day,
            people=self._people(episode.credits),
            image=self._artwork(episode.artwork_key or episode.show.artwork_key, episode.show),
            action=Link(_("Listen now"), self.page(self.urls.episode(episode.show.slug, episode.slug))),
            links=tuple(links),
            versions=tuple(self._also(e) for e in versions),
        )

    def video(self, video: Video) -> Item:
        _ = self._
        image = None
        if video.thumbnail_key:
            alt = _("Thumbnail of the video %(title)s") % {"title": video.title}
            image = Image(f"{self.urls.artwork(video.thumbnail_key)}?w={ARTWORK_RENDITION}", *THUMBNAIL_SIZE, alt=alt)
        elif video.episode is not None:
            image = self._artwork(video.episode.artwork_key or video.episode.show.artwork_key, video.episode.show)
        links = []
        if video.url and video.provider in ("youtube", "facebook", "vimeo"):
            links.append(Link(_(LINK_LABELS[video.provider]), video.url))
        return Item(
            guid=video.guid,
            kind="video",
            title=video.title,
            title_lang=self._lang(video.language),
            summary=sentences(video.description),
            when=date_text(video.published_on, video.date_precision, self.language),
            published=video.published_on,
            people=self._people(video.credits),
            image=image,
            action=Link(_("Watch now"), self.page(self.urls.video(video.slug))),
            links=tuple(links),
            label=_(KIND_LABELS[video.kind.value]),
        )

    def item(self, part: Part) -> Item:
        return self.episode(part) if part.episode is not None else self.video(part.video)  # type: ignore[arg-type]

    def entry(self, entry: Entry) -> EntryView:
        items = tuple(self.item(part) for part in entry.parts)
        if entry.season is None:
            return EntryView(items)
        note = self._("Mini-series in %(count)s parts") % {"count": len(items)}
        return EntryView(items, title=entry.season.name or "", note=note)

    def group(self, group: Group) -> GroupView:
        _ = self._
        entries = tuple(self.entry(e) for e in group.entries)
        if group.show is not None:
            show = group.show
            links = [Link(_("All episodes"), self.page(self.urls.show(show.slug)))]
            if show.apple_podcasts_url:
                links.append(Link("Apple Podcasts", show.apple_podcasts_url))
            if show.spotify_url:
                links.append(Link("Spotify", show.spotify_url))
            for other in sorted(group.show_versions, key=lambda s: s.language):
                label = _("Also in %(language)s") % {"language": language_name(other.language, self.language)}
                links.append(Link(label, self.page(self.urls.show(other.slug)), hreflang=self._lang(other.language)))
            return GroupView(show.title, self._lang(show.language), tuple(links), entries)
        if group.series:
            return GroupView(group.series, None, (), entries)
        return GroupView(_("Videos"), None, (), entries)

    def section(self, section: Section) -> SectionView:
        groups = tuple(self.group(g) for g in section.groups)
        if section.project is None:
            return SectionView(self._("More podcasts and videos"), None, groups)
        return SectionView(section.project.name, self.page(self.urls.project(section.project.slug)), groups)


def digest_view(digest: Digest, urls: UrlPlan) -> DigestView:
    builder = _Builder(urls, digest.language)
    _ = builder._
    return DigestView(
        language=digest.language,
        title=_("Podcasts and videos"),
        period=period_text(digest.start, digest.end, digest.language),
        intro=_("Our new podcast episodes and videos, by project."),
        sections=tuple(builder.section(s) for s in digest.sections),
        home=urls.in_language(urls.home(), digest.language),
        empty=_("No episode or video was published in this period."),
        people_label=_("With:"),
        footer=_("All our podcasts and videos"),
    )


def item_view(part: Part, urls: UrlPlan, language: str) -> Item:
    return _Builder(urls, language).item(part)
