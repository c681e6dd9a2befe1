"""The per-process cache of serialized feed items (feeds.itemcache): a feed built with a warm cache after an edit is
byte-identical to a cold build (no cache) of the edited catalogue, for every kind of edit an item renders from; and
after one edit only that episode's item is built again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from media_catalogue.catalogue.models import Credit, Episode, Season, Show, Transcript
from media_catalogue.config import Settings
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
