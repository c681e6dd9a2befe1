"""download progress: each uncounted client's merged byte ranges per episode and day, so counting a batch no longer
re-reads every request of the day (the soak's memory and writer time grew with the day's log; issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 07:10:00.000000

No data to move: a group (episode, day, client) without a row is built from the request log the first time a batch
touches it, so requests logged before this revision still count.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "download_progress",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("needed", sa.BigInteger(), nullable=False),
        sa.Column("user_agent", sa.String(length=500), nullable=False),
        sa.Column("spans", sa.Text(), nullable=False),
        sa.Column("covered", sa.BigInteger(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("episode_id", "day", "client_key"),
    )
    op.create_index("ix_download_progress_day", "download_progress", ["day"])


def downgrade() -> None:
    op.drop_index("ix_download_progress_day", table_name="download_progress")
    op.drop_table("download_progress")
