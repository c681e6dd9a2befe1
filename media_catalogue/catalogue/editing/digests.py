"""Marking a newsletter digest as sent (issue 18): the period it covered is remembered, so "since the last digest"
starts the day after it. Editors of any show and admins may mark one; each mark is in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from .. import access, audit
from ..access import Identity
from ..accounts import Role
from ..models import DigestMark
from ..queries.digest import check_language, check_period, projects_by_slug


def mark_sent(
    session: Session, identity: Identity, start: date, end: date, *, language: str, projects: Sequence[str] = ()
) -> DigestMark:
    access.require(identity.user, Role.editor, anywhere=True)
    check_language(language)
    check_period(start, end)
    slugs = [project.slug for project in projects_by_slug(session, projects)]
    mark = DigestMark(
        period_start=start,
        period_end=end,
        language=language,
        projects=slugs or None,
        user_id=identity.user.id,
        username=identity.username[:80],
    )
    session.add(mark)
    session.flush()
    after = {"from": start.isoformat(), "to": end.isoformat(), "language": language, "projects": slugs}
    audit.record(session, identity.actor(), "digest.mark_sent", "digest", mark.id, f"{start} – {end}", after=after)
    return mark
