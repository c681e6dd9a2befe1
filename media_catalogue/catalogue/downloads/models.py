"""The tables of download analytics: daily salts, the raw request log, counted downloads and daily aggregates.

No column ever holds a client's address: requests carry `client_key`, an HMAC of the address (IPv6 cut to its /64)
and the user agent under the salt of the day, and that salt is deleted once its day is over.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, UTCDateTime, utcnow


class DownloadSalt(Base):
    """The secret of one counting day in one time zone; destroyed when the day is over, so yesterday's keys can no
    longer be linked to an address by anyone, the catalogue included."""

    __tablename__ = "download_salts"

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DownloadRequest(Base):
    """One request for an enclosure, as the route answered it (the raw log, kept `downloads_retention_days`)."""

    __tablename__ = "download_requests"
    __table_args__ = (Index("ix_download_requests_group", "episode_id", "day", "client_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    show_id: Mapped[int] = mapped_column(Integer, index=True)
    episode_id: Mapped[int] = mapped_column(Integer)
    # The counting window: the calendar day of the request in the show's time zone.
    day: Mapped[date] = mapped_column(Date)
    client_key: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    method: Mapped[str] = mapped_column(String(8))
    status: Mapped[int] = mapped_column(Integer)
    range_header: Mapped[str | None] = mapped_column(String(100))
    # Bytes delivered (or, on a redirect, asked for): [first_byte, first_byte + byte_count).
    first_byte: Mapped[int] = mapped_column(BigInteger, default=0)
    byte_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # Bytes a client must have received for a download to count: the header plus one minute, or the whole file.
    needed: Mapped[int] = mapped_column(BigInteger)
    redirect: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the request can never count (head, not_modified, probe, bot, watch, prefetch, datacenter...), or None.
    excluded: Mapped[str | None] = mapped_column(String(20))


class DownloadProgress(Base):
    """What one client has received of one episode in one window so far: its byte ranges, merged. Counting a batch
    merges the batch's ranges into these rows instead of re-reading every request the client made that day (a client
    that never completes a download would otherwise cost every later batch all of its requests again: work and
    memory growing all day). Deleted once the window is over everywhere; the raw log keeps the requests."""

    __tablename__ = "download_progress"

    episode_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    show_id: Mapped[int] = mapped_column(Integer)
    needed: Mapped[int] = mapped_column(BigInteger)
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    # The distinct bytes received, as "first-last first-last ..." (inclusive, sorted, disjoint); `covered` their sum.
    spans: Mapped[str] = mapped_column(Text, default="")
    covered: Mapped[int] = mapped_column(BigInteger, default=0)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)


class Download(Base):
    """A counted download: one client, one episode, one window. The unique key makes counting idempotent across
    workers and hosts."""

    __tablename__ = "downloads"
    __table_args__ = (UniqueConstraint("episode_id", "day", "client_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    show_id: Mapped[int] = mapped_column(Integer, index=True)
    episode_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    client_key: Mapped[str] = mapped_column(String(64))
    app: Mapped[str] = mapped_column(String(60))
    platform: Mapped[str] = mapped_column(String(40))
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DownloadDaily(Base):
    """Downloads per episode, day, app and platform, once their raw rows are past retention."""

    __tablename__ = "download_daily"
    __table_args__ = (UniqueConstraint("episode_id", "day", "app", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    app: Mapped[str] = mapped_column(String(60))
    platform: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
