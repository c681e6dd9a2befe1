"""Shared fixtures: per-test settings and data directory, a real database (SQLite, and PostgreSQL when
MEDIA_CATALOGUE_TEST_DATABASE_URL is set), and a guard that blocks outbound network."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from media_catalogue.config import Settings
from media_catalogue.db import Database, make_engine

PG_URL = os.environ.get("MEDIA_CATALOGUE_TEST_DATABASE_URL")
_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", ""}  # noqa: S104


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: a test that reaches the internet fails loudly instead of flaking."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOCAL_HOSTS:
            raise RuntimeError(f"test tried to reach {address!r}: outbound network is blocked in tests")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


def database_backends() -> list[object]:
    backends: list[object] = ["sqlite"]
    backends.append(
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason="MEDIA_CATALOGUE_TEST_DATABASE_URL is not set (no PostgreSQL)"),
            ],
        )
    )
    return backends


@pytest.fixture(params=database_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database per test: a SQLite file, or a throwaway PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
        return
    assert PG_URL
    schema = f"mc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data_dir = tmp_path / "data"
    return Settings(
        data_dir=data_dir,
        base_url="https://podcasts.example.org",
        database_url=database_url,
        fetch_video_thumbnails=False,  # tests reach no provider; tests/test_sync.py fetches from a fake one
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings, engine=make_engine(settings.resolved_database_url))
    db.migrate()
    yield db
    db.dispose()


# --- S3 fixtures (storage) ------------------------------------------------------------------------------
# moto's standalone S3 server over real HTTP on 127.0.0.1, one per test session, and per-test Settings
# pointing at a fresh bucket in it.

import contextlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a moto S3 server started for this test session; skips S3 tests if it cannot start."""
    server = Path(sys.executable).parent / "moto_server"
    command = [str(server)] if server.exists() else [sys.executable, "-m", "moto.server"]
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with log_path.open("wb") as log:
        try:
            process = subprocess.Popen(
                [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            pytest.skip(f"moto_server cannot start ({exc}); install moto[server] to run the S3 tests")
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.skip(f"moto_server exited with {process.returncode}: {log_path.read_text()[-500:]}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310 (local)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.skip(f"moto_server did not answer on {endpoint} within 30 s")
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_settings(tmp_path: Path, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for S3 storage in a fresh bucket (s3://<bucket>/media) on the session's moto server."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    bucket = f"mc-test-{uuid.uuid4().hex[:16]}"
    client = boto3.session.Session().client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    return Settings(
        data_dir=tmp_path / "data",
        base_url="https://podcasts.example.org",
        storage_url=f"s3://{bucket}/media",
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
        _env_file=None,  # type: ignore[call-arg]
    )


# --- end of S3 fixtures ---------------------------------------------------------------------------------
