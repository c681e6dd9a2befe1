"""Search on SQLite: an FTS5 table stored in the catalogue database and kept right by triggers on every write.

The searchable tables are written by sync, ingest, staff edits, feed import and plain bulk inserts (bench/generate.py)
alike, some through the ORM, some with Core statements: triggers are the one place every write passes, so the index
is right when the writing transaction commits, in every worker at once, with no rebuild and no copy per worker.

``search_index`` (FTS5, ``unicode61 remove_diacritics 2``: "cisse" finds "Cissé"; no stemming, no stop words, so
English, French and Dutch match as written) has one row per searchable item, ``rowid = id * 8 + kind code`` (show 1,
episode 2, video 3, person 4, project 5), and the columns title, body, people and transcript ranked by bm25 with
search.WEIGHTS. It stores its own copy of the text (an FTS5 table with content): a trigger deletes a row by rowid and
never has to reproduce the exact old text, which an external-content or contentless table would need. ``detail =
column``: the index records which columns hold a word, not where, so the scans of common words read about half as
much; bm25 then counts a candidate's occurrences from its stored text, which is why only a bounded set of candidates
is ranked (:data:`CAP`, as on PostgreSQL).

Markdown and HTML bodies become plain text through ``search_text()``, a Python function (text.plain_text) that
db.make_engine registers on every connection: a connection without it (the sqlite3 shell) cannot write the
searchable tables, a loud failure rather than an index left behind.

Indexed: every show, person and project, published videos, and episodes published or scheduled, not deleted, with a
publish time. A scheduled episode whose time has not come is left out at query time (its id is excluded through the
published_at index), so it appears at its time with no write at all. rebuild() recreates the table, its triggers
and its rows from the catalogue (``media-catalogue search-index --rebuild``); drift() counts rows that differ from a
rebuild. Migrations that recreate a searchable table (Alembic's batch mode on SQLite) drop its triggers: rebuild()
afterwards (tests/catalogue/test_search_sqlite.py checks they exist at head).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..text import plain_text
from .models import LIVE_STATUSES, Status, UTCDateTime, utcnow

TABLE = "search_index"
CODES = {"show": 1, "episode": 2, "video": 3, "person": 4, "project": 5}
KINDS = {code: kind for kind, code in CODES.items()}
COLUMNS = ("title", "body", "people", "transcript")
_LIVE = ", ".join(f"'{status.name}'" for status in LIVE_STATUSES)
_NOT_YET_LIVE = f"SELECT id * 8 + {CODES['episode']} FROM episodes WHERE published_at > :now"  # noqa: S608


def search_text(*parts: str | None) -> str:
    """The plain text of Markdown or HTML parts, a blank line between them (what the search index holds)."""
    return plain_text("\n\n".join(part or "" for part in parts))


def register(connection: sqlite3.Connection) -> None:
    """Makes search_text() callable by this connection's triggers (called on every new connection)."""
    connection.create_function("search_text", -1, search_text, deterministic=True)


def _people(kind: str, owner: str) -> str:
    """SQL of the names (and affiliations, but for shows) credited on item `owner` of `kind`, in credit order."""
    name = "p.name" if kind == "show" else "p.name || ' ' || p.affiliation"
    return (
        f"coalesce((SELECT group_concat(who, ' ') FROM (SELECT {name} AS who FROM credits c JOIN people p "  # noqa: S608
        f"ON p.id = c.person_id WHERE c.{kind}_id = {owner} ORDER BY c.position, c.id)), '')"
    )


def _transcripts(owner: str) -> str:
    return (
        "coalesce((SELECT group_concat(text, char(10)) FROM (SELECT t.text FROM transcripts t "  # noqa: S608
        f"WHERE t.episode_id = {owner} ORDER BY t.language, t.id)), '')"
    )


# Per table: its kind, the SQL of (title, body, people, transcript) of row r, which rows are indexed, and the columns
# whose change re-indexes a row.
SOURCES: dict[str, tuple[str, tuple[str, str, str, str], str, tuple[str, ...]]] = {
    "shows": ("show", ("r.title", "search_text(r.subtitle, r.description)", _people("show", "r.id"), "''"),
              "1", ("title", "subtitle", "description")),
    "episodes": ("episode", ("r.title", "search_text(r.summary, r.show_notes)", _people("episode", "r.id"),
                             _transcripts("r.id")),
                 f"r.status IN ({_LIVE}) AND r.deleted_at IS NULL AND r.published_at IS NOT NULL",
                 ("title", "summary", "show_notes", "status", "deleted_at", "published_at")),
    "videos": ("video", ("r.title", "search_text(r.description)", _people("video", "r.id"), "''"),
               f"r.status = '{Status.published.name}'", ("title", "description", "status")),
    "people": ("person", ("r.name", "search_text(r.affiliation, r.bio)", "r.name", "''"), "1",
               ("name", "affiliation", "bio")),
    "projects": ("project", ("r.name", "search_text(r.description)", "''", "''"), "1", ("name", "description")),
}  # fmt: skip


def _source(table: str) -> str:
    """SELECT rowid, title, body, people, transcript of the indexed rows of `table` (alias r)."""
    kind, columns, indexed, _ = SOURCES[table]
    return f"SELECT r.id * 8 + {CODES[kind]}, {', '.join(columns)} FROM {table} r WHERE {indexed}"  # noqa: S608


def _insert(table: str, row_id: str) -> str:
    return f"INSERT INTO {TABLE}(rowid, {', '.join(COLUMNS)}) {_source(table)} AND r.id = {row_id};"


def _refresh_people(rowids: str) -> str:
    """UPDATE of the people column of the items whose rowids `rowids` (an SQL list or subquery) gives."""
    cases = " ".join(
        f"WHEN {CODES[kind]} THEN {_people(kind, f'{TABLE}.rowid / 8')}" for kind in ("show", "episode", "video")
    )
    return f"UPDATE {TABLE} SET people = CASE {TABLE}.rowid % 8 {cases} END WHERE rowid IN ({rowids});"  # noqa: S608


def _refresh_transcript(episode: str) -> str:
    code = CODES["episode"]
    return f"UPDATE {TABLE} SET transcript = {_transcripts(episode)} WHERE rowid = {episode} * 8 + {code};"  # noqa: S608


def _credited(row: str) -> str:
    return ", ".join(f"{row}.{kind}_id * 8 + {CODES[kind]}" for kind in ("show", "episode", "video"))


def trigger_statements() -> dict[str, str]:
    """name -> CREATE TRIGGER of every trigger that keeps the index right."""
    triggers: dict[str, str] = {}
    for table, (kind, _, _, watched) in SOURCES.items():
        delete = f"DELETE FROM {TABLE} WHERE rowid = old.id * 8 + {CODES[kind]};"  # noqa: S608
        changed = " OR ".join(f"old.{name} IS NOT new.{name}" for name in ("id", *watched))
        triggers[f"search_{table}_insert"] = f"AFTER INSERT ON {table} BEGIN {_insert(table, 'new.id')} END"
        triggers[f"search_{table}_update"] = (
            f"AFTER UPDATE OF {', '.join(('id', *watched))} ON {table} WHEN {changed} "
            f"BEGIN {delete} {_insert(table, 'new.id')} END"
        )
        triggers[f"search_{table}_delete"] = f"AFTER DELETE ON {table} BEGIN {delete} END"
    credited = " UNION ALL ".join(
        f"SELECT {kind}_id * 8 + {CODES[kind]} FROM credits WHERE person_id = new.id"  # noqa: S608
        for kind in ("show", "episode", "video")
    )
    triggers["search_people_credited"] = (
        "AFTER UPDATE OF name, affiliation ON people WHEN old.name IS NOT new.name OR old.affiliation IS NOT "
        f"new.affiliation BEGIN {_refresh_people(credited)} END"
    )
    triggers["search_credits_insert"] = f"AFTER INSERT ON credits BEGIN {_refresh_people(_credited('new'))} END"
    triggers["search_credits_delete"] = f"AFTER DELETE ON credits BEGIN {_refresh_people(_credited('old'))} END"
    triggers["search_credits_update"] = (
        "AFTER UPDATE OF person_id, show_id, episode_id, video_id ON credits BEGIN "
        f"{_refresh_people(_credited('old') + ', ' + _credited('new'))} END"
    )
    triggers["search_transcripts_insert"] = (
        f"AFTER INSERT ON transcripts BEGIN {_refresh_transcript('new.episode_id')} END"
    )
    triggers["search_transcripts_delete"] = (
        f"AFTER DELETE ON transcripts BEGIN {_refresh_transcript('old.episode_id')} END"
    )
    triggers["search_transcripts_update"] = (
        "AFTER UPDATE OF text, episode_id ON transcripts BEGIN "
        f"{_refresh_transcript('old.episode_id')} {_refresh_transcript('new.episode_id')} END"
    )
    return {name: f"CREATE TRIGGER {name} {body}" for name, body in triggers.items()}


def fts5_available(connection: sqlite3.Connection | None = None) -> bool:
    """Whether this SQLite library has FTS5 (every common build does)."""
    probe = connection or sqlite3.connect(":memory:")
    try:
        return bool(probe.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()[0]) or _can_create(
            probe
        )
    finally:
        if connection is None:
            probe.close()


def _can_create(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(a)")
        connection.execute("DROP TABLE temp.fts5_probe")
        return True
    except sqlite3.OperationalError:
        return False


def _dbapi(connection: Connection) -> sqlite3.Connection:
    raw: Any = connection.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def drop(connection: Connection) -> None:
    for name in trigger_statements():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection: Connection) -> int:
    """Drops and recreates the table, its triggers and every row from the catalogue, in the caller's transaction;
    answers the number of rows (0 and nothing created when this SQLite lacks FTS5)."""
    raw = _dbapi(connection)
    if not fts5_available(raw):
        return 0
    register(raw)
    drop(connection)
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)}, tokenize = 'unicode61 remove_diacritics 2', "
        "detail = column)"
    )
    for table in SOURCES:
        connection.exec_driver_sql(f"INSERT INTO {TABLE}(rowid, {', '.join(COLUMNS)}) {_source(table)}")
    for statement in trigger_statements().values():
        connection.exec_driver_sql(statement)
    optimize(connection)
    return int(connection.exec_driver_sql(f"SELECT count(*) FROM {TABLE}").scalar() or 0)  # noqa: S608


def optimize(connection: Connection) -> None:
    """Merges the index into one segment. Rows written one by one (a bulk load through the triggers) leave it in many
    segments that every query reads and merges: at 100,000 episodes, after bench/generate.py, a two-word query took
    about twice the CPU it takes after this (which took under a second there)."""
    connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")  # noqa: S608 - our constants


def ready(session: Session) -> bool:
    """Whether this database has the stored index (it has unless created where SQLite lacked FTS5)."""
    found = session.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": TABLE})
    return found.first() is not None


def missing_triggers(session: Session) -> list[str]:
    names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return [name for name in trigger_statements() if name not in names]


def drift(session: Session) -> int:
    """Rows of the index that differ from what a rebuild would write, plus rows a rebuild would add (0: in step)."""
    sources = "SELECT * FROM (" + " UNION ALL ".join(_source(table) for table in SOURCES) + ")"  # noqa: S608
    stored = f"SELECT rowid, {', '.join(COLUMNS)} FROM {TABLE}"  # noqa: S608 - our constants
    count = f"SELECT (SELECT count(*) FROM ({sources} EXCEPT {stored})) + (SELECT count(*) FROM ({stored} EXCEPT {sources}))"  # noqa: S608, E501
    return int(session.execute(text(count)).scalar() or 0)


def problems(session: Session) -> list[str]:
    """What is wrong with the stored index (empty: it matches the catalogue and every trigger is in place)."""
    if not ready(session):
        return ["there is no search index (this database was created where SQLite lacked FTS5)"]
    found = [f"trigger {name} is missing" for name in missing_triggers(session)]
    if differ := drift(session):
        found.append(f"{differ} rows differ from the catalogue")
    return found


def match_text(words: Sequence[str], columns: str = "") -> str:
    """FTS5 query where every (already folded, \\w+) word must match as a prefix: "talent"* "partn"*; `columns`
    ("title") restricts it to those columns. Underscores split words, as in the tokenizer."""
    phrases = " ".join(f'"{part}"*' for word in words for part in word.split("_") if part)
    return f"{{{columns}}} : ({phrases})" if columns else phrases


# Candidates ranked: rows matching every word that are among the CAP newest (highest rowid) matches, or among the
# CAP newest whose title, or whose people, match every word. With fewer than CAP matches this is every match and the
# ranking is exact; past that, bm25 (which reads each candidate's text again) runs on a bounded set, and the FTS5 scan
# only walks the rowid range the candidates span. An older title match still outranks newer show-notes matches.
CAP = 200
_TIERS = {"newest": "", "titles": "title", "people": "people"}
_RANKED = f"""
WITH newest(id) AS (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :newest ORDER BY rowid DESC LIMIT :cap),
titles(id) AS (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :titles ORDER BY rowid DESC LIMIT :cap),
people(id) AS (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :people ORDER BY rowid DESC LIMIT :cap),
bounds(low, recent) AS (SELECT (SELECT min(id) FROM (SELECT id FROM newest UNION ALL SELECT id FROM titles
    UNION ALL SELECT id FROM people)), (SELECT min(id) FROM newest))
SELECT rowid, bm25({TABLE}, {{weights}}) AS rank FROM {TABLE}
WHERE {TABLE} MATCH :newest AND rowid >= (SELECT low FROM bounds)
    AND (+rowid >= (SELECT recent FROM bounds) OR +rowid IN titles OR +rowid IN people)
    AND rowid NOT IN ({_NOT_YET_LIVE})
ORDER BY rank, rowid % 8, rowid DESC LIMIT :limit
"""  # noqa: S608 - our constants


def ranked(
    session: Session, words: Sequence[str], limit: int, weights: Sequence[float], now: datetime | None = None
) -> list[tuple[str, int, float]]:
    """(kind, id, score) of the best `limit` matches (see CAP), best first; ties by kind, then newest id. The
    `+rowid` terms are filters on the rows FTS5 returns: pushed into FTS5, an IN list would rerun the whole query
    once per value."""
    if not words:
        return []
    statement = text(_RANKED.format(weights=", ".join(str(float(w)) for w in weights))).bindparams(
        bindparam("now", type_=UTCDateTime())
    )
    params: dict[str, Any] = {tier: match_text(words, columns) for tier, columns in _TIERS.items()}
    rows = session.execute(statement, {**params, "cap": CAP, "now": now or utcnow(), "limit": limit})
    return [(KINDS[rowid % 8], rowid // 8, -float(rank)) for rowid, rank in rows]
