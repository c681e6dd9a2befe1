"""search indexes: GIN expression indexes for PostgreSQL full-text search (no-op on SQLite)

The expressions are those search_postgres matches candidates with, imported from it so the two cannot drift
apart; if that module's expressions ever change, a new migration must drop and recreate these indexes (the old
ones would simply stop being used, never give wrong answers). SQLite searches an in-memory FTS5 index instead.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000
"""

from alembic import op

from media_catalogue.catalogue.search_postgres import INDEXED, index_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in index_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in INDEXED:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
