"""Sync of the text catalogue into the database: idempotence, edits, removals, broken files, renames, GUIDs."""

from pathlib import Path

from sqlalchemy import select

from media_catalogue.catalogue.identity import podcast_guid_for, video_guid_for
from media_catalogue.catalogue.models import Episode, Show, SlugRedirect, Status, Video
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import SyncReport, sync_folder
from tests.catalogue_fixtures import EPISODE, FIRST_STEPS, VIDEO, make_catalogue, write


def run_sync(database: Database, settings: Settings, root: Path) -> SyncReport:
    return sync_folder(database, settings, create_storage(settings), root)


def episode(database: Database, show: str, slug: str) -> Episode:
    with database.session() as session:
        found = session.scalar(select(Episode).join(Show).where(Show.slug == show, Episode.slug == slug))
        assert found is not None
        session.expunge(found)
        return found


def test_first_sync_loads_everything_and_second_changes_nothing(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = make_catalogue(tmp_path / "episodes")
    first = run_sync(database, settings, root)
    assert first.errors == []
    assert "show match-en" in first.created and "episode match-en/global-race-for-talent" in first.created
    assert "video rob-de-lobel-presenting-match" in first.created
    second = run_sync(database, settings, root)
    assert second.changes == 0 and second.errors == []
    assert second.unchanged == len(first.created)

    with database.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-en"))
        assert show is not None
        assert show.podcast_guid == podcast_guid_for("https://podcasts.example.org/feeds/match-en.xml")
        assert show.project is not None and show.project.slug == "match"
        assert show.season_name(1) == "Talent partnerships"
        video = session.scalar(select(Video).where(Video.slug == "rob-de-lobel-presenting-match"))
        assert video is not None and (video.provider, video.provider_id) == ("youtube", "5qvz8YyPNdg")
        assert video.published_on is not None and video.published_on.isoformat() == "2021-06-01"
    loaded = episode(database, "match-en", "global-race-for-talent")
    assert loaded.status == Status.published and loaded.guid
    assert loaded.published_at is not None and loaded.published_at.isoformat() == "2022-01-15T09:00:00+00:00"


def test_edit_updates_the_item_and_keeps_its_guid(database: Database, settings: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    before = episode(database, "match-en", "global-race-for-talent")
    write(root, "match-en/global-race-for-talent.md", EPISODE.replace("The global race for talent", "A new title"))
    report = run_sync(database, settings, root)
    assert report.updated == ["episode match-en/global-race-for-talent"] and report.changes == 1
    after = episode(database, "match-en", "global-race-for-talent")
    assert after.title == "A new title" and after.guid == before.guid


def test_removed_file_unpublishes_and_keeps_the_guid_reserved(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    guid = episode(database, "match-en", "first-steps").guid
    (root / "match-en/first-steps.md").unlink()
    report = run_sync(database, settings, root)
    assert report.unpublished == ["episode match-en/first-steps"]
    gone = episode(database, "match-en", "first-steps")
    assert gone.status == Status.unpublished and gone.guid == guid
    assert run_sync(database, settings, root).changes == 0
    # Restoring the file brings the episode back with the same GUID: no duplicate in any app.
    write(root, "match-en/first-steps.md", FIRST_STEPS)
    run_sync(database, settings, root)
    back = episode(database, "match-en", "first-steps")
    assert back.status == Status.published and back.guid == guid


def test_broken_file_is_reported_and_the_rest_loads(database: Database, settings: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    write(root, "match-en/global-race-for-talent.md", EPISODE.replace("number: 2", "number: [2"))
    write(root, "match-nl/new-episode.md", EPISODE.replace("The global race for talent", "Nieuw"))
    write(root, "match-nl/bad-person.md", EPISODE.replace("sammy-mahdi", "nobody-known"))
    report = run_sync(database, settings, root)
    messages = [error.message for error in report.errors]
    assert any(m.startswith("match-en/global-race-for-talent.md:3: not valid YAML") for m in messages), messages
    assert any("match-nl/bad-person.md" in m and "'nobody-known' is not in people.yaml" in m for m in messages)
    assert report.created == ["episode match-nl/new-episode"]
    # The broken file's episode keeps what it had: an invalid edit never unpublishes.
    kept = episode(database, "match-en", "global-race-for-talent")
    assert kept.status == Status.published and kept.number == 2
    with database.session() as session:
        assert session.scalar(select(Episode).where(Episode.slug == "bad-person")) is None


def test_rename_with_previous_slugs_redirects_and_keeps_guid(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    guid = episode(database, "match-en", "global-race-for-talent").guid
    (root / "match-en/global-race-for-talent.md").unlink()
    renamed = EPISODE.replace("number: 2", "number: 2\nprevious_slugs: [global-race-for-talent]")
    write(root, "match-en/race-for-talent.md", renamed)
    report = run_sync(database, settings, root)
    assert report.errors == [] and report.unpublished == []
    moved = episode(database, "match-en", "race-for-talent")
    assert moved.guid == guid and moved.status == Status.published
    with database.session() as session:
        redirect = session.scalar(select(SlugRedirect).where(SlugRedirect.old_slug == "global-race-for-talent"))
        assert redirect is not None and redirect.target_id == moved.id


def test_guid_change_in_a_file_is_refused(database: Database, settings: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    write(root, "match-en/first-steps.md", EPISODE.replace("number: 2", "number: 1\nguid: something-else"))
    report = run_sync(database, settings, root)
    assert any("GUID never changes" in error.message for error in report.errors)


def test_drafts_get_no_guid_until_published(database: Database, settings: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    write(root, "match-en/later.md", EPISODE.replace("number: 2", "number: 3\nstatus: draft"))
    run_sync(database, settings, root)
    assert episode(database, "match-en", "later").guid is None
    write(root, "match-en/later.md", EPISODE.replace("number: 2", "number: 3\nstatus: scheduled"))
    run_sync(database, settings, root)
    scheduled_guid = episode(database, "match-en", "later").guid
    assert scheduled_guid  # fixed when scheduled: it goes live by the clock, with no further step
    write(root, "match-en/later.md", EPISODE.replace("number: 2", "number: 3\nstatus: published"))
    run_sync(database, settings, root)
    assert episode(database, "match-en", "later").guid == scheduled_guid


def test_show_edit_retags_its_episodes_files(database: Database, settings: Settings, tmp_path: Path) -> None:
    import shutil

    from mutagen.id3 import ID3

    from media_catalogue.config import PROJECT_ROOT

    root = make_catalogue(tmp_path / "episodes")
    shutil.copy(PROJECT_ROOT / "episodes/_media/placeholder-en.mp3", root / "match-en/audio.mp3")
    write(root, "match-en/with-audio.md", EPISODE.replace("enclosure_url:", "audio: audio.mp3\nx_enclosure_url:"))
    text = (root / "match-en/with-audio.md").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("x_enclosure_url", "enclosure_")))
    (root / "match-en/with-audio.md").write_text(text + "\n")
    first = run_sync(database, settings, root)
    assert first.errors == [], [e.message for e in first.errors]
    storage = create_storage(settings)

    def album() -> str:
        found = episode(database, "match-en", "with-audio")
        with database.session() as session:
            media = session.get(Episode, found.id).primary_media  # type: ignore[union-attr]
            assert media is not None
            with storage.open(media.storage_key) as handle:
                return str(ID3(handle)["TALB"])

    assert album() == "MATCH podcast"
    show_yaml = (root / "match-en/show.yaml").read_text().replace("title: MATCH podcast", "title: MATCH talks")
    (root / "match-en/show.yaml").write_text(show_yaml)
    report = run_sync(database, settings, root)
    assert report.updated == ["show match-en"] and report.errors == []
    assert album() == "MATCH talks"


def test_values_too_long_for_the_database_are_reported_per_file(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = make_catalogue(tmp_path / "episodes")
    long_slug = "a" * 130
    write(root, f"match-en/{long_slug}.md", EPISODE)
    write(
        root,
        "match-nl/long-group.md",
        EPISODE.replace("translation_group: match-ep2", "translation_group: " + "g" * 200),
    )
    report = run_sync(database, settings, root)
    messages = [error.message for error in report.errors]
    assert any(f"{long_slug}.md" in m and "120 at most" in m for m in messages), messages
    assert any("long-group.md:" in m and "translation_group" in m for m in messages), messages
    assert "episode match-en/global-race-for-talent" in report.created


def test_renaming_a_show_folder_keeps_its_episodes_published(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    guid = episode(database, "match-en", "global-race-for-talent").guid
    (root / "match-en").rename(root / "match-english")
    show_yaml = root / "match-english/show.yaml"
    show_yaml.write_text(show_yaml.read_text() + "previous_slugs: [match-en]\n")
    report = run_sync(database, settings, root)
    assert report.errors == [] and report.unpublished == [] and report.updated == ["show match-english"]
    moved = episode(database, "match-english", "global-race-for-talent")
    assert moved.status == Status.published and moved.guid == guid
    assert run_sync(database, settings, root).changes == 0


def test_a_linked_video_s_thumbnail_is_fetched_once_and_served_by_the_catalogue(
    database: Database, settings: Settings, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, point 14: videos had no thumbnail; YouTube's was read from i.ytimg.com by every visitor."""
    import io

    from PIL import Image

    from media_catalogue.feed_import import videos as video_import

    image = io.BytesIO()
    Image.new("RGB", (480, 360), (200, 30, 30)).save(image, "JPEG")
    asked: list[str] = []

    def fake_fetch(url: str, settings: Settings, *, limit: int) -> tuple[bytes, object]:
        asked.append(url)
        return image.getvalue(), None

    monkeypatch.setattr(video_import, "fetch_bytes", fake_fetch)
    fetching = settings.model_copy(update={"fetch_video_thumbnails": True})
    root = make_catalogue(tmp_path / "episodes")
    assert run_sync(database, fetching, root).warnings == []
    assert asked == ["https://i.ytimg.com/vi/5qvz8YyPNdg/hqdefault.jpg"]
    with database.session() as session:
        video = session.scalar(select(Video))
        assert video is not None and video.thumbnail_key and video.thumbnail_key.startswith("thumbnails/youtube-")
        key = video.thumbnail_key
    assert create_storage(settings).exists(key)
    run_sync(database, fetching, root)  # unchanged: not fetched again
    write(root, "videos/rob-de-lobel-presenting-match.md", VIDEO.replace("presenting MATCH", "presents MATCH"))
    run_sync(database, fetching, root)  # edited, same link: the thumbnail it has is kept
    assert len(asked) == 1


def test_a_renamed_video_keeps_its_feed_guid(database: Database, settings: Settings, tmp_path: Path) -> None:
    """Issue 13, point 3: the video feed's GUID was the page URL, so a rename changed it."""
    root = make_catalogue(tmp_path / "episodes")
    run_sync(database, settings, root)
    with database.session() as session:
        before = session.scalar(select(Video.guid))
    (root / "videos/rob-de-lobel-presenting-match.md").unlink()
    write(root, "videos/rob-de-lobel-presents-match.md",
          VIDEO.replace("kind: webinar", "kind: webinar\nprevious_slugs: [rob-de-lobel-presenting-match]"))  # fmt: skip
    assert run_sync(database, settings, root).errors == []
    with database.session() as session:
        (video,) = session.scalars(select(Video)).all()
        assert video.slug == "rob-de-lobel-presents-match" and video.guid == before
        assert before == video_guid_for("rob-de-lobel-presenting-match")
