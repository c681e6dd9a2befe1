"""python -m media_catalogue.translations update|compile (see the package docstring)."""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from . import HERE, LANGUAGES, compile_mo, extract, po_path


def update() -> None:
    template = extract()
    with (HERE / "messages.pot").open("wb") as handle:
        write_po(handle, template, width=120, omit_header=False)  # type: ignore[arg-type]
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=language, project="media-catalogue", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)  # type: ignore[arg-type]
        with path.open("wb") as handle:
            write_po(handle, catalog, width=120, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{path}: {len(missing)} untranslated")


def compile_all() -> None:
    for language in LANGUAGES:
        target = po_path(language).with_suffix(".mo")
        target.write_bytes(compile_mo(language))
        print(f"wrote {target}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        sys.exit("usage: python -m media_catalogue.translations update|compile")
