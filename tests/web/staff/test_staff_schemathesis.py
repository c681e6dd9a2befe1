"""Property and schema fuzzing of the JSON API from its own OpenAPI document: schemathesis, run with a staff
(admin) token against the app served on 127.0.0.1. No request may cause a 5xx; every documented response must
conform to its schema. Skipped when schemathesis is not installed."""

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


def _fuzz(live_server: str, token: str, report_dir: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    command = _schemathesis()
    if command is None:
        pytest.skip("schemathesis is not installed (pip install 'media-catalogue[test]')")
    return subprocess.run(
        [
            *command,
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
