"""Operations endpoints: liveness with a real database round trip."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from .. import __version__
from ..db import ping
from .deps import SessionDep

router = APIRouter()


class Health(BaseModel):
    ok: bool
    version: str
    database: str


@router.get("/healthz", response_model=Health, tags=["operations"])
def healthz(session: SessionDep) -> Health:
    return Health(ok=True, version=__version__, database=ping(session))
