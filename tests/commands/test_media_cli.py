"""The `ingest` and `probe` commands through typer's CliRunner, on a real database and local storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.commands import media as media_commands
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from tests.media.factories import artwork_bytes, fixture, stored_keys

CHAPTERS_JSON = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, {"startTime": 1, "title": "B"}]}'
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    media_commands.register(app)
    return app


@pytest.fixture
def env(settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", settings.base_url)
    with database.session() as session:
        session.add(
            Show(
                slug="match-podcast",
                title="MATCH podcast",
                author="IOM",
                language="en",
                podcast_guid="6f2b3c1e-0b7a-5d6e-9f1a-2b3c4d5e6f70",
            )
        )
    return settings


def test_probe_json(app: typer.Typer, env: Settings) -> None:
    result = CliRunner().invoke(app, ["probe", str(fixture("vbr-xing-chapters.mp3")), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["ok"] is True
    assert body["format"] == "mp3" and body["mime_type"] == "audio/mpeg"
    assert body["duration_ms"] == 1500 and body["sample_rate"] == 44100 and body["channels"] == 2
    assert body["size"] == fixture("vbr-xing-chapters.mp3").stat().st_size
    assert len(body["sha256"]) == 64 and isinstance(body["warnings"], list) and body["bitrate"] > 64000
    assert [c["title"] for c in body["chapters"]] == ["Intro", "Main part"]
    assert stored_keys(create_storage(env)) == []


def test_probe_refusal_exits_2_with_a_json_error(app: typer.Typer, env: Settings) -> None:
    result = CliRunner().invoke(app, ["probe", str(fixture("speech.flac")), "--json"])
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["ok"] is False and body["error"]["code"] == "unsupported_format"
    assert "FLAC" in body["error"]["message"]


def test_probe_table(app: typer.Typer, env: Settings) -> None:
    result = CliRunner().invoke(app, ["probe", str(fixture("video.mp4"))])
    assert result.exit_code == 0, result.output
    assert "avc1 64x64" in result.stdout and "video/mp4" in result.stdout


def test_ingest_creates_a_published_episode(
    app: typer.Typer, env: Settings, database: Database, tmp_path: Path
) -> None:
    chapters = tmp_path / "ch.json"
    chapters.write_text(CHAPTERS_JSON)
    transcript = tmp_path / "ep.vtt"
    transcript.write_text(VTT)
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(artwork_bytes(1400))
    result = CliRunner().invoke(
        app,
        [
            "ingest", "match-podcast", str(fixture("cbr-noxing-id3v23.mp3")), "--title", "Talent partnerships",
            "--episode-number", "3", "--publish-at", "2022-01-15T10:00:00+01:00", "--chapters", str(chapters),
            "--transcript", str(transcript), "--artwork", str(cover),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "https://podcasts.example.org/shows/match-podcast/talent-partnerships" in result.stdout
    assert "0:00:01.541" in result.stdout and "64 kbps" in result.stdout
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "talent-partnerships"))
        assert episode is not None
        assert episode.status == Status.published and episode.number == 3 and episode.guid
        assert episode.primary_media is not None and episode.artwork_key and len(episode.transcripts) == 1
        assert [c["title"] for c in episode.chapters or []] == ["Intro", "B"]
        assert episode.primary_media.storage_key in stored_keys(create_storage(env))


def test_ingest_defaults_title_to_the_tag(app: typer.Typer, env: Settings, database: Database) -> None:
    result = CliRunner().invoke(app, ["ingest", "match-podcast", str(fixture("aac.m4a"))])
    assert result.exit_code == 0, result.output
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "aac-sample"))
        assert episode is not None and episode.title == "AAC sample" and episode.status == Status.draft


def test_ingest_refusal_exits_2_and_stores_nothing(app: typer.Typer, env: Settings, database: Database) -> None:
    result = CliRunner().invoke(app, ["ingest", "match-podcast", str(fixture("rate8k.mp3")), "--title", "X"])
    assert result.exit_code == 2
    assert "unsupported_sample_rate" in result.stderr and "44.1 kHz" in result.stderr
    assert stored_keys(create_storage(env)) == []
    with database.session() as session:
        assert session.scalar(select(Episode)) is None


def test_ingest_chapters_past_the_end_are_refused(
    app: typer.Typer, env: Settings, database: Database, tmp_path: Path
) -> None:
    chapters = tmp_path / "ch.json"
    chapters.write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A"}, {"startTime": 90, "title": "B"}]}'
    )
    result = CliRunner().invoke(
        app, ["ingest", "match-podcast", str(fixture("cbr-id3v24.mp3")), "--title", "X", "--chapters", str(chapters)]
    )
    assert result.exit_code == 1
    assert "chapter 2" in result.stderr and "after the end of the audio" in result.stderr
    assert stored_keys(create_storage(env)) == []


def test_ingest_unknown_show(app: typer.Typer, env: Settings) -> None:
    result = CliRunner().invoke(app, ["ingest", "nope", str(fixture("cbr-id3v24.mp3"))])
    assert result.exit_code == 1 and "no show 'nope'" in result.stderr
