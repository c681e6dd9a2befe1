"""Who may do what: staff users and passwords, role grants, API tokens, login sessions and login throttling.

Roles are ordered (viewer < contributor < editor < admin) and granted per show or for every show; admin is always
catalogue-wide. What each role allows is decided here only (`allowed`, `require`), never in the web layer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import CatalogueError, Conflict, Forbidden, Invalid, NotFound, Unauthorized
from . import audit
from .accounts import ApiToken, IdempotencyKey, LoginAttempt, LoginSession, Role, RoleGrant, User
from .models import Show, utcnow

MIN_PASSWORD_LENGTH = 10
SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
TOKEN_PREFIX = "mct_"  # noqa: S105 - a recognisable prefix, not a secret
IDEMPOTENCY_RETENTION = timedelta(days=1)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a wrong username costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class Throttled(CatalogueError):
    status = 429
    code = "throttled"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Identity:
    """The authenticated staff member of one request, and how they proved it."""

    user: User
    via: str  # "session" | "token" | "cli"
    login: LoginSession | None = None
    token: ApiToken | None = None

    @property
    def username(self) -> str:
        return self.user.username

    def actor(self, via: str | None = None) -> audit.Actor:
        """Who the audit trail names for this request: the account and the channel (web, api, cli)."""
        default = {"session": "web", "token": "api"}.get(self.via, self.via)
        return audit.Actor(self.user.id, self.user.username, via or default)


# -- roles -------------------------------------------------------------------------------------------------------


def role_on(user: User, show_id: int | None) -> Role | None:
    """The strongest role the user holds on this show (show_id None: a role granted for every show)."""
    best: Role | None = None
    for grant in user.grants:
        applies = grant.role == Role.admin or grant.show_id is None or grant.show_id == show_id
        if applies and (best is None or grant.role.rank > best.rank):
            best = grant.role
    return best


def is_admin(user: User) -> bool:
    return any(grant.role == Role.admin for grant in user.grants)


def allowed(user: User, role: Role, show: Show | int | None = None, *, anywhere: bool = False) -> bool:
    """True if the user holds at least `role` on the show (or, with anywhere=True, on at least one show)."""
    if user.disabled:
        return False
    if anywhere:
        return any(g.role.rank >= role.rank for g in user.grants)
    show_id = show.id if isinstance(show, Show) else show
    held = role_on(user, show_id) if show_id is not None else (Role.admin if is_admin(user) else None)
    return held is not None and held.rank >= role.rank


def require(user: User, role: Role, show: Show | int | None = None, *, anywhere: bool = False) -> None:
    if not allowed(user, role, show, anywhere=anywhere):
        where = f" of '{show.slug}'" if isinstance(show, Show) else ""
        raise Forbidden(f"This needs the {role.value} role{where}; your account does not have it.")


def visible_shows(session: Session, user: User, minimum: Role = Role.viewer) -> list[Show]:
    shows = session.scalars(select(Show).order_by(Show.title))
    return [show for show in shows if allowed(user, minimum, show)]


# -- users -------------------------------------------------------------------------------------------------------


def grants_with_shows(session: Session, user: User) -> list[tuple[Role, Show | None]]:
    """The user's roles with the show each applies to (None: every show)."""
    return [(grant.role, session.get(Show, grant.show_id) if grant.show_id else None) for grant in user.grants]


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if len(password) > 1024:
        raise Invalid("The password is too long (at most 1024 characters).", field="password")


def create_user(session: Session, username: str, password: str, *, display_name: str = "", email: str = "") -> User:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise Invalid("A username has 2-80 characters: lowercase letters, digits, '.', '_' and '-'.", field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"The user '{username}' already exists.", field="username")
    check_password_rules(password)
    user = User(username=username, display_name=display_name, email=email, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user is called '{username}'.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def end_credentials(session: Session, user: User) -> None:
    """Every login session and API token the user holds stops working now, for good: re-enabling the account or
    granting the role again does not bring them back (each request checks them against this instant)."""
    user.credentials_changed_at = utcnow()
    end_sessions(session, user)


def set_password(session: Session, user: User, password: str) -> None:
    """New password; every login session and API token of the user stops working at once."""
    check_password_rules(password)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = utcnow()
    end_credentials(session, user)


def set_disabled(session: Session, user: User, disabled: bool = True) -> None:
    user.disabled = disabled
    if disabled:
        end_credentials(session, user)


def grant(session: Session, user: User, role: Role, show: Show | None = None) -> RoleGrant:
    if role == Role.admin:
        show = None
    for existing in user.grants:
        if existing.role == role and existing.show_id == (show.id if show else None):
            return existing
    new = RoleGrant(role=role, show_id=show.id if show else None)
    user.grants.append(new)
    session.flush()
    return new


def revoke_grant(session: Session, user: User, role: Role, show: Show | None = None) -> bool:
    for existing in list(user.grants):
        if existing.role == role and existing.show_id == (show.id if show else None):
            user.grants.remove(existing)
            end_credentials(session, user)  # a credential made while the role was held must not keep it
            session.flush()
            return True
    return False


# -- login and sessions ------------------------------------------------------------------------------------------


def _failures(session: Session, username: str, address: str, now: datetime) -> tuple[int, int]:
    """Failed attempts in the window, for the account (since its last success) and for the address."""
    since = now - THROTTLE_WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    user_since = max(since, last_success) if last_success else since
    user_failures = session.scalar(
        select(func.count()).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.at > user_since
        )
    )
    address_failures = session.scalar(
        select(func.count()).where(
            LoginAttempt.address == address, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
        )
    )
    return user_failures or 0, address_failures or 0


def _record_attempt(session: Session, username: str, address: str, now: datetime) -> int:
    """The attempt is committed as a failure before the password is looked at, in a transaction of its own, so
    concurrent attempts all see each other: at most MAX_FAILURES_PER_USER of them ever reach the password check."""
    with Session(bind=session.get_bind()) as own:
        attempt = LoginAttempt(username=username, address=address, succeeded=False, at=now)
        own.add(attempt)
        own.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 4 * THROTTLE_WINDOW))
        own.commit()
        return attempt.id


def _visible(text: str, limit: int) -> str:
    """Control characters (NUL included: PostgreSQL refuses it in text) never reach a query."""
    return "".join(ch for ch in text if ch.isprintable())[:limit]


def authenticate(session: Session, username: str, password: str, *, address: str = "") -> User:
    """The user if the password is right; raises Unauthorized (one message for every reason) or Throttled.

    Every attempt is counted (committed on its own) before the password is checked; a success marks it so."""
    username = _visible(username.strip().lower(), 80)
    address = _visible(address, 64)
    now = utcnow()
    attempt_id = _record_attempt(session, username, address, now)
    user_failures, address_failures = _failures(session, username, address, now)
    # The attempt just recorded counts as one of the failures until the password proves it right.
    if user_failures > MAX_FAILURES_PER_USER or address_failures > MAX_FAILURES_PER_ADDRESS:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise Throttled(f"Too many failed sign-ins. Wait {minutes} minutes and try again.")
    user = session.scalar(select(User).where(User.username == username))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and not user.disabled
    if not ok or user is None:
        raise Unauthorized("The username or password is wrong, or the account is disabled.", field="password")
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    return user


def start_session(session: Session, user: User, *, user_agent: str = "", replaces: str | None = None) -> str:
    """A new login session; returns the cookie value. Any session the browser carried before is ended, so an id
    planted before login (session fixation) is never the one that becomes authenticated."""
    if replaces:
        session.execute(delete(LoginSession).where(LoginSession.session_hash == digest(replaces)))
    now = utcnow()
    session_id = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            session_hash=digest(session_id),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_IDLE,
            user_agent=user_agent[:300],
        )
    )
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    session.flush()
    return session_id


def resume_session(session: Session, session_id: str) -> LoginSession | None:
    """The live login session for a cookie value, with its expiry slid forward (at most once a minute)."""
    if not session_id or len(session_id) > 200:
        return None
    login = session.scalar(select(LoginSession).where(LoginSession.session_hash == digest(session_id)))
    now = utcnow()
    if login is None or login.expires_at <= now or login.created_at + SESSION_MAX <= now:
        return None
    user = login.user
    if user.disabled or user.credentials_changed_at >= login.created_at:
        return None
    if now - login.last_seen_at > timedelta(minutes=1):
        login.last_seen_at = now
        login.expires_at = min(now + SESSION_IDLE, login.created_at + SESSION_MAX)
    return login


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.session_hash == digest(session_id)))


def end_sessions(session: Session, user: User) -> None:
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


# -- API tokens --------------------------------------------------------------------------------------------------


def create_token(session: Session, user: User, name: str = "", *, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token; the clear value is returned once here and never stored."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:200],
        prefix=value[:12],
        token_hash=digest(value),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    return token, value


def token_identity(session: Session, value: str) -> Identity | None:
    if not value.startswith(TOKEN_PREFIX) or len(value) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(value)))
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    if token.user.disabled or token.user.credentials_changed_at >= token.created_at:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return Identity(user=token.user, via="token", token=token)


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    statement = select(ApiToken).order_by(ApiToken.created_at.desc())
    if user is not None:
        statement = statement.where(ApiToken.user_id == user.id)
    return list(session.scalars(statement))


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Revoke a token: its owner or an admin may (actor None: the operator at the command line); it stops working
    with the next request."""
    token = session.get(ApiToken, token_id)
    if token is None and actor is None:
        raise NotFound(f"No token {token_id} exists.")
    if token is None or (actor is not None and token.user_id != actor.id and not is_admin(actor)):
        raise NotFound(f"No token {token_id} of yours exists.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


# -- idempotency -------------------------------------------------------------------------------------------------


def idempotent_replay(session: Session, user: User, key: str, scope: str) -> IdempotencyKey | None:
    found = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key))
    if found is None:
        return None
    if found.created_at < utcnow() - IDEMPOTENCY_RETENTION:
        session.delete(found)
        session.flush()
        return None
    if found.scope != scope:
        raise Conflict("This Idempotency-Key was already used for another request.", code="idempotency_key_reused")
    return found


def remember_outcome(session: Session, user: User, key: str, scope: str, status_code: int, response: dict) -> None:  # type: ignore[type-arg]
    session.add(IdempotencyKey(user_id=user.id, key=key, scope=scope, status_code=status_code, response=response))
    session.flush()
