"""Who am I, and API tokens: any staff account may list, create and revoke its own (admins: everyone's)."""

from typing import Any

from fastapi import APIRouter

from ...catalogue import access, audit
from ...catalogue.accounts import ApiToken
from ...catalogue.queries import workspace
from ..auth import Staff
from ..deps import SessionDep
from .schemas import GrantOut, MeOut, TokenCreated, TokenIn, TokenOut

router = APIRouter()


@router.get("/me", response_model=MeOut, summary="Who am I, with which roles")
def me(identity: Staff, session: SessionDep) -> MeOut:
    grants = identity.user.grants
    slugs = workspace.show_slugs(session, (g.show_id for g in grants if g.show_id))
    return MeOut(
        username=identity.username,
        display_name=identity.user.display_name,
        via=identity.via,
        grants=[GrantOut(role=g.role.value, show=slugs.get(g.show_id) if g.show_id else None) for g in grants],
    )


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", response_model=list[TokenOut], summary="Your API tokens (admins: everyone's)")
def list_tokens(identity: Staff, session: SessionDep) -> list[TokenOut]:
    owner = None if access.is_admin(identity.user) else identity.user
    return [TokenOut(**_token_out(t)) for t in access.list_tokens(session, owner)]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token for yourself",
    openapi_extra={"x-required-role": "any staff account"},
)
def create_token(identity: Staff, session: SessionDep, body: TokenIn) -> TokenCreated:
    token, value = access.create_token(session, identity.user, body.name, days=body.days)
    audit.record(
        session,
        identity.actor(),
        "token.create",
        "user",
        identity.user.id,
        identity.username,
        after={"token": token.id, "name": token.name},
    )
    session.commit()
    return TokenCreated(**_token_out(token), token=value)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenOut,
    summary="Revoke an API token (yours, or any: admin)",
    openapi_extra={"x-required-role": "token owner or admin"},
)
def revoke_token(token_id: int, identity: Staff, session: SessionDep) -> TokenOut:
    token = access.revoke_token(session, identity.user, token_id)
    audit.record(
        session,
        identity.actor(),
        "token.revoke",
        "user",
        token.user_id,
        token.user.username,
        after={"token": token.id},
    )
    session.commit()
    return TokenOut(**_token_out(token))
