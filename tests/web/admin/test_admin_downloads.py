"""The downloads dashboard: charts drawn as SVG on the server with their numbers in words, first 7/30 days side by
side, apps, the table and its CSV, the counting window disclosed; in French; refused to those who cannot see."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.downloads_fixtures import seed
from tests.staff_helpers import StaffWorld, login

PERIOD = "from=2000-01-01&to=2100-01-01"


def test_dashboard_shows_counts_charts_and_the_window(client: TestClient, world: StaffWorld) -> None:
    facts = seed(world.database)
    assert login(client, "viewer").status_code == 303
    page = client.get(f"/admin/shows/match-en/downloads?{PERIOD}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<script" not in html.split("<main", 1)[-1]
    assert html.count('<svg class="chart"') == 3 and 'role="img"' in html
    assert re.search(r"calendar day in the show(&#39;|')s time zone \(Europe/Brussels\)", html)
    assert "10 downloads" in html
    assert "url(#hatch)" in html  # 7 vs 30 days told apart by pattern, not colour
    launches = re.search(r'<table class="stack" id="launches">.*?</table>', html, re.S)
    assert launches and ">5<" in launches.group(0) and ">6<" in launches.group(0)
    assert "Apple Podcasts: 5" in html
    one = client.get(f"/admin/shows/match-en/downloads?{PERIOD}&episode={facts['new']}")
    assert "6 downloads" in one.text
    csv = client.get(f"/admin/shows/match-en/downloads.csv?{PERIOD}&by=app")
    assert csv.status_code == 200 and csv.text.splitlines()[:2] == ["app,downloads", "Apple Podcasts,5"]
    french = client.get(f"/admin/shows/match-en/downloads?{PERIOD}&lang=fr")
    assert "Téléchargements" in french.text and "jour calendaire" in french.text
    assert 'href="/admin/shows/match-en/downloads"' in client.get("/admin/shows/match-en").text


def test_dashboard_is_refused_to_staff_of_other_shows(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "nobody").status_code == 303
    assert client.get("/admin/shows/match-en/downloads").status_code == 403
    assert client.get("/admin/shows/match-en/downloads.csv").status_code == 403
