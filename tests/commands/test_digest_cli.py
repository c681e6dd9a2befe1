"""`media-catalogue digest`: the 2021 digest of the seeded catalogue in each format, to standard output or a file;
bad dates, languages, formats and projects exit 2 with one line and write nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from media_catalogue.cli import app
from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder

YEAR = ["--from", "2021-01-01", "--to", "2021-12-31"]


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp: Path = tmp_path_factory.mktemp("digest-cli")
    settings = Settings(data_dir=tmp / "data", base_url="https://podcasts.example.org", _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    assert sync_folder(database, settings, create_storage(settings), PROJECT_ROOT / "episodes").errors == []
    database.dispose()
    yield {
        "MEDIA_CATALOGUE_DATA_DIR": str(settings.data_dir),
        "MEDIA_CATALOGUE_DATABASE_URL": settings.resolved_database_url,
        "MEDIA_CATALOGUE_BASE_URL": "https://podcasts.example.org",
    }


def run(environment: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["digest", *args], env=environment)


def test_markdown_to_standard_output_in_dutch(environment: dict[str, str]) -> None:
    result = run(environment, *YEAR, "--lang", "nl", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Podcasts en video's")
    assert "## [MATCH](https://podcasts.example.org/nl/projects/match)" in result.output
    assert "### MATCH Podcast (Nederlandstalig)" in result.output
    assert (
        "[Ook in het Engels](https://podcasts.example.org/nl/shows/match-podcast-en/global-race-for-talent)"
        in result.output
    )
    assert "**IDAHOBIT 2021** (Miniserie in 5 delen)" in result.output


def test_text_for_some_projects_and_html_to_a_file(environment: dict[str, str], tmp_path: Path) -> None:
    text = run(environment, *YEAR, "--format", "text", "--project", "u-care", "--project", "match")
    assert text.exit_code == 0, text.output
    assert "== MATCH ==" in text.output and "== U-CARE" in text.output and "Diaspora Insights" not in text.output
    target = tmp_path / "digest.html"
    written = run(environment, *YEAR, "--lang", "fr", "-o", str(target))
    assert written.exit_code == 0, written.output
    body = target.read_text(encoding="utf-8")
    assert body.startswith("<!DOCTYPE html>") and '<html lang="fr">' in body and "<style" not in body
    assert "Aussi en néerlandais" in body
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-02-30", "--to", "2021-12-31"], "--from '2021-02-30' is not a date"),
        (["--from", "2021-01-01", "--to", "tomorrow"], "--to 'tomorrow' is not a date"),
        (["--from", "2021-12-31", "--to", "2021-01-01"], "ends (2021-01-01) before it starts"),
        ([*YEAR, "--lang", "de"], "--lang 'de' is not one of en, fr, nl"),
        ([*YEAR, "--format", "pdf"], "--format 'pdf' is not one of html, text, markdown"),
        ([*YEAR, "--project", "nope"], "No project is called 'nope'."),
        (["--from", "2000-01-01", "--to", "2021-12-31"], "at most"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    environment: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "digest.html"
    result = run(environment, *args, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
