"""Issue 11 end to end through ingest, with media made by ffmpeg in the test session: the counted duration is what
the row, the tags and the feed get; embedded chapters become the episode's and come back in order in the stored
file (ID3 CHAP/CTOC, and in M4A a QuickTime chapter track plus a Nero chpl box, read back by mutagen and ffprobe);
a damaged file is a 422 at the staff upload and exit code 2 at the CLI, never a traceback."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from sqlalchemy.orm import Session

from media_catalogue import ingest
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.media import mp4box
from media_catalogue.media.chapters import render_chapters
from media_catalogue.storage import Storage, create_storage
from tests.media.conftest import FFMPEG, decoded_seconds, ffmpeg
from tests.media.conftest import made as made  # noqa: F401 - the session's ffmpeg-made files
from tests.media.factories import add_episode, stored_keys
from tests.staff_fixtures import _cheap_password_hashing, app, client, world  # noqa: F401
from tests.staff_helpers import StaffWorld


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return create_storage(settings)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessions() as session:
        yield session


def _read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


def _stored_copy(storage: Storage, key: str, tmp_path: Path) -> Path:
    path = tmp_path / key.rsplit("/", 1)[-1]
    path.write_bytes(_read(storage, key))
    return path


def test_counted_duration_reaches_the_row_and_the_chapter_ends(
    session: Session, storage: Storage, settings: Settings, made: Callable[[str], Path], tmp_path: Path
) -> None:
    episode = add_episode(session, chapters=[{"startTime": 0, "title": "Tone"}, {"startTime": 30, "title": "Noise"}])
    result = ingest.attach_media(session, storage, settings, episode, made("nx.mp3"), filename="nx.mp3")
    session.commit()
    media = result.media_file
    stored = _stored_copy(storage, media.storage_key, tmp_path)
    assert abs((media.duration_ms or 0) / 1000 - decoded_seconds(stored)) <= 0.05
    assert any("counted" in w for w in result.warnings)
    chaps = sorted(ID3(io.BytesIO(_read(storage, media.storage_key))).getall("CHAP"), key=lambda c: c.start_time)
    assert chaps[-1].end_time == media.duration_ms  # the last chapter ends at the counted end, not at 15 s


def test_embedded_chapters_become_the_episodes_and_are_written_back_in_order(
    session: Session, storage: Storage, settings: Settings, made: Callable[[str], Path]
) -> None:
    episode = add_episode(session, chapters=None)
    result = ingest.attach_media(session, storage, settings, episode, made("chaptered.mp3"), filename="c.mp3")
    session.commit()
    assert [(c["startTime"], c["title"]) for c in episode.chapters or []] == [
        (0, "Opening"),
        (1, "Interview"),
        (2.5, "Goodbye"),
    ]
    assert any("embedded in the file became" in w for w in result.warnings)
    data = _read(storage, result.media_file.storage_key)
    tags = ID3(io.BytesIO(data))
    positions = [data.index(f"chp{i}".encode()) for i in range(3)]
    assert positions == sorted(positions)  # CHAP frames in time order in the file
    assert [tags[f"CHAP:chp{i}"].sub_frames["TIT2"].text[0] for i in range(3)] == ["Opening", "Interview", "Goodbye"]
    assert tags["CTOC:toc"].child_element_ids == ["chp0", "chp1", "chp2"]
    rendered = json.loads(render_chapters(episode.chapters or []))["chapters"]
    assert [c["title"] for c in rendered] == ["Opening", "Interview", "Goodbye"]


def test_given_chapters_win_and_toc_false_stays_out_of_the_table_of_contents(
    session: Session, storage: Storage, settings: Settings, made: Callable[[str], Path]
) -> None:
    given = [
        {"startTime": 0, "title": "Intro"},
        {"startTime": 1.5, "title": "Sponsor", "toc": False},
        {"startTime": 3, "title": "Outro"},
    ]
    episode = add_episode(session, chapters=given)
    result = ingest.attach_media(session, storage, settings, episode, made("chaptered.mp3"), filename="c.mp3")
    session.commit()
    assert episode.chapters == given
    tags = ID3(io.BytesIO(_read(storage, result.media_file.storage_key)))
    assert len(tags.getall("CHAP")) == 3
    assert tags["CTOC:toc"].child_element_ids == ["chp0", "chp2"]


def test_m4a_gets_a_chapter_track_and_a_chpl_box(
    session: Session, storage: Storage, settings: Settings, made: Callable[[str], Path], tmp_path: Path
) -> None:
    chapters = [{"startTime": 0, "title": "Welcome"}, {"startTime": 10.5, "title": "Entretien à Liège"}]
    episode = add_episode(session, chapters=chapters)
    result = ingest.attach_media(session, storage, settings, episode, made("t.m4a"), filename="t.m4a")
    session.commit()
    stored = _stored_copy(storage, result.media_file.storage_key, tmp_path)
    nero = MP4(stored).chapters  # mutagen reads the chpl box
    assert [(round(c.start, 3), c.title) for c in nero] == [(0.0, "Welcome"), (10.5, "Entretien à Liège")]
    handle = stored.open("rb")
    moov = next(b for b in mp4box.iter_boxes(handle, 0, stored.stat().st_size, top=True) if b.name == b"moov")
    assert b"tref" in stored.read_bytes()[moov.offset : moov.end] and b"text" in stored.read_bytes()[moov.offset :]
    handle.close()
    # without the chpl box, what ffprobe still finds comes from the QuickTime chapter track
    data = bytearray(stored.read_bytes())
    at = data.index(b"chpl", moov.offset)
    data[at : at + 4] = b"free"
    quicktime_only = tmp_path / "qt-only.m4a"
    quicktime_only.write_bytes(bytes(data))
    assert FFMPEG
    probe = subprocess.run(
        [shutil.which("ffprobe") or "ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(quicktime_only)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = [(round(float(c["start_time"]), 3), c["tags"]["title"]) for c in json.loads(probe.stdout)["chapters"]]
    assert found == [(0.0, "Welcome"), (10.5, "Entretien à Liège")]
    assert abs((result.media_file.duration_ms or 0) / 1000 - decoded_seconds(stored)) <= 0.05


def test_fragmented_m4a_is_ingested_with_its_length(
    session: Session, storage: Storage, settings: Settings, made: Callable[[str], Path], tmp_path: Path
) -> None:
    episode = add_episode(session, chapters=None)
    result = ingest.attach_media(session, storage, settings, episode, made("f.m4a"), filename="f.m4a")
    session.commit()
    stored = _stored_copy(storage, result.media_file.storage_key, tmp_path)
    assert abs((result.media_file.duration_ms or 0) / 1000 - 27.0) <= 0.05
    assert abs(decoded_seconds(stored) - 27.0) <= 0.05


def test_cut_m4a_is_a_422_at_the_staff_upload(
    client: TestClient,  # noqa: F811
    world: StaffWorld,  # noqa: F811
    settings: Settings,
    made: Callable[[str], Path],
) -> None:
    episodes = "/api/staff/shows/match-en/episodes"
    draft = client.post(episodes, json={"title": "Cut upload"}, headers=world.bearer("contributor"))
    assert draft.status_code == 201, draft.text
    response = client.put(
        f"{episodes}/{draft.json()['slug']}/media",
        params={"filename": "cut.m4a"},
        content=made("t.m4a").read_bytes()[:-2000],
        headers={**world.bearer("contributor"), "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "truncated"
    assert stored_keys(create_storage(settings)) == [] or all(
        not k.startswith("episodes/") for k in stored_keys(create_storage(settings))
    )


def test_cut_m4a_is_exit_code_2_at_the_cli(made: Callable[[str], Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(made("t.m4a").read_bytes()[:-2000])
    run = subprocess.run(
        [sys.executable, "-m", "media_catalogue", "probe", str(cut), "--json"],
        env={**os.environ, "MEDIA_CATALOGUE_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert json.loads(run.stdout)["error"]["code"] == "truncated"
    assert "Traceback" not in run.stderr


def test_a_fragmented_recording_made_by_ffmpeg_from_scratch(tmp_path: Path) -> None:
    """A browser-recorder-like file: fragmented from the first byte, with a short last fragment."""
    if FFMPEG is None:
        pytest.skip("ffmpeg is not installed")
    path = tmp_path / "rec.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=7.3", "-c:a", "aac", "-frag_duration", "1000000", "-movflags",
           "frag_keyframe+empty_moov+default_base_moof", str(path))  # fmt: skip
    from media_catalogue.media.probe import probe

    assert abs(probe(path).duration_ms / 1000 - decoded_seconds(path)) <= 0.05
