"""The floors of the house, checked by reading the source: which way imports go, where SQL runs, how big a module
grows. docs/ARCHITECTURE.md explains each rule; a failure names the rule and the offending line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "media_catalogue"
INTAKE = {"content", "ingest", "sync", "file_intake", "feed_import"}  # and their siblings: ingest_*, sync_*
DOMAIN_FLOORS = ("catalogue", "media", "storage", "feeds", "digest")
MAX_LINES = 400
LONG_ALLOWED = {"catalogue/models.py"}  # the schema reads best in one place; migrations are excluded below


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted, without the package name ("catalogue.queries")
    target: str  # what it imports, dotted, without the package name ("web.app"); "" for third-party
    names: tuple[str, ...]
    line: int
    external: str = ""  # the third-party module, when target is ""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[tuple[Path, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        yield path, _module_name(path)


def _imports(path: Path, module: str) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "media_catalogue" or alias.name.startswith("media_catalogue."):
                    yield Import(module, alias.name.removeprefix("media_catalogue").lstrip("."), (), node.lineno)
                else:
                    yield Import(module, "", (), node.lineno, external=alias.name)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            if node.level == 0:
                source = node.module or ""
                if source == "media_catalogue" or source.startswith("media_catalogue."):
                    yield Import(module, source.removeprefix("media_catalogue").lstrip("."), names, node.lineno)
                else:
                    yield Import(module, "", names, node.lineno, external=source)
                continue
            base = package_parts[: len(package_parts) - (node.level - 1)] if node.level > 1 else package_parts
            target = ".".join([*base, node.module] if node.module else base)
            yield Import(module, target, names, node.lineno)


def _targets(found: Import) -> Iterator[str]:
    """The modules an import reaches: `from . import ingest` inside the package reaches `ingest`."""
    yield found.target
    for name in found.names:
        yield f"{found.target}.{name}" if found.target else name


def _top(dotted: str) -> str:
    return dotted.split(".", 1)[0]


def _all_imports() -> list[Import]:
    return [found for path, module in _sources() for found in _imports(path, module)]


def _violations(rule: str, offending: list[str]) -> str:
    return f"rule broken: {rule}\n" + "\n".join(offending)


def _is_intake(top: str) -> bool:
    return top in INTAKE or top.startswith(("ingest_", "sync_"))


def test_the_domain_never_imports_intake_web_or_commands() -> None:
    offending = [
        f"  media_catalogue/{found.module.replace('.', '/')} line {found.line} imports {target}"
        for found in _all_imports()
        if _top(found.module) in DOMAIN_FLOORS
        for target in _targets(found)
        if found.target and (_is_intake(_top(target)) or _top(target) in {"web", "commands", "cli", "export"})
    ]
    assert not offending, _violations(
        "catalogue/, media/, storage/ and feeds/ never import content, ingest, sync, file_intake, web, export or "
        "commands (data flows intake -> catalogue -> feeds, pages, API)",
        offending,
    )


def test_only_the_operators_import_the_export() -> None:
    """export/ is an operator floor beside commands/: it may use web/ (to render) and storage/, nothing below or
    beside it (web, intake, the domain) may import it."""
    offending = [
        f"  media_catalogue/{found.module.replace('.', '/')} line {found.line} imports {target}"
        for found in _all_imports()
        if _top(found.module) not in {"export", "commands", "cli"}
        for target in _targets(found)
        if found.target and _top(target) == "export"
    ]
    assert not offending, _violations("only commands/ (the CLI) imports export/", offending)


def test_media_never_imports_the_catalogue() -> None:
    offending = [
        f"  media_catalogue/{found.module.replace('.', '/')} line {found.line} imports {target}"
        for found in _all_imports()
        if _top(found.module) == "media"
        for target in _targets(found)
        if found.target and _top(target) == "catalogue"
    ]
    assert not offending, _violations("media/ reads and writes files; it never imports catalogue", offending)


def test_third_party_boundaries() -> None:
    """mutagen lives in media/ only, boto3 in storage/s3.py only: one place to change when they change."""
    homes = {"mutagen": ("media",), "boto3": ("storage.s3",), "botocore": ("storage.s3",)}
    offending = [
        f"  media_catalogue/{found.module.replace('.', '/')} line {found.line} imports {found.external}"
        for found in _all_imports()
        for library, allowed in homes.items()
        if _top(found.external) == library and not any(found.module.startswith(home) for home in allowed)
    ]
    assert not offending, _violations("mutagen only under media/, boto3 only in storage/s3.py", offending)


# -- SQL only in the catalogue --------------------------------------------------------------------------------------

SQL_CALLS = {"execute", "scalar", "scalars", "exec_driver_sql"}
SQL_BUILDERS = {"select", "text", "insert", "update", "delete", "func", "union_all", "literal_column", "bindparam"}


def _sql_in(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_top(alias.name) == "sqlite3" for alias in node.names):
            yield f"line {node.lineno}: import sqlite3"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _top(node.module or "") == "sqlalchemy":
            builders = sorted({alias.name for alias in node.names} & SQL_BUILDERS)
            if builders:
                yield f"line {node.lineno}: imports {', '.join(builders)} from {node.module}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            owner = node.func.value
            if name in SQL_CALLS:
                yield f"line {node.lineno}: .{name}(...)"
            elif name == "get" and isinstance(owner, ast.Name) and owner.id == "session":
                yield f"line {node.lineno}: session.get(...)"


@pytest.mark.parametrize("floor", ["web", "commands", "export"])
def test_web_and_commands_run_no_sql(floor: str) -> None:
    offending = [
        f"  media_catalogue/{path.relative_to(PACKAGE)} {where}"
        for path in sorted((PACKAGE / floor).rglob("*.py"))
        for where in _sql_in(path)
    ]
    assert not offending, _violations(
        f"{floor}/ builds or runs no SQL: reads go through catalogue.queries (or catalogue.access/versions), "
        "changes through catalogue.editing",
        offending,
    )


def test_the_sql_detector_sees_what_it_must(tmp_path: Path) -> None:
    """The rule above is only as good as its detector: it must see each form it forbids."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\nfrom sqlalchemy import select, text\n"
        "session.execute(text('SELECT 1'))\nsession.scalar(select(A))\nrows.scalars(q)\nsession.get(A, 1)\n"
        "form.get('x')\n"
    )
    assert list(_sql_in(sample)) == [
        "line 1: import sqlite3",
        "line 2: imports select, text from sqlalchemy",
        "line 3: .execute(...)",
        "line 4: .scalar(...)",
        "line 5: .scalars(...)",
        "line 6: session.get(...)",
    ]


# -- sizes and shape ------------------------------------------------------------------------------------------------


def test_no_module_grows_past_the_limit() -> None:
    offending = [
        f"  media_catalogue/{path.relative_to(PACKAGE)}: {lines} lines"
        for path, _ in _sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(PACKAGE)) not in LONG_ALLOWED
    ]
    assert not offending, _violations(
        f"no module over {MAX_LINES} lines (except {', '.join(sorted(LONG_ALLOWED))} and the migrations): split it "
        "by what each part owns",
        offending,
    )


def test_no_import_cycles_between_floors() -> None:
    """Floors import downwards only: a cycle between two floors means one of them reaches up."""
    floors = ("catalogue", "media", "storage", "feeds")
    edges = {
        (_top(found.module), _top(target))
        for found in _all_imports()
        if found.target
        for target in _targets(found)
        if _top(found.module) in floors and _top(target) in floors and _top(target) != _top(found.module)
    }
    cycles = sorted(f"  {a} <-> {b}" for a, b in edges if (b, a) in edges and a < b)
    assert not cycles, _violations("no import cycle between catalogue, media, storage and feeds", cycles)


def test_tests_mirror_the_package() -> None:
    """Every test folder is named after a part of the package (or is a cross-cutting browser/fixture folder)."""
    tests = Path(__file__).resolve().parent
    folders = {p.relative_to(tests) for p in tests.rglob("test_*.py")}
    strays = []
    for test_file in folders:
        parts = test_file.parent.parts
        if not parts:
            continue
        if parts[-1] == "browser":
            parts = parts[:-1]
        if parts and not (PACKAGE.joinpath(*parts).is_dir() or PACKAGE.joinpath(*parts).with_suffix(".py").exists()):
            strays.append(f"  tests/{test_file}")
    assert not strays, _violations("tests/ mirrors media_catalogue/: each test folder names a package folder", strays)
