"""The feed checker: a complete show checks clean; each broken rule is reported with its fix; the CLI exits 1."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from feed_catalogue import NOW, Factory
from lxml import etree
from PIL import Image
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from media_catalogue.catalogue.models import Episode, Show, ShowType, Transcript
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.build import build_feed
from media_catalogue.feeds.checker import check_catalogue, check_show, has_errors
from media_catalogue.feeds.findings import Severity


def image_bytes(width: int, height: int, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format=fmt)
    return buffer.getvalue()


class FakeStorage:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def exists(self, key: str) -> bool:
        return key in self.objects

    def open(self, key: str) -> io.BytesIO:
        return io.BytesIO(self.objects[key])


@pytest.fixture
def storage() -> FakeStorage:
    return FakeStorage()


def stock(storage: FakeStorage, show: Show, episodes: list[Episode]) -> None:
    if show.artwork_key:
        storage.objects[show.artwork_key] = image_bytes(1400, 1400)
    for episode in episodes:
        for media in episode.media_files:
            storage.objects[media.storage_key] = b"\xff\xfb" * 10
        for transcript in episode.transcripts:
            storage.objects[transcript.storage_key] = b"WEBVTT\n"


def rules(findings: list[Any], severity: Severity | None = None) -> set[tuple[str, str | None]]:
    return {(f.rule, f.episode) for f in findings if severity is None or f.severity == severity}


def test_complete_show_checks_clean(make: Factory, session: Session, settings: Settings, storage: FakeStorage) -> None:
    show = make.show(hosts=(make.person("host"),))
    episodes = [make.episode(show, "one", transcripts=("en",), chapters=[{"startTime": 0, "title": "Intro"}])]
    stock(storage, show, episodes)
    assert check_show(show, episodes, settings, storage=storage, now=NOW) == []


def test_each_broken_rule_is_reported(
    make: Factory, session: Session, settings: Settings, storage: FakeStorage
) -> None:
    show = make.show(category="Migration", owner_email="", artwork_key="shows/x/artwork.gif")
    other = make.show("other", category="Business", subcategory="Podcasting", artwork_key="shows/other/a.jpg")
    storage.objects["shows/other/a.jpg"] = image_bytes(1000, 800)
    episodes = [
        make.episode(show, "no-file", media=False),
        make.episode(show, "no-duration", duration_ms=None),
        make.episode(show, "missing-in-storage"),
        make.episode(show, "bad-transcript"),
        make.episode(show, "no-guid", guid=None),
        make.episode(show, "draft-without-file", media=False, status="draft"),
    ]
    episodes[3].transcripts.append(
        Transcript(language="", format="vtt", mime_type="text/vtt", storage_key="t/x.vtt", byte_length=1)
    )
    stock(storage, show, [e for e in episodes if e.slug != "missing-in-storage"])
    findings = check_show(show, episodes, settings, storage=storage, now=NOW)
    assert rules(findings, Severity.error) == {
        ("category-unknown", None),
        ("owner-email-missing", None),
        ("artwork-format", None),
        ("enclosure-missing", "no-file"),
        ("enclosure-unreachable", "missing-in-storage"),
        ("transcript-language-missing", "bad-transcript"),
        ("guid-missing", "no-guid"),
    }
    assert ("duration-missing", "no-duration") in rules(findings, Severity.warning)
    assert all(f.message and f.fix and f.show == show.slug for f in findings)
    assert not any(f.episode == "draft-without-file" for f in findings)
    assert has_errors(findings)

    other_findings = check_show(other, [], settings, storage=storage, now=NOW)
    assert rules(other_findings, Severity.error) == {("subcategory-unknown", None), ("artwork-size", None)}
    assert ("no-episodes", None) in rules(other_findings, Severity.warning)
    size = next(f for f in other_findings if f.rule == "artwork-size")
    assert "1000x800" in size.message and size.field == "artwork"


def test_category_suggestion_and_serial_numbers(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show(category="society & culture", show_type=ShowType.serial)
    episodes = [make.episode(show, "unnumbered")]
    findings = check_show(show, episodes, settings, now=NOW)
    category = next(f for f in findings if f.rule == "category-unknown")
    assert "'Society & Culture'" in category.fix
    assert ("episode-number-missing", "unnumbered") in rules(findings, Severity.error)


def test_imprecise_dates_and_external_enclosures_are_warnings_naming_the_missing_fact(
    make: Factory, session: Session, settings: Settings
) -> None:
    show = make.show()
    episodes = [
        make.episode(
            show,
            "september",
            media=False,
            date_precision="month",
            external_enclosure_url="https://cdn.example.net/x.mp3",
            external_enclosure_length=1000,
            external_enclosure_type="audio/mpeg",
        )
    ]
    findings = check_show(show, episodes, settings, now=NOW)
    assert not has_errors(findings)
    messages = {f.rule: f.message for f in findings}
    assert "month" in messages["date-imprecise"]
    # The checker states what the feed actually gives: its <pubDate>, character for character.
    pub_date = etree.fromstring(build_feed(show, episodes, settings, now=NOW)).findtext("channel/item/pubDate")
    assert pub_date and f"the feed gives {pub_date} " in messages["date-imprecise"]
    assert "duration" in messages["duration-missing"]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", settings.base_url)
    yield


def test_check_feeds_command(database: Database, settings: Settings, cli_env: None) -> None:
    from media_catalogue.cli import app

    with database.session() as session:
        factory = Factory(session, settings)
        good = factory.show("good")
        factory.episode(good, "fine", published_at=NOW)
    runner = CliRunner()
    result = runner.invoke(app, ["check-feeds", "good", "--plain", "--no-storage"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output

    with database.session() as session:
        bad = Factory(session, settings).show("bad", owner_email="", category="Nope")
        Factory(session, settings).episode(bad, "silent", media=False, published_at=NOW)
    result = runner.invoke(app, ["check-feeds", "--plain", "--no-storage"])
    assert result.exit_code == 1
    lines = [line.split("\t") for line in result.output.splitlines() if line.startswith("error\t")]
    assert ["error", "bad", "owner-email-missing"] in [line[:3] for line in lines]
    assert ["error", "bad/silent", "enclosure-missing"] in [line[:3] for line in lines]
    table = runner.invoke(app, ["check-feeds", "bad", "--no-storage"])
    assert table.exit_code == 1 and "category-unknown" in table.output

    result = runner.invoke(app, ["check-feeds", "nowhere", "--no-storage"])
    assert result.exit_code == 1 and "error: No show is called 'nowhere'" in result.output


def test_check_catalogue_reads_the_database(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    make.episode(show, "fine")
    session.commit()
    assert not has_errors(check_catalogue(session, settings, now=NOW))
