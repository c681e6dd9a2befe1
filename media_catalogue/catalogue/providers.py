"""Video providers: recognise a YouTube, Facebook, Vimeo or Spotify URL, keep its canonical form and id, and derive
the embed and thumbnail URLs without ever fetching anything from the provider."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from ..errors import Invalid

SUPPORTED = "YouTube (watch, youtu.be, shorts, embed), Facebook video, Vimeo and Spotify episode or show links"

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_DIGITS = re.compile(r"^\d+$")
_SPOTIFY_ID = re.compile(r"^[A-Za-z0-9]{22}$")
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


@dataclass(frozen=True)
class ProviderVideo:
    provider: str
    provider_id: str
    canonical_url: str
    start_seconds: int | None = None

    @property
    def embed_url(self) -> str:
        start = f"?start={self.start_seconds}" if self.start_seconds else ""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.provider_id}{start}"
        if self.provider == "vimeo":
            # An unlisted video plays only with its privacy hash, kept as the canonical URL's last segment.
            unlisted = self.canonical_url.rstrip("/").rsplit("/", 1)[-1]
            hash_ = f"h={unlisted}&" if unlisted != self.provider_id else ""
            return f"https://player.vimeo.com/video/{self.provider_id}?{hash_}dnt=1"
        if self.provider == "facebook":
            return f"https://www.facebook.com/plugins/video.php?href={quote(self.canonical_url, safe='')}"
        kind, _, ident = self.provider_id.partition(":")
        return f"https://open.spotify.com/embed/{kind}/{ident}"

    @property
    def thumbnail_url(self) -> str | None:
        """Only where the provider's thumbnail address is deterministic (YouTube); never fetched by us."""
        if self.provider == "youtube":
            return f"https://i.ytimg.com/vi/{self.provider_id}/hqdefault.jpg"
        return None


def _seconds(value: str | None) -> int | None:
    if not value:
        return None
    match = _TIME.match(value.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds or None


def _refuse(url: str, why: str) -> Invalid:
    return Invalid(f"'{url}' {why}. Supported: {SUPPORTED}.", code="unsupported_video_url", field="url")


def _youtube(url: str, host: str, path: str, query: dict[str, list[str]]) -> ProviderVideo:
    video_id = None
    if host == "youtu.be":
        video_id = path.strip("/").split("/")[0]
    elif path == "/watch":
        video_id = (query.get("v") or [""])[0]
    else:
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in ("shorts", "embed", "live", "v"):
            video_id = parts[1]
    if not video_id or not _YOUTUBE_ID.match(video_id):
        raise _refuse(url, "is not a link to one YouTube video")
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    return ProviderVideo("youtube", video_id, f"https://www.youtube.com/watch?v={video_id}", start)


def _facebook(url: str, path: str, query: dict[str, list[str]]) -> ProviderVideo:
    parts = [part for part in path.split("/") if part]
    if path == "/watch" or path == "/watch/":
        video_id = (query.get("v") or [""])[0]
        if _DIGITS.match(video_id):
            return ProviderVideo("facebook", video_id, f"https://www.facebook.com/watch/?v={video_id}")
    if len(parts) == 2 and parts[0] == "reel" and _DIGITS.match(parts[1]):
        return ProviderVideo("facebook", parts[1], f"https://www.facebook.com/reel/{parts[1]}")
    if "videos" in parts:
        after = parts[parts.index("videos") + 1 :]
        numeric = [part for part in after if _DIGITS.match(part)]
        if numeric:
            video_id = numeric[-1]
            owner = parts[0] if parts[0] != "videos" else None
            canonical = (
                f"https://www.facebook.com/{owner}/videos/{video_id}/"
                if owner
                else f"https://www.facebook.com/watch/?v={video_id}"
            )
            return ProviderVideo("facebook", video_id, canonical)
    raise _refuse(url, "is not a link to one Facebook video")


def _vimeo(url: str, host: str, path: str, query: dict[str, list[str]]) -> ProviderVideo:
    """vimeo.com/{id}, vimeo.com/{id}/{hash} (unlisted: the embed needs the hash), channels/{name}/{id},
    groups/{name}/videos/{id}, showcase|album/{n}/video/{id}, player.vimeo.com/video/{id}[?h={hash}]. A showcase, an
    album, a channel or a user page is a list of videos, not one."""
    parts = [part for part in path.split("/") if part]
    video_id: str | None = None
    unlisted: str | None = None
    if host == "player.vimeo.com":
        if len(parts) == 2 and parts[0] == "video" and _DIGITS.match(parts[1]):
            video_id, unlisted = parts[1], (query.get("h") or [""])[0] or None
    elif parts and _DIGITS.match(parts[0]) and len(parts) <= 2:
        video_id = parts[0]
        unlisted = parts[1] if len(parts) == 2 else None
    elif len(parts) == 3 and parts[0] == "channels" and _DIGITS.match(parts[2]):
        video_id = parts[2]
    elif len(parts) == 4 and parts[0] in ("groups", "showcase", "album") and parts[2] in ("videos", "video"):
        video_id = parts[3] if _DIGITS.match(parts[3]) else None
    if video_id is None or (unlisted is not None and not _VIMEO_HASH.match(unlisted)):
        raise _refuse(url, "is not a link to one Vimeo video")
    canonical = f"https://vimeo.com/{video_id}/{unlisted}" if unlisted else f"https://vimeo.com/{video_id}"
    return ProviderVideo("vimeo", video_id, canonical)


def _spotify(url: str, path: str) -> ProviderVideo:
    parts = [part for part in path.split("/") if part]
    if parts and parts[0] == "embed":
        parts = parts[1:]
    if parts and parts[0].startswith("intl-"):
        parts = parts[1:]
    if len(parts) >= 2 and parts[0] in ("episode", "show") and _SPOTIFY_ID.match(parts[1]):
        kind, ident = parts[0], parts[1]
        return ProviderVideo("spotify", f"{kind}:{ident}", f"https://open.spotify.com/{kind}/{ident}")
    raise _refuse(url, "is not a link to a Spotify episode or show")


def recognise(url: str) -> ProviderVideo:
    """The provider, id and canonical URL of a video link; refuses anything else with the list of what works."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _refuse(text, "is not an http(s) link")
    host = parts.hostname or ""
    host = host[4:] if host.startswith("www.") else host
    host = host[2:] if host.startswith("m.") else host
    query = parse_qs(parts.query)
    if host in ("youtube.com", "youtu.be", "youtube-nocookie.com", "music.youtube.com"):
        found = _youtube(text, host, parts.path, query)
        if not found.start_seconds and parts.fragment.startswith("t="):
            found = ProviderVideo(found.provider, found.provider_id, found.canonical_url, _seconds(parts.fragment[2:]))
        return found
    if host == "fb.watch":
        # The short link names no video: only following its redirect (a request to Facebook) would tell which.
        raise _refuse(text, "is a short fb.watch link; open it and paste the full facebook.com video address")
    if host in ("facebook.com", "web.facebook.com"):
        return _facebook(text, parts.path, query)
    if host in ("vimeo.com", "player.vimeo.com"):
        return _vimeo(text, host, parts.path, query)
    if host in ("open.spotify.com", "podcasters.spotify.com", "creators.spotify.com"):
        return _spotify(text, parts.path)
    raise _refuse(text, "is not from a supported provider")
