"""search vectors: each searchable table's own text as a stored, generated, GIN-indexed tsvector (issue 17)

PostgreSQL only (no-op on SQLite, whose search is an in-memory FTS5 index). The columns (and episodes.title_vector,
their titles alone) are GENERATED ALWAYS AS (...) STORED, so every write path keeps them right without triggers or
application code, and a search reads them instead of recomputing every row's tsvector. Their expressions are search_postgres.own_vector(), imported so
the two cannot drift apart (if one ever changes, a new migration must drop and re-add the column). They replace
0003's expression indexes, which search no longer uses; the new indexes keep the names ix_search_<table>.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 05:20:00.000000
"""

from alembic import op

from media_catalogue.catalogue.search_postgres import OWN, TITLE_VECTOR, index_statements, own_vector

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in OWN:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({own_vector(table)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_{table} ON {table} USING gin (search_vector)")
    op.execute(f"ALTER TABLE episodes ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({TITLE_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_search_episode_titles ON episodes USING gin (title_vector)")
    # An episode's transcripts joined into one vector, as || joins two (no such aggregate is built in).
    op.execute("CREATE AGGREGATE search_vector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP AGGREGATE IF EXISTS search_vector_agg(tsvector)")
    op.execute("DROP INDEX IF EXISTS ix_search_episode_titles")
    op.execute("ALTER TABLE episodes DROP COLUMN IF EXISTS title_vector")
    for table in OWN:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    for statement in index_statements():
        op.execute(statement)
