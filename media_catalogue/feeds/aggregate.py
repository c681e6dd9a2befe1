"""Feeds that gather several shows: every episode of the catalogue (/feeds/all.xml) and of one project
(/feeds/projects/{project}.xml). They are not stored shows: their podcast:guid follows their URL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from ..catalogue.identity import podcast_guid_for
from ..catalogue.models import Episode, Project, Show
from ..config import Settings
from ..errors import NotFound
from ..text import xml_safe
from ..urls import UrlPlan
from .build import built_items, last_build, new_feed, splice
from .descriptions import cdata, character_references, description_html, paragraph
from .itemcache import ITEMS, ItemCache
from .items import live_in_order


def _lead(shows: Sequence[Show]) -> Show | None:
    """The show whose artwork, category and owner the aggregate channel borrows: the first with artwork."""
    with_artwork = [show for show in shows if show.artwork_key]
    candidates = with_artwork or list(shows)
    return candidates[0] if candidates else None


def _aggregate_feed(
    settings: Settings,
    *,
    title: str,
    description: str,
    feed_url: str,
    link: str,
    language: str | None,
    author: str,
    owner_email: str | None,
    shows: Sequence[Show],
    episodes: Iterable[Episode],
    now: datetime | None,
    cache: ItemCache | None,
) -> bytes:
    """A complete podcast feed over several shows: everything Apple requires of a channel (language, artwork,
    category, explicit, owner with email) comes from its shows. An aggregate with no episode is not a feed: NotFound,
    and pages do not link it. Items are the show feeds' own, from the same cache (feeds.itemcache)."""
    fg, urls = new_feed(settings)
    built = [item for item in built_items(live_in_order(episodes, now), urls, settings, cache) if item.xml]
    if not built:
        raise NotFound(f"{title} has no episode yet, so it has no feed")
    lead = _lead(shows)
    title = xml_safe(title)
    fg.title(title)
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=link, rel="alternate")
    fg.description(cdata(description_html(description) or paragraph(title)))
    # The channel's own words (title, description) are English unless every show shares one language.
    fg.language(language or "en")
    fg.lastBuildDate(last_build(shows, built))
    artwork = urls.artwork(lead.artwork_key) if lead is not None and lead.artwork_key else None
    if artwork:
        fg.image(url=artwork, title=title, link=link)
    itunes = fg.podcast
    itunes.itunes_author(xml_safe(author))
    if artwork:
        itunes.itunes_image(artwork)
    categories = [show for show in shows if show.category]
    if categories:
        source = categories[0] if lead is None or not lead.category else lead
        category: dict[str, str] = {"cat": source.category or ""}
        if source.subcategory:
            category["sub"] = source.subcategory
        itunes.itunes_category(category)
    email = owner_email or next(
        (show.owner_email for show in ([lead] if lead else []) + list(shows) if show.owner_email), None
    )
    if email:
        itunes.itunes_owner(name=xml_safe(author), email=email)
    itunes.itunes_explicit(any(show.explicit for show in shows))
    itunes.itunes_type("episodic")
    p20 = fg.podcastindex
    # Aggregate feeds are not stored shows: their podcast:guid follows their URL.
    p20.guid(podcast_guid_for(feed_url))
    p20.locked(True, owner=email or None)
    p20.medium("podcast")
    return splice(character_references(bytes(fg.rss_str(pretty=True))), built)


def _common_language(shows: Sequence[Show]) -> str | None:
    languages = {show.language for show in shows}
    return languages.pop() if len(languages) == 1 else None


def build_catalogue_feed(
    episodes: Iterable[Episode],
    settings: Settings,
    *,
    shows: Sequence[Show] = (),
    now: datetime | None = None,
    cache: ItemCache | None = ITEMS,
) -> bytes:
    """/feeds/all.xml: the newest episodes of every show (in several languages: the channel's own text is English)."""
    urls = UrlPlan(settings)
    episodes = list(episodes)
    shows = list(shows) or list({e.show.id: e.show for e in episodes}.values())
    return _aggregate_feed(
        settings,
        title="All episodes",
        description="The newest episodes of every podcast in the catalogue.",
        feed_url=urls.all_feed(),
        link=urls.home(),
        language=_common_language(shows),
        author=_common_author(shows) or "Media catalogue",
        owner_email=None,
        shows=shows,
        episodes=episodes,
        now=now,
        cache=cache,
    )


def _common_author(shows: Sequence[Show]) -> str | None:
    authors = {show.author for show in shows if show.author}
    return authors.pop() if len(authors) == 1 else None


def build_project_feed(
    project: Project,
    episodes: Iterable[Episode],
    settings: Settings,
    *,
    shows: Sequence[Show] = (),
    now: datetime | None = None,
    cache: ItemCache | None = ITEMS,
) -> bytes:
    """/feeds/projects/{project}.xml: the episodes of every show of one project."""
    urls = UrlPlan(settings)
    episodes = list(episodes)
    shows = list(shows) or list({e.show.id: e.show for e in episodes}.values())
    return _aggregate_feed(
        settings,
        title=project.name,
        description=project.description or project.name,
        feed_url=urls.project_feed(project.slug),
        link=urls.project(project.slug),
        language=_common_language(shows),
        author=_common_author(shows) or project.name,
        owner_email=project.contact_email,
        shows=shows,
        episodes=episodes,
        now=now,
        cache=cache,
    )
