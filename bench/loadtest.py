"""What the serving benchmarks share: free ports, waiting for a server, fetching, wrk, and nginx as the reference
(its own config, 2 workers, ETag on, serving a folder of static files)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import SyncReport, sync_folder

NGINX_CONF = """
worker_processes 2;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp-body;
    proxy_temp_path {root}/tmp-proxy;
    fastcgi_temp_path {root}/tmp-fastcgi;
    uwsgi_temp_path {root}/tmp-uwsgi;
    scgi_temp_path {root}/tmp-scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        etag on;
        location / {{
            default_type "{content_type}";
            add_header Cache-Control "{cache_control}";
        }}
    }}
}}
"""


def nginx_config(root: object, port: int, *, content_type: str, cache_control: str) -> str:
    return NGINX_CONF.format(root=root, port=port, content_type=content_type, cache_control=cache_control)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310 - 127.0.0.1
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx" in output or "Socket errors" in output:
        print(output, file=sys.stderr)
        raise RuntimeError(f"wrk saw errors against {url}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found, output
    return float(found.group(1))


def serve(env: dict[str, str], port: int, workers: int = 2, log: Path | None = None) -> subprocess.Popen[bytes]:
    """The app as it runs in production: `media-catalogue serve` (uvloop, httptools with the header deadline, no
    access log), in its own process group (stop it with stop()); its log goes to `log` (default: serve.log in the
    data directory)."""
    log = log or Path(env.get("MEDIA_CATALOGUE_DATA_DIR", ".")) / "serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "media_catalogue", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-seed"]  # fmt: skip
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, start_new_session=True, stdout=output, stderr=output)


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def require_tools(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} is not installed (apt-get install {tool})")


def seeded_catalogue(workdir: Path, app_port: int) -> tuple[Settings, Database, SyncReport]:
    """Settings, database and sync report of the seeded catalogue (episodes/) in a fresh SQLite file under
    `workdir`, with URLs on 127.0.0.1:app_port: what the serving benchmarks load."""
    database_url = f"sqlite:///{workdir / 'catalogue.sqlite3'}"
    base_url = f"http://127.0.0.1:{app_port}"
    settings = Settings(data_dir=workdir / "data", base_url=base_url, database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), PROJECT_ROOT / "episodes")
    if report.errors:
        sys.exit(f"error: the seeded catalogue did not sync: {report.errors[0]}")
    return settings, database, report
