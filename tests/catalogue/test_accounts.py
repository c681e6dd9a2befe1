"""Accounts, roles, passwords, tokens, sessions and login throttling (the services, without the web layer)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


def _credentials_of(world: StaffWorld, name: str) -> tuple[str, str]:
    """A fresh login session and API token of the account."""
    with world.database.session() as session:
        user = access.get_user(session, name)
        return access.start_session(session, user), access.create_token(session, user, "probe")[1]


def _alive(world: StaffWorld, cookie: str, token: str) -> tuple[bool, bool]:
    with world.database.session() as session:
        return access.resume_session(session, cookie) is not None, access.token_identity(session, token) is not None


def test_a_password_change_ends_every_session_and_token(world: StaffWorld) -> None:
    cookie, token = _credentials_of(world, "editor")
    assert _alive(world, cookie, token) == (True, True)
    with world.database.session() as session:
        access.set_password(session, access.get_user(session, "editor"), "another long password")
    assert _alive(world, cookie, token) == (False, False)
    fresh = _credentials_of(world, "editor")
    assert _alive(world, *fresh) == (True, True), "credentials made after the change work"


def test_re_enabling_an_account_does_not_revive_its_old_credentials(world: StaffWorld) -> None:
    cookie, token = _credentials_of(world, "editor")
    with world.database.session() as session:
        access.set_disabled(session, access.get_user(session, "editor"))
    assert _alive(world, cookie, token) == (False, False)
    with world.database.session() as session:
        access.set_disabled(session, access.get_user(session, "editor"), False)
    assert _alive(world, cookie, token) == (False, False)


def test_removing_a_role_ends_the_credentials_made_while_it_was_held(world: StaffWorld) -> None:
    cookie, token = _credentials_of(world, "editor")
    with world.database.session() as session:
        user = access.get_user(session, "editor")
        assert access.revoke_grant(session, user, Role.editor, get_show(session, "match-en"))
    assert _alive(world, cookie, token) == (False, False)


def test_a_user_name_with_control_characters_is_refused_and_counted(database: Database) -> None:
    """PostgreSQL refuses NUL in text: the throttle's own query must never see one (it answered 500 and the
    attempt went uncounted)."""
    with database.session() as session:
        access.create_user(session, "eda", PASSWORD)
    for _ in range(access.MAX_FAILURES_PER_USER):
        with database.session() as session, pytest.raises(Unauthorized):
            access.authenticate(session, "eda\x00", "wrong password", address="10.0.0.1\x00")
    with database.session() as session, pytest.raises(access.Throttled):
        access.authenticate(session, "eda", PASSWORD, address="10.0.0.2")


def test_concurrent_wrong_passwords_reach_the_password_check_at_most_the_allowed_times(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 simultaneous attempts for one account: each is counted before the password is looked at, so no more
    than MAX_FAILURES_PER_USER of them are checked against the password (19 were, before)."""
    with database.session() as session:
        access.create_user(session, "alice", PASSWORD)
    checked = []
    real = access._hasher

    class CountingHasher:
        """The real hasher, slowed to argon2's real pace (the others arrive meanwhile) and counting its checks."""

        def verify(self, hash_: str, password: str) -> bool:
            checked.append(password)
            time.sleep(0.05)
            return real.verify(hash_, password)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(access, "_hasher", CountingHasher())
    barrier = threading.Barrier(30)

    def attempt(index: int) -> str:
        barrier.wait()
        with database.session() as session:
            try:
                access.authenticate(session, "alice", f"wrong {index}", address=f"10.0.1.{index}")
            except access.Throttled:
                return "throttled"
            except Unauthorized:
                return "refused"
        return "signed in"

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(attempt, range(30)))
    assert "signed in" not in outcomes
    assert len(checked) <= access.MAX_FAILURES_PER_USER, f"{len(checked)} attempts reached the password check"
    assert outcomes.count("throttled") >= 30 - access.MAX_FAILURES_PER_USER
