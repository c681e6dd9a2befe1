"""import-videos: a YouTube channel feed and a Vimeo RSS feed become videos (by provider id), their thumbnails are
fetched once and served by the catalogue, and a second import changes nothing."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue.models import Video
from media_catalogue.db import Database
from tests.feed_import.conftest import CRAFTED, LocalServer, Run
from tests.media.factories import artwork_bytes


def _fixture(tmp_path: Path, server: LocalServer, name: str) -> Path:
    path = tmp_path / name
    path.write_text((CRAFTED / name).read_text(encoding="utf-8").replace("{{SERVER}}", server.base), encoding="utf-8")
    return path


def _videos(database: Database) -> dict[str, Video]:
    with database.session() as session:
        return {f"{v.provider}:{v.provider_id}": v for v in session.scalars(select(Video))}


def test_a_youtube_channel_and_a_vimeo_feed_import_once(
    run: Run, api: TestClient, database: Database, server: LocalServer, tmp_path: Path
) -> None:
    image = artwork_bytes(480, height=360)
    for path in ("/vi/dQw4w9WgXcQ/hqdefault.jpg", "/vi/a1B2c3D4e5F/hqdefault.jpg", "/video/111_960.jpg"):
        server.serve(path, image, "image/jpeg")
    youtube = _fixture(tmp_path, server, "youtube-channel.atom")
    vimeo = _fixture(tmp_path, server, "vimeo-user.rss")

    result = run("import-videos", youtube, "--series", "Office channel")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("imported videos: 2 added, 0 updated, 0 unchanged")
    result = run("import-videos", vimeo)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("imported videos: 1 added")

    videos = _videos(database)
    assert sorted(videos) == ["vimeo:123456789", "youtube:a1B2c3D4e5F", "youtube:dQw4w9WgXcQ"]
    first = videos["youtube:dQw4w9WgXcQ"]
    assert first.title == "Testimony: arriving in Brussels"
    assert first.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert first.description == "First weeks in a new city & a new job."
    assert str(first.published_on) == "2024-02-03" and first.series == "Office channel"
    vimeo_video = videos["vimeo:123456789"]
    assert vimeo_video.url == "https://vimeo.com/123456789" and str(vimeo_video.published_on) == "2024-01-12"
    assert vimeo_video.description == "First vlog of the series."
    assert server.hits["/video/111_960.jpg"] == 1 and "/video/111_640.jpg" not in server.hits  # the largest one

    body = api.get(f"/api/videos/{first.slug}").json()
    assert body["thumbnail_url"] == f"https://podcasts.example.org/artwork/{first.thumbnail_key}"
    served = api.get(f"/artwork/{first.thumbnail_key}")
    assert served.status_code == 200 and served.content == image

    hits = dict(server.hits)
    for path in (youtube, vimeo):
        again = (
            run("import-videos", path, "--series", "Office channel") if path == youtube else run("import-videos", path)
        )
        assert again.exit_code == 0, again.output
        assert " 0 added, 0 updated, " in again.stdout.splitlines()[-1]
    assert server.hits == hits  # thumbnails are fetched once
    assert len(_videos(database)) == 3


def test_what_is_not_a_video_feed_is_refused(run: Run, tmp_path: Path) -> None:
    atom = tmp_path / "blog.atom"
    atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title></feed>', encoding="utf-8")
    result = run("import-videos", atom)
    assert result.exit_code == 2 and "error: refused: found an Atom feed without yt:videoId" in result.stderr
    html = tmp_path / "page.html"
    html.write_text("<!doctype html><html><body>Channel</body></html>", encoding="utf-8")
    assert run("import-videos", html).exit_code == 2
