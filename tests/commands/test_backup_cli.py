"""`media-catalogue backup OUT` and `restore IN [--force]`: a round trip through the CLI on SQLite with local storage,
and one-line refusals with exit code 2 (non-empty target, not a backup, backup folder not empty)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from media_catalogue.cli import app
from tests.catalogue_fixtures import make_catalogue


def _use(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("MEDIA_CATALOGUE_DATABASE_URL", raising=False)
    monkeypatch.delenv("MEDIA_CATALOGUE_STORAGE_URL", raising=False)
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", "https://podcasts.example.org")
    monkeypatch.setenv("MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS", "false")


def test_backup_and_restore_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    _use(monkeypatch, tmp_path / "old")
    assert runner.invoke(app, ["sync", str(make_catalogue(tmp_path / "episodes"))]).exit_code == 0
    before = runner.invoke(app, ["episodes", "match-en"]).output
    saved = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert saved.exit_code == 0, saved.output
    assert "backed up the sqlite database and" in saved.output
    again = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert again.exit_code == 2 and again.output.startswith("error: ") and "not an empty folder" in again.output

    _use(monkeypatch, tmp_path / "new")
    restored = runner.invoke(app, ["restore", str(tmp_path / "backup")])
    assert restored.exit_code == 0, restored.output
    assert runner.invoke(app, ["episodes", "match-en"]).output == before
    refused = runner.invoke(app, ["restore", str(tmp_path / "backup")])
    assert refused.exit_code == 2 and "not empty (use --force" in refused.output
    forced = runner.invoke(app, ["restore", "--force", str(tmp_path / "backup")])
    assert forced.exit_code == 0, forced.output


def test_restore_of_a_folder_that_is_no_backup_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, tmp_path / "data")
    (tmp_path / "nothing").mkdir()
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'nothing'} holds no manifest.json: not a "
                                                  "backup, or an unfinished one"]  # fmt: skip
