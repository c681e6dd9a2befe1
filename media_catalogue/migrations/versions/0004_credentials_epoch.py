"""credentials epoch: one timestamp per account before which every login session and API token is dead

A password change, a disable or a role removal moves it forward; re-enabling an account does not move it back, so
old credentials never come back to life.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("credentials_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET credentials_changed_at = password_changed_at")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("credentials_changed_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credentials_changed_at")
