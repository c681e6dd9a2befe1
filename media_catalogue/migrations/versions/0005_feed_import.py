"""feed import: where a show came from and went (imported_from, previous_feed_urls, new_feed_url, moved_at), what an
imported episode's feed said (external_duration_ms, import_error), video thumbnails kept here (thumbnail_key), and
room for GUIDs written by other hosts (episodes.guid up to 1000 characters, shows.podcast_guid up to 100)

SQLite does not enforce VARCHAR lengths, so the two widenings run on PostgreSQL only (rebuilding the episodes table
on SQLite would cascade-delete its media rows through the foreign keys).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_from', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('previous_feed_urls', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('new_feed_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('moved_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_duration_ms', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('import_error', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thumbnail_key', sa.String(length=500), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('episodes', 'guid', type_=sa.String(length=1000), existing_type=sa.String(length=200))
        op.alter_column('shows', 'podcast_guid', type_=sa.String(length=100), existing_type=sa.String(length=36))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('shows', 'podcast_guid', type_=sa.String(length=36), existing_type=sa.String(length=100))
        op.alter_column('episodes', 'guid', type_=sa.String(length=200), existing_type=sa.String(length=1000))
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('thumbnail_key')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('import_error')
        batch_op.drop_column('external_duration_ms')
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.drop_column('moved_at')
        batch_op.drop_column('new_feed_url')
        batch_op.drop_column('previous_feed_urls')
        batch_op.drop_column('imported_from')
