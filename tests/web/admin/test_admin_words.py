"""Issue 15: the workspace in the staff's languages (link, cookie, Accept-Language), words for people instead of
internal names, and the small breakages (checker link, one red chapter box, favicon). Each test fails on the
workspace as it was before."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from media_catalogue.feeds.findings import Finding, Severity
from media_catalogue.web.admin import words
from tests.staff_helpers import csrf_from, login
from tests.web.admin.test_admin import _new_episode


def test_lang_link_then_cookie_then_accept_language(client: TestClient) -> None:
    login(client, "editor")
    french = client.get("/admin/?lang=fr")
    assert '<html lang="fr">' in french.text and "Vos émissions" in french.text
    assert "lang=fr" in french.headers.get("set-cookie", "")
    assert "Vos émissions" in client.get("/admin/").text  # the cookie remembers
    client.cookies.delete("lang")
    dutch = client.get("/admin/", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    assert "Uw shows" in dutch.text and "Your shows" not in dutch.text


def test_validation_messages_are_translated(client: TestClient) -> None:
    login(client, "editor")
    page = client.get("/admin/shows/match-en/episodes/new?lang=fr")
    data = {"csrf_token": csrf_from(page.text), "title": "T", "chapter_start": ["0:00", "abc", ""],
            "chapter_title": ["Début", "Suite", ""], "chapter_url": ["", "", ""]}  # fmt: skip
    refused = client.post("/admin/shows/match-en/episodes/new", data=data)
    assert refused.status_code == 422
    assert "n’est pas une heure" in refused.text
    # Only the bad box is marked, not every chapter box (point 5).
    starts = re.findall(r'<input type="text" name="chapter_start"[^>]*>', refused.text)
    assert ['aria-invalid="true"' in s for s in starts[:2]] == [False, True], starts
    assert 'id="field-chapters" class="field-error"' not in refused.text


def test_words_for_people_not_internal_names(client: TestClient) -> None:
    login(client, "editor")
    episode_id = _new_episode(client)
    page = client.get(f"/admin/episodes/{episode_id}").text
    assert ">full<" not in page and ">trailer<" not in page and "Full episode" in page
    assert ">spotify<" not in page and "Apple Podcasts" in page
    assert "hold Ctrl" not in page
    assert '<select id="transcript-language"' in page and ">Français<" in page  # no free-text "en" box
    assert ">episode.create<" not in page and "editor created" in page
    dashboard = client.get("/admin/").text
    assert '<td data-label="Language">English</td>' in dashboard  # not "en"


def test_checker_advice_in_the_forms_words_and_right_anchor(client: TestClient) -> None:
    fix = "Set the exact day in `published` when the source gives it."
    finding = Finding(
        Severity.warning, "date-imprecise", "Only the month is known.", fix, "match-en", "ep", "published"
    )
    assert words.check_anchor(finding) == "field-published_at"  # the form's field, not #field-published
    assert words.check_advice(finding, lambda s: s) == "Choose the exact day in “Go live on” when you know it."
    other = Finding(Severity.error, "new-rule", "x", "Set `show_notes`.", "match-en", "ep", "show_notes")
    assert words.check_advice(other, lambda s: s) == "Set “Show notes”."
    login(client, "editor")
    check = client.get("/admin/shows/match-en/check").text
    assert "`" not in check


def test_favicon(client: TestClient) -> None:
    login(client, "editor")
    page = client.get("/admin/").text
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon and client.get(icon.group(1)).status_code == 200


def test_the_video_pages_speak_french_and_dutch(client: TestClient) -> None:
    """The video list, form and edit page follow the interface language like the rest of the workspace: labels,
    types, statuses, hints and validation messages (they were English only)."""
    login(client, "editor")
    listing = client.get("/admin/videos?lang=fr").text
    assert "Nouvelle vidéo" in listing and "Liste publique" in listing and "New video" not in listing
    assert "Publié" in listing  # statuses by their names, not their values
    assert ">published<" not in listing and ">short video<" not in listing
    slug = re.search(r'href="/admin/videos/([a-z0-9-]+)"', listing.split("</thead>", 1)[1]).group(1)  # type: ignore[union-attr]
    edit = client.get(f"/admin/videos/{slug}?lang=nl").text
    assert "Adres van de video" in edit and "Talen van de ondertitels" in edit and "Video address" not in edit
    csrf = csrf_from(client.get("/admin/videos/new?lang=fr").text)
    refused = client.post("/admin/videos/new?lang=fr", data={"csrf_token": csrf, "title": "", "slug": "Pas Bon"})
    assert refused.status_code == 422
    assert "Un titre est nécessaire." in refused.text and "A title is needed." not in refused.text
