"""Jinja2 rendering of the public pages: one environment per interface language (gettext catalogues compiled by
Babel under media_catalogue/translations), the language choice of a request, and the filters templates share.

The interface language is chosen by an explicit `?lang=` (remembered in a cookie by pages, never by the embed
player), else the `lang` cookie, else Accept-Language, else English. Content keeps its own language: templates mark
it with `lang` attributes, the interface strings follow the chosen language.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_date_format
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..catalogue.dates import local_day
from ..catalogue.labels import ROLE_LABELS, VIDEO_KIND_LABELS
from ..catalogue.models import DatePrecision
from ..config import Settings
from ..text import plain_text, render_markdown

LANGUAGES = ("en", "fr", "nl")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands"}
LANG_COOKIE = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def N_(message: str) -> str:
    """Marks a string for extraction into the gettext catalogues; translated when rendered."""
    return message


RESULT_KIND_LABELS = {
    "show": N_("Podcast"), "episode": N_("Episode"), "video": N_("Video"), "person": N_("Person"),
    "project": N_("Project"),
}  # fmt: skip
PROVIDER_NAMES = {"youtube": "YouTube", "facebook": "Facebook", "vimeo": "Vimeo", "spotify": "Spotify"}
ERROR_TEXTS = {
    404: (N_("Page not found"), N_("There is nothing at this address. The show or episode may have another name.")),
    410: (N_("No longer available"), N_("This episode or video was withdrawn and is no longer available.")),
    422: (N_("Invalid request"), N_("The address contains a value the catalogue cannot use.")),
}
OTHER_ERROR = (N_("Something went wrong"), N_("The page could not be shown. Please try again later."))

_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def language_from_accept(header: str | None) -> str | None:
    """The best supported language of an Accept-Language header (RFC 9110 q-values), or None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:20]):
        match = _ACCEPT_ITEM.match(item)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        primary = match.group(1).split("-")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def parse_cookie(header: str | None, name: str) -> str | None:
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip().strip('"')
    return None


@functools.lru_cache(maxsize=4096)
def choose_language(query_lang: str | None, cookie_header: str | None, accept_language: str | None) -> str:
    """Explicit choice first (URL, then cookie), then the browser's preference, then English. Memoized: the page
    cache asks on every request, and browsers send a handful of distinct headers."""
    if query_lang in LANGUAGES:
        return query_lang  # type: ignore[return-value]
    cookie = parse_cookie(cookie_header, LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    return language_from_accept(accept_language) or DEFAULT_LANGUAGE


def request_language(request: Any) -> str:
    """The language of the path prefix (/fr/...), else the negotiated one."""
    prefixed = request.scope.get("path_language")
    if prefixed:
        return prefixed  # type: ignore[no-any-return]
    return choose_language(
        request.query_params.get("lang"), request.headers.get("cookie"), request.headers.get("accept-language")
    )


# -- filters ---------------------------------------------------------------------------------------------------------


def duration_text(milliseconds: int | float | None) -> str:
    if not milliseconds:
        return ""
    seconds = int(round(milliseconds / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def timecode(seconds: float | int | None) -> str:
    return duration_text((seconds or 0) * 1000) or "0:00"


def iso_duration(milliseconds: int | None) -> str | None:
    if not milliseconds:
        return None
    seconds = int(round(milliseconds / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{seconds}S" if hours else f"PT{minutes}M{seconds}S"


def local_date(value: datetime | date | None, timezone: str | None = None) -> date | None:
    """The calendar date staff meant: a UTC publication time seen in the show's time zone."""
    if value is None:
        return None
    return local_day(value, timezone)


def date_text(value: datetime | date | None, precision: Any, locale: str, timezone: str | None = None) -> str:
    """Only as much of the date as the source knows: "September 2021" for month precision, "2022" for year."""
    day = local_date(value, timezone)
    if day is None:
        return ""
    precision = DatePrecision(getattr(precision, "value", precision) or "day")
    if precision == DatePrecision.year:
        return str(day.year)
    if precision == DatePrecision.month:
        return format_skeleton("yMMMM", day, locale=locale)
    parsed, pattern = _long_date_pattern(locale)
    return str(pattern.apply(day, parsed))


@functools.lru_cache(maxsize=32)
def _long_date_pattern(locale: str) -> tuple[Locale, Any]:
    """The locale's long date pattern, parsed once: babel.dates.format_date parses the locale and looks the pattern
    up on every call (a fifth of a 50-episode list's rendering). The same text as format_date(format="long")."""
    parsed = Locale.parse(locale)
    return parsed, get_date_format("long", locale=parsed)


def date_iso(value: datetime | date | None, precision: Any, timezone: str | None = None) -> str:
    day = local_date(value, timezone)
    if day is None:
        return ""
    precision = DatePrecision(getattr(precision, "value", precision) or "day")
    if precision == DatePrecision.year:
        return f"{day.year:04d}"
    if precision == DatePrecision.month:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def language_label(code: str | None, locale: str) -> str:
    """A language's name in the interface language ("Frans" in Dutch), from Babel's locale data."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def json_ld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block: `<`, `>` and `&` escaped so no text can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above


def markdown(source: str | None) -> Markup:
    return Markup(render_markdown(source))  # noqa: S704 - render_markdown sanitizes with nh3


def _static_hashes() -> dict[str, str]:
    hashes = {}
    for path in STATIC_DIR.glob("*"):
        if path.is_file():
            hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return hashes


def load_translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    found = Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")
    if not isinstance(found, Translations):
        logging.getLogger(__name__).warning("no compiled interface translations for '%s' in %s", language,
                                            TRANSLATIONS_DIR)  # fmt: skip
    return found


class Templates:
    """One Jinja2 environment per interface language: thread-safe (routes render in worker threads) because
    nothing is switched per request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        loader = FileSystemLoader(str(settings.templates_dir))
        self.static_versions = _static_hashes()
        self.environments: dict[str, Environment] = {}
        self.translations: dict[str, NullTranslations] = {}
        for language in LANGUAGES:
            env = Environment(
                loader=loader,
                autoescape=select_autoescape(["html", "xml"]),
                extensions=["jinja2.ext.i18n"],
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,
            )
            translations = self.translations[language] = load_translations(language)
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            env.filters.update(
                markdown=markdown,
                plain=lambda source, limit=None: plain_text(source, limit=limit),
                duration=duration_text,
                timecode=timecode,
                iso_duration=iso_duration,
                json_ld=json_ld,
                date_iso=date_iso,
                date_text=lambda value, precision="day", timezone=None, _locale=language: date_text(
                    value, precision, _locale, timezone
                ),
            )
            gettext = translations.gettext
            env.globals.update(
                role_name=lambda role, _=gettext: _(ROLE_LABELS[role]) if role in ROLE_LABELS else role,
                video_kind_name=lambda kind, _=gettext: _(VIDEO_KIND_LABELS.get(kind, kind)),
                kind_name=lambda kind, _=gettext: _(RESULT_KIND_LABELS.get(kind, kind)),
                provider_name=lambda provider: PROVIDER_NAMES.get(provider, provider),
                language_label=lambda code, _locale=language: language_label(code, _locale),
                ui_lang=language,
                languages=LANGUAGES,
                language_names=LANGUAGE_NAMES,
                static=self.static_url,
                site_name="IOM Belgium and Luxembourg podcasts",
                base_url=settings.base_url,
            )
            self.environments[language] = env

    def static_url(self, name: str) -> str:
        """Our own CSS/JS, with a content hash in the query so browsers may cache it for a year."""
        version = self.static_versions.get(name, "0")
        return f"/static/{name}?v={version}"

    def render(self, name: str, language: str, **context: Any) -> str:
        env = self.environments.get(language) or self.environments[DEFAULT_LANGUAGE]
        return env.get_template(name).render(**context)


# -- responses -------------------------------------------------------------------------------------------------------


def switch_urls(request: Any) -> dict[str, str]:
    """The current URL with ?lang= set to each interface language (the workspace's language switcher)."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {lang: f"{request.url.path}?{urlencode([*params, ('lang', lang)])}" for lang in LANGUAGES}


def page_switch_urls(request: Any) -> dict[str, str]:
    """The current page under each language prefix (/fr/<same path>): the language switcher's links, which work on
    a static host too."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query = f"?{urlencode(params)}" if params else ""
    return {lang: f"/{lang}{request.url.path}{query}" for lang in LANGUAGES}


def link_helper(prefix_language: str | None) -> Any:
    """`href(path)` for templates: a root-relative internal link, under the page's language prefix when it has one
    (href('/shows') is '/fr/shows' on a /fr/ page, '/shows' on an unprefixed one)."""
    if not prefix_language:
        return lambda path: path
    prefix = f"/{prefix_language}"
    return lambda path: prefix + path if path.startswith("/") and not path.startswith("//") else path


def prefixed_url(request: Any, url: str | None) -> str | None:
    """An absolute page URL of this site under the request's language prefix (canonical, hreflang, og:url)."""
    language = request.scope.get("path_language")
    base = request.app.state.settings.base_url
    if not language or not url or not (url == base or url.startswith(base + "/")):
        return url
    return f"{base}/{language}{url[len(base) :] or '/'}"


def render_page(
    request: Any,
    template: str,
    *,
    status: int = 200,
    cache: bool = True,
    language: str | None = None,
    remember_language: bool = True,
    **context: Any,
) -> Any:
    """Render a page in the request's interface language. Cacheable pages are marked for the page cache, which adds
    the ETag and answers 304s; an explicit ?lang= is remembered in a cookie (never by the embed player)."""
    from fastapi.responses import HTMLResponse

    templates: Templates = request.app.state.templates
    prefixed = request.scope.get("path_language")
    chosen = language or request_language(request)
    if prefixed:  # a /fr/ page: its canonical and hreflang alternates stay under the same prefix
        context["canonical"] = prefixed_url(request, context.get("canonical"))
        context["alternates"] = [(lang, prefixed_url(request, url)) for lang, url in context.get("alternates", [])]
    context.setdefault("canonical", None)
    context.setdefault("alternates", [])
    context.setdefault("description", "")
    context.setdefault("og_image", None)
    context.setdefault("og_type", "website")
    context.setdefault("json_ld", [])
    context.setdefault("oembed_url", None)
    context.setdefault("nav", "")
    html = templates.render(
        template, chosen, request_path=request.url.path, switch_urls=page_switch_urls(request),
        urls=request.app.state.urls, href=link_helper(prefixed), **context,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = chosen
    if not prefixed:  # a prefixed page is the same for everyone: no Vary, no cookie (a static host can serve it)
        response.headers["Vary"] = "Accept-Language, Cookie"
    explicit = not prefixed and request.query_params.get("lang") in LANGUAGES
    if explicit and remember_language:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", path="/")
        response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    else:
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate" if status == 200 else "no-store"
    if cache and status == 200:
        response.headers["x-page-cache"] = "1"
    return response


def render_error(request: Any, status: int, body: dict[str, Any], error: Any = None) -> Any:
    """The HTML error page (404, 410...) in the interface language; installed as app.state.render_error. Its detail
    is the error's own message in that language when the message is a marked template (errors.N_), and is left out
    in other languages when it is not (it would be English)."""
    language = request_language(request)
    heading, explanation = ERROR_TEXTS.get(status, OTHER_ERROR)
    gettext = request.app.state.templates.translations[language].gettext
    detail = error.translated(gettext) if error is not None else None
    if detail is None and language == "en":
        detail = body.get("message", "")
    return render_page(
        request, "error.html", status=status, cache=False, language=language, remember_language=False,
        heading=gettext(heading), explanation=gettext(explanation), detail=detail or "", robots="noindex",
    )  # fmt: skip
