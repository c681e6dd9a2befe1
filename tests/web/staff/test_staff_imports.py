"""The staff API's feed import: admins only, a preview that writes nothing, then the import itself (same GUID rules
and refusals as the command line)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.feed_import.test_guid_rules import item, rss
from tests.staff_fixtures import _cheap_password_hashing, app, client, password, world  # noqa: F401
from tests.staff_helpers import StaffWorld

FEED = rss(item(1, "<guid> api-guid-1 </guid>") + item(2, "<guid>https://x.example/?a=1&amp;b=2</guid>"))
XML = {"Content-Type": "application/rss+xml"}


def test_only_admins_import(client: TestClient, world: StaffWorld) -> None:  # noqa: F811 (fixtures imported above)
    for name in ("editor", "viewer"):
        response = client.post("/api/staff/imports/new-show", content=FEED, headers={**XML, **world.bearer(name)})
        assert response.status_code == 403
    assert client.post("/api/staff/imports/new-show", content=FEED, headers=XML).status_code == 401


def test_preview_writes_nothing_then_the_import_keeps_guids(client: TestClient, world: StaffWorld) -> None:  # noqa: F811 (fixtures imported above)
    admin = {**XML, **world.bearer("admin")}
    shows_before = client.get("/api/shows").json()
    preview = client.post("/api/staff/imports/new-show?preview=true&download=false", content=FEED, headers=admin)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert [i["guid"] for i in body["items"]] == ["api-guid-1", "https://x.example/?a=1&b=2"]
    assert body["preview"] is True and body["summary"] is None
    assert client.get("/api/shows").json() == shows_before

    done = client.post("/api/staff/imports/new-show?download=false", content=FEED, headers=admin)
    assert done.status_code == 200, done.text
    assert done.json()["added"] == 2 and done.json()["summary"].startswith("imported new-show (show created)")
    guids = sorted(e["guid"] for e in client.get("/api/shows/new-show/episodes").json()["items"])
    assert guids == ["api-guid-1", "https://x.example/?a=1&b=2"]
    again = client.post("/api/staff/imports/new-show?download=false", content=FEED, headers=admin)
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 2)


def test_refusals_answer_422_and_write_nothing(client: TestClient, world: StaffWorld) -> None:  # noqa: F811 (fixtures imported above)
    admin = {**XML, **world.bearer("admin")}
    shows_before = client.get("/api/shows").json()
    for content in ("<html><body>page</body></html>", '<feed xmlns="http://www.w3.org/2005/Atom"/>', " "):
        response = client.post("/api/staff/imports/new-show", content=content, headers=admin)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "import_refused"
        assert response.json()["error"]["message"].startswith("refused: found ")
    assert client.post("/api/staff/imports/new-show?url=file:///etc/passwd", headers=admin).status_code == 422
    assert client.get("/api/shows").json() == shows_before
