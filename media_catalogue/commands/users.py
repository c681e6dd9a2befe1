"""Staff account commands: `users create|list|disable|enable|reset-password|grant|revoke|token ...`.

Passwords are typed at a hidden prompt or read from standard input (--password-stdin), never given as arguments
(they would end up in the shell history and the process list). Every change is recorded in the audit trail."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from . import state

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..catalogue.accounts import User

users_app = typer.Typer(help="Staff accounts, roles and API tokens.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for automation (sent as Authorization: Bearer).", no_args_is_help=True)
users_app.add_typer(token_app, name="token")


def _open() -> Any:
    from ..db import Database

    database = Database(state.settings())
    database.migrate()
    return database


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _actor() -> Any:
    import getpass

    from ..catalogue.audit import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(None, f"cli:{who}"[:80], "cli")


def _record(session: Session, action: str, user: User, **extra: Any) -> None:
    from ..catalogue import audit

    audit.record(session, _actor(), action, "user", user.id, user.username, after=extra or None)


def _roles(user: User, session: Session) -> str:
    from ..catalogue import access

    parts = [f"{role.value}:{show.slug if show else '*'}" for role, show in access.grants_with_shows(session, user)]
    return ", ".join(parts) or "-"


@users_app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name: lowercase letters, digits, '.', '_', '-'."),
    name: str = typer.Option("", "--name", help="Display name."),
    email: str = typer.Option("", "--email", help="Contact e-mail."),
    role: str = typer.Option(None, "--role", help="Grant a role at once: admin, editor, contributor or viewer."),
    show: list[str] = typer.Option([], "--show", help="Show slug the role applies to (repeat); none: every show."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Create a staff account (asks for its password)."""
    from ..catalogue import access

    with state.errors_as_messages():
        password = _password(password_stdin)
        database = _open()
        with database.session() as session:
            user = access.create_user(session, username, password, display_name=name, email=email)
            _record(session, "user.create", user)
            if role:
                _grant(session, user, role, show)
        database.dispose()
    typer.echo(f"created user {user.username}")


def _grant(session: Session, user: User, role: str, shows: list[str], *, revoke: bool = False) -> None:
    from ..catalogue import access
    from ..catalogue.accounts import Role
    from ..catalogue.editing import records as record_editing
    from ..errors import Invalid

    try:
        wanted = Role(role)
    except ValueError:
        raise Invalid(f"'{role}' is not a role; use admin, editor, contributor or viewer.") from None
    targets: list[Any] = [record_editing.get_show(session, slug) for slug in shows] or [None]
    for target in targets:
        if revoke:
            access.revoke_grant(session, user, wanted, target)
        else:
            access.grant(session, user, wanted, target)
        _record(
            session,
            "user.revoke" if revoke else "user.grant",
            user,
            role=wanted.value,
            show=target.slug if target else "*",
        )


@users_app.command("list")
def list_users() -> None:
    """List staff accounts with their roles."""
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        table = Table("username", "name", "roles", "disabled", "last login")
        with database.session() as session:
            for user in access.list_users(session):
                last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
                table.add_row(
                    user.username, user.display_name, _roles(user, session), "yes" if user.disabled else "", last
                )
        database.dispose()
    Console().print(table)


def _set_disabled(username: str, disabled: bool) -> None:
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        with database.session() as session:
            user = access.get_user(session, username)
            access.set_disabled(session, user, disabled)
            _record(session, "user.disable" if disabled else "user.enable", user)
        database.dispose()
    typer.echo(f"{'disabled' if disabled else 'enabled'} {username}")


@users_app.command("disable")
def disable(username: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account: its sessions end and its tokens stop working at once."""
    _set_disabled(username, True)


@users_app.command("enable")
def enable(username: str = typer.Argument(..., help="The account to enable again.")) -> None:
    """Enable a disabled account."""
    _set_disabled(username, False)


@users_app.command("reset-password")
def reset_password(
    username: str = typer.Argument(..., help="The account."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Set a new password; every login session of the account ends."""
    from ..catalogue import access

    with state.errors_as_messages():
        password = _password(password_stdin)
        database = _open()
        with database.session() as session:
            user = access.get_user(session, username)
            access.set_password(session, user, password)
            _record(session, "user.reset_password", user)
        database.dispose()
    typer.echo(f"password of {username} changed; their sessions were ended")


@users_app.command("grant")
def grant(
    username: str = typer.Argument(..., help="The account."),
    role: str = typer.Argument(..., help="admin, editor, contributor or viewer."),
    show: list[str] = typer.Option([], "--show", help="Show slug (repeat); none: every show."),
    revoke: bool = typer.Option(False, "--revoke", help="Take the role away instead."),
) -> None:
    """Grant (or with --revoke take away) a role on some shows or on every show."""
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        with database.session() as session:
            user = access.get_user(session, username)
            _grant(session, user, role, show, revoke=revoke)
            roles = _roles(user, session)
        database.dispose()
    typer.echo(f"{username}: {roles}")


@token_app.command("create")
def token_create(
    username: str = typer.Argument(..., help="The account the token acts as."),
    name: str = typer.Option("", "--name", help="What the token is for."),
    days: int = typer.Option(None, "--days", min=1, help="Expire after this many days."),
) -> None:
    """Create an API token and print it once: it cannot be shown again."""
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        with database.session() as session:
            user = access.get_user(session, username)
            token, value = access.create_token(session, user, name, days=days)
            _record(session, "token.create", user, token=token.id, name=name)
        database.dispose()
    typer.echo(value)
    typer.echo(f"token {token.id} for {username}: store it now, it is not shown again", err=True)


@token_app.command("list")
def token_list(username: str = typer.Argument(None, help="Only this account's tokens.")) -> None:
    """List API tokens (never their values)."""
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        table = Table("id", "user", "name", "starts with", "created", "last used", "state")
        with database.session() as session:
            user = access.get_user(session, username) if username else None
            for token in access.list_tokens(session, user):
                used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
                table.add_row(
                    str(token.id),
                    token.user.username,
                    token.name,
                    token.prefix + "…",
                    token.created_at.isoformat(timespec="minutes"),
                    used,
                    "revoked" if token.revoked_at else "active",
                )
        database.dispose()
    Console().print(table)


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="Token id (see `users token list`).")) -> None:
    """Revoke a token: the next request made with it is refused."""
    from ..catalogue import access

    with state.errors_as_messages():
        database = _open()
        with database.session() as session:
            token = access.revoke_token(session, None, token_id)
            _record(session, "token.revoke", token.user, token=token.id)
        database.dispose()
    typer.echo(f"revoked token {token_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
