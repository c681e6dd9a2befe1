"""Accounts, roles, passwords, tokens, sessions and login throttling (the services, without the web layer)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from media_catalogue.catalogue import access
from media_catalogue.catalogue.accounts import ApiToken, LoginSession, Role, User
from media_catalogue.catalogue.editing.records import get_show
from media_catalogue.db import Database
from media_catalogue.errors import Conflict, Forbidden, Invalid, Unauthorized
from tests.staff_helpers import PASSWORD, StaffWorld


def test_migration_creates_the_staff_tables(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert {
        "users",
        "role_grants",
        "api_tokens",
        "login_sessions",
        "login_attempts",
        "audit_entries",
        "idempotency_keys",
    } <= tables


def test_passwords_are_stored_as_argon2_hashes(database: Database) -> None:
    with database.session() as session:
        user = access.create_user(session, "Alice", PASSWORD)
        assert user.username == "alice"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        with pytest.raises(Conflict):
            access.create_user(session, "alice", PASSWORD)
        with pytest.raises(Invalid):
            access.create_user(session, "bob", "short")
        with pytest.raises(Invalid):
            access.create_user(session, "no spaces", PASSWORD)


def test_authenticate_and_throttle(database: Database) -> None:
    with database.session() as session:
        access.create_user(session, "alice", PASSWORD)
    for _ in range(access.MAX_FAILURES_PER_USER):
        with database.session() as session, pytest.raises(Unauthorized):
            access.authenticate(session, "alice", "wrong password", address="10.0.0.1")
            session.commit()
    with database.session() as session, pytest.raises(access.Throttled):
        access.authenticate(session, "alice", PASSWORD, address="10.0.0.2")


def test_unknown_user_and_disabled_user_get_the_same_answer(database: Database) -> None:
    with database.session() as session:
        user = access.create_user(session, "alice", PASSWORD)
        access.set_disabled(session, user)
    for name in ("alice", "ghost"):
        with database.session() as session, pytest.raises(Unauthorized) as caught:
            access.authenticate(session, name, PASSWORD)
        assert "username or password is wrong" in caught.value.message


def test_roles_are_scoped_to_shows(world: StaffWorld) -> None:
    with world.database.session() as session:
        en, nl = get_show(session, "match-en"), get_show(session, "match-nl")
        users = {u.username: u for u in session.scalars(select(User))}
        assert access.allowed(users["editor"], Role.editor, en)
        assert not access.allowed(users["editor"], Role.viewer, nl)
        assert access.allowed(users["contributor"], Role.contributor, en)
        assert not access.allowed(users["contributor"], Role.editor, en)
        assert access.allowed(users["admin"], Role.admin, nl)
        assert not access.allowed(users["editor"], Role.admin)
        with pytest.raises(Forbidden):
            access.require(users["other"], Role.viewer, en)
        assert [s.slug for s in access.visible_shows(session, users["other"])] == ["match-nl"]


def test_tokens_are_hashed_shown_once_and_revocable(world: StaffWorld) -> None:
    value = world.tokens["editor"]
    with world.database.session() as session:
        stored = list(session.scalars(select(ApiToken.token_hash)))
        assert value not in stored and access.digest(value) in stored
        identity = access.token_identity(session, value)
        assert identity is not None and identity.username == "editor"
        access.revoke_token(session, identity.user, identity.token.id)  # type: ignore[union-attr]
    with world.database.session() as session:
        assert access.token_identity(session, value) is None
        assert access.token_identity(session, "mct_not-a-token") is None


def test_sessions_rotate_and_end_with_a_password_change(world: StaffWorld) -> None:
    with world.database.session() as session:
        user = access.get_user(session, "editor")
        first = access.start_session(session, user)
        second = access.start_session(session, user, replaces=first)
        assert first != second
        assert access.resume_session(session, first) is None
        assert access.resume_session(session, second) is not None
        stored = list(session.scalars(select(LoginSession.session_hash)))
        assert second not in stored
        access.set_password(session, user, "another long password")
    with world.database.session() as session:
        assert access.resume_session(session, second) is None
