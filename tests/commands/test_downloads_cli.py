"""`media-catalogue downloads`: the same counts as table, CSV and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from media_catalogue.cli import app
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import make_catalogue
from tests.downloads_fixtures import seed


@pytest.fixture
def seeded(database: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:  # type: ignore[type-arg]
    sync_folder(database, settings, create_storage(settings), make_catalogue(tmp_path / "content"))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return seed(database)


def test_downloads_as_json_csv_and_table(seeded: dict) -> None:  # type: ignore[type-arg]
    runner = CliRunner()
    period = ["--from", "2000-01-01", "--to", "2100-01-01"]
    result = runner.invoke(app, ["downloads", "match-en", *period, "--by", "app", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["rows"] == [{"app": "Apple Podcasts", "downloads": 5}, {"app": "Spotify", "downloads": 3},
                                {"app": "Overcast", "downloads": 2}]  # fmt: skip
    assert "calendar day" in document["window"]
    csv = runner.invoke(app, ["downloads", "match-en", *period, "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    lines = csv.output.splitlines()
    assert lines[0] == "show,episode,title,downloads"
    assert lines[1].startswith(f"match-en,{seeded['new']},") and lines[1].endswith(",6")
    table = runner.invoke(app, ["downloads", *period, "--by", "day"])
    assert table.exit_code == 0 and "10 download(s)" in table.output
    unknown = runner.invoke(app, ["downloads", "no-such-show"])
    assert unknown.exit_code == 1 and "no-such-show" in unknown.output
    backwards = runner.invoke(app, ["downloads", "--from", "2026-02-01", "--to", "2026-01-01"])
    assert backwards.exit_code == 1
