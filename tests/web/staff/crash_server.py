"""Run by test_publish_crash.py in a child process: the app served by uvicorn (configured by the environment), with
one request stopped at the point named on the command line until the test kills the process with SIGKILL; the
process prints the point when a request gets there.

    python tests/web/staff/crash_server.py PORT POINT

POINT: upload-written (the upload's object stored, its episode and media rows not committed), upload-commit
(inside the upload's commit), publish-commit (inside the publish's commit), publish-committed (just after it)."""

from __future__ import annotations

import sys
import time
from typing import Any

import uvicorn
from sqlalchemy import event
from sqlalchemy.orm import Session

from media_catalogue.storage.local import LocalStorage
from media_catalogue.web.app import app_from_environment

current = {"path": ""}


def reached(point: str) -> None:
    print(point, flush=True)
    time.sleep(600)  # the test kills us here


def main() -> None:
    port, point = int(sys.argv[1]), sys.argv[2]
    action, _, moment = point.partition("-")
    route = {"upload": "/uploads", "publish": "/publish"}[action]

    def at(name: str) -> None:
        if moment == name and current["path"].endswith(route):
            reached(point)

    for method in ("put_stream", "put_file"):
        original = getattr(LocalStorage, method)

        def stopping(self: LocalStorage, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            stored = _original(self, *args, **kwargs)
            at("written")
            return stored

        setattr(LocalStorage, method, stopping)
    event.listen(Session, "before_commit", lambda _session: at("commit"))
    event.listen(Session, "after_commit", lambda _session: at("committed"))
    app = app_from_environment()

    async def noting_the_path(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            current["path"] = scope["path"]
        await app(scope, receive, send)

    uvicorn.run(noting_the_path, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
