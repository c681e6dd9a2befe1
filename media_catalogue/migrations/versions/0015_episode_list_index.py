"""list indexes: a show's live episodes in list order answered from the index alone; shows and people in the
order their indexes list them; a project's shows (issue 17)

One index on episodes (show_id, published_at, id) that also carries the two other columns of "live" (status,
deleted_at): a show's page count, its page N (ids first, then the 50 rows), the home and index pages' episode counts
per show and the sitemap's count of live episodes become index-only scans instead of reading episode rows (about
2 kB each with the search vectors; a sort of the big show's 10,000). PostgreSQL keeps the extra columns as INCLUDE
payload; SQLite, which has no INCLUDE, as trailing key columns (the same covering effect).

The same columns in id order (episodes (id) INCLUDE (status, deleted_at, published_at)) give a child sitemap its
1,000 ids from the index alone: child 111 skips 110,000 index entries instead of reading 110,000 episode rows.

shows (title, id) and people (name, id) match the ORDER BY of the shows and people indexes (page N reads its rows
in order instead of sorting the table), shows (project_id) finds a project's shows.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 07:05:00.000000
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NAME = "ix_episodes_show_live_order"
BY_ID = "ix_episodes_live_by_id"
PLAIN = {"ix_shows_title_id": ("shows", ["title", "id"]), "ix_people_name_id": ("people", ["name", "id"]),
         "ix_shows_project_id": ("shows", ["project_id"])}  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {NAME} ON episodes (show_id, published_at, id) INCLUDE (status, deleted_at)")
        op.execute(f"CREATE INDEX {BY_ID} ON episodes (id) INCLUDE (status, deleted_at, published_at)")
    else:
        op.execute(f"CREATE INDEX {NAME} ON episodes (show_id, published_at, id, status, deleted_at)")
        op.execute(f"CREATE INDEX {BY_ID} ON episodes (id, status, deleted_at, published_at)")
    for name, (table, columns) in PLAIN.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in PLAIN.items():
        op.drop_index(name, table_name=table)
    op.execute(f"DROP INDEX IF EXISTS {BY_ID}")
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
