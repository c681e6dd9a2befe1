"""The digest's words in en/fr/nl: the catalogue's gettext catalogues (media_catalogue/translations, the same .po
files as the site), its labels, dates as precise as the source, and language names ("Also in Dutch")."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.support import NullTranslations, Translations

from ..catalogue.models import DatePrecision
from ..text import plain_text

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a string for extraction into the gettext catalogues; translated when rendered."""
    return message


LINK_LABELS = {
    "spotify": N_("Listen on Spotify"), "apple_podcasts": N_("Listen on Apple Podcasts"),
    "youtube": N_("Watch on YouTube"), "facebook": N_("Watch on Facebook"), "vimeo": N_("Watch on Vimeo"),
}  # fmt: skip


@functools.lru_cache(maxsize=4)
def gettext_for(language: str) -> Gettext:
    if language == "en":
        return NullTranslations().gettext
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages").gettext


def language_name(code: str, language: str) -> str:
    """The name of a language in the digest's language, as it reads inside a sentence ("néerlandais", "Dutch")."""
    primary = (code or "").split("-")[0].lower()
    return str(Locale.parse(language).languages.get(primary, primary))


def date_text(day: date | None, precision: DatePrecision | str | None, language: str) -> str:
    """Only as much of the date as the source knows: "September 2021" for month precision, "2021" for year."""
    if day is None:
        return ""
    precision = DatePrecision(getattr(precision, "value", precision) or "day")
    if precision == DatePrecision.year:
        return str(day.year)
    if precision == DatePrecision.month:
        return format_skeleton("yMMMM", day, locale=language)
    return format_date(day, format="long", locale=language)


def period_text(start: date, end: date, language: str) -> str:
    return f"{format_date(start, format='long', locale=language)} – {format_date(end, format='long', locale=language)}"


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«“\"'(])")


def sentences(source: str | None, count: int = 2, limit: int = 320) -> str:
    """The first sentences of a Markdown text as plain text (a newsletter says one or two): as many of the first
    `count` as fit in `limit` characters, and at least the first, cut at a word if it is longer."""
    parts = _SENTENCE_END.split(plain_text(source))
    picked = parts[0]
    for sentence in parts[1:count]:
        if len(picked) + 1 + len(sentence) > limit:
            break
        picked += " " + sentence
    if len(picked) > limit:
        picked = picked[: limit - 1].rsplit(" ", 1)[0] + "…"
    return picked
