"""The IAB rules as pure functions: client address and proxies, IPv6 /64, keys, thresholds, ranges, exclusions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from media_catalogue.catalogue.downloads import agents, rules

TRUSTED = rules.networks(["127.0.0.200", "10.0.0.0/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.5", "2a02::1", "127.0.0.5"),  # untrusted peer: header ignored
        ("127.0.0.200", "2a02::1", "2a02::1"),
        ("127.0.0.200", "6.6.6.6, 2a02::1", "2a02::1"),  # rightmost untrusted hop; the left end is the client's say
        ("127.0.0.200", "2a02::1, 10.1.2.3", "2a02::1"),  # a second trusted proxy in the chain is skipped
        ("127.0.0.200", "not-an-ip", "127.0.0.200"),
        ("127.0.0.200", None, "127.0.0.200"),
        ("::ffff:127.0.0.9", None, "127.0.0.9"),
        ("127.0.0.200", "[2a02::9]:4711", "2a02::9"),
    ],
)
def test_client_address(peer: str, forwarded: str | None, client: str) -> None:
    assert rules.client_address(peer, forwarded, TRUSTED) == client


def test_ipv6_is_cut_to_its_64_and_ipv4_kept_whole() -> None:
    assert rules.network_of("2a02:a03f:1234:5678:aaaa:bbbb:cccc:dddd") == "2a02:a03f:1234:5678::/64"
    assert rules.network_of("192.0.2.7") == "192.0.2.7"
    salt = b"s" * 32
    same = rules.client_key(salt, "2a02:a03f:1234:5678::1", "A") == rules.client_key(
        salt, "2a02:a03f:1234:5678::2", "A"
    )
    assert same
    assert rules.client_key(salt, "192.0.2.7", "A") != rules.client_key(salt, "192.0.2.7", "B")
    assert rules.client_key(salt, "192.0.2.7", "A") != rules.client_key(b"t" * 32, "192.0.2.7", "A")
    assert "192.0.2.7" not in rules.client_key(salt, "192.0.2.7", "A")


def test_needed_bytes_is_header_plus_a_minute_or_the_whole_file() -> None:
    assert rules.needed_bytes(13_000, 120_000, 800) == 7_000
    assert rules.needed_bytes(5_000, 30_000, 800) == 5_000  # shorter than a minute: the whole file
    assert rules.needed_bytes(12_000, 120_000, None) == 6_000  # no bitrate: proportional
    assert rules.needed_bytes(None, None, None) == 1


def test_overlapping_ranges_count_once() -> None:
    assert rules.covered([(0, 3000), (1000, 5000)]) == 6000
    assert rules.covered([(0, 4000), (4000, 4000)]) == 8000
    assert rules.covered([(100, 10), (0, 1000), (2000, 0)]) == 1000


def test_merged_ranges_are_sorted_disjoint_and_capped_by_dropping_the_shortest() -> None:
    assert rules.merge([(0, 99)], [(50, 100), (150, 10), (300, 0)], 10) == [(0, 159)]  # overlap, then touching
    assert rules.merge([], [(500, 10), (0, 10)], 10) == [(0, 9), (500, 509)]
    scattered = [(i * 100, 1 + i % 7) for i in range(50)]
    kept = rules.merge([], scattered, 5)
    assert len(kept) == 5 and kept == sorted(kept)
    assert sorted(last - first + 1 for first, last in kept) == [7, 7, 7, 7, 7]  # only ever less counted, never more


PROBES = [("bytes=0-1", True), ("bytes=0-0", True), ("bytes=0-2", False), ("bytes=0-", False), (None, False),
          ("bytes=500-501", True)]  # fmt: skip


@pytest.mark.parametrize(("header", "probe"), PROBES)
def test_probes(header: str | None, probe: bool) -> None:
    assert rules.is_probe(header) is probe


def test_calendar_day_window_in_the_show_zone() -> None:
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert rules.window_day(late, "Europe/Brussels").isoformat() == "2026-03-11"
    assert rules.window_day(late, "UTC").isoformat() == "2026-03-10"


def test_exclusions() -> None:
    ex = rules.Exclusions.load()
    base = {"method": "GET", "status": 200, "range_header": None, "user_agent": "AntennaPod/3.4", "address": "1.1.1.1",
            "headers": {}}  # fmt: skip
    assert ex.reason(**base) is None  # type: ignore[arg-type]
    assert ex.reason(**{**base, "method": "HEAD"}) == "head"  # type: ignore[arg-type]
    assert ex.reason(**{**base, "status": 304}) == "not_modified"  # type: ignore[arg-type]
    assert ex.reason(**{**base, "user_agent": ""}) == "bot"  # type: ignore[arg-type]
    assert ex.reason(**{**base, "address": "203.0.113.4"}) == "datacenter"  # type: ignore[arg-type]
    assert ex.reason(**{**base, "headers": {"purpose": "prefetch"}}) == "prefetch"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("agent", "app", "platform"),
    [
        ("AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; nl_nl)", "Apple Podcasts", "iOS"),
        ("Podcasts/1650.20 CFNetwork/1410.1 Darwin/22.6.0", "Apple Podcasts", "iOS"),
        ("Spotify/8.9.18 Android/34 (SM-S911B)", "Spotify", "Android"),
        ("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", "Overcast", "iOS"),
        ("Pocket Casts/7.60 (Android 14)", "Pocket Casts", "Android"),
        ("AntennaPod/3.4.0", "AntennaPod", "Other"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
            "Web player: Chrome",
            "Windows",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Web player: Firefox", "Linux"),
    ],
)
def test_apps_and_platforms(agent: str, app: str, platform: str) -> None:
    assert (agents.app_of(agent), agents.platform_of(agent)) == (app, platform)
    assert not agents.is_bot(agent)


BOTS = ["Mozilla/5.0 (compatible; Googlebot/2.1)", "curl/8.5.0", "python-requests/2.31", "Go-http-client/1.1",
        "facebookexternalhit/1.1", "Mozilla/5.0 HeadlessChrome/120"]  # fmt: skip


@pytest.mark.parametrize("agent", BOTS)
def test_bots(agent: str) -> None:
    assert agents.is_bot(agent)


def test_apple_watch_duplicates_per_the_iab_guidance() -> None:
    assert agents.is_watch("atc/1.0 watchOS/10.4 model/Watch6,2 hwp/t8301 build/21T216 (6; dt:264)")
    assert agents.is_watch("(null)/(null) watchOS/7.0.1 model/Watch5,4 hwp/t8006 build/18R402 (6; dt:203)")
    assert not agents.is_watch("AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; nl_nl)")
