"""The show settings form: its fields as ShowFields input, Apple's categories as a two-level list, the time zones,
and plain-language messages (in the staff's language) for the fields whose validation messages are technical."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from pydantic import ValidationError
from starlette.requests import Request

from ...catalogue.editing import common
from ...catalogue.editing import records as record_editing
from ...catalogue.editing.common import slugify
from ...catalogue.models import Show
from ...feeds.apple_categories import APPLE_CATEGORIES, is_category, is_subcategory
from ..templating import N_
from .rendering import form_errors, gettext_for

SEPARATOR = " › "
# Fields of the settings form (the address is chosen once, when the show is created; the language versions and the
# artwork have their own services).
SETTINGS = [name for name in record_editing.ShowFields.model_fields if name not in ("slug", "translation_group")]
_PLAIN = {
    "slug": N_("Use lowercase letters, digits and dashes only (at most 120), for example match-podcast-fr."),
    "owner_email": N_("Write an e-mail address such as podcast@example.org."),
    "language": N_("Choose the language from the list."),
    "timezone": N_("Choose a time zone from the list, such as Europe/Brussels."),
    "website": N_("Write a web address starting with https://."),
    "spotify_url": N_("Write a web address starting with https://."),
    "apple_podcasts_url": N_("Write a web address starting with https://."),
    "funding_url": N_("Write a web address starting with https://."),
    "category": N_("Choose a category from Apple's list."),
    "project": N_("Choose a project from the list."),
}


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(category, [(value, label)]) for an <optgroup> per category: the category itself, then each subcategory."""
    return [
        (top, [(top, top), *((f"{top}{SEPARATOR}{sub}", sub) for sub in subs)])
        for top, subs in APPLE_CATEGORIES.items()
    ]


def category_value(show: Any) -> str:
    category, sub = show.get("category") or "", show.get("subcategory") or ""
    return f"{category}{SEPARATOR}{sub}" if sub else category


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))


def show_form_data(form: Any, *, creating: bool) -> dict[str, Any]:
    """The form's fields as ShowFields input (empty optional fields as None)."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    category, _, sub = text("category").partition(SEPARATOR.strip())
    data: dict[str, Any] = {
        name: text(name) or None
        for name in ("website", "spotify_url", "apple_podcasts_url", "funding_url", "funding_text", "license",
                     "project")
    }  # fmt: skip
    data |= {name: text(name) for name in ("title", "subtitle", "author", "owner_name", "owner_email", "copyright")}
    data |= {
        "description": form.get("description", "") if isinstance(form.get("description"), str) else "",
        "language": text("language"),
        "timezone": text("timezone") or "Europe/Brussels",
        "category": category.strip(),
        "subcategory": sub.strip() or None,
        "explicit": text("explicit") == "yes",
        "show_type": text("show_type") or "episodic",
        "complete": text("complete") == "yes",
    }
    if creating:
        data["slug"] = text("slug") or (slugify(data["title"]) if data["title"] else "")
    return data


def check(
    request: Request, data: dict[str, Any], show: Show | None
) -> tuple[record_editing.ShowFields | None, dict[str, str]]:
    """The validated fields, or the errors of every field at once, in the staff's language."""
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    if data["category"] and not (
        is_category(data["category"])
        and (not data["subcategory"] or is_subcategory(data["category"], data["subcategory"]))
    ):
        plain = _PLAIN["category"]
        errors["category"] = _(plain)
    full = data if "slug" in data else data | {"slug": show.slug if show else ""}
    try:
        fields = record_editing.ShowFields.model_validate(full)
    except ValidationError as exc:
        reserved = common.show_slug_problem(str(full.get("slug") or ""))
        for field, message in form_errors(exc, request).items():
            # The plain words say what a slug looks like; a reserved word has its own sentence.
            text = _PLAIN.get(field) if field != "project" and not (field == "slug" and reserved) else None
            errors.setdefault(field, _(text) if text else message)
        return None, errors
    return (None if errors else fields), errors


def values_of(show: Show) -> dict[str, Any]:
    values = record_editing.snapshot(show)
    values["category"] = category_value(values)
    return values
