"""Fixtures for the static export: the public site's test catalogue (tests/web: an episode with real audio,
chapters and a transcript) synced into a fresh database, and helpers to read an export folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.web.conftest import build_catalogue, run_sync

MANIFEST = ".export-manifest.json"


@pytest.fixture
def catalogue_root(tmp_path: Path) -> Path:
    return build_catalogue(tmp_path / "episodes")


@pytest.fixture
def synced(database: Database, settings: Settings, catalogue_root: Path) -> Database:
    run_sync(database, settings, catalogue_root)
    return database


def tree(root: Path) -> dict[str, bytes]:
    """Every file of an export folder (manifest included) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict[str, dict[str, object]]:
    return json.loads((root / MANIFEST).read_text(encoding="utf-8"))["files"]  # type: ignore[no-any-return]
