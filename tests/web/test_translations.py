"""The interface catalogues: every string of the templates is translated into French and Dutch, the .po files
follow the templates, and the committed .mo files are what the .po files compile to."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from media_catalogue.translations import LANGUAGES, compile_mo, extract, po_path


def _ids(catalog: object) -> set[object]:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert _ids(catalog) == _ids(extract()), "run: python -m media_catalogue.translations update"
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert not catalog.fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_files_match_their_po_files(language: str) -> None:
    mo = po_path(language).with_suffix(".mo")
    assert mo.read_bytes() == compile_mo(language), "run: python -m media_catalogue.translations compile"
