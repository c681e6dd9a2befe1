"""The operator CLI: sync, shows, episodes, one-line errors and exit codes, and `serve` seeding an empty database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from media_catalogue.cli import app
from media_catalogue.config import Settings
from tests.catalogue_fixtures import EPISODE, make_catalogue, write


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", settings.base_url)
    monkeypatch.setenv("COLUMNS", "250")  # rich tables wrap to the terminal width otherwise
    return settings


def test_sync_reports_changes_then_zero(env: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    runner = CliRunner()
    first = runner.invoke(app, ["sync", str(root)])
    assert first.exit_code == 0, first.output
    assert "created   episode match-en/global-race-for-talent" in first.output
    second = runner.invoke(app, ["sync", str(root)])
    assert second.exit_code == 0 and "0 changes" in second.output.splitlines()[-1]


def test_sync_with_a_broken_file_exits_non_zero_naming_file_and_line(env: Settings, tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "episodes")
    write(root, "match-en/broken.md", EPISODE.replace("season: 1", "season: one"))
    result = CliRunner().invoke(app, ["sync", str(root)])
    assert result.exit_code == 1
    assert "error: match-en/broken.md:4: season: Input should be a valid integer" in result.output
    assert "created   episode match-en/global-race-for-talent" in result.output


def test_shows_and_episodes_tables(env: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["sync", str(make_catalogue(tmp_path / "episodes"))])
    shows = runner.invoke(app, ["shows"])
    assert shows.exit_code == 0 and "match-en" in shows.output and "match-nl" in shows.output
    episodes = runner.invoke(app, ["episodes", "match-en"])
    assert episodes.exit_code == 0 and "global-race-for-talent" in episodes.output
    unknown = runner.invoke(app, ["episodes", "nope"])
    assert unknown.exit_code == 1 and unknown.output.strip() == "error: No show is called 'nope'."


def test_invalid_configuration_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", "podcasts.example.org")
    result = CliRunner().invoke(app, ["shows"])
    assert result.exit_code == 1 and result.output.startswith("error: invalid configuration")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_seeds_an_empty_database_and_answers(tmp_path: Path) -> None:
    """The README's first command: `serve` on an empty data directory loads episodes/ and serves it."""
    port = _free_port()
    environment = {**os.environ, "MEDIA_CATALOGUE_DATA_DIR": str(tmp_path / "data")}
    environment.pop("MEDIA_CATALOGUE_DATABASE_URL", None)
    environment.pop("MEDIA_CATALOGUE_STORAGE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "media_catalogue", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                shows = httpx.get(f"http://127.0.0.1:{port}/api/shows", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"serve did not come up: {output}")
                time.sleep(0.3)
        slugs = {show["slug"] for show in shows.json()}
        assert {"diaspora-insights", "match-podcast-en", "match-podcast-nl", "iom-belux-podcast"} <= slugs
        assert {"u-care-fr", "u-care-nl"} <= slugs
    finally:
        process.terminate()
        process.wait(timeout=20)
