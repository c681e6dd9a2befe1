"""Show settings beyond the plain fields: the artwork (already checked and stored by intake; this records its key)
and the language versions (shows sharing a translation group). Admins and the show's editors; If-Match, audit and
version bump as for every other change."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Invalid
from .. import access, audit, versions
from ..access import Identity
from ..accounts import Role
from ..models import Show
from .records import etag, snapshot


def _record(session: Session, identity: Identity, show: Show, action: str, before: dict[str, object]) -> None:
    session.flush()
    audit.record(session, identity.actor(), action, "show", show.id, show.slug, show_id=show.id, before=before,
                 after=snapshot(show))  # fmt: skip
    versions.touch(session, show)


def set_artwork(session: Session, identity: Identity, show: Show, key: str, if_match: str | None) -> Show:
    """Make `key` (stored by `ingest.store_artwork`, which checked Apple's artwork rules) the show's artwork."""
    access.require(identity.user, Role.editor, show)
    audit.check_if_match(if_match, etag(show))
    before = snapshot(show)
    show.artwork_key = key
    _record(session, identity, show, "show.upload_artwork", before)
    return show


def link_language_versions(session: Session, identity: Identity, show: Show, others: Sequence[Show]) -> Show:
    """Make `others` the language versions of `show` (one translation group), and no other show. Shows joining or
    leaving the group change too, so the caller needs the editor role on each of them."""
    access.require(identity.user, Role.editor, show)
    wanted = {other.id: other for other in others if other.id != show.id}
    for other in wanted.values():
        if other.language == show.language:
            raise Invalid(f"'{other.slug}' is in the same language as this show.", field="translations")
    current = {}
    if show.translation_group:
        statement = select(Show).where(Show.translation_group == show.translation_group, Show.id != show.id)
        current = {row.id: row for row in session.scalars(statement)}
    if set(current) == set(wanted):
        return show
    for changed in [
        *(current[i] for i in set(current) - set(wanted)),
        *(wanted[i] for i in set(wanted) - set(current)),
    ]:
        access.require(identity.user, Role.editor, changed)
    group = show.translation_group or next((o.translation_group for o in wanted.values() if o.translation_group), None)
    group = group or show.slug
    for row in [show, *current.values(), *wanted.values()]:
        before = snapshot(row)
        new = group if (row.id == show.id and wanted) or row.id in wanted else None
        if row.translation_group != new:
            row.translation_group = new
            _record(session, identity, row, "show.update", before)
    return show
