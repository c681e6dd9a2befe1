"""Tag writing: ID3v2.4 rendering, MP4 atoms and Vorbis comments, read back with mutagen and with our probe."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from mutagen.id3 import ID3
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis

from media_catalogue.media.probe import probe
from media_catalogue.media.tags import TagData, iso639_2, render_id3, tag_mp4, tag_ogg
from tests.media.factories import artwork_bytes, fixture, mp3_audio_frames

DATA = TagData(
    title="Talent partnerships",
    artist="IOM Belgium and Luxembourg",
    album="MATCH podcast",
    track=2,
    date="2022-01",
    language="nl-BE",
    description="Arbeidsmigratie.",
    episode_url="https://podcasts.example.org/shows/match-nl/ep-2",
    feed_url="https://podcasts.example.org/feeds/match-nl.xml",
    guid="urn:uuid:1234",
    artwork=(artwork_bytes(1400), "image/jpeg"),
    chapters=[{"startTime": 0, "title": "Intro"}, {"startTime": 0.5, "title": "Main", "url": "https://x.org"}],
    duration_ms=1500,
)


def test_iso639_2() -> None:
    assert [iso639_2(x) for x in ("en", "fr", "nl-BE", "deu", "xx")] == ["eng", "fra", "nld", "deu", None]


def test_render_id3_is_a_v24_tag_with_padding(tmp_path: Path) -> None:
    tag = render_id3(DATA)
    assert tag[:4] == b"ID3\x04"
    audio = mp3_audio_frames(fixture("cbr-noxing-id3v23.mp3").read_bytes())
    path = tmp_path / "t.mp3"
    path.write_bytes(tag + audio)
    tags = ID3(path)
    assert tags.version == (2, 4, 0)
    assert str(tags["TDRC"]) == "2022-01" and str(tags["TLAN"]) == "nld"
    assert tags.getall("COMM")[0].lang == "nld"
    result = probe(path)
    assert result.tags["title"] == "Talent partnerships"
    assert result.tags["guid"] == "urn:uuid:1234"
    assert result.tags["feed_url"] == "https://podcasts.example.org/feeds/match-nl.xml"
    assert result.tags["episode_url"] == "https://podcasts.example.org/shows/match-nl/ep-2"
    assert result.tags["podcast"] == "1"
    assert result.cover == DATA.artwork
    assert result.chapters == [
        {"startTime": 0.0, "title": "Intro", "endTime": 0.5},
        {"startTime": 0.5, "title": "Main", "url": "https://x.org", "endTime": 1.5},
    ]


def test_render_id3_is_deterministic() -> None:
    assert render_id3(DATA) == render_id3(DATA)


def test_minimal_tag_has_no_empty_frames() -> None:
    tags = ID3(io.BytesIO(render_id3(TagData(title="Only a title"))))
    assert sorted(tags.keys()) == ["PCST", "TCON", "TIT2"]


def test_mp4_tags_read_back_by_probe(tmp_path: Path) -> None:
    path = tmp_path / "a.m4a"
    shutil.copy(fixture("aac.m4a"), path)
    tag_mp4(path, DATA)
    result = probe(path)
    assert result.tags["title"] == "Talent partnerships" and result.tags["track"] == "2"
    assert result.tags["guid"] == "urn:uuid:1234" and result.tags["podcast"] == "1"
    assert result.cover is not None and result.cover[0] == DATA.artwork[0]  # type: ignore[index]


def _packets(path: Path) -> list[bytes]:
    """The Ogg stream's packets after the headers: the coded audio."""
    with path.open("rb") as handle:
        pages = []
        while True:
            try:
                pages.append(OggPage(handle))
            except EOFError:
                break
    packets = OggPage.to_packets(pages)
    return packets[3:]  # Vorbis: identification, comment and setup headers first


def test_vorbis_comments_keep_the_audio_packets(tmp_path: Path) -> None:
    path = tmp_path / "a.ogg"
    shutil.copy(fixture("speech.ogg"), path)
    tag_ogg(path, DATA, opus=False)
    comments = OggVorbis(path).tags
    assert comments is not None
    assert comments["title"] == ["Talent partnerships"] and comments["tracknumber"] == ["2"]
    assert comments["chapter001"] == ["00:00:00.000"] and comments["chapter002url"] == ["https://x.org"]
    assert comments["metadata_block_picture"]
    assert _packets(path) == _packets(fixture("speech.ogg"))
