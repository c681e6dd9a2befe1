"""Sync refuses a silent rename: a new episode whose audio is that of an episode whose file disappeared in the same
run, without previous_slugs (issue 13, point 7)."""

import shutil
from pathlib import Path

from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import EPISODE, make_catalogue, write

AUDIO = Path(__file__).parent / "media/files/cbr-noxing-id3v23.mp3"
WITH_AUDIO = "\n".join(
    line for line in EPISODE.replace("number: 2", "number: 2\naudio: talk.mp3").splitlines()
    if not line.startswith("enclosure_")
) + "\n"  # fmt: skip


def episodes(database: Database) -> dict[str, tuple[str | None, Status]]:
    with database.session() as session:
        rows = session.scalars(select(Episode).join(Show).where(Show.slug == "match-en"))
        return {row.slug: (row.guid, row.status) for row in rows}


def catalogue(tmp_path: Path, database: Database, settings: Settings) -> Path:
    root = make_catalogue(tmp_path / "episodes")
    shutil.copy(AUDIO, root / "match-en/talk.mp3")
    write(root, "match-en/global-race-for-talent.md", WITH_AUDIO)
    first = sync_folder(database, settings, create_storage(settings), root)
    assert first.errors == [], [e.message for e in first.errors]
    return root


def test_a_renamed_file_without_previous_slugs_is_refused_naming_both_files(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = catalogue(tmp_path, database, settings)
    before = episodes(database)["global-race-for-talent"]
    (root / "match-en/global-race-for-talent.md").rename(root / "match-en/race-for-talent.md")
    report = sync_folder(database, settings, create_storage(settings), root)
    (error,) = report.errors
    assert error.path == "match-en/race-for-talent.md"
    assert "match-en/global-race-for-talent.md" in error.message
    assert "previous_slugs: [global-race-for-talent]" in error.message and "--new-guid match-en/race-for-talent" in (
        error.message
    )
    # Nothing changed: no second episode, the old one still live under its GUID.
    after = episodes(database)
    assert "race-for-talent" not in after and after["global-race-for-talent"] == before
    assert report.unpublished == []


def test_previous_slugs_or_an_explicit_new_guid_settle_it(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    root = catalogue(tmp_path, database, settings)
    guid, _ = episodes(database)["global-race-for-talent"]
    (root / "match-en/global-race-for-talent.md").rename(root / "match-en/race-for-talent.md")
    report = sync_folder(
        database, settings, create_storage(settings), root, new_guids=frozenset({"match-en/race-for-talent"})
    )
    assert report.errors == [] and report.unpublished == ["episode match-en/global-race-for-talent"]
    after = episodes(database)
    assert after["race-for-talent"][0] != guid and after["race-for-talent"][1] == Status.published


def test_other_audio_is_a_new_episode_as_before(database: Database, settings: Settings, tmp_path: Path) -> None:
    root = catalogue(tmp_path, database, settings)
    (root / "match-en/global-race-for-talent.md").unlink()
    shutil.copy(Path(__file__).parent / "media/files/low-bitrate.mp3", root / "match-en/other.mp3")
    write(root, "match-en/another.md", WITH_AUDIO.replace("talk.mp3", "other.mp3"))
    report = sync_folder(database, settings, create_storage(settings), root)
    assert report.errors == [] and report.unpublished == ["episode match-en/global-race-for-talent"]
