"""Interface translations (gettext, domain `messages`): <lang>/LC_MESSAGES/messages.po is the source translators
edit; messages.mo next to it is compiled from it and committed, so an install needs no build step. After changing
interface strings in templates/ (the staff workspace's too), media_catalogue/web/templating.py or
media_catalogue/web/admin/, run

    python -m media_catalogue.translations update    # extract into messages.pot and merge into every .po
    python -m media_catalogue.translations compile   # write the .mo files

A test checks that every string is translated and that the committed .mo files match their .po files."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
LANGUAGES = ("fr", "nl")
DOMAIN = "messages"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("media_catalogue/web/templating.py", "python"),
    ("media_catalogue/web/admin/**.py", "python"),
    # the messages of the errors visitors meet (errors.N_), shown on error pages in the interface language
    ("media_catalogue/catalogue/queries/**.py", "python"),
    # role and video-kind names, shared by the pages, the workspace and the digest
    ("media_catalogue/catalogue/labels.py", "python"),
    # the newsletter digest's words (its HTML, text, Markdown and RSS are written in en, fr and nl)
    ("media_catalogue/digest/**.py", "python"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}


def po_path(language: str) -> Path:
    return HERE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> object:
    """The template catalogue (messages.pot) from the current templates and label tables."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="media-catalogue", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map=METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS,
        comment_tags=("Translators:",),
    ):  # fmt: skip
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def compile_mo(language: str) -> bytes:
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    out = BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()
