"""episode search vector: a stored, generated tsvector of each episode's own text, GIN-indexed (issue 17)

PostgreSQL only (no-op on SQLite, whose search is an in-memory FTS5 index). The column is GENERATED ALWAYS AS
(...) STORED, so every write path keeps it right without triggers or application code; its expression is
search_postgres.episode_vector(), imported so the two cannot drift apart (if that expression ever changes, a new
migration must drop and re-add the column). It replaces 0003's expression index on episodes, which search no
longer uses.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 05:20:00.000000
"""

from alembic import op

from media_catalogue.catalogue.search_postgres import episode_vector, index_statements

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_episodes")
    op.execute(f"ALTER TABLE episodes ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({episode_vector()}) STORED")
    op.execute("CREATE INDEX ix_search_episodes ON episodes USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_episodes")
    op.execute("ALTER TABLE episodes DROP COLUMN IF EXISTS search_vector")
    op.execute(next(s for s in index_statements() if "ix_search_episodes " in s))
