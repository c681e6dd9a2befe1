"""Property and schema fuzzing of the JSON API from its own OpenAPI document: schemathesis, run with a staff
(admin) token against the app served on 127.0.0.1. No request may cause a 5xx; every documented response must
conform to its schema. Path parameters are pinned to slugs of the seeded test catalogue (schemathesis.toml made
here), so the generated requests reach the routes' work instead of stopping at 404. Skipped when schemathesis is
not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.staff_helpers import StaffWorld

# Seconds of fuzzing per run (CI default is short; raise it locally to search longer).
FUZZ_SECONDS = os.environ.get("MEDIA_CATALOGUE_FUZZ_SECONDS", "60")
EXAMPLES = "10"


def _schemathesis() -> list[str] | None:
    script = Path(sys.executable).parent / "schemathesis"
    if script.exists():
        return [str(script)]
    found = shutil.which("schemathesis")
    return [found] if found else None


# Slugs of the seeded test catalogue (tests/catalogue_fixtures.py): every path parameter names something that exists.
KNOWN = {"show": "match-en", "episode": "first-steps", "project": "match", "video": "rob-de-lobel-presenting-match",
         "language": "en"}  # fmt: skip
SLUGS = {"videos": "rob-de-lobel-presenting-match", "people": "sammy-mahdi", "projects": "match"}


def _config(folder: Path) -> Path:
    """A schemathesis.toml pinning the path parameters to known slugs ({slug} per kind of item)."""
    lines = ["[parameters]", *(f'"path.{name}" = "{value}"' for name, value in KNOWN.items())]
    for plural, slug in SLUGS.items():
        lines += [
            "",
            "[[operations]]",
            f'include-path-regex = "^/api/staff/{plural}/"',
            f'parameters = {{ "path.slug" = "{slug}" }}',
        ]
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _fuzz(live_server: str, token: str, report_dir: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    command = _schemathesis()
    if command is None:
        pytest.skip("schemathesis is not installed (pip install 'media-catalogue[test]')")
    return subprocess.run(
        [
            *command,
            "--config-file",
            str(_config(report_dir)),
            "run",
            f"{live_server}/api/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "1",
            "--max-time",
            FUZZ_SECONDS,
            # One worker: schemathesis' generators are not safe across threads (spurious internal errors).
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--report-dir",
            str(report_dir),
            *selection,
        ],
        capture_output=True,
        text=True,
        timeout=int(FUZZ_SECONDS) * 3 + 120,
        check=False,
    )


def test_staff_api_survives_fuzzing(live_server: str, world: StaffWorld, tmp_path: Path) -> None:
    result = _fuzz(
        live_server,
        world.tokens["admin"],
        tmp_path,
        "--include-path-regex",
        "^/api/staff",
        # Revoking tokens by id would revoke the fuzzer's own token and turn the rest of the run into 401s.
        "--exclude-path",
        "/api/staff/tokens/{token_id}",
        # ?url= makes the server fetch a feed from the network: tests never go out, and an unreachable upstream is
        # answered 502 on purpose. Its answers are tested in test_staff_imports.py.
        "--exclude-path",
        "/api/staff/imports/{show}",
    )
    assert result.returncode == 0, result.stdout[-8000:]


def test_public_api_survives_fuzzing(live_server: str, world: StaffWorld, tmp_path: Path) -> None:
    result = _fuzz(
        live_server,
        world.tokens["viewer"],
        tmp_path,
        "--exclude-path-regex",
        # /oembed answers 501 for an unsupported format, as the oEmbed specification requires.
        "^/api/staff|^/oembed",
    )
    assert result.returncode == 0, result.stdout[-8000:]
