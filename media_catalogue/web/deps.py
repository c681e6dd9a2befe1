"""Typed FastAPI dependencies: the settings, database session, storage and URL plan of the running app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ..config import Settings
from ..db import Database
from ..storage import Storage
from ..urls import UrlPlan


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_database(request: Request) -> Database:
    return request.app.state.database  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; committed if the route returns normally, rolled back otherwise."""
    with request.app.state.database.session() as session:
        yield session


def get_storage(request: Request) -> Storage:
    return request.app.state.storage  # type: ignore[no-any-return]


def get_urls(request: Request) -> UrlPlan:
    return request.app.state.urls  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
UrlsDep = Annotated[UrlPlan, Depends(get_urls)]
