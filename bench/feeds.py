"""Feed benchmark (not a timed test).

1. Build: a 1,000-episode feed built by feeds.build.build_feed (feedgen + our extensions), against writing the same
   items and tags with plain lxml in the same run. Both start from the same catalogue objects and the same per-item
   facts (feeds.items.episode_item: URLs, sanitized show notes, plain summaries), so the ratio is what feedgen and
   the extension classes cost over hand-written lxml. Target (issue 4): within 2x.
2. Serving: the cached feed of a show (about 300 KB) served by `media-catalogue serve --workers 2` (the production
   path: uvloop, httptools, no access log; feeds answered before routing), against nginx (started here with
   its own config, 2 workers) serving the same bytes as a static file with its ETag, both loaded by wrk on
   127.0.0.1 with a bounded number of connections: requests per second for 200 and for 304 (If-None-Match).
   Targets (issue 17): 200 at least 0.5x nginx, 304 at least 0.25x nginx.

    .venv/bin/python bench/feeds.py [--episodes 1000] [--serve-episodes 160] [--duration 8] [--connections 16]
                                    [--skip-build] [--skip-serving]

The last line printed holds the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loadtest import fetch, free_port, nginx_config, serve, stop, wait_for, wrk
from lxml import etree

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.identity import podcast_guid_for
from media_catalogue.catalogue.models import Credit, Episode, MediaFile, Person, Season, Show, Status, Transcript
from media_catalogue.catalogue.queries import live_episodes
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.build import build_feed
from media_catalogue.feeds.items import Item, episode_item
from media_catalogue.feeds.podcast_ns import PODCAST_NS
from media_catalogue.urls import UrlPlan

BASE_URL = "https://podcasts.example.org"
IDENTITY = {"Accept-Encoding": "identity"}  # compare the bytes themselves, not gzip
NOTES = (
    "In this episode we talk with **{name}** about labour migration, skills and the *global race for talent*.\n\n"
    "- Why employers in Belgium look abroad\n- What the MATCH pilot learned\n- How diaspora networks help\n\n"
    "More: [the project page](https://www.example.org/match) & the [report](https://www.example.org/report.pdf)."
)


def seed(database: Database, settings: Settings, slug: str, count: int) -> None:
    """A show with `count` published episodes, each with an MP3, a transcript and a guest."""
    urls = UrlPlan(settings)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with database.session() as session:
        show = Show(
            slug=slug,
            title=f"Benchmark show {slug}",
            description="A show with many episodes.",
            author="IOM Belgium and Luxembourg",
            owner_name="Team",
            owner_email="team@example.org",
            language="en",
            category="Society & Culture",
            subcategory="Documentary",
            artwork_key=f"shows/{slug}/artwork.jpg",
            podcast_guid=podcast_guid_for(urls.feed(slug)),
        )
        show.seasons.append(Season(number=1, name="Season one"))
        host = Person(slug=f"{slug}-host", name="Hanne Host")
        show.credits.append(Credit(person=host, role="host"))
        session.add(show)
        for n in range(1, count + 1):
            guest = Person(slug=f"{slug}-guest-{n}", name=f"Guest Number {n}")
            episode = Episode(
                show=show,
                slug=f"episode-{n}",
                title=f"Episode {n}: labour migration and skills, part {n}",
                number=n,
                season=1,
                summary=f"Episode {n} of the benchmark show, with Guest Number {n}.",
                show_notes=NOTES.format(name=f"Guest Number {n}"),
                status=Status.published,
                published_at=start + timedelta(days=n),
                guid=f"{show.podcast_guid}/episode-{n}",
                chapters=[{"startTime": 0, "title": "Intro"}],
            )
            episode.media_files.append(
                MediaFile(
                    storage_key=f"media/{slug}/episode-{n}.mp3",
                    extension="mp3",
                    mime_type="audio/mpeg",
                    byte_length=20_000_000 + n,
                    sha256="0" * 64,
                    duration_ms=1_800_000 + n,
                )
            )
            episode.transcripts.append(
                Transcript(language="en", format="vtt", mime_type="text/vtt", storage_key=f"t/{slug}/{n}.vtt")
            )
            episode.credits.append(Credit(person=guest, role="guest"))
            session.add(episode)
        session.flush()
        versions.touch(session, show)


# --- the reference: the same document written with plain lxml ---------------------------------------------------

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST_NS, "atom": ATOM, "content": CONTENT}


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def lxml_feed(show: Show, items: list[Item], urls: UrlPlan) -> bytes:
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = _sub(rss, "channel")
    _sub(channel, "title", show.title)
    _sub(channel, "link", urls.show(show.slug))
    _sub(channel, "description", show.description)
    _sub(channel, f"{{{ATOM}}}link", href=urls.feed(show.slug), rel="self", type="application/rss+xml")
    _sub(channel, "generator", "lxml")
    _sub(channel, "language", show.language)
    _sub(channel, "lastBuildDate", datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S %z"))
    _sub(channel, f"{{{ITUNES}}}author", show.author)
    category = _sub(channel, f"{{{ITUNES}}}category", text=show.category)
    _sub(category, f"{{{ITUNES}}}category", text=show.subcategory or "")
    owner = _sub(channel, f"{{{ITUNES}}}owner")
    _sub(owner, f"{{{ITUNES}}}name", show.owner_name)
    _sub(owner, f"{{{ITUNES}}}email", show.owner_email)
    _sub(channel, f"{{{ITUNES}}}type", "episodic")
    _sub(channel, f"{{{ITUNES}}}image", href=urls.artwork(show.artwork_key or ""))
    _sub(channel, f"{{{ITUNES}}}explicit", "false")
    _sub(channel, f"{{{PODCAST_NS}}}guid", show.podcast_guid)
    _sub(channel, f"{{{PODCAST_NS}}}locked", "yes", owner=show.owner_email)
    _sub(channel, f"{{{PODCAST_NS}}}medium", "podcast")
    for item in items:
        element = _sub(channel, "item")
        _sub(element, "title", item.title)
        _sub(element, "link", item.link)
        _sub(element, "description", item.description)
        _sub(element, f"{{{CONTENT}}}encoded", item.content_html)
        _sub(element, "guid", item.guid, isPermaLink="false")
        _sub(element, "enclosure", url=item.enclosure.url, length=str(item.enclosure.length), type=item.enclosure.type)
        _sub(element, "pubDate", item.published_at.strftime("%a, %d %b %Y %H:%M:%S %z"))
        _sub(element, f"{{{ITUNES}}}duration", str(item.duration))
        _sub(element, f"{{{ITUNES}}}season", str(item.season))
        _sub(element, f"{{{ITUNES}}}episode", str(item.number))
        _sub(element, f"{{{ITUNES}}}episodeType", item.episode_type)
        _sub(element, f"{{{ITUNES}}}explicit", "true" if item.explicit else "false")
        _sub(element, f"{{{PODCAST_NS}}}season", str(item.season), name=item.season_name or "")
        _sub(element, f"{{{PODCAST_NS}}}episode", str(item.number))
        for transcript in item.transcripts:
            _sub(element, f"{{{PODCAST_NS}}}transcript", **transcript)
        if item.chapters_url:
            _sub(element, f"{{{PODCAST_NS}}}chapters", url=item.chapters_url, type="application/json+chapters")
        for person in item.people:
            attributes = {k: v for k, v in person.items() if k != "name"}
            _sub(element, f"{{{PODCAST_NS}}}person", person["name"], **attributes)
    return bytes(etree.tostring(rss, pretty_print=True, encoding="UTF-8", xml_declaration=True))


def timed(function: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def bench_build(database: Database, settings: Settings, slug: str, rounds: int) -> float:
    urls = UrlPlan(settings)
    with database.session() as session:
        show = session.query(Show).filter(Show.slug == slug).one()
        episodes = live_episodes(session, show=show)
        start = time.perf_counter()
        cold = build_feed(show, episodes, settings, cache=None)
        cold_time = time.perf_counter() - start
        # Every item serialized each time (no item cache): what feedgen costs against lxml writing the same items.
        ours = timed(lambda: build_feed(show, episodes, settings, cache=None), rounds)
        warm = timed(lambda: build_feed(show, episodes, settings), rounds)  # items kept (feeds.itemcache)
        reference = timed(
            lambda: lxml_feed(show, [i for i in (episode_item(e, urls) for e in episodes) if i], urls), rounds
        )
        prep = timed(lambda: [episode_item(e, urls) for e in episodes], rounds)
        items = [i for i in (episode_item(e, urls) for e in episodes) if i]
        write_only = timed(lambda: lxml_feed(show, items, urls), rounds)
        reference_bytes = lxml_feed(show, items, urls)
    ours_median, reference_median = statistics.median(ours), statistics.median(reference)
    prep_median = statistics.median(prep)
    print(
        f"build: {len(episodes)} episodes, feed {len(cold) / 1024:.0f} KiB "
        f"(lxml reference {len(reference_bytes) / 1024:.0f} KiB)"
    )
    print(f"  first build (show notes rendered, cold caches): {cold_time * 1000:.1f} ms")
    print(f"  build_feed (feedgen + extensions), no item cache, median of {rounds}: {ours_median * 1000:.1f} ms")
    kept = statistics.median(warm) * 1000
    print(f"  build_feed with its items kept (nothing changed), median of {rounds}: {kept:.1f} ms")
    print(f"  plain lxml, same items and tags, median of {rounds}:  {reference_median * 1000:.1f} ms")
    print(
        f"    of which per-item facts (shared by both): {prep_median * 1000:.1f} ms; lxml writing only: "
        f"{statistics.median(write_only) * 1000:.1f} ms; "
        f"feedgen writing only: {(ours_median - prep_median) * 1000:.1f} ms"
    )
    return ours_median / reference_median


# --- serving ----------------------------------------------------------------------------------------------------


def bench_serving(
    workdir: Path, env: dict[str, str], slug: str, duration: int, connections: int
) -> tuple[float, float, dict[str, float]]:
    app_port, nginx_port = free_port(), free_port()
    feed_path = f"/feeds/{slug}.xml"
    app = serve(env, app_port)
    nginx = None
    try:
        app_url = f"http://127.0.0.1:{app_port}{feed_path}"
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        body, headers = fetch(app_url, headers=IDENTITY)
        # Both workers build their copy before measuring (a few requests reach each of them).
        for _ in range(20):
            fetch(app_url)
        # nginx started as root serves from unprivileged workers: they must be able to read the file.
        workdir.chmod(0o755)
        (workdir / "www" / "feeds").mkdir(parents=True, mode=0o755)
        (workdir / "www" / "feeds" / f"{slug}.xml").write_bytes(body)
        (workdir / "nginx.conf").write_text(
            nginx_config(
                workdir,
                nginx_port,
                content_type="application/rss+xml; charset=utf-8",
                cache_control="public, max-age=300",
            )
        )
        nginx = subprocess.Popen(
            ["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)], start_new_session=True
        )
        nginx_url = f"http://127.0.0.1:{nginx_port}{feed_path}"
        wait_for(nginx_url)
        static, static_headers = fetch(nginx_url, headers=IDENTITY)
        assert static == body
        print(
            f"serving: feed of {len(body) / 1024:.0f} KiB; "
            f"app ETag {headers['etag']}, nginx ETag {static_headers['etag']}"
        )
        results = {
            "app 200": wrk(app_url, duration, connections),
            "nginx 200": wrk(nginx_url, duration, connections),
            "app 304": wrk(app_url, duration, connections, {"If-None-Match": headers["etag"]}),
            "nginx 304": wrk(nginx_url, duration, connections, {"If-None-Match": static_headers["etag"]}),
        }
        for name, value in results.items():
            print(f"  {name}: {value:,.0f} requests/s")
        return results["app 200"] / results["nginx 200"], results["app 304"] / results["nginx 304"], results
    finally:
        stop(app)
        stop(nginx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1000, help="Episodes in the build benchmark's feed.")
    parser.add_argument("--serve-episodes", type=int, default=160, help="Episodes of the served feed (about 300 KB).")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--duration", type=int, default=8, help="Seconds per wrk run.")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (the bounded load).")
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument("--skip-build", action="store_true", help="Measure serving only.")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not args.skip_serving and shutil.which(tool) is None:
            sys.exit(f"error: {tool} is not installed (apt-get install {tool})")

    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'catalogue.sqlite3'}"
        settings = Settings(data_dir=workdir / "data", base_url=BASE_URL, database_url=database_url, _env_file=None)  # type: ignore[call-arg]
        database = Database(settings)
        database.migrate()
        if not args.skip_build:
            seed(database, settings, "big", args.episodes)
        seed(database, settings, "served", args.serve_episodes)
        build_ratio = float("nan") if args.skip_build else bench_build(database, settings, "big", args.rounds)
        database.dispose()
        if args.skip_serving:
            print(f"ratios: build feedgen/lxml {build_ratio:.2f}x (target <= 2x)")
            return
        env = {
            **os.environ,
            "MEDIA_CATALOGUE_DATA_DIR": str(workdir / "data"),
            "MEDIA_CATALOGUE_DATABASE_URL": database_url,
            "MEDIA_CATALOGUE_BASE_URL": BASE_URL,
        }
        ok_ratio, not_modified_ratio, _ = bench_serving(workdir, env, "served", args.duration, args.connections)
    build = "" if args.skip_build else f"build feedgen/lxml {build_ratio:.2f}x (target <= 2x); "
    print(
        f"ratios: {build}"
        f"200 app/nginx {ok_ratio:.2f} (target >= 0.5); 304 app/nginx {not_modified_ratio:.2f} (target >= 0.25)"
    )


if __name__ == "__main__":
    main()
