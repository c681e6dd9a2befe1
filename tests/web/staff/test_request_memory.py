"""Bounded memory against a real server (issue 14): an anonymous 100 MB JSON body and a 1 GB chunked multipart
body sent to every route of the app, served by uvicorn in a subprocess, leave its RSS within 32 MB of idle and
nothing in the temp folders. The bodies are generated as they are sent, and the server cuts each off early, so this
takes seconds; bench/hardening.py prints the same numbers."""

from __future__ import annotations

from pathlib import Path

from bench.hardening import Server, hostile_bodies, routes, temp_files
from media_catalogue.config import Settings


def test_hostile_bodies_to_every_route_leave_rss_and_temp_folders_as_they_were(
    settings: Settings, tmp_path: Path
) -> None:
    server = Server(tmp_path / "server", settings.resolved_database_url)
    try:
        numbers = hostile_bodies(server, routes(), json_mb=100, multipart_mb=1024)
        left = temp_files(server.process.pid, server.folders)
    finally:
        server.stop()
    assert numbers["json_not_4xx"] == 0 and numbers["multipart_not_4xx"] == 0, numbers
    assert numbers["after"] - numbers["idle"] < 32, numbers
    # Right after a pass (before the refused bodies' pages are handed back) it is higher, but still bounded.
    assert max(numbers["json_rss"], numbers["multipart_rss"]) - numbers["idle"] < 64, numbers
    assert not left, left
