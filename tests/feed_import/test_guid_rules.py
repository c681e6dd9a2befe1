"""Crafted feeds, one rule each: the GUID forms (padded, URL with &amp;, relative, case, isPermaLink both ways, CDATA,
character references, empty, missing), duplicates, items without media, BOM, Latin-1, undeclared iTunes prefix.
Expected GUIDs are written out from the rules, then compared byte for byte with what the public API gives."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.feed_import.conftest import Run, api_guids

FEED_URL = "https://old-host.example.net/feeds/show.rss"
NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom"'
)


def rss(items: str, *, channel: str = "", namespaces: str = NAMESPACES, declaration: str = "") -> str:
    return f"""{declaration}<rss version="2.0" {namespaces}>
<channel>
  <title>Crafted show</title>
  <link>https://old-host.example.net/show</link>
  <description>A &lt;b&gt;crafted&lt;/b&gt; feed.</description>
  <language>en</language>
  {channel}
  {items}
</channel>
</rss>
"""


def item(n: int, body: str, *, enclosure: str | None = None, attributes: str = "") -> str:
    if enclosure is None:
        enclosure = f'<enclosure url="https://cdn.example.org/{n}.mp3" length="1000" type="audio/mpeg"/>'
    return (
        f"<item{attributes}><title>Episode {n}</title><pubDate>Mon, {n:02d} Jan 2024 10:00:00 +0100</pubDate>"
        f"{body}{enclosure}</item>\n"
    )


GUID_FORMS = "".join(
    [
        item(1, '<guid isPermaLink="false">\n   padded-guid-1 \t\r\n</guid>'),
        item(2, '<guid isPermaLink="true">https://old-host.example.net/ep?id=2&amp;lang=en#t=10</guid>'),
        item(
            3, '<guid isPermaLink="true">episodes/3.html</guid>', attributes=' xml:base="https://base.example.org/a/"'
        ),
        item(4, "<guid>ABC-def-4</guid>"),
        item(5, "<guid>abc-DEF-4</guid>"),
        item(6, '<guid isPermaLink="false">HTTPS://Example.COM/Path/6/</guid>'),
        item(7, "<guid><![CDATA[ cdata&guid<7> ]]></guid>"),
        item(8, "<guid>tag:x,2024:&#x00E9;t&#233;-8</guid>"),
        item(
            9,
            "<guid>   </guid>",
            enclosure='<enclosure url="media/9.mp3" length="9" type="audio/mpeg"/>',
            attributes=' xml:base="https://cdn.example.org/shows/"',
        ),
        item(10, "", enclosure='<enclosure url="https://cdn.example.org/10.mp3?a=1&amp;b=2" type="audio/mpeg"/>'),
        item(11, "", enclosure='<enclosure url="../media/11.m4a" type="audio/mp4"/>'),
        item(12, '<guid isPermaLink="false">padded-guid-1</guid>'),  # duplicate of item 1: skipped
        item(
            13,
            "<guid>only-artwork-13</guid>",
            enclosure='<enclosure url="https://cdn.example.org/13.jpg" type="image/jpeg"/>',
        ),
        item(14, "<guid>nothing-14</guid>", enclosure=""),
        item(
            15,
            "<guid>video-after-image-15</guid>",
            enclosure='<enclosure url="https://cdn.example.org/15.jpg" type="image/jpeg"/>'
            '<enclosure url="https://cdn.example.org/15.mp4" type="video/mp4"/>',
        ),
    ]
)
EXPECTED = [
    "padded-guid-1",
    "https://old-host.example.net/ep?id=2&lang=en#t=10",
    "episodes/3.html",
    "ABC-def-4",
    "abc-DEF-4",
    "HTTPS://Example.COM/Path/6/",
    "cdata&guid<7>",
    "tag:x,2024:été-8",
    "https://cdn.example.org/shows/media/9.mp3",
    "https://cdn.example.org/10.mp3?a=1&b=2",
    "https://old-host.example.net/media/11.m4a",
    "video-after-image-15",
]


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _same_bytes(got: list[str], expected: list[str]) -> None:
    assert sorted(g.encode("utf-8") for g in got) == sorted(e.encode("utf-8") for e in expected)


def test_every_guid_form_is_kept_byte_for_byte(run: Run, api: TestClient, tmp_path: Path) -> None:
    feed = _write(tmp_path, "forms.rss", rss(GUID_FORMS))
    result = run("import-feed", feed, "--show", "crafted", "--no-download", "--feed-url", FEED_URL)
    assert result.exit_code == 0, result.output
    _same_bytes(api_guids(api, "crafted"), EXPECTED)
    out = result.stdout
    assert 'warning: item 12 "Episode 12": same GUID \'padded-guid-1\' as item 1 "Episode 1"' in out
    assert 'warning: item 13 "Episode 13": skipped, its only enclosures are images' in out
    assert 'warning: item 14 "Episode 14": skipped, it has no enclosure' in out
    assert 'warning: item 10 "Episode 10": no <guid>; the enclosure URL is its GUID' in out
    assert out.splitlines()[-1].startswith("imported crafted (show created): 12 added, 0 updated, 0 unchanged")
    again = run("import-feed", feed, "--show", "crafted", "--no-download", "--feed-url", FEED_URL)
    assert "0 added, 0 updated, 12 unchanged" in again.stdout.splitlines()[-1]
    _same_bytes(api_guids(api, "crafted"), EXPECTED)


def test_a_changed_feed_adds_and_updates_without_duplicating(run: Run, api: TestClient, tmp_path: Path) -> None:
    first = _write(tmp_path, "v1.rss", rss(item(1, "<guid>g-1</guid>") + item(2, "<guid>g-2</guid>")))
    assert run("import-feed", first, "--show", "crafted", "--no-download").exit_code == 0
    changed = item(1, "<guid>g-1</guid>").replace("Episode 1", "Episode one, retitled")
    second = _write(tmp_path, "v2.rss", rss(changed + item(2, "<guid>g-2</guid>") + item(3, "<guid>g-3</guid>")))
    result = run("import-feed", second, "--show", "crafted", "--no-download")
    assert result.stdout.splitlines()[-1].startswith("imported crafted (show updated): 1 added, 1 updated, 1 unchanged")
    episodes = api.get("/api/shows/crafted/episodes").json()["items"]
    assert sorted(e["guid"] for e in episodes) == ["g-1", "g-2", "g-3"]
    assert {e["guid"]: e["title"] for e in episodes}["g-1"] == "Episode one, retitled"


def test_bom_latin1_and_undeclared_itunes_prefix(run: Run, api: TestClient, tmp_path: Path) -> None:
    bom = _write(tmp_path, "bom.rss", b"\xef\xbb\xbf" + rss(item(1, "<guid>bom-\u00e9-1</guid>")).encode("utf-8"))
    assert run("import-feed", bom, "--show", "bom", "--no-download").exit_code == 0
    _same_bytes(api_guids(api, "bom"), ["bom-\u00e9-1"])

    latin = rss(item(1, "<guid>caf\u00e9-1</guid>"), declaration='<?xml version="1.0" encoding="ISO-8859-1"?>\n')
    latin_path = _write(tmp_path, "latin1.rss", latin.replace("Crafted show", "Caf\u00e9 show").encode("latin-1"))
    assert run("import-feed", latin_path, "--show", "latin", "--no-download").exit_code == 0
    _same_bytes(api_guids(api, "latin"), ["caf\u00e9-1"])
    assert api.get("/api/shows/latin").json()["title"] == "Caf\u00e9 show"

    undeclared = rss(
        item(1, "<guid>ns-1</guid><itunes:episode>7</itunes:episode><itunes:season>2</itunes:season>"),
        channel="<itunes:author>Someone</itunes:author><itunes:type>serial</itunes:type>",
        namespaces="",
    )
    result = run("import-feed", _write(tmp_path, "ns.rss", undeclared), "--show", "ns", "--no-download")
    assert result.exit_code == 0, result.output
    assert "warning: channel: the feed uses the itunes: prefix without declaring its namespace" in result.stdout
    show = api.get("/api/shows/ns").json()
    assert show["author"] == "Someone" and show["type"] == "serial"
    episode = api.get("/api/shows/ns/episodes").json()["items"][0]
    assert (episode["guid"], episode["number"], episode["season"]) == ("ns-1", 7, 2)
