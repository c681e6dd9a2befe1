"""Run by test_ingest_crash.py in a child process: ingest one file for an episode and stop, printing the name of the
point reached, at the point named on the command line, until the test kills the process with SIGKILL.

    python tests/crash_ingest.py DATA_DIR DATABASE_URL EPISODE_ID SOURCE POINT

POINT: before-write (journal entry made, no byte stored), mid-write (two chunks in the staging file),
after-write (object published, transaction not committed), after-commit (committed, journal not yet cleared),
none (run to the end)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from media_catalogue import ingest
from media_catalogue.catalogue.models import Episode
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import StoredObject, create_storage


def reached(point: str) -> None:
    print(point, flush=True)
    time.sleep(600)  # the test kills us here


def main() -> None:
    data_dir, database_url, episode_id, source, point = sys.argv[1:6]
    settings = Settings(data_dir=Path(data_dir), base_url="https://podcasts.example.org", database_url=database_url)
    database = Database(settings)
    storage = create_storage(settings)
    put_stream = storage.put_stream

    def stopping_put_stream(key: str, chunks: Iterable[bytes], *, content_type: str) -> StoredObject:
        if point == "before-write":
            reached(point)

        def counted() -> Iterable[bytes]:
            for index, chunk in enumerate(chunks):
                yield chunk
                if point == "mid-write" and index == 2:
                    reached(point)

        return put_stream(key, counted(), content_type=content_type)

    storage.put_stream = stopping_put_stream  # type: ignore[method-assign]
    with database.session() as session:

        def before_commit(_session: Any) -> None:
            if point == "after-write":
                reached(point)

        def after_commit(_session: Any) -> None:
            if point == "after-commit":
                reached(point)

        event.listen(session, "before_commit", before_commit)
        event.listen(session, "after_commit", after_commit)
        episode = session.get(Episode, int(episode_id))
        assert episode is not None
        ingest.attach_media(session, storage, settings, episode, Path(source), filename="episode.mp3")
    print("done", flush=True)


if __name__ == "__main__":
    main()
