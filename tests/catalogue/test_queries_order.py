"""Every ordering has a tie-break: previous/next links between episodes published at the same time (issue 13,
point 9: u-care-fr 1-3 all linked back to 4 and none forward; two episodes of one day linked to each other)."""

from datetime import UTC, datetime

from media_catalogue.catalogue import queries
from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.db import Database

SAME = datetime(2021, 1, 1, 11, 0, tzinfo=UTC)


def test_neighbours_follow_the_listing_order_when_episodes_share_a_date(database: Database) -> None:
    with database.session() as session:
        show = Show(
            slug="u-care-fr", title="U-CARE", language="fr", podcast_guid="0" * 8 + "-0000-5000-8000-" + "0" * 12
        )
        session.add(show)
        for slug, when in [("episode-1", SAME), ("episode-2", SAME), ("episode-3", SAME), ("episode-4", SAME),
                           ("later", datetime(2022, 3, 1, 11, 0, tzinfo=UTC))]:  # fmt: skip
            session.add(Episode(show=show, slug=slug, title=slug, status=Status.published, published_at=when))
        session.flush()
        listing = [e.slug for e in queries.live_episodes(session, show=show)]
        assert listing == ["later", "episode-4", "episode-3", "episode-2", "episode-1"]
        chain = []
        for slug in reversed(listing):  # oldest first
            episode = queries.get_episode(session, show, slug)
            previous, following = queries.neighbours(session, episode)
            chain.append((previous.slug if previous else None, slug, following.slug if following else None))
        oldest_first = list(reversed(listing))
        assert chain == [
            (oldest_first[i - 1] if i else None, slug, oldest_first[i + 1] if i + 1 < len(oldest_first) else None)
            for i, slug in enumerate(oldest_first)
        ]
