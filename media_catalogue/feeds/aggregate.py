"""Feeds that gather several shows: every episode of the catalogue (/feeds/all.xml) and of one project
(/feeds/projects/{project}.xml). They are not stored shows: their podcast:guid follows their URL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from ..catalogue.identity import podcast_guid_for
from ..catalogue.models import Episode, Project, Show
from ..config import Settings
from ..text import xml_safe
from ..urls import UrlPlan
from .build import DESCRIPTION_LIMIT, add_items, feed_items, last_build, new_feed, plain_description


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
) -> bytes:
    fg, urls = new_feed(settings)
    items = feed_items(episodes, urls, now=now)
    fg.title(xml_safe(title))
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=link, rel="alternate")
    fg.description(xml_safe(description) or xml_safe(title))
    if language:
        fg.language(language)
    fg.lastBuildDate(last_build(shows, items))
    itunes = fg.podcast
    itunes.itunes_author(xml_safe(author))
    itunes.itunes_explicit(any(show.explicit for show in shows))
    itunes.itunes_type("episodic")
    p20 = fg.podcastindex
    # Aggregate feeds are not stored shows: their podcast:guid follows their URL.
    p20.guid(podcast_guid_for(feed_url))
    p20.locked(True, owner=owner_email or None)
    p20.medium("podcast")
    add_items(fg, items)
    return bytes(fg.rss_str(pretty=True))


def _common_language(shows: Sequence[Show]) -> str | None:
    languages = {show.language for show in shows}
    return languages.pop() if len(languages) == 1 else None


def build_catalogue_feed(
    episodes: Iterable[Episode], settings: Settings, *, shows: Sequence[Show] = (), now: datetime | None = None
) -> bytes:
    """/feeds/all.xml: the newest episodes of every show (in several languages: no channel language)."""
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
) -> bytes:
    """/feeds/projects/{project}.xml: the episodes of every show of one project."""
    urls = UrlPlan(settings)
    episodes = list(episodes)
    shows = list(shows) or list({e.show.id: e.show for e in episodes}.values())
    return _aggregate_feed(
        settings,
        title=project.name,
        description=plain_description(project.description or "", DESCRIPTION_LIMIT) or project.name,
        feed_url=urls.project_feed(project.slug),
        link=urls.project(project.slug),
        language=_common_language(shows),
        author=_common_author(shows) or project.name,
        owner_email=project.contact_email,
        shows=shows,
        episodes=episodes,
        now=now,
    )
