"""The public URL plan in one place: feeds, pages and tags all build absolute URLs here, from the configured base URL.

Enclosure, chapters and transcript URLs are part of the published contract: they never change once an episode is out.
"""

from __future__ import annotations

from urllib.parse import quote

from .config import Settings


class UrlPlan:
    def __init__(self, settings: Settings) -> None:
        self.base = settings.base_url
        # Enclosures straight at the storage's public URL (a catalogue served only statically) instead of the
        # counting route /media/...: both the app and the export then publish the same URL (docs/EXPORT.md).
        self.enclosure_base = (settings.enclosure_base_url or "").rstrip("/") or None

    @property
    def direct_enclosures(self) -> bool:
        return self.enclosure_base is not None

    def absolute(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def home(self) -> str:
        return self.absolute("/")

    def in_language(self, page_url: str, language: str) -> str:
        """A public page's URL with its interface language in the path (/fr/shows/...): the same page for every
        reader, whatever their browser negotiates, as a newsletter or a static host needs."""
        if not page_url.startswith(f"{self.base}/"):
            return page_url
        return f"{self.base}/{quote(language)}/{page_url[len(self.base) + 1 :]}"

    def show(self, show: str) -> str:
        return self.absolute(f"/shows/{quote(show)}")

    def episode(self, show: str, episode: str) -> str:
        return self.absolute(f"/shows/{quote(show)}/{quote(episode)}")

    def embed(self, show: str, episode: str) -> str:
        return self.absolute(f"/embed/{quote(show)}/{quote(episode)}")

    def oembed(self, show: str, episode: str) -> str:
        """The episode's oEmbed document as a path (a static host serves it; /oembed?url= answers the same)."""
        return self.absolute(f"/oembed/{quote(show)}/{quote(episode)}.json")

    def feed(self, show: str) -> str:
        return self.absolute(f"/feeds/{quote(show)}.xml")

    def all_feed(self) -> str:
        return self.absolute("/feeds/all.xml")

    def project_feed(self, project: str) -> str:
        return self.absolute(f"/feeds/projects/{quote(project)}.xml")

    def videos_feed(self) -> str:
        return self.absolute("/feeds/videos.xml")

    def project_videos_feed(self, project: str) -> str:
        return self.absolute(f"/feeds/projects/{quote(project)}/videos.xml")

    def enclosure(
        self, show: str, episode: str, extension: str, role: str = "primary", *, storage_key: str | None = None
    ) -> str:
        """/media/<show>/<episode>.<ext> (counted), or <ENCLOSURE_BASE_URL>/<storage key> when that is set."""
        if self.enclosure_base and storage_key:
            return f"{self.enclosure_base}/{quote(storage_key, safe='/')}"
        suffix = "" if role == "primary" else f".{role}"
        return self.absolute(f"/media/{quote(show)}/{quote(episode)}{suffix}.{extension}")

    def chapters(self, show: str, episode: str) -> str:
        return self.absolute(f"/chapters/{quote(show)}/{quote(episode)}.json")

    def transcript(self, show: str, episode: str, language: str, fmt: str) -> str:
        return self.absolute(f"/transcripts/{quote(show)}/{quote(episode)}.{quote(language)}.{fmt}")

    def artwork(self, key: str) -> str:
        return self.absolute(f"/artwork/{quote(key)}")

    def video(self, video: str) -> str:
        return self.absolute(f"/videos/{quote(video)}")

    def project(self, project: str) -> str:
        return self.absolute(f"/projects/{quote(project)}")

    def person(self, person: str) -> str:
        return self.absolute(f"/people/{quote(person)}")
