"""download analytics: daily salts, the enclosure request log, counted downloads and daily aggregates (issue 16)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00.000000

(down_revision is "0006" on the analytics branch; 0007 comes from another branch and is chained at merge.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "download_salts",
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("zone", "day"),
    )
    op.create_table(
        "download_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("range_header", sa.String(length=100), nullable=True),
        sa.Column("first_byte", sa.BigInteger(), nullable=False),
        sa.Column("byte_count", sa.BigInteger(), nullable=False),
        sa.Column("needed", sa.BigInteger(), nullable=False),
        sa.Column("redirect", sa.Boolean(), nullable=False),
        sa.Column("excluded", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_download_requests_at", "download_requests", ["at"])
    op.create_index("ix_download_requests_show_id", "download_requests", ["show_id"])
    op.create_index("ix_download_requests_group", "download_requests", ["episode_id", "day", "client_key"])
    op.create_table(
        "downloads",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("app", sa.String(length=60), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("episode_id", "day", "client_key"),
    )
    op.create_index("ix_downloads_show_id", "downloads", ["show_id"])
    op.create_index("ix_downloads_day", "downloads", ["day"])
    op.create_table(
        "download_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("app", sa.String(length=60), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("episode_id", "day", "app", "platform"),
    )
    op.create_index("ix_download_daily_show_id", "download_daily", ["show_id"])
    op.create_index("ix_download_daily_day", "download_daily", ["day"])


def downgrade() -> None:
    op.drop_table("download_daily")
    op.drop_table("downloads")
    op.drop_table("download_requests")
    op.drop_table("download_salts")
