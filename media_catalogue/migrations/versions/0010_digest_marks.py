"""newsletter digests marked as sent, so "since the last digest" knows where to start (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 04:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_marks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_digest_marks_marked_at", "digest_marks", ["marked_at"])


def downgrade() -> None:
    op.drop_index("ix_digest_marks_marked_at", table_name="digest_marks")
    op.drop_table("digest_marks")
