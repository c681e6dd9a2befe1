"""The export into s3://bucket/prefix on moto's S3 server (real HTTP): object metadata carries Content-Type and
Cache-Control, a second run uploads nothing, a removed episode's objects are deleted."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import boto3
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.export import export
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE, build_catalogue, run_sync


def test_export_to_s3(s3_settings: Settings, tmp_path: Path) -> None:
    database = Database(s3_settings)
    database.migrate()
    root = build_catalogue(tmp_path / "episodes")
    run_sync(database, s3_settings, root)
    bucket = urlsplit(s3_settings.resolved_storage_url).netloc
    client = boto3.session.Session().client("s3", endpoint_url=s3_settings.s3_endpoint_url, region_name="us-east-1")

    def keys() -> set[str]:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="site/")
        return {item["Key"][len("site/") :] for page in pages for item in page.get("Contents", [])}

    try:
        first = export(s3_settings, f"s3://{bucket}/site")
        exported = keys()
        assert first.written == len(exported) - 1 and ".export-manifest.json" in exported
        page = client.head_object(Bucket=bucket, Key="site/fr/shows/match-en/talent-partnerships/index.html")
        assert page["ContentType"] == "text/html; charset=utf-8"
        assert page["CacheControl"] == "public, max-age=0, must-revalidate"
        feed = client.head_object(Bucket=bucket, Key="site/feeds/match-en.xml")
        assert feed["ContentType"].startswith("application/rss+xml") and "max-age=" in feed["CacheControl"]
        oembed = client.head_object(Bucket=bucket, Key="site/oembed/match-en/talent-partnerships.json")
        assert oembed["ContentType"] == "application/json" and oembed["CacheControl"] == "public, max-age=3600"
        with TestClient(create_app(s3_settings, database=database), base_url=BASE) as app:
            for name in ("feeds/match-en.xml", "feeds/all.xml", "feeds.opml"):
                body = client.get_object(Bucket=bucket, Key=f"site/{name}")["Body"].read()
                assert body == app.get(f"/{name}").content, name
        assert not any(key.startswith("media/") for key in exported)  # media stay where storage keeps them

        second = export(s3_settings, f"s3://{bucket}/site")
        assert (second.written, second.removed, second.unchanged) == (0, 0, first.written)

        (root / "match-en" / "month-episode.md").unlink()
        run_sync(database, s3_settings, root)
        third = export(s3_settings, f"s3://{bucket}/site")
        assert third.removed >= 4
        assert not {k for k in keys() if "month-episode" in k}
    finally:
        database.dispose()
