"""The app answering requests inside this process, without a socket (ASGI through httpx): the static export renders
every public URL through it, so an exported file holds exactly the bytes the app serves at that URL.

The app's lifespan is not run: it would start the download log and settle other processes' interrupted uploads,
neither of which a reader of public URLs should do. The schema is migrated as every command does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from ..config import Settings
from ..db import Database
from .app import create_app


@asynccontextmanager
async def in_process_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client whose requests are answered by create_app(settings) in this process."""
    database = Database(settings)
    database.migrate()
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=settings.base_url, follow_redirects=False) as client:
            yield client
    finally:
        app.state.page_cache.close()
        database.dispose()
