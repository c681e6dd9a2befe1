"""/admin/digest: any staff account previews, copies and downloads the digest of a period (presets, projects,
language); an editor marks it as sent, which is audited and moves "since the last digest"; anonymous visitors are
sent to sign in, other roles refused; bad input gets the form back with the message, in the workspace's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from fastapi.testclient import TestClient

from media_catalogue.catalogue import audit
from tests.staff_helpers import StaffWorld, csrf_from, login

PERIOD = "from=2021-01-01&to=2022-12-31"


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient, world: StaffWorld) -> None:
    client.cookies.clear()
    page = client.get(f"/admin/digest?{PERIOD}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/admin/login?next=")
    assert client.get(f"/admin/digest/download?{PERIOD}", follow_redirects=False).status_code == 303
    assert client.post("/admin/digest/sent", data={"from": "2021-01-01", "to": "2021-12-31"}).status_code == 401


def test_a_viewer_previews_copies_and_downloads(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "viewer").status_code == 303
    page = client.get(f"/admin/digest?{PERIOD}&language=nl")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<a href="/admin/digest">Newsletter digest</a>' in html
    frame = re.search(r'<iframe class="digest-preview" title="Preview of the email" sandbox="" srcdoc="([^"]*)"', html)
    assert frame, "no sandboxed preview"
    preview = unescape(frame.group(1))
    assert preview.startswith("<!DOCTYPE html>") and '<html lang="nl">' in preview and "<script" not in preview
    for fmt in ("html", "text", "markdown"):
        assert f'<textarea id="digest-{fmt}" readonly' in html
        assert f'data-copy="digest-{fmt}"' in html
        assert f"/admin/digest/download?from=2021-01-01&amp;to=2022-12-31&amp;language=nl&amp;format={fmt}" in html
    assert 'role="status"' in html and 'id="mark-sent"' not in html  # a viewer cannot mark it as sent
    download = client.get("/admin/digest/download?from=2021-01-01&to=2022-12-31&language=en&format=markdown")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="digest-2021-01-01-2022-12-31-en.md"'
    assert download.text.startswith("# Podcasts and videos")
    assert "MATCH" in download.text


def test_presets_and_the_last_digest(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "editor").status_code == 303
    today = datetime.now(UTC).date()
    month = client.get("/admin/digest?preset=last-month").text
    last_day = today.replace(day=1) - timedelta(days=1)
    assert f'name="from" value="{last_day.replace(day=1).isoformat()}"' in month
    assert f'name="to" value="{last_day.isoformat()}"' in month
    page = client.get(f"/admin/digest?{PERIOD}&project=match")
    assert 'id="mark-sent"' in page.text
    marked = client.post(
        "/admin/digest/sent",
        data={
            "from": "2021-01-01",
            "to": "2022-12-31",
            "language": "en",
            "project": "match",
            "csrf_token": csrf_from(page.text),
        },  # fmt: skip
        follow_redirects=False,
    )
    assert marked.status_code == 303 and "notice=Marked" in marked.headers["location"]
    after = client.get(marked.headers["location"]).text
    assert "Marked as sent." in after
    assert 'name="from" value="2023-01-01"' in after  # since the last digest: the day after its period
    assert re.search(r'value="since-last" checked', after)
    assert "Last digest marked as sent: 2021-01-01 to 2022-12-31 (en), by editor" in after
    with world.database.session() as session:
        entry = audit.entries(session, object_type="digest")[0]
        assert entry.action == "digest.mark_sent" and entry.actor == "editor"
        assert entry.after == {"from": "2021-01-01", "to": "2022-12-31", "language": "en", "projects": ["match"]}


def test_marking_needs_an_editor_and_the_form_token(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "viewer").status_code == 303
    token = csrf_from(client.get("/admin/digest").text)
    data = {"from": "2021-01-01", "to": "2021-12-31", "csrf_token": token}
    assert client.post("/admin/digest/sent", data=data, follow_redirects=False).status_code == 403
    client.cookies.clear()
    assert login(client, "editor").status_code == 303
    assert client.post("/admin/digest/sent", data={"from": "2021-01-01", "to": "2021-12-31"}).status_code == 403


def test_bad_input_gets_the_form_back_with_the_message(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "viewer").status_code == 303
    bad_date = client.get("/admin/digest?from=2021-02-30&to=2021-12-31")
    assert bad_date.status_code == 422 and "is not a date" in bad_date.text and 'aria-invalid="true"' in bad_date.text
    backwards = client.get("/admin/digest?from=2021-12-31&to=2021-01-01")
    assert backwards.status_code == 422 and "before it starts" in backwards.text
    unknown = client.get(f"/admin/digest?{PERIOD}&project=nope")
    assert unknown.status_code == 404 and "nope" in unknown.text and "<form" in unknown.text
    language = client.get(f"/admin/digest?{PERIOD}&language=de")
    assert language.status_code == 422 and "digest language" in language.text
    assert client.get(f"/admin/digest/download?{PERIOD}&format=pdf").status_code == 422


def test_the_workspace_page_in_french(client: TestClient, world: StaffWorld) -> None:
    assert login(client, "viewer").status_code == 303
    page = client.get(f"/admin/digest?{PERIOD}&lang=fr&language=fr")
    assert page.status_code == 200
    assert "Résumé pour la newsletter" in page.text and "Le trimestre dernier" in page.text
    assert "Aperçu de l&#39;e-mail" in page.text or "Aperçu de l'e-mail" in page.text
