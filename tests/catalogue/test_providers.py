"""Video URL recognition: every supported form, and refusals that name the supported providers."""

import pytest

from media_catalogue.catalogue.providers import recognise
from media_catalogue.errors import Invalid

VALID = [
    (
        "https://www.youtube.com/watch?v=zIGiOZcyRYY&feature=youtu.be&ab_channel=NapoleonAbakpa",
        "youtube",
        "zIGiOZcyRYY",
        None,
    ),
    ("https://youtu.be/5qvz8YyPNdg?t=90", "youtube", "5qvz8YyPNdg", 90),
    ("https://m.youtube.com/watch?v=5qvz8YyPNdg&t=1m30s", "youtube", "5qvz8YyPNdg", 90),
    ("https://www.youtube.com/shorts/5qvz8YyPNdg", "youtube", "5qvz8YyPNdg", None),
    ("https://www.youtube.com/embed/5qvz8YyPNdg?start=12", "youtube", "5qvz8YyPNdg", 12),
    ("https://www.youtube-nocookie.com/embed/5qvz8YyPNdg", "youtube", "5qvz8YyPNdg", None),
    ("https://www.facebook.com/IOMBelgiumLuxembourg/videos/2828064354120788", "facebook", "2828064354120788", None),
    (
        "https://www.facebook.com/IOMBelgiumLuxembourg/videos/diaspora-insights-a%C3%AFssatou-ep-2/299514198566886/?__so__=channel_tab",
        "facebook",
        "299514198566886",
        None,
    ),
    ("https://www.facebook.com/watch/?v=378984286722061", "facebook", "378984286722061", None),
    ("https://vimeo.com/76979871", "vimeo", "76979871", None),
    ("https://player.vimeo.com/video/76979871", "vimeo", "76979871", None),
    ("https://open.spotify.com/episode/0YdR34ixz4HCyh8gNBEI2G", "spotify", "episode:0YdR34ixz4HCyh8gNBEI2G", None),
    (
        "https://podcasters.spotify.com/episode/0YdR34ixz4HCyh8gNBEI2G",
        "spotify",
        "episode:0YdR34ixz4HCyh8gNBEI2G",
        None,
    ),
    ("https://open.spotify.com/show/2mTUnDkuKUkhiueKcVWoP0?si=abc", "spotify", "show:2mTUnDkuKUkhiueKcVWoP0", None),
    # More forms staff paste: share links with tracking, live streams, shorts shared from the app, time in h/m/s
    # or in the fragment, the mobile and music hosts, upper-case schemes and hosts, surrounding spaces.
    ("https://youtu.be/5qvz8YyPNdg?si=Xy12&t=1h2m3s", "youtube", "5qvz8YyPNdg", 3723),
    ("https://www.youtube.com/watch?v=5qvz8YyPNdg#t=45", "youtube", "5qvz8YyPNdg", 45),
    ("https://www.youtube.com/watch?v=5qvz8YyPNdg&t=95s", "youtube", "5qvz8YyPNdg", 95),
    ("https://youtube.com/shorts/5qvz8YyPNdg?feature=share", "youtube", "5qvz8YyPNdg", None),
    ("https://www.youtube.com/live/5qvz8YyPNdg?si=abc", "youtube", "5qvz8YyPNdg", None),
    ("https://www.youtube.com/embed/5qvz8YyPNdg?start=0", "youtube", "5qvz8YyPNdg", None),
    ("https://music.youtube.com/watch?v=5qvz8YyPNdg", "youtube", "5qvz8YyPNdg", None),
    ("HTTPS://WWW.YOUTUBE.COM/watch?v=5qvz8YyPNdg", "youtube", "5qvz8YyPNdg", None),
    ("  https://youtu.be/5qvz8YyPNdg  ", "youtube", "5qvz8YyPNdg", None),
    ("https://m.facebook.com/watch/?v=378984286722061", "facebook", "378984286722061", None),
    ("https://www.facebook.com/watch?v=378984286722061", "facebook", "378984286722061", None),
    ("https://web.facebook.com/IOMBelgiumLuxembourg/videos/2828064354120788/", "facebook", "2828064354120788", None),
    ("https://www.facebook.com/reel/1234567890123456", "facebook", "1234567890123456", None),
    ("https://vimeo.com/76979871?share=copy", "vimeo", "76979871", None),
    ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871", None),
    ("https://vimeo.com/groups/motion/videos/76979871", "vimeo", "76979871", None),
    ("https://vimeo.com/showcase/7891011/video/76979871", "vimeo", "76979871", None),
    ("https://vimeo.com/76979871/abcdef1234", "vimeo", "76979871", None),
    ("https://player.vimeo.com/video/76979871?h=abcdef1234", "vimeo", "76979871", None),
    (
        "https://open.spotify.com/intl-fr/episode/0YdR34ixz4HCyh8gNBEI2G",
        "spotify",
        "episode:0YdR34ixz4HCyh8gNBEI2G",
        None,
    ),
    (
        "https://open.spotify.com/embed/episode/0YdR34ixz4HCyh8gNBEI2G",
        "spotify",
        "episode:0YdR34ixz4HCyh8gNBEI2G",
        None,
    ),
    ("https://open.spotify.com/embed/show/2mTUnDkuKUkhiueKcVWoP0", "spotify", "show:2mTUnDkuKUkhiueKcVWoP0", None),
]

INVALID = [
    "",
    "not a url",
    "ftp://youtube.com/watch?v=5qvz8YyPNdg",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/channel/UC123",
    "https://youtu.be/",
    "https://www.facebook.com/IOMBelgiumLuxembourg",
    "https://vimeo.com/channels/staffpicks",
    "https://open.spotify.com/track/0YdR34ixz4HCyh8gNBEI2G",
    "https://open.spotify.com/episode/tooShort",
    "https://www.dailymotion.com/video/x7tgad0",
    "javascript:alert(1)",
    "https://www.youtube.com/watch?v=",
    "https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "https://www.youtube.com/@IOM",
    "https://www.youtube.com/shorts/",
    "https://www.youtube.com/embed/toolong5qvz8YyPNdg",
    "https://youtube.com.evil.example/watch?v=5qvz8YyPNdg",
    "https://evil.example/https://www.youtube.com/watch?v=5qvz8YyPNdg",
    "https://fb.watch/abcDEF12/",
    "https://www.facebook.com/IOMBelgiumLuxembourg/posts/1234567890",
    "https://www.facebook.com/watch/?v=notanumber",
    "https://vimeo.com/user12345",
    "https://vimeo.com/showcase/7891011",
    "https://vimeo.com/album/7891011",
    "https://vimeo.com/76979871/not-a-hash!",
    "https://player.vimeo.com/video/abc",
    "https://open.spotify.com/playlist/2mTUnDkuKUkhiueKcVWoP0",
    "https://open.spotify.com/show/",
    "https://creators.spotify.com/pod/show/iom/episodes/first-steps-e1abc",
    "mailto:videos@iom.int",
]


@pytest.mark.parametrize(("url", "provider", "provider_id", "start"), VALID)
def test_recognises_supported_urls(url: str, provider: str, provider_id: str, start: int | None) -> None:
    found = recognise(url)
    assert (found.provider, found.provider_id, found.start_seconds) == (provider, provider_id, start)
    assert found.canonical_url.startswith("https://")
    assert recognise(found.canonical_url).provider_id == provider_id  # canonical form is itself recognised


@pytest.mark.parametrize("url", INVALID)
def test_refuses_other_urls_naming_supported_providers(url: str) -> None:
    with pytest.raises(Invalid) as caught:
        recognise(url)
    assert caught.value.code == "unsupported_video_url"
    assert "YouTube" in caught.value.message and "Vimeo" in caught.value.message


def test_youtube_embeds_through_nocookie_with_start_and_deterministic_thumbnail() -> None:
    found = recognise("https://youtu.be/5qvz8YyPNdg?t=2m")
    assert found.embed_url == "https://www.youtube-nocookie.com/embed/5qvz8YyPNdg?start=120"
    assert found.thumbnail_url == "https://i.ytimg.com/vi/5qvz8YyPNdg/hqdefault.jpg"
    assert recognise("https://vimeo.com/76979871").thumbnail_url is None


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/shorts/5qvz8YyPNdg", "https://www.youtube-nocookie.com/embed/5qvz8YyPNdg"),
        (
            "https://www.youtube.com/watch?v=5qvz8YyPNdg#t=45",
            "https://www.youtube-nocookie.com/embed/5qvz8YyPNdg?start=45",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/76979871/abcdef1234", "https://player.vimeo.com/video/76979871?h=abcdef1234&dnt=1"),
        (
            "https://player.vimeo.com/video/76979871?h=abcdef1234",
            "https://player.vimeo.com/video/76979871?h=abcdef1234&dnt=1",
        ),
        (
            "https://www.facebook.com/watch/?v=378984286722061",
            "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D378984286722061",
        ),
        (
            "https://open.spotify.com/show/2mTUnDkuKUkhiueKcVWoP0",
            "https://open.spotify.com/embed/show/2mTUnDkuKUkhiueKcVWoP0",
        ),
        (
            "https://open.spotify.com/episode/0YdR34ixz4HCyh8gNBEI2G",
            "https://open.spotify.com/embed/episode/0YdR34ixz4HCyh8gNBEI2G",
        ),
    ],
)
def test_embed_urls(url: str, embed: str) -> None:
    found = recognise(url)
    assert found.embed_url == embed
    # Rebuilt from what the catalogue stores (provider, id, canonical URL, start), the embed is the same.
    stored = type(found)(found.provider, found.provider_id, found.canonical_url, found.start_seconds)
    assert stored.embed_url == embed


def test_unlisted_vimeo_keeps_its_hash_in_the_canonical_url() -> None:
    assert recognise("https://player.vimeo.com/video/76979871?h=abcdef1234").canonical_url == (
        "https://vimeo.com/76979871/abcdef1234"
    )


def test_short_facebook_links_say_what_to_paste_instead() -> None:
    with pytest.raises(Invalid) as caught:
        recognise("https://fb.watch/abcDEF12/")
    assert "full facebook.com video address" in caught.value.message
