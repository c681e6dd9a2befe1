"""video guid: a permanent feed GUID per video, stored at creation and kept through renames

Existing videos get the GUID of their current slug (the same value sync would give them on a fresh database).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from media_catalogue.catalogue.identity import video_guid_for

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guid", sa.String(length=36), nullable=True))
    videos = sa.table("videos", sa.column("id", sa.Integer), sa.column("slug", sa.String), sa.column("guid", sa.String))
    bind = op.get_bind()
    for video_id, slug in bind.execute(sa.select(videos.c.id, videos.c.slug)).all():
        bind.execute(videos.update().where(videos.c.id == video_id).values(guid=video_guid_for(slug)))
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.alter_column("guid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint("uq_videos_guid", ["guid"])


def downgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.drop_constraint("uq_videos_guid", type_="unique")
        batch_op.drop_column("guid")
