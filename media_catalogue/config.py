"""Settings: the one place configuration is read (environment, optional config file), built once and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MEDIA_CATALOGUE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Field(Path("data"), description="Directory for the SQLite database, local media and temp files.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public base URL of the catalogue; every absolute URL in feeds and pages starts with it.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default is SQLite at <data_dir>/catalogue.sqlite3. PostgreSQL: postgresql+psycopg://...",
    )
    storage_url: str | None = Field(
        None, description="Where media objects live: a folder path (default <data_dir>/media) or s3://bucket/prefix."
    )
    s3_endpoint_url: str | None = Field(None, description="S3 endpoint for MinIO, Ceph, Garage or moto; empty for AWS.")
    s3_region: str | None = Field(None, description="S3 region name.")
    storage_public_url: str | None = Field(
        None,
        description="Public base URL (or CDN prefix) of stored objects; enclosures redirect there. "
        "Empty: local objects are served by the catalogue itself.",
    )
    enclosure_base_url: str | None = Field(
        None,
        description="When set (usually to STORAGE_PUBLIC_URL), feeds, pages and the API publish enclosures as "
        "<this>/<storage key> instead of the counting route /media/...: for a catalogue served only as a static "
        "export. Downloads are then not counted, and changing it changes published enclosure URLs.",
    )
    s3_multipart_threshold: int = Field(
        8 * 1024 * 1024, description="Objects at least this large use multipart upload."
    )
    content_dir: Path = Field(
        PROJECT_ROOT / "episodes", description="The editable catalogue folder that `sync` loads and `serve` seeds from."
    )
    templates_dir: Path = Field(PROJECT_ROOT / "templates", description="Jinja2 templates folder.")
    max_upload_bytes: int = Field(
        1024 * 1024 * 1024, description="Largest media file accepted, enforced while streaming."
    )
    max_json_bytes: int = Field(
        1024 * 1024,
        description="Largest JSON request body, refused (413) while it arrives, before it is parsed and before the "
        "caller is identified. The largest edit (20,000-character notes, 500 chapters) is well under it.",
    )
    max_form_bytes: int = Field(
        512 * 1024,
        description="Largest body of any other request (forms, and any body sent to a route that takes none), "
        "refused (413) while it arrives, before parsing and identity. Upload routes take max_upload_bytes for their "
        "file instead (import_max_feed_bytes for a feed document).",
    )
    header_timeout_seconds: float = Field(
        10, description="A connection must deliver a request's headers within this time, or is closed (uvicorn)."
    )
    body_timeout_seconds: float = Field(
        15,
        description="A JSON or form body must arrive whole within this time, and an upload may stall at most this "
        "long between two chunks; otherwise 408 and the connection is closed.",
    )
    timezone: str = Field("Europe/Brussels", description="Default time zone for shows and date-only publication dates.")
    feed_max_age: int = Field(300, description="Cache-Control max-age of feeds, in seconds.")
    secret_key: str | None = Field(
        None, description="Signs session cookies and CSRF tokens; generated into the data directory when empty."
    )
    websub_hub_url: str | None = Field(None, description="WebSub hub notified when a feed changes.")
    fetch_video_thumbnails: bool = Field(
        True, description="Fetch a linked video's thumbnail once when sync first sees its link, and serve it ourselves."
    )
    import_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts or networks (127.0.0.1, 10.0.0.0/8, feeds.internal) that feed imports may fetch from even "
        "though they are loopback, private or link-local; empty: only public addresses.",
    )
    import_max_feed_bytes: int = Field(20 * 1024 * 1024, description="Largest feed document an import reads.")
    import_timeout_seconds: float = Field(
        900, description="Longest time one download of an import (feed, media, artwork...) may take, in seconds."
    )

    downloads_enabled: bool = Field(
        True, description="Log every request for an enclosure and count downloads by the IAB Tech Lab rules."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is believed (127.0.0.1, "
        "10.0.0.0/8); empty: the socket's address is the client.",
    )
    downloads_retention_days: int = Field(
        30, description="Days raw enclosure request logs are kept before they are aggregated per day and deleted."
    )
    housekeeping_seconds: float = Field(
        600,
        description="Period of the download-log housekeeping (retention purge), done by one host at a time for all.",
    )
    downloads_flush_seconds: float = Field(
        1.0, description="Longest time a logged enclosure request waits in memory before it is written."
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'catalogue.sqlite3').resolve()}"

    @property
    def resolved_storage_url(self) -> str:
        return self.storage_url or str((self.data_dir / "media").resolve())

    @property
    def temp_dir(self) -> Path:
        return self.data_dir / "tmp"

    def url(self, path: str) -> str:
        """Absolute public URL for a site path."""
        return f"{self.base_url}/{path.lstrip('/')}"
