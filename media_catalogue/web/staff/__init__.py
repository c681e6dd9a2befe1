"""Staff JSON API under /api/staff: everything the workspace can do, for automation. Every route needs a staff
identity (bearer token, or the session cookie plus the CSRF header) and the role named in its description.

Every editable resource answers with an ETag; updates and deletes require If-Match and answer 412 when it is stale
(428 when it is missing). Uploads stream the request body to disk (never whole in memory) and accept an
Idempotency-Key header so that a retried upload does not create a second episode.

One module per resource: tokens (and who am I), audit, shows, episodes (with the publishing actions and chapters),
media (uploads), items (videos, people, projects), imports (feeds brought from another host), downloads
(counted downloads, issue 16);
shared conventions, representations, schemas and uploads.
"""

from fastapi import APIRouter

from . import audit, downloads, episodes, imports, items, media, shows, tokens

router = APIRouter(prefix="/staff", tags=["staff"])
for _part in (tokens, audit, shows, episodes, media, items, imports, downloads):
    router.include_router(_part.router)

__all__ = ["router"]
