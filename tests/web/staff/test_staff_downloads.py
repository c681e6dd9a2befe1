"""GET /api/staff/downloads: the CLI's report for the shows the caller may see, as JSON or CSV."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.downloads_fixtures import seed
from tests.staff_helpers import StaffWorld

PERIOD = {"from": "2000-01-01", "to": "2100-01-01"}


def test_downloads_for_the_shows_you_may_see(client: TestClient, world: StaffWorld) -> None:
    facts = seed(world.database)
    answer = client.get("/api/staff/downloads", params={**PERIOD, "by": "app"}, headers=world.bearer("viewer"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"][0] == {"app": "Apple Podcasts", "downloads": 5}
    episodes = client.get("/api/staff/downloads", params={**PERIOD, "show": "match-en"}, headers=world.bearer("viewer"))
    assert episodes.json()["rows"][0] == {"show": "match-en", "episode": facts["new"], "title": episodes.json()[
        "rows"][0]["title"], "downloads": 6}  # fmt: skip
    csv = client.get("/api/staff/downloads", params={**PERIOD, "format": "csv", "by": "app"},
                     headers=world.bearer("admin"))  # fmt: skip
    assert csv.headers["content-type"].startswith("text/csv") and "Apple Podcasts,5" in csv.text
    other = client.get("/api/staff/downloads", params={**PERIOD, "by": "app"}, headers=world.bearer("nobody"))
    assert other.status_code == 200 and other.json()["rows"] == []  # match-nl has none; match-en is not theirs
    refused = client.get("/api/staff/downloads", params={"show": "match-en"}, headers=world.bearer("nobody"))
    assert refused.status_code == 404
    assert client.get("/api/staff/downloads").status_code == 401
    backwards = client.get("/api/staff/downloads", params={"from": "2026-02-01", "to": "2026-01-01"},
                           headers=world.bearer("admin"))  # fmt: skip
    assert backwards.status_code == 422
