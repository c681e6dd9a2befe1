"""search index on SQLite: an FTS5 table in the catalogue database, kept right by triggers on every write (issue 17)

SQLite only (no-op on PostgreSQL, whose search reads 0011's stored vectors). It replaces the in-memory index each
worker built from the whole catalogue and rebuilt after any change. Table, triggers and the first fill come from
catalogue.search_sqlite.rebuild() (the same function `media-catalogue search-index --rebuild` runs for recovery), so
the migration and the recovery cannot differ; if the triggers' SQL ever changes, a new migration must call rebuild()
again. Nothing is created where the SQLite library lacks FTS5 (search then falls back to a plain scan).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 07:00:00.000000
"""

from alembic import op

from media_catalogue.catalogue import search_sqlite

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_sqlite.rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_sqlite.drop(op.get_bind())
