"""search people vectors: a person's name, and name and affiliation, as stored weight-B tsvectors (issue 17)

PostgreSQL only (no-op on SQLite, whose FTS5 index holds each item's people already, migration 0013). Every search
candidate's document adds the people it credits; folding and parsing their names at query time (translate() and
to_tsvector() per candidate) was about half the work of a common word's query at 100,000 episodes. Generated
columns, as in 0011: every write path keeps them right, and a person's edit shows at once on everything crediting
them (the vectors are still joined at query time). Expressions from search_postgres.CREDIT_VECTORS.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 07:20:00.000000
"""

from alembic import op

from media_catalogue.catalogue.search_postgres import CREDIT_VECTORS

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, expression in CREDIT_VECTORS.items():
        op.execute(f"ALTER TABLE people ADD COLUMN {name} tsvector GENERATED ALWAYS AS ({expression}) STORED")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in CREDIT_VECTORS:
        op.execute(f"ALTER TABLE people DROP COLUMN IF EXISTS {name}")
