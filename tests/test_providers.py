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
