"""The static export into a folder: complete, byte-identical to the app, incremental by content, and removing what
disappeared. Everything runs for real: the app renders in-process, files land on disk."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import Invalid
from media_catalogue.export import export
from media_catalogue.export.crawl import absolute_pattern, exportable, links
from media_catalogue.web.app import create_app
from tests.export.conftest import MANIFEST, manifest, tree
from tests.web.conftest import BASE, run_sync

EPISODE = "shows/match-en/talent-partnerships"


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_export_holds_the_whole_public_side(synced: Database, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = export(settings, str(out))
    files = tree(out)
    assert report.written == len(files) - 1 and report.unchanged == 0 and report.removed == 0  # all but the manifest
    for name in (
        "index.html", "404.html", "robots.txt", "sitemap.xml", "feeds.opml", "feeds/all.xml", "feeds/match-en.xml",
        "feeds/videos.xml", f"{EPISODE}/index.html", "embed/match-en/talent-partnerships/index.html",
        "oembed/match-en/talent-partnerships.json", "chapters/match-en/talent-partnerships.json",
        "transcripts/match-en/talent-partnerships.en.vtt", "static/site.css",
        *(f"{lang}/{EPISODE}/index.html" for lang in ("en", "fr", "nl")),
        *(f"{lang}/index.html" for lang in ("en", "fr", "nl")), "fr/404.html", "fr/shows/index.html",
        "fr/embed/match-en/talent-partnerships/index.html",
    ):  # fmt: skip
        assert name in files, name
    absolute = absolute_pattern(BASE)
    for name, body in files.items():  # every link of this site in every exported file leads to an exported file
        if name.endswith((".html", ".xml", ".json", ".opml")):
            for link in links(body.decode(), absolute):
                path = exportable(link)
                if path is not None:
                    stem = unquote(path).strip("/")
                    assert stem in files or f"{stem}/index.html".lstrip("/") in files, (name, link)
    assert not any(name.startswith(("media/", "api/", "admin")) for name in files)
    # The search page, without results, and the list it searches in the browser (catalogue.static_search).
    assert {"search/index.html", "fr/search/index.html", "search/index.json"} <= set(files)
    assert "/shows/match-en/talent-partnerships" in files["search/index.json"].decode()
    french = files[f"fr/{EPISODE}/index.html"].decode()
    assert '<html lang="fr">' in french and 'href="/fr/shows/match-en"' in french
    assert f'<link rel="canonical" href="{BASE}/fr/{EPISODE}">' in french
    assert f'href="{BASE}/oembed/match-en/talent-partnerships.json"' in french
    assert "Page introuvable" in files["fr/404.html"].decode()
    records = manifest(out)
    assert set(records) == set(files) - {MANIFEST}
    assert records["feeds/all.xml"]["content_type"].startswith("application/rss+xml")  # type: ignore[union-attr]
    assert records[f"fr/{EPISODE}/index.html"]["content_type"] == "text/html; charset=utf-8"
    assert records["static/site.css"]["cache_control"]


def test_second_run_writes_nothing(synced: Database, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = export(settings, str(out))
    before = stamps(out)
    second = export(settings, str(out))
    assert (second.written, second.removed, second.unchanged) == (0, 0, first.written)
    assert stamps(out) == before  # not one file touched, the manifest included


def test_feeds_are_byte_identical_to_the_app(synced: Database, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export(settings, str(out))
    files = tree(out)
    feeds = [name for name in files if name.startswith("feeds/") or name in ("feeds.opml", "sitemap.xml")]
    assert len(feeds) >= 6
    with TestClient(create_app(settings, database=synced), base_url=BASE) as client:
        for name in feeds:
            response = client.get(f"/{name}")
            assert response.status_code == 200, name
            assert response.content == files[name], name
        for name in ("oembed/match-en/talent-partnerships.json", "chapters/match-en/talent-partnerships.json"):
            assert client.get(f"/{name}").content == files[name]
        assert client.get("/fr/shows").content == files["fr/shows/index.html"]


def test_an_edit_rewrites_only_the_files_it_changes(
    synced: Database, settings: Settings, catalogue_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export(settings, str(out))
    before = tree(out)
    source = catalogue_root / "match-en" / "talent-partnerships.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Talent partnerships explained", "Talent partnerships revisited")
    )
    run_sync(synced, settings, catalogue_root)
    written: list[str] = []
    report = export(settings, str(out), progress=written.append)
    after = tree(out)
    changed = {name for name in after if before.get(name) != after[name]} - {MANIFEST}
    assert set(written) == changed and report.written == len(changed) and report.removed == 0
    for lang in ("en", "fr", "nl"):
        assert f"{lang}/{EPISODE}/index.html" in changed
    assert {
        f"{EPISODE}/index.html",
        "feeds/match-en.xml",
        "feeds/all.xml",
        "oembed/match-en/talent-partnerships.json",
    } <= changed
    for name in changed:  # each rewritten file shows the new title, or has a newer date (lastBuildDate, lastmod)
        if b"Talent partnerships revisited" not in after[name]:
            diff = _changed_lines(before[name], after[name])
            assert all(any(d in line for d in ("lastBuildDate", "lastmod", "dateModified")) for line in diff), (
                name,
                diff,
            )
    assert "robots.txt" not in changed and "static/site.css" not in changed and "feeds/u-care-fr.xml" not in changed
    assert len(changed) < len(after) // 3


def test_a_removed_episode_leaves_the_export(
    synced: Database, settings: Settings, catalogue_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export(settings, str(out))
    gone = ["shows/match-en/month-episode/index.html", "fr/shows/match-en/month-episode/index.html",
            "embed/match-en/month-episode/index.html", "oembed/match-en/month-episode.json"]  # fmt: skip
    assert all((out / name).is_file() for name in gone)
    (catalogue_root / "match-en" / "month-episode.md").unlink()
    run_sync(synced, settings, catalogue_root)
    report = export(settings, str(out))
    assert report.removed >= len(gone)
    assert not any((out / name).exists() for name in gone)
    assert not (out / "shows/match-en/month-episode").exists()  # its empty folder went too
    assert set(manifest(out)) == set(tree(out)) - {MANIFEST}


def test_a_folder_that_is_not_an_export_is_refused(synced: Database, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.txt").write_text("precious")
    with pytest.raises(Invalid, match="not an export"):
        export(settings, str(out))
    assert os.listdir(out) == ["thesis.txt"]


def _changed_lines(old: bytes, new: bytes) -> set[str]:
    import difflib

    return {
        line[1:].strip()
        for line in difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    }
