"""A show's feed moving out (Apple's procedure): the feed carries itunes:new-feed-url and its old URL answers 301 to
the new one; both are kept for at least four weeks (here: until the move is undone), so every app follows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..catalogue import audit, versions
from ..catalogue.audit import Actor
from ..catalogue.editing.common import http_url
from ..catalogue.models import utcnow
from ..catalogue.queries import imports as reads
from ..config import Settings
from ..errors import Invalid, NotFound
from ..urls import UrlPlan


def move_feed(session: Session, settings: Settings, slug: str, to: str, *, actor: Actor) -> str:
    """Record the move; returns the old feed URL (which now answers 301)."""
    show = reads.show_by_slug(session, slug)
    if show is None:
        raise NotFound(f"no show {slug!r}; list them with `media-catalogue shows`")
    try:
        target = http_url(to)
    except ValueError as exc:
        raise Invalid(f"--to {to!r}: {exc}", field="to") from None
    old = UrlPlan(settings).feed(show.slug)
    if target.rstrip("/") == old.rstrip("/"):
        raise Invalid(f"--to {to!r} is this show's own feed URL", field="to")
    before = {"new_feed_url": show.new_feed_url}
    show.new_feed_url = target
    show.moved_at = utcnow()
    previous = list(show.previous_feed_urls or [])
    if old not in previous:
        show.previous_feed_urls = [*previous, old]
    versions.touch(session, show)
    audit.record(
        session, actor, "show.move_feed", "show", show.id, show.slug, show_id=show.id,
        before=before, after={"new_feed_url": target},
    )  # fmt: skip
    return old
