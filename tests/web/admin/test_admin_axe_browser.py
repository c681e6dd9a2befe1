"""axe-core on every page of the staff workspace (issue 15): no serious or critical violation, in English and with
field errors showing; and no page scrolls sideways at 390 px. The pages are listed from the app's own routes, so a
page added later without being listed here fails the test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.staff_helpers import PASSWORD, StaffWorld
from tests.web.admin.test_admin_browser import _in_browser
from tests.web.browser.conftest import axe_source

pytestmark = pytest.mark.browser
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
# Pages not visited, and why.
SKIPPED = {
    "/admin/episodes/{episode_id}/audio": "the audio file itself, not a page",
    "/admin/imports/{job_id}/progress": "JSON for the import page's script",
    "/admin/shows/{show}/downloads.csv": "the downloads table as CSV, not a page",
    "/admin/digest/download": "the newsletter digest as a file to save, not a page",
}


def _pages(episode_id: str, job_id: str | None) -> dict[str, str]:
    return {
        "/admin/": "/admin/",
        "/admin/shows/new": "/admin/shows/new",
        "/admin/shows/{show}": "/admin/shows/match-en",
        "/admin/shows/{show}/settings": "/admin/shows/match-en/settings",
        "/admin/shows/{show}/check": "/admin/shows/match-en/check",
        "/admin/shows/{show}/downloads": "/admin/shows/match-en/downloads",
        "/admin/shows/{show}/episodes/new": "/admin/shows/match-en/episodes/new",
        "/admin/episodes/{episode_id}": f"/admin/episodes/{episode_id}",
        "/admin/episodes/{episode_id}/preview": f"/admin/episodes/{episode_id}/preview",
        "/admin/videos": "/admin/videos",
        "/admin/videos/new": "/admin/videos/new",
        "/admin/videos/{slug}": "/admin/videos/rob-de-lobel-presenting-match",
        "/admin/people": "/admin/people",
        "/admin/people/new": "/admin/people/new",
        "/admin/people/{slug}": "/admin/people/sammy-mahdi",
        "/admin/projects": "/admin/projects",
        "/admin/projects/new": "/admin/projects/new",
        "/admin/projects/{slug}": "/admin/projects/match",
        "/admin/imports": "/admin/imports",
        "/admin/audit": "/admin/audit",
        "/admin/tokens": "/admin/tokens",
        "/admin/digest": "/admin/digest?from=2021-01-01&to=2022-12-31",
        **({"/admin/imports/{job_id}": f"/admin/imports/{job_id}"} if job_id else {}),
    }


def _admin_page_routes(app: Any) -> set[str]:
    from tests.web.staff.test_staff_routes import _flat_routes

    return {path for path, methods, _ in _flat_routes(app)
            if path and path.startswith("/admin") and methods and "GET" in methods}  # fmt: skip


def test_every_admin_page_passes_axe_and_fits_390_px(live_server: str, world: StaffWorld, app: Any) -> None:
    axe = axe_source()
    routes = _admin_page_routes(app) - set(SKIPPED) - {"/admin/login", "/admin/imports/{job_id}"}
    listed = set(_pages("1", None))
    assert routes <= listed, f"admin pages missing from this test: {sorted(routes - listed)}"
    failures: list[str] = []

    def run_axe(page: Any, name: str) -> None:
        page.evaluate(axe)
        for v in page.evaluate(RUN_AXE):
            failures.append(f"{name}: {v['impact']} {v['id']} ({v['help']}) {v['nodes']}")

    def check(page: Any, url: str) -> None:
        page.set_viewport_size({"width": 1100, "height": 900})
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response.status if response else 'no answer'}"
        run_axe(page, url)
        page.set_viewport_size({"width": 390, "height": 844})
        if page.evaluate(OVERFLOW) > 0:
            failures.append(f"{url}: scrolls sideways at 390 px")

    def scenario(page: Any) -> None:
        check(page, "/admin/login")
        page.set_viewport_size({"width": 1100, "height": 900})
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        page.goto("/admin/shows/match-en")
        href = page.get_attribute("#episodes a[href^='/admin/episodes/']", "href")
        episode_id = re.search(r"/admin/episodes/(\d+)", href or "").group(1)  # type: ignore[union-attr]
        for url in _pages(episode_id, None).values():
            check(page, url)
        # Forms showing their errors: the error messages and marked fields are checked too.
        page.set_viewport_size({"width": 1100, "height": 900})
        for url, name_field in (("/admin/shows/new", "#title"), ("/admin/people/new", "#name")):
            page.goto(url)
            page.fill(name_field, "Somebody")
            page.fill("#slug", "Not an address!")
            page.click("#save")
            page.wait_for_selector("#error-slug")
            run_axe(page, f"{url} (with errors)")

    _in_browser(live_server, scenario)
    assert not failures, "\n".join(failures)
