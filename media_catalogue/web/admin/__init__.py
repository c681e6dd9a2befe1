"""The staff workspace under /admin/: server-rendered pages (Jinja2, progressive enhancement, no build step) that
call the same services as the staff JSON API."""

from __future__ import annotations

from fastapi import APIRouter

from . import digest, downloads, episodes, imports, overview, people, preview, shows, signin, videos

router = APIRouter(prefix="/admin", include_in_schema=False)
router.include_router(signin.router)
router.include_router(shows.router)  # before overview: /shows/new is not a show called 'new'
router.include_router(overview.router)
router.include_router(episodes.router)
router.include_router(videos.router)
router.include_router(people.router)
router.include_router(imports.router)
router.include_router(preview.router)
router.include_router(downloads.router)
router.include_router(digest.router)

__all__ = ["router"]
