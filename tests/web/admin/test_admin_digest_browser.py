"""/admin/digest in headless Chromium at phone width (375 px), in French: nothing scrolls sideways, the preview is a
sandboxed frame, and each Copy button puts its format on the clipboard and says so in a live region."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.staff_helpers import PASSWORD, StaffWorld
from tests.web.admin.test_admin_browser import _in_browser

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_digest_page_at_phone_width_copies_each_format(live_server: str, world: StaffWorld) -> None:
    def scenario(page) -> None:  # type: ignore[no-untyped-def]
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto("/admin/login?lang=fr")
        page.fill("#username", "viewer")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        page.goto("/admin/digest?from=2021-01-01&to=2022-12-31&language=fr")
        assert "Résumé pour la newsletter" in page.text_content("h1")
        assert page.get_attribute("iframe.digest-preview", "sandbox") == ""
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "admin-375-digest.png"), full_page=True)
        assert page.evaluate(OVERFLOW) <= 0, "/admin/digest scrolls sideways at 375 px"
        for fmt in ("html", "text", "markdown"):
            page.click(f"button[data-copy='digest-{fmt}']")
            page.wait_for_function("() => document.getElementById('copy-status').textContent.startsWith('Copié')")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == page.input_value(f"#digest-{fmt}")
        assert page.input_value("#digest-html").startswith("<!DOCTYPE html>")

    _in_browser(live_server, scenario)
