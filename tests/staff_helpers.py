"""Builders shared by the staff tests: a small catalogue (two MATCH shows), one account per role, tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from media_catalogue.catalogue import access
from media_catalogue.catalogue.accounts import Role
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import make_catalogue

PASSWORD = "correct horse battery staple"  # noqa: S105 - test account
# name -> (role, show slug or None for every show)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "admin": (Role.admin, None),
    "editor": (Role.editor, "match-en"),
    "contributor": (Role.contributor, "match-en"),
    "viewer": (Role.viewer, "match-en"),
    "other": (Role.editor, "match-nl"),
    "nobody": (Role.viewer, "match-nl"),
}


@dataclass
class StaffWorld:
    database: Database
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, database: Database, settings: Settings, content: Path) -> StaffWorld:
        make_catalogue(content)
        report = sync_folder(database, settings, create_storage(settings), content)
        assert not report.errors, report.errors
        world = cls(database, settings)
        with database.session() as session:
            from media_catalogue.catalogue.editing.records import get_show

            for name, (role, show) in ACCOUNTS.items():
                user = access.create_user(session, name, PASSWORD)
                access.grant(session, user, role, get_show(session, show) if show else None)
                world.tokens[name] = access.create_token(session, user, "tests")[1]
        return world

    def bearer(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/admin/login")
    token = csrf_from(page.text)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
