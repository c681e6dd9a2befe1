"""`media-catalogue export`: one summary line, then nothing to write; a bad destination is exit 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from media_catalogue.cli import app
from media_catalogue.config import Settings
from tests.catalogue_fixtures import make_catalogue


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", settings.base_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS", "false")
    assert CliRunner().invoke(app, ["sync", str(make_catalogue(tmp_path / "episodes"))]).exit_code == 0
    return settings


def test_export_prints_what_it_wrote_then_writes_nothing(env: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = CliRunner().invoke(app, ["export", str(out)])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1].startswith(f"exported to {out}: ")
    assert " written, 0 unchanged, 0 removed" in first.output and (out / "fr" / "index.html").is_file()
    second = CliRunner().invoke(app, ["export", str(out)])
    assert second.exit_code == 0 and " files: 0 written, " in second.output


@pytest.mark.parametrize(
    ("destination", "message"),
    [("ftp://example.org/site", "give a folder or s3://bucket/prefix"), ("s3:///site", "s3://bucket/prefix")],
)
def test_a_bad_destination_is_one_line_and_exit_2(env: Settings, destination: str, message: str) -> None:
    result = CliRunner().invoke(app, ["export", destination])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_folder_that_is_not_an_export_is_left_alone(env: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = CliRunner().invoke(app, ["export", str(folder)])
    assert result.exit_code == 2 and "not an export" in result.output
    assert [p.name for p in folder.iterdir()] == ["holiday.jpg"]
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert CliRunner().invoke(app, ["export", str(file)]).exit_code == 2
