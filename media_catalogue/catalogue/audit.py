"""The audit trail and version tags of editable objects.

Every staff change writes one AuditEntry in the same transaction as the change (who, when, what, the metadata
before and after). ETags are digests of the same snapshot, so an edit is refused (412) when the object changed
since the editor read it, whatever the change was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import CatalogueError, PreconditionFailed
from .accounts import AuditEntry


class PreconditionRequired(CatalogueError):
    status = 428
    code = "precondition_required"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    via: str  # web | api | cli


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, bool | int | float | str):
        return value.value
    return value


def plain(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with dates, enums and tuples turned into JSON values."""
    return _plain(snapshot)  # type: ignore[no-any-return]


def etag_of(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(plain(snapshot), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def check_if_match(if_match: str | None, current: str, *, required: bool = True) -> None:
    """Refuse an edit made against a version other than the current one (412), or made blind (428)."""
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired(
                "Send the ETag you read in an If-Match header, so that no edit overwrites another."
            )
        return
    if if_match.strip() == "*":
        return
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if current not in tags:
        raise PreconditionFailed(
            "This was changed by someone else since you loaded it: reload, check their change, then edit again."
        )


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    label: str,
    *,
    show_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.user_id,
        actor=actor.username[:80],
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:400],
        show_id=show_id,
        before=plain(before) if before is not None else None,
        after=plain(after) if after is not None else None,
        note=note,
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    show_id: int | None = None,
    actor: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    statement = select(AuditEntry)
    if object_type:
        statement = statement.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        statement = statement.where(AuditEntry.object_id == object_id)
    if show_id is not None:
        statement = statement.where(AuditEntry.show_id == show_id)
    if actor:
        statement = statement.where(AuditEntry.actor == actor)
    statement = statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    return list(session.scalars(statement))


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
