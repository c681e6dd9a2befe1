"""Security headers on every response; framing allowed on embed routes only."""

from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app


def test_framing_is_self_only_except_on_embed(settings: Settings, database: Database) -> None:
    with TestClient(create_app(settings, database=database)) as client:
        health = client.get("/healthz")
        assert "frame-ancestors 'self'" in health.headers["content-security-policy"]
        assert health.headers["x-content-type-options"] == "nosniff"
        not_found = client.get("/api/shows/nope")
        assert not_found.status_code == 404 and "frame-ancestors 'self'" in not_found.headers["content-security-policy"]
        embed = client.get("/embed/no-show/no-episode")
        assert "frame-ancestors *" in embed.headers["content-security-policy"]
        assert embed.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_nul_characters_in_the_address_are_refused_on_every_database(settings: Settings, database: Database) -> None:
    with TestClient(create_app(settings, database=database)) as client:
        for url in ("/api/videos?person=a%00b", "/api/shows/a%00b", "/videos?language=%00"):
            response = client.get(url)
            assert response.status_code == 400, url
            assert response.json()["error"]["code"] == "invalid_request"
            assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        assert client.get("/api/videos?person=a%2500b").status_code == 200  # an escaped "%00" is ordinary text
