"""The audit trail, newest first, filtered by object or actor (admins only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.audit import changed_fields, entries
from ..auth import require
from ..deps import SessionDep
from .schemas import AuditOut

router = APIRouter()


@router.get("/audit", response_model=list[AuditOut], summary="The audit trail, newest first (admin)")
def audit_trail(
    session: SessionDep,
    _: Annotated[Identity, Depends(require(Role.admin))],
    object_type: Annotated[str | None, Query(max_length=30)] = None,
    object_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AuditOut]:
    rows = entries(session, object_type=object_type, object_id=object_id, actor=actor, limit=limit, offset=offset)
    return [
        AuditOut(
            id=e.id,
            at=e.at,
            actor=e.actor,
            via=e.via,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_label=e.object_label,
            before=e.before,
            after=e.after,
            changed=changed_fields(e.before, e.after),
        )
        for e in rows
    ]
