"""The per-process cache of serialized feed items (feeds.itemcache): a feed built with a warm cache after an edit is
byte-identical to a cold build (no cache) of the edited catalogue, for every kind of edit an item renders from; and
after one edit only that episode's item is built again. The aggregate feeds (all episodes, a project's) share the
show feeds' items and the same guarantee; settings that change every item (enclosures served straight from
storage) are part of the key."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from media_catalogue.catalogue.models import Credit, Episode, Season, Show, Transcript
from media_catalogue.config import Settings
from media_catalogue.feeds.aggregate import build_catalogue_feed, build_project_feed
from media_catalogue.feeds.build import build_feed
from media_catalogue.feeds.itemcache import ItemCache
from tests.feeds.feed_catalogue import NOW, Factory

Edit = Callable[[Session, Show, list[Episode]], None]


def _title(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[1].title = "A new title & <more>"


def _notes(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[2].show_notes = "New **notes** with a [link](https://example.org/)."


def _media(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[0].media_files[0].byte_length = 1234
    episodes[0].media_files[0].duration_ms = 99_000


def _transcript(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[3].transcripts.append(
        Transcript(language="fr", format="srt", mime_type="application/x-subrip", storage_key="t.srt", text="x")
    )


def _person(session: Session, show: Show, episodes: list[Episode]) -> None:
    credit = next(c for e in episodes for c in e.credits)
    credit.person.name = "Renamed Person"


def _role(session: Session, show: Show, episodes: list[Episode]) -> None:
    next(c for e in episodes for c in e.credits).role = "interviewer"


def _season(session: Session, show: Show, episodes: list[Episode]) -> None:
    show.seasons.append(Season(number=1, name="The first season"))


def _show_slug(session: Session, show: Show, episodes: list[Episode]) -> None:
    show.slug = "renamed-show"


def _show_explicit(session: Session, show: Show, episodes: list[Episode]) -> None:
    show.explicit = True


def _chapters(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[4].chapters = [{"startTime": 0, "title": "Start"}]


def _unpublish(session: Session, show: Show, episodes: list[Episode]) -> None:
    episodes[2].deleted_at = NOW


EDITS = [_title, _notes, _media, _transcript, _person, _role, _season, _show_slug, _show_explicit, _chapters,
         _unpublish]  # fmt: skip


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__.strip("_"))
def test_warm_cache_after_an_edit_gives_the_bytes_of_a_cold_build(
    session: Session, make: Factory, settings: Settings, reload: Callable[[Show], list[Episode]], edit: Edit
) -> None:
    guest = make.person("aminata-diallo", "Aminata Diallo")
    show = make.show()
    for n in range(8):
        episode = make.episode(show, season=1, transcripts=("en",) if n % 2 else ())
        if n % 3 == 0:
            episode.credits.append(Credit(person=guest, role="guest"))
    cache = ItemCache()
    warm_before = build_feed(show, reload(show), settings, now=NOW, cache=cache)
    assert warm_before == build_feed(show, reload(show), settings, now=NOW, cache=None)
    assert cache.misses == 8 and len(cache) == 8
    edit(session, show, reload(show))
    episodes = reload(show)
    cold = build_feed(show, episodes, settings, now=NOW, cache=None)
    misses = cache.misses
    warm = build_feed(show, episodes, settings, now=NOW, cache=cache)
    assert warm == cold
    assert warm != warm_before
    changed = cache.misses - misses
    assert changed <= 8
    if edit is _unpublish:
        assert changed == 0  # the other items are all still valid
    elif edit in (_title, _notes, _media, _transcript, _chapters):
        assert changed == 1  # only the edited episode's item was built again


def test_unchanged_catalogue_is_served_from_the_cache_entirely(
    session: Session, make: Factory, settings: Settings, reload: Callable[[Show], list[Episode]]
) -> None:
    show = make.show()
    for _ in range(5):
        make.episode(show)
    cache = ItemCache()
    first = build_feed(show, reload(show), settings, now=NOW, cache=cache)
    hits = cache.hits
    assert build_feed(show, reload(show), settings, now=NOW, cache=cache) == first
    assert cache.hits - hits == 5


def test_the_cache_is_bounded() -> None:
    from media_catalogue.feeds.itemcache import BuiltItem

    cache = ItemCache(max_items=3)
    for n in range(10):
        cache.put(n, (n,), BuiltItem(b"x", None))
    assert len(cache) == 3 and cache.get(9, (9,)) is not None and cache.get(0, (0,)) is None
    assert cache.get(9, (8,)) is None  # another fingerprint of the same episode is a miss


def _items(feed: bytes) -> dict[bytes, bytes]:
    """Each <item> element's bytes by its GUID."""
    pieces = re.findall(rb"    <item>\n.*?</item>\n", feed, flags=re.S)
    return {re.search(rb"<guid[^>]*>([^<]+)</guid>", piece).group(1): piece for piece in pieces}  # type: ignore[union-attr]


def test_aggregate_feeds_share_the_show_feeds_items_and_stay_exact_after_an_edit(
    session: Session, make: Factory, settings: Settings, reload: Callable[[Show], list[Episode]]
) -> None:
    from media_catalogue.catalogue.queries import live_episodes

    project = make.project("match")
    english = make.show("match-podcast-en", project_id=project.id)
    dutch = make.show("match-podcast-nl", project_id=project.id, language="nl")
    for n in range(6):
        make.episode(english if n % 2 else dutch, days_ago=10 - n)
    shows = [english, dutch]

    def everything(cache: ItemCache | None) -> tuple[bytes, bytes]:
        session.flush()
        session.expire_all()
        episodes = live_episodes(session, now=NOW)
        return (
            build_catalogue_feed(episodes, settings, shows=shows, now=NOW, cache=cache),
            build_project_feed(project, episodes, settings, shows=shows, now=NOW, cache=cache),
        )

    cache = ItemCache()
    english_feed = build_feed(english, reload(english), settings, now=NOW, cache=cache)
    dutch_feed = build_feed(dutch, reload(dutch), settings, now=NOW, cache=cache)
    misses = cache.misses
    all_feed, project_feed = everything(cache)
    assert cache.misses == misses  # every aggregate item came from the show feeds' builds
    assert (all_feed, project_feed) == everything(None)
    shown = {**_items(english_feed), **_items(dutch_feed)}
    assert len(shown) == 6 and _items(all_feed) == shown and _items(project_feed) == shown
    assert all_feed.index(b"<lastBuildDate>") < all_feed.index(b"<item>")

    reload(english)[0].title = "Retitled & <renamed>"
    misses = cache.misses
    warm = everything(cache)
    assert cache.misses - misses == 1  # the edited episode, once, for both aggregates
    assert warm == everything(None) and warm[0] != all_feed
    assert b"Retitled &#38; &#60;renamed&#62;" in warm[0] or b"Retitled &amp; &lt;renamed&gt;" in warm[0]


def test_the_enclosure_base_is_part_of_an_items_key(
    session: Session, make: Factory, settings: Settings, reload: Callable[[Show], list[Episode]]
) -> None:
    show = make.show()
    for _ in range(3):
        make.episode(show)
    cache = ItemCache()
    counted = build_feed(show, reload(show), settings, now=NOW, cache=cache)
    direct_settings = settings.model_copy(update={"enclosure_base_url": "https://cdn.example.org/media"})
    direct = build_feed(show, reload(show), direct_settings, now=NOW, cache=cache)
    assert direct == build_feed(show, reload(show), direct_settings, now=NOW, cache=None)
    assert direct.count(b'<enclosure url="https://cdn.example.org/media/') == 3
    assert b"/media/" in counted and b"cdn.example.org" not in counted
