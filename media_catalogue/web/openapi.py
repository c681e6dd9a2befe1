"""The OpenAPI document, completed with the answers every route can give that FastAPI cannot see in a signature:
412 and 428 on operations taking If-Match (a stale or a missing ETag), and 413 on operations with a request body
(the size policy of web.limits). Each answer has the one error shape of the API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable code, such as precondition_failed."},
                "message": {"type": "string", "description": "What is wrong, in plain language."},
                "field": {"type": "string", "description": "The field or header at fault, when there is one."},
            },
        },
    },
}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
IF_MATCH_ANSWERS = {
    "412": "The If-Match ETag is not the current one: someone changed it since you read it. Read it again.",
    "428": "If-Match is missing: send the ETag you read, so that an edit never overwrites one you have not seen.",
}
BODY_ANSWERS = {"413": "The request body is larger than this route accepts (the message names the limit)."}


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "header" and str(p.get("name", "")).lower() == "if-match"
        for p in operation.get("parameters", [])
    )


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Error schema and the 412/428/413 answers to the document, in place."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = dict(IF_MATCH_ANSWERS) if _takes_if_match(operation) else {}
            if "requestBody" in operation:
                answers |= BODY_ANSWERS
            for status, description in answers.items():
                operation["responses"].setdefault(status, {"description": description, "content": _ERROR})
    return schema


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
