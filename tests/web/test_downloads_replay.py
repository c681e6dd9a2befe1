"""Issue 16, done-when 1 and 4: a constructed request log replayed through the real app over HTTP on 127.0.0.1, from
many source addresses of 127.0.0.0/8 and through a trusted proxy; the counts equal the hand-computed table in
downloads_replay.md beside this file; afterwards no address used appears anywhere in the database or its files."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from media_catalogue.catalogue.downloads.models import Download, DownloadRequest
from media_catalogue.catalogue.models import Episode, MediaFile
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app
from tests.web.live_server import get, serve

BRUSSELS = ZoneInfo("Europe/Brussels")
E = "/media/match-en/talent-partnerships.mp3"
X = "/media/match-en/month-episode.mp3"
IPHONE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; nl_nl)"
SPOTIFY = "Spotify/8.9.18 iOS/17.4 (iPhone15,2)"
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
POCKET = "Pocket Casts/7.60 (Android 14)"
ANTENNA = "AntennaPod/3.4.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CURL = "curl/8.5.0"
WATCH = "atc/1.0 watchOS/10.4 model/Watch6,2 hwp/t8301 build/21T216 (6; dt:264)"
PODCASTS = "Podcasts/1650.20 CFNetwork/1410.1 Darwin/22.6.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
PROXY = "127.0.0.200"

# (day, time, source, x-forwarded-for, user agent, method, path, extra headers, expected status, expected bytes)
LOG: list[tuple[int, str, str, str | None, str, str, str, dict[str, str], int, int | None]] = [
    (10, "10:00", "127.0.0.11", None, IPHONE, "GET", E, {}, 200, 13_000),
    (10, "18:00", "127.0.0.11", None, IPHONE, "GET", E, {}, 200, 13_000),
    (10, "10:01", "127.0.0.11", None, SPOTIFY, "GET", E, {}, 200, 13_000),
    (10, "10:05", "127.0.0.12", None, OVERCAST, "GET", E, {"Range": "bytes=0-1"}, 206, 2),
    (10, "10:06", "127.0.0.12", None, OVERCAST, "GET", E, {"Range": "bytes=0-3999"}, 206, 4_000),
    (10, "10:07", "127.0.0.12", None, OVERCAST, "GET", E, {"Range": "bytes=4000-7999"}, 206, 4_000),
    (10, "10:10", "127.0.0.13", None, POCKET, "GET", E, {"Range": "bytes=0-2999"}, 206, 3_000),
    (10, "10:11", "127.0.0.13", None, POCKET, "GET", E, {"Range": "bytes=1000-5999"}, 206, 5_000),
    (10, "10:12", "127.0.0.14", None, ANTENNA, "HEAD", E, {}, 200, 0),
    (10, "10:13", "127.0.0.14", None, ANTENNA, "GET", E, {"If-None-Match": "ETAG"}, 304, 0),
    (10, "10:14", "127.0.0.15", None, GOOGLEBOT, "GET", E, {}, 200, 13_000),
    (10, "10:15", "127.0.0.15", None, CURL, "GET", E, {}, 200, 13_000),
    (10, "10:16", "127.0.0.16", None, WATCH, "GET", E, {}, 200, 13_000),
    (10, "10:17", PROXY, "2a02:a03f:1234:5678::1", ANTENNA, "GET", E, {}, 200, 13_000),
    (10, "11:00", PROXY, "2a02:a03f:1234:5678:aaaa:bbbb:cccc:dddd", ANTENNA, "GET", E, {}, 200, 13_000),
    (10, "11:01", PROXY, "2a02:a03f:1234:9999::1", ANTENNA, "GET", E, {}, 200, 13_000),
    (10, "11:02", PROXY, "198.51.100.7", OVERCAST, "GET", E, {}, 200, 13_000),
    (10, "11:03", "127.0.0.17", "2a02:a03f:1234:5678::1", ANTENNA, "GET", E, {}, 200, 13_000),
    (10, "11:04", "127.0.0.17", "2a02:a03f:1234:7777::1", ANTENNA, "GET", E, {}, 200, 13_000),
    (10, "11:05", "127.0.0.18", None, PODCASTS, "GET", X, {}, 302, None),
    (10, "11:06", "127.0.0.18", None, PODCASTS, "GET", X, {"Range": "bytes=0-1"}, 302, None),
    (10, "11:07", "127.0.0.19", None, CHROME, "GET", E, {"Sec-Purpose": "prefetch"}, 200, 13_000),
    (11, "00:30", "127.0.0.11", None, IPHONE, "GET", E, {}, 200, 13_000),
]
EXPECTED = {  # (episode path, day) -> downloads per app; see downloads_replay.md
    (E, 10): {"Apple Podcasts": 1, "Spotify": 1, "Overcast": 1, "AntennaPod": 3},
    (E, 11): {"Apple Podcasts": 1},
    (X, 10): {"Apple Podcasts": 1},
}
ADDRESSES = sorted(
    {row[2] for row in LOG} | {row[3] for row in LOG if row[3]} | {"2a02:a03f:1234:5678", "2a02:a03f:1234:9999"}
)


def rewrite_enclosure(database: Database, settings: Settings) -> str:
    """Make episode E a 13,000-byte file: 1,000 bytes of header, 120 s of audio at 800 bit/s. Answers its ETag."""
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "talent-partnerships"))
        assert episode is not None
        media = session.scalars(select(MediaFile).where(MediaFile.episode_id == episode.id)).one()
        Path(settings.resolved_storage_url, media.storage_key).write_bytes(bytes(range(256)) * 50 + b"\x00" * 200)
        media.byte_length, media.duration_ms, media.bitrate = 13_000, 120_000, 800
        return f'"{media.sha256}"'


def replay(settings: Settings, database: Database) -> None:
    etag = rewrite_enclosure(database, settings)
    app = create_app(settings, database=database)
    with serve(app) as port:
        downloads = app.state.downloads
        for day, clock, source, forwarded, agent, method, path, extra, status, length in LOG:
            hour, minute = map(int, clock.split(":"))
            moment = datetime(2026, 3, day, hour, minute, tzinfo=BRUSSELS)
            downloads.clock = lambda moment=moment: moment
            headers = {"User-Agent": agent, **{k: (etag if v == "ETAG" else v) for k, v in extra.items()}}
            if forwarded:
                headers["X-Forwarded-For"] = forwarded
            got, answer, body = get(port, path, source=source, method=method, headers=headers)
            assert got == status, (clock, source, agent, got)
            if length is not None and method == "GET":
                assert len(body) == length, (clock, source, len(body))
            downloads.flush()  # each answer is written before the clock moves (the writer thread also runs)


@pytest.fixture
def replayed(synced: Database, settings: Settings) -> tuple[Settings, Database]:
    settings = settings.model_copy(update={"trusted_proxies": [PROXY], "downloads_flush_seconds": 0.2})
    replay(settings, synced)
    return settings, synced


def test_replayed_log_counts_as_the_hand_computed_table(replayed: tuple[Settings, Database]) -> None:
    _, database = replayed
    with database.session() as session:
        paths = {
            session.scalar(select(Episode.id).where(Episode.slug == "talent-partnerships")): E,
            session.scalar(select(Episode.id).where(Episode.slug == "month-episode")): X,
        }
        counted: dict[tuple[str, int], Counter[str]] = {}
        for download in session.scalars(select(Download)):
            counted.setdefault((paths[download.episode_id], download.day.day), Counter())[download.app] += 1
        logged = session.scalars(select(DownloadRequest.excluded)).all()
    assert {key: dict(value) for key, value in counted.items()} == EXPECTED
    assert len(logged) == len(LOG)
    assert Counter(logged) == Counter({
        None: 14, "probe": 2, "head": 1, "not_modified": 1, "bot": 2, "watch": 1, "datacenter": 1, "prefetch": 1,
    })  # fmt: skip


def test_no_address_is_stored_anywhere(replayed: tuple[Settings, Database]) -> None:
    settings, database = replayed
    database.dispose()  # checkpoint nothing on purpose: the WAL and journal files are searched as they are
    if database.dialect == "sqlite":
        files = [p for p in Path(settings.data_dir).parent.rglob("*") if p.is_file() and "sqlite" in p.name]
        assert files
        blobs = [p.read_bytes() for p in files]
    else:
        with database.session() as session:
            tables = session.scalars(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
            ).all()
            blobs = []
            for table in tables:
                query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - names from information_schema
                blobs.append("\n".join(session.scalars(query).all()).encode())
    for address in ADDRESSES:
        for blob in blobs:
            assert address.encode() not in blob, address
