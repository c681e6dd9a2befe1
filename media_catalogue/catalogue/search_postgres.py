"""Search answered by PostgreSQL full-text search over the live catalogue tables (no second copy of the data).

Text becomes a tsvector through ``to_tsvector('simple', translate(<text>, <accented>, <plain>))``: the 'simple'
configuration does no stemming and knows no stop words, so English, French and Dutch content all match the words as
written; ``translate()`` folds accented Latin letters to plain ones ("Cissé" is found by "cisse"). It is built in
and immutable, so no extension (``unaccent`` may be missing or not ours to create) is needed. Letters whose folding
is more than one letter (ß, æ, œ) are kept as they are on both sides.

Each searchable table's own text, weighted (title A, people B, body C, transcript D), is a stored generated column
``search_vector`` with a GIN index (migration 0011, expressions in :data:`OWN`): the database recomputes it on
every write whatever the code path, and a search never folds or parses a row's text again (translate() over long
texts was most of the old cost). The people credited on a candidate are joined at query time, so a person's edit
shows at once on every item crediting them, from their own stored vectors (migration 0014, :data:`CREDIT_VECTORS`).
Every query is planned for its own words (``plan_cache_mode``): a plan good for a rare word is bad for a common one.

A search is one query in two steps, its work bounded whatever the number of matches:

1. candidates, at most :data:`CAP` per way of matching: for episodes, the newest live ones whose title matches ALL
   the words, whose own text matches all, whose own text matches ANY, those crediting a matching person and those
   with a matching transcript; for the other kinds, the newest matching ones. When fewer than CAP match each way,
   this is every match and the answer is exact; past that, the newest win. Titles matching all the words are a way
   of their own (episodes.title_vector), so an older title match still outranks recent show-notes matches.
2. for candidates only, the weighted document (own vector || credited people B || transcript vectors) is built once
   (materialized CTE), kept if it matches ALL the words (every word a prefix, as with SQLite FTS5) and ranked with
   ``ts_rank``, so a title match comes before a show-notes match.

Only live episodes (:func:`queries.live_filter`) and published videos are candidates. The result objects and
their snippets are those of :mod:`.search`, so the page does not change with the database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextClause,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from . import queries
from .models import Episode, Person, Project, Show, Status, Video

# ts_rank weights in PostgreSQL's order {D, C, B, A}: transcript, body, people, title, mirroring search.WEIGHTS.
RANK_WEIGHTS = "'{0.1, 0.3, 0.5, 1.0}'::float4[]"
_KINDS = ("show", "episode", "video", "person", "project")
# Candidates per kind and per way of matching that are ranked at most (see the module docstring): what bounds a
# query's work however many rows match.
CAP = 200


def _fold_map() -> tuple[str, str]:
    """Latin letters (Latin-1 Supplement and Extended-A) whose accent-folded lower case is one other letter."""
    source, target = [], []
    for code in range(0xC0, 0x180):
        char = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFKD", char.casefold()) if not unicodedata.combining(c))
        if len(folded) == 1 and folded != char and unicodedata.category(char).startswith("L"):
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _fold_map()
assert "'" not in FOLD_FROM + FOLD_TO and "\\" not in FOLD_FROM + FOLD_TO


def vector(expression: str) -> str:
    """SQL of the tsvector of a text expression: accent-folded, 'simple' configuration."""
    return f"to_tsvector('simple'::regconfig, translate({expression}, '{FOLD_FROM}', '{FOLD_TO}'))"


# The expressions of migration 0003's GIN expression indexes (kept for that migration; 0011 replaced them).
INDEXED = {
    "shows": "title || ' ' || subtitle || ' ' || description",
    "episodes": "title || ' ' || summary || ' ' || show_notes",
    "videos": "title || ' ' || description",
    "people": "name || ' ' || affiliation || ' ' || bio",
    "projects": "name || ' ' || description",
    "transcripts": "text",
}


def _indexed(table: str) -> str:
    return vector(INDEXED[table])


def index_statements() -> list[str]:
    """CREATE INDEX statements of the GIN expression indexes (used by migration 0003)."""
    return [
        f"CREATE INDEX IF NOT EXISTS ix_search_{table} ON {table} USING gin (({_indexed(table)}))" for table in INDEXED
    ]


def _weighted(expression: str, weight: str) -> str:
    return f"setweight({vector(f'coalesce({expression}, {chr(39)}{chr(39)})')}, '{weight}')"


# Each table's own text, weighted (title A, people B, body C, transcript D; a person's name counts as title and
# as people): migration 0011 stores it as the generated column search_vector, GIN-indexed. Generated columns are
# recomputed by the database on every write, whichever code path writes.
OWN = {
    "shows": (("title", "A"), ("subtitle || chr(10) || description", "C")),
    "episodes": (("title", "A"), ("summary || chr(10) || show_notes", "C")),
    "videos": (("title", "A"), ("description", "C")),
    "people": (("name", "A"), ("affiliation || chr(10) || bio", "C"), ("name", "B")),
    "projects": (("name", "A"), ("description", "C")),
    "transcripts": (("text", "D"),),
}


# Episodes' titles alone, also stored and indexed (migration 0011): the title tier of the candidates. Restricting the
# full vector to weight A instead would make PostgreSQL walk every episode when few titles match.
TITLE_VECTOR = _weighted("title", "A")


def own_vector(table: str) -> str:
    """SQL of the stored search_vector of `table` (unqualified column names: a generated column's expression)."""
    return " || ".join(_weighted(expression, weight) for expression, weight in OWN[table])


# A person's name, and name and affiliation, as stored weight-B vectors (migration 0014, generated columns like
# search_vector): what an item crediting them adds to its document. Joined at query time, so a person's edit shows at
# once on everything crediting them; stored, so a query does not fold and parse every candidate's people again (that
# was half the work of a common word's query at 100,000 episodes).
CREDIT_VECTORS = {"name_vector": _weighted("name", "B"), "credit_vector": _weighted("name || ' ' || affiliation", "B")}


def _people_vector(column: str, owner: str, *, affiliation: bool) -> str:
    stored = "credit_vector" if affiliation else "name_vector"
    return (
        f"coalesce((SELECT search_vector_agg(p.{stored}) FROM credits c JOIN people p "  # noqa: S608 - our constants
        f"ON p.id = c.person_id WHERE c.{column} = {owner}.id), '')"
    )


def _person_candidates(column: str) -> str:
    return (
        f"SELECT c.{column} AS id FROM credits c JOIN people p ON p.id = c.person_id "  # noqa: S608 - our constants
        f"WHERE p.search_vector @@ to_tsquery('simple', :any_words) LIMIT {CAP}"
    )


def _candidates(table: str, words: str = "any_words", vector: str = "search_vector") -> ColumnElement[bool]:
    return text(f"{table}.{vector} @@ to_tsquery('simple', :{words})")  # type: ignore[return-value]


def _kind(kind: str) -> ColumnElement[str]:
    return literal_column(f"'{kind}'::text").label("kind")  # type: ignore[return-value]


# Transcripts' stored vectors joined (their weight D is stored): folding long texts again at query time would cost
# more than everything else (translate() is slow on long strings).
_TRANSCRIPTS = (
    "coalesce((SELECT search_vector_agg(t.search_vector) FROM transcripts t WHERE t.episode_id = episodes.id), '')"
)


# Episodes with a matching transcript, at most CAP. A plain "... LIMIT CAP" is planned for the rows the planner
# expects to reach the limit with: it misjudges rare words (and words in no transcript at all) as common and scans
# every transcript to find none. Planned as a materialized CTE the match is planned for all its rows (the GIN index
# when few match) and still read lazily, so a common word stops after CAP rows.
_TRANSCRIPT_CANDIDATES = (
    "WITH hits AS MATERIALIZED (SELECT t.episode_id AS id FROM transcripts t "
    "WHERE t.search_vector @@ to_tsquery('simple', :any_words)) SELECT id FROM hits LIMIT {cap}"
)


def _ids(statement: Select | TextClause) -> Select:
    """SELECT id FROM (statement): a member of a UNION that may have its own ORDER BY and LIMIT."""
    found = (
        statement.subquery() if isinstance(statement, Select) else statement.columns(column("id", Integer)).subquery()
    )
    return select(found.c.id)


def _episode_tier(words: str, vector: str = "search_vector") -> Select:
    """The CAP most recent live episodes whose own text (or title: vector="title_vector") matches `words`."""
    return queries.live_filter(select(Episode.id).where(_candidates("episodes", words, vector))).order_by(
        Episode.published_at.desc(), Episode.id.desc()).limit(CAP)  # fmt: skip


def _capped(model: Any, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """model.id among the CAP newest rows meeting any of the conditions."""
    return model.id.in_(select(model.id).where(or_(*conditions)).order_by(model.id.desc()).limit(CAP))  # type: ignore[no-any-return]


def _selects() -> list[Select]:  # bare Select: any columns (SQLAlchemy 2.0 and 2.1 type them differently)
    show: Select = select(_kind("show"), Show.id.label("id"), literal_column(
        f"shows.search_vector || {_people_vector('show_id', 'shows', affiliation=False)}"
    ).label("document")).where(_capped(Show, _candidates("shows"), Show.id.in_(text(_person_candidates(
        "show_id")))))  # fmt: skip
    episode: Select = queries.live_filter(select(_kind("episode"), Episode.id.label("id"), literal_column(
        "episodes.search_vector"
        f" || {_people_vector('episode_id', 'episodes', affiliation=True)}"
        f" || {_TRANSCRIPTS}").label("document")
    )).where(Episode.id.in_(union(
        _ids(_episode_tier("all_words", "title_vector")), _ids(_episode_tier("all_words")),
        _ids(_episode_tier("any_words")),
        _ids(text(_person_candidates("episode_id"))),
        _ids(text(_TRANSCRIPT_CANDIDATES.format(cap=CAP))),
    )))  # fmt: skip
    video: Select = select(_kind("video"), Video.id.label("id"), literal_column(
        f"videos.search_vector || {_people_vector('video_id', 'videos', affiliation=True)}"
    ).label("document")).where(Video.status == Status.published, _capped(Video, _candidates("videos"), Video.id.in_(
        text(_person_candidates("video_id")))))  # fmt: skip
    person: Select = select(_kind("person"), Person.id.label("id"), literal_column("people.search_vector").label(
        "document")).where(_capped(Person, _candidates("people")))  # fmt: skip
    project: Select = select(_kind("project"), Project.id.label("id"), literal_column("projects.search_vector").label(
        "document")).where(_capped(Project, _candidates("projects")))  # fmt: skip
    return [show, episode, video, person, project]


def tsquery_text(words: Sequence[str], *, operator: str) -> str:
    """to_tsquery input where every (already folded, \\w+) word is a prefix: 'talent':* & 'partn':*"""
    return f" {operator} ".join(f"'{word}':*" for word in words)


def ranked(session: Session, words: Sequence[str], limit: int) -> list[tuple[str, int, float]]:
    """(kind, id, rank) of the best matches, best first."""
    if not words:
        return []
    # Materialized: each candidate's document is built once, not once for the filter and again for the rank.
    documents = union_all(*_selects()).cte("documents").prefix_with("MATERIALIZED")
    all_words = func.to_tsquery(literal_column("'simple'::regconfig"), bindparam("all_words"))
    rank = func.ts_rank(literal_column(RANK_WEIGHTS), documents.c.document, all_words)
    kind_order: ColumnElement[int] = literal_column(
        "array_position(ARRAY" + repr(list(_KINDS)) + "::text[], documents.kind)"
    )
    statement = (
        select(documents.c.kind, documents.c.id, rank.label("rank"))
        .where(documents.c.document.op("@@")(all_words))
        .order_by(rank.desc(), kind_order, documents.c.id)
        .limit(limit)
    )
    params = {
        "any_words": tsquery_text(words, operator="|"),
        "all_words": tsquery_text(words, operator="&"),
    }
    # The planner's estimates for these nested text subqueries are high enough to switch JIT compilation on, which
    # costs more (100+ ms) than the bounded query it compiles; off for the rest of this transaction only. And a plan
    # made for these words: psycopg prepares a statement run five times on a connection, after which PostgreSQL may
    # reuse one generic plan whatever the words, blind to whether they are rare or common (measured at 100,000
    # episodes: about 400 ms of backend CPU a query instead of 30-55).
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    return [(kind, int(id_), float(score)) for kind, id_, score in session.execute(statement, params)]
