"""The search a static copy of the site runs in the browser: what /search/index.json lists (issue 17).

A static host cannot answer /search?q=..., so the search page, when its address holds a query it did not answer,
searches this list instead (static/search-static.js). The same documents as the server's search (search.py's
builders: title, what it belongs to, notes, people), without transcripts, the notes cut short, and bounded: every
show, person and project, the newest MAX_EPISODES episodes and MAX_VIDEOS videos, so the file stays a few MB at
most however large the catalogue grows (the dynamic app's search has no such bound).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from . import queries
from .search import Document, episode_document, person_document, project_document, show_document, video_document

MAX_EPISODES = 5000
MAX_VIDEOS = 2000
BODY_CHARACTERS = 240


def _entry(doc: Document) -> dict[str, str]:
    body = " ".join(doc.body.split())
    if len(body) > BODY_CHARACTERS:
        body = body[:BODY_CHARACTERS].rsplit(" ", 1)[0] + "…"
    return {"kind": doc.kind, "path": doc.path, "title": doc.title, "language": doc.language or "",
            "context": doc.context, "text": body, "people": " ".join(doc.people.split())}  # fmt: skip


def entries(session: Session) -> list[dict[str, str]]:
    """Every listed document as a small JSON object, newest episodes and videos first."""
    docs = [show_document(show) for show in queries.list_shows(session)]
    docs += [episode_document(episode) for episode in queries.live_episodes(session, limit=MAX_EPISODES)]
    docs += [video_document(video) for video in queries.list_videos(session, per_page=MAX_VIDEOS).items]
    docs += [person_document(person) for person in queries.list_people(session)]
    docs += [project_document(project) for project in queries.list_projects(session)]
    return [_entry(doc) for doc in docs]
