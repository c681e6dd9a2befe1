"""The `users` commands: create, list, grant, disable, reset-password, tokens."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from media_catalogue.catalogue import access
from media_catalogue.catalogue.accounts import AuditEntry
from media_catalogue.cli import app
from media_catalogue.config import Settings
from media_catalogue.db import Database


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=stdin)

    return invoke


def test_users_lifecycle(run, database: Database) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "users",
        "create",
        "alice",
        "--name",
        "Alice",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created user alice" in result.output
    listing = run("users", "list")
    assert "alice" in listing.output and "admin:*" in listing.output

    token = run("users", "token", "create", "alice", "--name", "ci")
    assert token.exit_code == 0, token.output
    value = token.stdout.strip().splitlines()[0]
    assert value.startswith("mct_")
    with database.session() as session:
        assert access.token_identity(session, value) is not None
    assert value not in run("users", "token", "list").output

    assert run("users", "disable", "alice").exit_code == 0
    with database.session() as session:
        assert access.token_identity(session, value) is None
    assert run("users", "enable", "alice").exit_code == 0
    assert run("users", "reset-password", "alice", "--password-stdin", stdin="short\n").exit_code == 1
    changed = run("users", "reset-password", "alice", "--password-stdin", stdin="another long password\n")
    assert changed.exit_code == 0, changed.output
    with database.session() as session:
        access.authenticate(session, "alice", "another long password")
        actions = {entry.action for entry in session.query(AuditEntry)}
    assert {"user.create", "user.grant", "token.create", "user.disable", "user.reset_password"} <= actions


def test_users_errors_are_one_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("users", "grant", "ghost", "editor")
    assert result.exit_code == 1
    assert "error: No user is called 'ghost'." in result.output
    created = run("users", "create", "bob", "--password-stdin", stdin="a long enough password\n")
    assert created.exit_code == 0
    bad = run("users", "grant", "bob", "king")
    assert bad.exit_code == 1 and "is not a role" in bad.output
    revoked = run("users", "token", "revoke", "999")
    assert revoked.exit_code == 1
