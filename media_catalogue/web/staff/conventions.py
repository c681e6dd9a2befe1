"""What every staff route shares: the role it needs (noted in the OpenAPI document, and checked by the route
tests), the If-Match header, the ETag header on answers, and PATCH bodies validated as whole objects."""

# No `from __future__ import annotations`: FastAPI reads these aliases in route signatures.

from typing import Annotated, Any, TypeVar

from fastapi import Header, Query, Response
from pydantic import BaseModel, ValidationError

from ...catalogue.accounts import Role
from ...errors import Invalid
from ..limits import UPLOAD
from .schemas import Etagged

TaggedBody = TypeVar("TaggedBody", bound=Etagged)

IfMatch = Annotated[str | None, Header(description="The ETag you read; required on updates and deletes.")]
Filename = Annotated[
    str, Query(min_length=1, max_length=255, description="The file's original name (its extension is a hint).")
]
# An upload: the body is the file, streamed under settings.max_upload_bytes (web.limits reads the mark).
BINARY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    **UPLOAD,
}


def required_role(role: Role, where: str) -> dict[str, Any]:
    """OpenAPI extra naming the role a route needs ("editor of the show")."""
    return {"x-required-role": f"{role.value} {where}".strip()}


def with_etag(response: Response, body: TaggedBody) -> TaggedBody:
    """The body, with its ETag also sent as the ETag header (what a client sends back in If-Match)."""
    response.headers["ETag"] = body.etag
    return body


def patch_fields(model: type[BaseModel], current: dict[str, Any], body: dict[str, Any]) -> tuple[Any, set[str]]:
    """A PATCH body validated as a whole object (current values filled in), and the names it sent."""
    unknown = set(body) - set(model.model_fields)
    if unknown:
        name = sorted(unknown)[0]
        raise Invalid(f"{name}: not a field that can be edited", field=name)
    # Only the required fields are filled in from the current object: the others are not re-validated, so an old
    # value that today's rules would refuse does not block an unrelated edit.
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    merged = {k: v for k, v in current.items() if k in required} | body
    try:
        return model.model_validate(merged), set(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        raise Invalid(f"{field}: {first.get('msg', 'invalid value')}", field=field or None) from None
