"""The 2021 digest of the seeded catalogue in English, French and Dutch: grouped as the newsletters group it (by
project, then podcast, mini-series and video series), each language version listed once with the others linked,
every link absolute, every picture with its size and a text alternative."""

from __future__ import annotations

import re
from datetime import date

import pytest
from lxml import html as lxml_html

from media_catalogue.catalogue.queries.digest import Digest, build_digest
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.digest import render, render_all
from media_catalogue.digest.view import digest_view
from media_catalogue.urls import UrlPlan

BASE = "https://podcasts.example.org"

YEAR = (date(2021, 1, 1), date(2021, 12, 31))


def digest_of(database: Database, language: str, **kwargs: object) -> tuple[Digest, dict[str, str]]:
    with database.session() as session:
        found = build_digest(session, *YEAR, language=language, **kwargs)  # type: ignore[arg-type]
        outputs = render_all(found, UrlPlan(Settings(base_url=BASE, _env_file=None)))  # type: ignore[call-arg]
    return found, outputs


def group_titles(found: Digest) -> dict[str, list[str]]:
    return {
        (s.project.slug if s.project else ""): [g.show.slug if g.show else g.series or "videos" for g in s.groups]
        for s in found.sections
    }


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_grouping_by_project_podcast_and_series(seeded_database: Database, language: str) -> None:
    found, _ = digest_of(seeded_database, language)
    groups = group_titles(found)
    assert list(groups) == [
        "actiris-coordination-platform", "diaspora-engagement", "match", "rwandan-diaspora-engagement", "u-care", "",
    ]  # fmt: skip
    assert groups["diaspora-engagement"] == ["diaspora-insights"]
    assert groups["actiris-coordination-platform"] == ["Actiris Coordination Platform video podcasts"]
    assert groups["rwandan-diaspora-engagement"] == ["Rwandan diaspora vlogs"]
    # one podcast per language family, shown in the digest's language where it has that version
    assert groups["match"] == ["match-podcast-nl" if language == "nl" else "match-podcast-en", "videos"]
    assert groups["u-care"][0] == ("u-care-nl" if language == "nl" else "u-care-fr")
    assert groups["u-care"][1:] == ["U-CARE Belgian Week of Foster Care 2021", "videos"]
    assert groups[""] == ["iom-belux-podcast", "videos"]
    sections = {s.project.slug if s.project else "": s for s in found.sections}
    diaspora = sections["diaspora-engagement"].groups[0]
    assert [p.episode.slug for p in diaspora.parts if p.episode] == [
        "salome-ysebaert",
        "aissatou-cisse",
        "olivia-lopez-calderon",
    ]  # fmt: skip  (the 2022 episodes stay out)
    assert [v.slug for p in diaspora.parts for v in p.videos] == [
        "diaspora-insights-aissatou-cisse-video",
        "diaspora-insights-olivia-lopez-calderon-video",
    ]  # fmt: skip  (a video version is shown with its episode, not again)
    vlogs = sections["rwandan-diaspora-engagement"].groups[0]
    assert len(vlogs.parts) == 3
    assert len(sections["actiris-coordination-platform"].groups[0].parts) == 3


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_idahobit_mini_series_is_one_entry_with_five_parts(seeded_database: Database, language: str) -> None:
    found, outputs = digest_of(seeded_database, language)
    podcast = next(g for s in found.sections for g in s.groups if g.show and g.show.slug == "iom-belux-podcast")
    assert len(podcast.entries) == 1
    entry = podcast.entries[0]
    assert entry.season is not None and entry.season.name == "IDAHOBIT 2021"
    assert len(entry.parts) == 5
    assert entry.parts[0].episode is not None and entry.parts[0].episode.slug == "idahobit-2021-aida-yancy"
    assert [p.videos[0].slug for p in entry.parts if p.videos] == ["idahobit-2021-aida-yancy-video"]
    page = lxml_html.document_fromstring(outputs["html"])
    titles = page.xpath("//p[normalize-space()='IDAHOBIT 2021']/following-sibling::ol[1]/li")
    assert len(titles) == 5
    label = {"en": "Mini-series in 5 parts", "fr": "Mini-série en 5 parties", "nl": "Miniserie in 5 delen"}
    assert label[language] in outputs["html"] and label[language] in outputs["text"]
    assert "IDAHOBIT 2021" in outputs["markdown"]


@pytest.mark.parametrize(
    ("language", "also", "shown", "linked"),
    [
        ("en", "Also in Dutch", "u-care-fr", "u-care-nl"),
        ("fr", "Aussi en néerlandais", "u-care-fr", "u-care-nl"),
        ("nl", "Ook in het Frans", "u-care-nl", "u-care-fr"),
    ],
)
def test_language_versions_are_linked_not_repeated(
    seeded_database: Database, language: str, also: str, shown: str, linked: str
) -> None:
    found, outputs = digest_of(seeded_database, language)
    ucare = next(g for s in found.sections for g in s.groups if g.show and g.show.translation_group)
    ucare = next(g for s in found.sections for g in s.groups if g.show and g.show.slug == shown)
    assert len(ucare.parts) == 4  # four episodes, not eight
    assert all(p.episode.show.slug == shown and [v.show.slug for v in p.versions] == [linked] for p in ucare.parts)  # type: ignore[union-attr]
    page = lxml_html.document_fromstring(outputs["html"])
    versions = page.xpath(f"//a[starts-with(@href, '{BASE}/{language}/shows/{linked}/')]")  # in the reader's language
    assert len(versions) == 4 and {a.text_content() for a in versions} == {also}
    assert all(a.get("hreflang") == linked[-2:] for a in versions)
    assert also in outputs["text"] and f"[{also}]({BASE}/{language}/shows/{linked}/" in outputs["markdown"]
    match = next(g for s in found.sections for g in s.groups if g.show and g.show.slug.startswith("match-podcast"))
    assert len(match.parts) == 1 and len(match.parts[0].versions) == 1


def test_links_are_absolute_and_pictures_described(seeded_database: Database) -> None:
    found, outputs = digest_of(seeded_database, "en")
    page = lxml_html.document_fromstring(outputs["html"])
    hrefs = page.xpath("//a/@href")
    assert hrefs and all(re.match(r"^https://", href) for href in hrefs)
    # pages in the digest's language whatever the reader's browser negotiates
    assert f"{BASE}/en/shows/diaspora-insights/aissatou-cisse" in hrefs
    assert f"{BASE}/en/videos/acp-video-podcast-accmr" in hrefs
    assert f"{BASE}/en/projects/match" in hrefs
    french = lxml_html.document_fromstring(digest_of(seeded_database, "fr")[1]["html"]).xpath("//a/@href")
    assert f"{BASE}/fr/shows/diaspora-insights/aissatou-cisse" in french
    assert "https://podcasters.spotify.com/episode/0YdR34ixz4HCyh8gNBEI2G" in hrefs  # the episode's own Spotify link
    images = page.xpath("//img")
    assert images
    for image in images:
        assert image.get("src").startswith(f"{BASE}/artwork/")
        assert image.get("width") and image.get("height")
        assert image.get("alt", "").strip()
    assert "Cover of the podcast Diaspora Insights" in {i.get("alt") for i in images}
    assert not page.xpath("//script | //style | //link")
    listen = page.xpath("//a[normalize-space()='Listen now →']")
    watch = page.xpath("//a[normalize-space()='Watch now →']")
    assert listen and watch
    items = digest_view(found, UrlPlan(Settings(base_url=BASE, _env_file=None))).items  # type: ignore[call-arg]
    assert all(i.image is None or i.image.alt for i in items)
    assert len(items) == len(found.parts)


def test_show_links_to_apple_podcasts_and_spotify_when_the_catalogue_knows_them(seeded_database: Database) -> None:
    from media_catalogue.catalogue.editing.records import get_show

    with seeded_database.session() as session:
        show = get_show(session, "diaspora-insights")
        show.apple_podcasts_url = "https://podcasts.apple.com/podcast/id1"
        show.spotify_url = "https://open.spotify.com/show/abc"
        session.flush()
        text = render(
            build_digest(session, *YEAR, projects=["diaspora-engagement"]),
            UrlPlan(Settings(base_url=BASE, _env_file=None)),
            "text",
        )  # type: ignore[call-arg]
        session.rollback()
    assert "Apple Podcasts: https://podcasts.apple.com/podcast/id1" in text
    assert "Spotify: https://open.spotify.com/show/abc" in text
    assert "MATCH" not in text  # the project filter


def test_email_html_is_small_inlined_and_valid(seeded_database: Database) -> None:
    for language in ("en", "fr", "nl"):
        _, outputs = digest_of(seeded_database, language)
        body = outputs["html"]
        assert len(body.encode()) < 100_000
        assert "<style" not in body and "<script" not in body and "<link" not in body
        assert 'style="' in body and 'role="presentation"' in body
        assert f'<html lang="{language}">' in body
        assert '<meta name="color-scheme" content="light dark">' in body


def test_an_empty_period_says_so(seeded_database: Database) -> None:
    with seeded_database.session() as session:
        found = build_digest(session, date(2019, 1, 1), date(2019, 12, 31), language="fr")
    assert found.sections == []
    text = render(found, UrlPlan(Settings(base_url=BASE, _env_file=None)), "text")  # type: ignore[call-arg]
    assert "Aucun épisode" in text
