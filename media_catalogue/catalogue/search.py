"""Search over titles, show notes, descriptions, people and transcripts of everything the public may see.

On SQLite the index is an FTS5 table stored in the catalogue database and kept right by triggers on every write
(search_sqlite, migration 0013): no per-worker copy, no rebuild after an edit, a scheduled episode found from its
time on. Diacritics are folded ("cisse" finds "Cissé") and every word is a prefix match ("migr" finds "migration").
Where the SQLite library lacks FTS5, a plain scan over the same documents, kept in memory per worker and rebuilt
when the catalogue version moves, answers instead (same results, slower).

On PostgreSQL the database answers instead, with its own full-text search over stored, indexed vectors of the live
tables (search_postgres): same fields, same folding and prefix matching, same Result objects, a bounded amount of
ranking per query however many rows match; `backend()` tells which one is in use.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..text import plain_text
from . import queries, search_sqlite
from .models import Credit, Episode, Person, Project, Show, Video, utcnow
from .versions import catalogue_version

# Relative weights of the indexed fields (bm25 column weights): a title match counts most, a transcript least.
WEIGHTS = {"title": 10.0, "body": 3.0, "people": 5.0, "transcript": 1.0}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Document:
    kind: str  # show | episode | video | person | project
    path: str  # site path of its page
    title: str
    language: str | None
    context: str  # what it belongs to (show title, project name...)
    body: str
    people: str
    transcript: str


@dataclass(frozen=True)
class Result:
    kind: str
    path: str
    title: str
    language: str | None
    context: str
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted)
    score: float = 0.0


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(query: str) -> list[str]:
    return [word for word in _WORD.findall(fold(query))][:12]


def show_document(show: Show) -> Document:
    return Document("show", f"/shows/{show.slug}", show.title, show.language,
                    show.project.name if show.project else "", plain_text(f"{show.subtitle}\n\n{show.description}"),
                    " ".join(c.person.name for c in show.credits), "")  # fmt: skip


def episode_document(episode: Episode) -> Document:
    people = " ".join(f"{c.person.name} {c.person.affiliation}" for c in episode.credits)
    return Document("episode", f"/shows/{episode.show.slug}/{episode.slug}", episode.title, episode.show.language,
                    episode.show.title, plain_text(f"{episode.summary}\n\n{episode.show_notes}"), people,
                    "\n".join(t.text for t in episode.transcripts))  # fmt: skip


def video_document(video: Video) -> Document:
    return Document("video", f"/videos/{video.slug}", video.title, video.language,
                    video.series or (video.project.name if video.project else ""), plain_text(video.description),
                    " ".join(f"{c.person.name} {c.person.affiliation}" for c in video.credits), "")  # fmt: skip


def person_document(person: Person) -> Document:
    return Document("person", f"/people/{person.slug}", person.name, None, person.affiliation,
                    plain_text(f"{person.affiliation}\n\n{person.bio}"), person.name, "")  # fmt: skip


def project_document(project: Project) -> Document:
    return Document("project", f"/projects/{project.slug}", project.name, None, "", plain_text(project.description),
                    "", "")  # fmt: skip


_BUILDERS: dict[str, Callable[[Any], Document]] = {
    "show": show_document, "episode": episode_document, "video": video_document,
    "person": person_document, "project": project_document,
}  # fmt: skip


def documents(session: Session) -> list[Document]:
    """Everything public, flattened to text: live episodes, shows, published videos, people and projects."""
    docs: list[Document] = [show_document(show) for show in queries.list_shows(session)]
    docs += [episode_document(episode) for episode in queries.live_episodes(session)]
    docs += [video_document(video) for video in queries.list_videos(session, per_page=100_000).items]
    docs += [person_document(person) for person in queries.list_people(session)]
    docs += [project_document(project) for project in queries.list_projects(session)]
    return docs


def fts5_available() -> bool:
    return search_sqlite.fts5_available()


class Index:
    """One worker's search state on SQLite. With FTS5 (use_fts5) the stored table answers and nothing is kept here;
    without it, the plain scan's documents, rebuilt when the catalogue version moves."""

    def __init__(self, *, use_fts5: bool | None = None) -> None:
        self.use_fts5 = fts5_available() if use_fts5 is None else use_fts5
        self.version: int | None = None
        self.valid_until: datetime | None = None
        self.docs: list[Document] = []
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> None:
        """Rebuild when the catalogue version moved, or when a scheduled episode went live since the last build
        (no write marks that: the clock does)."""
        version = catalogue_version(session)
        now = utcnow()
        expired = self.valid_until is not None and now >= self.valid_until
        if version != self.version or not self.docs or expired:
            self.docs = documents(session)
            self.version = version
            self.valid_until = queries.next_scheduled_time(session, now=now)

    def query(self, text: str, limit: int) -> list[Result]:
        words = terms(text)
        return self._scan(words, limit) if words else []

    def _scan(self, words: list[str], limit: int) -> list[Result]:
        scored: list[tuple[float, int, Result]] = []
        for position, doc in enumerate(self.docs):
            score = 0.0
            fields = {name: _WORD.findall(fold(getattr(doc, name))) for name in WEIGHTS}
            for word in words:
                found = [w for name, tokens in fields.items() if any(t.startswith(word) for t in tokens) for w in
                         [WEIGHTS[name]]]  # fmt: skip
                if not found:
                    break
                score += max(found)
            else:
                snippet = _plain_snippet(doc, words)
                scored.append((-score, position, self._result(doc, snippet, score)))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [result for _, _, result in scored[:limit]]

    @staticmethod
    def _result(doc: Document, snippet: list[tuple[str, bool]], score: float) -> Result:
        return Result(doc.kind, doc.path, doc.title, doc.language, doc.context, snippet, score)


def _plain_snippet(doc: Document, words: Iterable[str]) -> list[tuple[str, bool]]:
    text = doc.body or doc.transcript or doc.title
    tokens = re.split(r"(\w+)", text[:400])
    return [(token, bool(token.strip()) and any(fold(token).startswith(w) for w in words)) for token in tokens if token]


def backend(session: Session, index: Index | None = None) -> str:
    """Which search answers on this session's database: "postgresql" (full-text over the live tables), "fts5" (the
    SQLite table stored in the database, search_sqlite) or "scan" (the plain fallback)."""
    if session.get_bind().dialect.name == "postgresql":
        return "postgresql"
    use_fts5 = index.use_fts5 if index is not None else fts5_available()
    return "fts5" if use_fts5 and search_sqlite.ready(session) else "scan"


def window_snippet(doc: Document, words: Iterable[str], *, size: int = 16) -> list[tuple[str, bool]]:
    """About `size` words of the first field that matches (notes, transcript, title, people), around the first
    match, matches highlighted like FTS5's snippet()."""
    words = list(words)

    def hit(token: str) -> bool:
        folded = fold(token)
        return any(folded.startswith(w) for w in words)

    for text in (doc.body, doc.transcript, doc.title, doc.people):
        tokens = [t for t in re.split(r"(\w+)", text) if t]
        positions = [i for i, t in enumerate(tokens) if _WORD.fullmatch(t)]
        first = next((n for n, i in enumerate(positions) if hit(tokens[i])), None)
        if first is None:
            continue
        start_word = max(0, min(first - size // 3, len(positions) - size))
        end_word = min(len(positions), start_word + size)
        start = positions[start_word] if start_word else 0
        end = positions[end_word - 1] + 1 if end_word < len(positions) else len(tokens)
        parts = [(t, bool(_WORD.fullmatch(t)) and hit(t)) for t in tokens[start:end]]
        if start:
            parts.insert(0, ("…", False))
        if end < len(tokens):
            parts.append(("…", False))
        return parts
    return _plain_snippet(doc, words)


def load(session: Session, hits: Iterable[tuple[str, int, float]]) -> dict[tuple[str, int], Any]:
    """The ORM objects of the hits, with what their search documents need, in a few queries per kind."""
    ids: dict[str, list[int]] = {kind: [] for kind in _BUILDERS}
    for kind, id_, _ in hits:
        ids[kind].append(id_)
    loaders: dict[str, Any] = {
        "show": select(Show).options(selectinload(Show.project), selectinload(Show.credits).selectinload(
            Credit.person)),
        "episode": select(Episode).options(selectinload(Episode.show), selectinload(Episode.transcripts),
                                           selectinload(Episode.credits).selectinload(Credit.person)),
        "video": select(Video).options(selectinload(Video.project), selectinload(Video.credits).selectinload(
            Credit.person)),
        "person": select(Person),
        "project": select(Project),
    }  # fmt: skip
    models: dict[str, type[Show | Episode | Video | Person | Project]] = {
        "show": Show, "episode": Episode, "video": Video, "person": Person, "project": Project,
    }  # fmt: skip
    found: dict[tuple[str, int], Any] = {}
    for kind, wanted in ids.items():
        if wanted:
            for row in session.scalars(loaders[kind].where(models[kind].id.in_(wanted))):
                found[(kind, row.id)] = row
    return found


def _ranked(session: Session, used: str, words: list[str], limit: int) -> list[tuple[str, int, float]]:
    if used == "postgresql":
        from . import search_postgres

        return search_postgres.ranked(session, words, limit)
    return search_sqlite.ranked(session, words, limit, tuple(WEIGHTS.values()))


def _results(session: Session, words: list[str], hits: list[tuple[str, int, float]]) -> list[Result]:
    """The Result objects of ranked hits: their rows loaded in a few queries, snippets cut around the first match."""
    objects = load(session, hits)
    results = []
    for kind, id_, score in hits:
        if (found := objects.get((kind, id_))) is not None:
            doc = _BUILDERS[kind](found)
            results.append(Index._result(doc, window_snippet(doc, words), score))
    return results


def search_page(
    session: Session, text: str, index: Index, *, start: int, count: int, limit: int
) -> tuple[int, list[Result]]:
    """(number of results up to `limit`, results start..start+count): only the page's hits are loaded and given
    snippets, so a page of a common word's results costs the same as a rare one's."""
    used = backend(session, index)
    if used == "scan":
        found = search(session, text, index, limit=limit)
        return len(found), found[start : start + count]
    words = terms(text)
    hits = _ranked(session, used, words, limit) if words else []
    return len(hits), _results(session, words, hits[start : start + count])


def search(session: Session, text: str, index: Index, *, limit: int = 50) -> list[Result]:
    """Results best first; an empty or wordless query gives none. The database answers (search_sqlite,
    search_postgres) unless this SQLite lacks FTS5; then `index`, which belongs to the running app (one per worker
    and per database: never share one between databases, their versions would be confused), scans its documents."""
    used = backend(session, index)
    if used == "scan":
        with index._lock:
            index.refresh(session)
            return index.query(text, limit)
    words = terms(text)
    return _results(session, words, _ranked(session, used, words, limit)) if words else []
