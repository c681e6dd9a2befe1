"""The list reads that the pages' speed at 111k episodes rests on (issue 17) give the same answers as the plain
reads they replaced: a page of episodes fetched by ids first (every page, ties of publication time included, drafts
and deleted episodes left out), the video series counted by the database, the sitemap's narrow rows."""

from datetime import UTC, date, datetime, timedelta

from media_catalogue.catalogue import queries
from media_catalogue.catalogue.models import Credit, Episode, Person, Project, Show, Status, Video, VideoKind
from media_catalogue.catalogue.queries import paging
from media_catalogue.catalogue.queries import videos as video_listings
from media_catalogue.db import Database

START = datetime(2021, 1, 1, 11, 0, tzinfo=UTC)


def _show(slug: str, project: Project | None = None) -> Show:
    return Show(slug=slug, title=slug, language="en", podcast_guid=f"guid-{slug}", project=project)


def test_episode_pages_by_ids_list_every_live_episode_once_in_order(database: Database) -> None:
    with database.session() as session:
        project = Project(slug="p", name="P")
        shows = [_show("a", project), _show("b", project), _show("c")]
        session.add_all(shows)
        for n in range(40):
            # Two episodes of each show share each publication time (the id breaks the tie); every seventh is a
            # draft and every eleventh deleted: neither is listed.
            show = shows[n % 3]
            status = Status.draft if n % 7 == 0 else Status.published
            deleted = START if n % 11 == 5 else None
            session.add(Episode(show=show, slug=f"e{n}", title=f"e{n}", status=status, deleted_at=deleted,
                                published_at=START + timedelta(days=n // 6)))  # fmt: skip
        session.flush()
        for owner in ({"show": shows[0]}, {"project": project}):
            expected = [e.slug for e in queries.live_episodes(session, **owner) if e.show.project_id == project.id]
            pages = [paging.episodes(session, n, 3, **owner) for n in range(1, 12)]  # type: ignore[arg-type]
            assert {page.total for page in pages} == {len(expected)}
            assert [e.slug for page in pages for e in page.items] == expected
            assert len(expected) > 9 and not pages[-1].items  # several full pages, then empty ones


def test_series_are_counted_with_their_kinds_and_single_project(database: Database) -> None:
    with database.session() as session:
        one, two = Project(slug="one", name="One"), Project(slug="two", name="Two")
        session.add_all([one, two])
        rows = [  # (series, kind, project, status)
            ("Vlogs", VideoKind.vlog, one, Status.published), ("Vlogs", VideoKind.vlog, one, Status.published),
            ("Vlogs", VideoKind.short_video, None, Status.published),  # no project: still one project's series
            ("Mixed", VideoKind.vlog, one, Status.published), ("Mixed", VideoKind.vlog, two, Status.published),
            ("Mixed", VideoKind.vlog, two, Status.published),
            ("Alone", VideoKind.vlog, one, Status.published), ("Alone", VideoKind.vlog, one, Status.unpublished),
            ("", VideoKind.vlog, one, Status.published), ("", VideoKind.vlog, one, Status.published),
            ("Bravo", VideoKind.vlog, two, Status.published), ("Bravo", VideoKind.vlog, two, Status.published),
            ("Alpha", VideoKind.vlog, None, Status.published), ("Alpha", VideoKind.vlog, None, Status.published),
        ]  # fmt: skip
        for n, (series, kind, project, status) in enumerate(rows):
            session.add(Video(slug=f"v{n}", title=f"v{n}", kind=kind, series=series, project=project, status=status,
                              published_on=date(2020, 1, 1) + timedelta(days=n)))  # fmt: skip
        session.flush()
        found = [(s.name, s.count, s.kinds, s.project.slug if s.project else None)
                 for s in video_listings.all_series(session)]  # fmt: skip
        assert found == [
            ("Mixed", 3, ["vlog"], None),  # biggest first; two projects: none shown
            ("Vlogs", 3, ["short_video", "vlog"], "one"),
            ("Alpha", 2, ["vlog"], None),  # then by name
            ("Bravo", 2, ["vlog"], "two"),
        ]  # "Alone" has one published video: no series; "" is no series
        assert [(s.name, s.count) for s in video_listings.all_series(session, project=two)] == [
            ("Bravo", 2),
            ("Mixed", 2),
        ]


def test_sitemap_rows_and_counts_are_the_live_and_credited_ones(database: Database) -> None:
    with database.session() as session:
        show = _show("s")
        credited, uncredited = Person(slug="credited", name="C"), Person(slug="nobody", name="N")
        session.add_all([show, credited, uncredited])
        for n in range(5):
            status = Status.draft if n == 2 else Status.published
            session.add(Episode(show=show, slug=f"e{n}", title=f"e{n}", status=status, published_at=START))
        session.flush()
        session.add(Credit(person=credited, show=show, role="host", position=0))
        session.flush()
        assert paging.sitemap_count(session, "episodes") == 4
        assert [(row.show_slug, row.slug) for row in paging.sitemap_slice(session, "episodes", 1, 3)] == [
            ("s", "e0"), ("s", "e1"), ("s", "e3")
        ]  # fmt: skip
        assert [row.slug for row in paging.sitemap_slice(session, "episodes", 2, 3)] == ["e4"]
        assert paging.sitemap_slice(session, "episodes", 3, 3) == []
        assert paging.sitemap_count(session, "people") == 1
        assert [row.slug for row in paging.sitemap_slice(session, "people", 1, 10)] == ["credited"]
        assert paging.people(session, 1, 10).items == [credited]
