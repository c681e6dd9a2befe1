"""Run by test_sync_crash.py in a child process: `media-catalogue sync FOLDER` (the real command, configured by the
environment), stopped at the point named on the command line until the test kills it with SIGKILL; it prints the
point when it gets there.

    python tests/crash_sync.py FOLDER POINT

POINT: object-N (the N-th stored object written, its row not committed), commit-N (inside the N-th commit, before
it), committed-N (just after the N-th commit), none (run to the end)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from media_catalogue.cli import app
from media_catalogue.storage.local import LocalStorage


def reached(point: str) -> None:
    print(point, flush=True)
    time.sleep(600)  # the test kills us here


def main() -> None:
    folder, point = sys.argv[1:3]
    kind, _, number = point.partition("-")
    counts = {"object": 0, "commit": 0, "committed": 0}

    def count(name: str) -> None:
        counts[name] += 1
        if kind == name and counts[name] == int(number):
            reached(point)

    for method in ("put_stream", "put_file"):
        original = getattr(LocalStorage, method)

        def stopping(self: LocalStorage, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            stored = _original(self, *args, **kwargs)
            count("object")
            return stored

        setattr(LocalStorage, method, stopping)
    event.listen(Session, "before_commit", lambda _session: count("commit"))
    event.listen(Session, "after_commit", lambda _session: count("committed"))
    app(["sync", str(Path(folder))], prog_name="media-catalogue")


if __name__ == "__main__":
    main()
