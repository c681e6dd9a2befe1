"""One error tree for the whole catalogue: every refusal carries an HTTP status, a stable code and a human message."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks a message for translation (extracted into the interface catalogues) without translating it here."""
    return message


class CatalogueError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = None, params: dict[str, str] | None = None
    ) -> None:
        """`message` is English; with `params` it is a template ("No show is called '%(slug)s'."), marked with N_
        where visitors may read it, so that error pages can show it in their language."""
        self.template = message if params is not None else None
        self.params = params or {}
        self.message = message % self.params if params is not None else message
        super().__init__(self.message)
        if code:
            self.code = code
        self.field = field

    def translated(self, gettext: Callable[[str], str]) -> str | None:
        """The message in the language of `gettext`, or None when it is not a marked template."""
        return gettext(self.template) % self.params if self.template is not None else None

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(CatalogueError):
    status = 404
    code = "not_found"


class Gone(CatalogueError):
    status = 410
    code = "gone"


class Invalid(CatalogueError):
    status = 422
    code = "invalid"


class Conflict(CatalogueError):
    status = 409
    code = "conflict"


class PreconditionFailed(CatalogueError):
    status = 412
    code = "precondition_failed"


class Unauthorized(CatalogueError):
    status = 401
    code = "unauthorized"


class Forbidden(CatalogueError):
    status = 403
    code = "forbidden"


class MediaRejected(CatalogueError):
    """A media file refused by ingest; `code` says why in a machine-readable way (not_media, unsupported_format...)."""

    status = 422
    code = "media_rejected"


class TooLarge(MediaRejected):
    status = 413
    code = "too_large"


class StorageError(CatalogueError):
    status = 502
    code = "storage_error"


class ContentError(Invalid):
    """A file in episodes/ that cannot be loaded; names the file and the line."""

    code = "content_invalid"

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}", field=field)
        self.path = path
        self.line = line
