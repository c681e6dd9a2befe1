"""Alembic environment: the engine is handed over by media_catalogue.db, never read from alembic.ini."""

from alembic import context

import media_catalogue.catalogue.accounts  # noqa: F401 - registers the staff tables on Base.metadata
import media_catalogue.catalogue.downloads.models  # noqa: F401 - and the download analytics tables
from media_catalogue.catalogue.models import Base

target_metadata = Base.metadata
engine = context.config.attributes.get("engine")
if engine is None:  # pragma: no cover - only for `alembic` run by hand
    from media_catalogue.config import Settings
    from media_catalogue.db import make_engine

    engine = make_engine(Settings().resolved_database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
