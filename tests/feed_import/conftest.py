"""Fixtures for the import tests: the shared real-world feeds, a local HTTP server on 127.0.0.1 (the only host tests
may reach), settings that allow it, the CLI run as a user would, and the public API read back."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from media_catalogue.commands import imports as import_commands
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app

# The folder beside the checkout (../shared/feeds relative to the project root).
SHARED_FEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "feeds"
CRAFTED = Path(__file__).resolve().parent / "feeds"


def shared_feed(name: str) -> Path:
    path = SHARED_FEEDS / name
    if not path.is_file():
        pytest.skip(f"the shared real-world feeds are not beside the checkout ({SHARED_FEEDS} has no {name})")
    return path


@dataclass
class Served:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    location: str | None = None


@dataclass
class LocalServer:
    """A tiny HTTP server on 127.0.0.1: `routes` maps a path to what it answers; `hits` counts requests per path."""

    base: str
    routes: dict[str, Served] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "application/octet-stream") -> str:
        self.routes[path] = Served(body, content_type)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Served(b"", status=status, location=to)
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path
            local.hits[path] = local.hits.get(path, 0) + 1
            served = local.routes.get(path)
            if served is None:
                self.send_error(404)
                return
            self.send_response(served.status)
            if served.location:
                self.send_header("Location", served.location)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Content-Length", str(len(served.body)))
            self.end_headers()
            self.wfile.write(served.body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    local.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield local
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def import_settings(settings: Settings) -> Settings:
    """The test settings, allowed to fetch from 127.0.0.1 (the local server)."""
    return settings.model_copy(update={"import_allowed_hosts": ["127.0.0.1"]})


@pytest.fixture
def env(import_settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The environment the CLI reads its settings from, pointing at the test database and data folder."""
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(import_settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", import_settings.resolved_database_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_BASE_URL", import_settings.base_url)
    monkeypatch.setenv("MEDIA_CATALOGUE_IMPORT_ALLOWED_HOSTS", '["127.0.0.1"]')
    return import_settings


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    import_commands.register(app)
    return app


Run = Callable[..., Result]


@pytest.fixture
def run(cli: typer.Typer, env: Settings) -> Run:
    def invoke(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args])

    return invoke


@pytest.fixture
def api(env: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(env, database=database)) as client:
        yield client


def api_guids(client: TestClient, show: str) -> list[str]:
    """Every GUID the public API gives for a show's published episodes, newest first."""
    guids: list[str] = []
    page = 1
    while True:
        response = client.get(f"/api/shows/{show}/episodes", params={"page": page, "per_page": 200})
        assert response.status_code == 200, response.text
        body = response.json()
        guids += [item["guid"] for item in body["items"]]
        if page >= body["pages"]:
            return guids
        page += 1


def data_files(settings: Settings) -> set[str]:
    """Files in the data folder, but the database's own (whose WAL files come and go) and temp files."""
    root = settings.data_dir
    if not root.exists():
        return set()
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith("catalogue.sqlite3") and "tmp" not in p.relative_to(root).parts
    }
