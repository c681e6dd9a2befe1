"""Reads the editable catalogue folder (episodes/) into validated specs; every problem names file, line and field.
Nothing here touches the database: sync.py does."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import ValidationError

from ..catalogue.editing.common import show_slug_problem
from ..errors import ContentError
from .specs import (
    MAX_SLUG,
    SLUG,
    URL,
    EpisodeSpec,
    PersonSpec,
    ProjectSpec,
    ShowSpec,
    Spec,
    VideoSpec,
)

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.DOTALL | re.MULTILINE)

SpecT = TypeVar("SpecT")
ModelT = TypeVar("ModelT", bound="Spec")


@dataclass
class Loaded(Generic[SpecT]):  # noqa: UP046 - Python 3.11
    """One item read from a file: its spec, where it came from and a hash of everything it depends on."""

    slug: str
    spec: SpecT
    path: Path
    content_hash: str
    body: str = ""
    scope: str = ""  # the show slug, for episodes


@dataclass
class ContentTree:
    root: Path
    projects: list[Loaded[ProjectSpec]] = field(default_factory=list)
    people: list[Loaded[PersonSpec]] = field(default_factory=list)
    shows: list[Loaded[ShowSpec]] = field(default_factory=list)
    episodes: list[Loaded[EpisodeSpec]] = field(default_factory=list)
    videos: list[Loaded[VideoSpec]] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    # Files seen, valid or not: an invalid file must not count as "removed".
    seen_paths: set[str] = field(default_factory=set)

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key, so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {}
    for key_node, _ in node.value:
        lines[loader.construct_object(key_node, deep=True)] = key_node.start_mark.line + 1
    mapping["__lines__"] = lines  # type: ignore[index]
    mapping["__line__"] = node.start_mark.line + 1  # type: ignore[index]
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k not in ("__lines__", "__line__")}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _line_of(raw: Any, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the parsed YAML to the line of the deepest key found."""
    line = raw.get("__line__") if isinstance(raw, dict) else None
    node = raw
    for part in loc:
        if isinstance(node, dict):
            line = node.get("__lines__", {}).get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get("__line__", line)
        else:
            break
    return line


def _load_yaml(text: str, rel: str, line_offset: int = 0) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed bracket's line), the most useful place.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        raise ContentError(rel, f"not valid YAML: {exc.problem}", line=line) from None


def _validate(model: type[ModelT], raw: Any, rel: str, line_offset: int = 0) -> ModelT:
    if not isinstance(raw, dict):
        raise ContentError(rel, "expected a mapping of keys to values", line=1 + line_offset)
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(raw, loc)
        where = ".".join(str(part) for part in loc) or "file"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (see episodes/README.md for the accepted keys)"
        elif error["type"] == "missing":
            message = "this key is required"
        raise ContentError(
            rel,
            f"{where}: {message}",
            line=(line + line_offset) if line else None,
            field=where,
        ) from None


def split_front_matter(text: str, rel: str) -> tuple[str, str]:
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(rel, "missing front matter: the file must start with a line '---'", line=1)
    return match.group(1), text[match.end() :]


def file_hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _referenced_files(spec: Any) -> list[str]:
    refs = []
    for name in ("audio", "video", "artwork", "chapters"):
        value = getattr(spec, name, None)
        if value and not URL.match(value):
            refs.append(value)
    refs.extend(t.file for t in getattr(spec, "transcripts", []))
    return refs


def _hash_with_references(path: Path, raw_bytes: bytes, spec: Any, rel: str, root: Path) -> str:
    parts = [raw_bytes]
    for ref in _referenced_files(spec):
        ref_path = resolve_reference(path, ref, rel, root)
        parts.append(_file_digest(ref_path).encode())
    return file_hash(*parts)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_reference(path: Path, ref: str, rel: str, root: Path) -> Path:
    """A file named in a content file, relative to it. It must stay inside the catalogue folder: a content file can
    name ../_media/x.mp3, never ../../../etc/passwd."""
    if "\x00" in ref or ref.startswith(("/", "\\")) or "\\" in ref:
        raise ContentError(rel, f"'{ref}' must be a path relative to this file, with forward slashes")
    target = (path.parent / ref).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ContentError(rel, f"'{ref}' is outside the catalogue folder; keep media files inside it")
    if not target.is_file():
        raise ContentError(rel, f"'{ref}' does not exist (paths are relative to this file)")
    return target


def _read(path: Path, rel: str) -> tuple[bytes, str]:
    raw = path.read_bytes()
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(rel, f"not UTF-8 text (byte {exc.start})") from None


def _list_file(tree: ContentTree, name: str, model: type[Any]) -> Iterator[Loaded[Any]]:
    path = tree.root / name
    if not path.is_file():
        return
    rel = tree.relative(path)
    tree.seen_paths.add(rel)
    try:
        raw_bytes, text = _read(path, rel)
        data = _load_yaml(text, rel)
    except ContentError as exc:
        tree.errors.append(exc)
        return
    if data is None:
        return
    if not isinstance(data, list):
        tree.errors.append(ContentError(rel, "expected a list of entries, each starting with '- slug:'", line=1))
        return
    slugs: set[str] = set()
    for entry in data:
        try:
            spec = _validate(model, entry, rel)
            if spec.slug in slugs:
                raise ContentError(rel, f"slug '{spec.slug}' appears twice", line=entry.get("__line__"))
            slugs.add(spec.slug)
            digest = file_hash(repr(sorted(_strip_lines(entry).items())).encode())
            yield Loaded(slug=spec.slug, spec=spec, path=path, content_hash=digest)
        except ContentError as exc:
            tree.errors.append(exc)


def _markdown_item(tree: ContentTree, path: Path, model: type[ModelT], scope: str = "") -> Loaded[ModelT]:
    rel = tree.relative(path)
    raw_bytes, text = _read(path, rel)
    front, body = split_front_matter(text, rel)
    spec = _validate(model, _load_yaml(front, rel, line_offset=1), rel, line_offset=1)
    slug = _check_file_slug(path.stem, rel)
    digest = _hash_with_references(path, raw_bytes, spec, rel, tree.root)
    return Loaded(slug=slug, spec=spec, path=path, content_hash=digest, body=body.strip(), scope=scope)


def _check_file_slug(stem: str, rel: str) -> str:
    if not SLUG.match(stem) or len(stem) > MAX_SLUG:
        raise ContentError(
            rel, f"the file name '{stem}' is not a slug: use lowercase letters, digits and hyphens ({MAX_SLUG} at most)"
        )
    return stem


def load_tree(root: Path) -> ContentTree:
    """Read every file under root; collect errors instead of stopping at the first."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError(str(root), "is not a folder")
    tree = ContentTree(root=root)
    tree.projects.extend(_list_file(tree, "projects.yaml", ProjectSpec))
    tree.people.extend(_list_file(tree, "people.yaml", PersonSpec))
    for show_file in sorted(root.glob("*/show.yaml")):
        folder = show_file.parent
        rel = tree.relative(show_file)
        tree.seen_paths.add(rel)
        try:
            slug = _check_file_slug(folder.name, rel)
            if problem := show_slug_problem(slug):
                raise ContentError(rel, f"the folder name: {problem}")
            raw_bytes, text = _read(show_file, rel)
            spec = _validate(ShowSpec, _load_yaml(text, rel), rel)
            digest = _hash_with_references(show_file, raw_bytes, spec, rel, root)
            tree.shows.append(Loaded(slug=slug, spec=spec, path=show_file, content_hash=digest))
        except ContentError as exc:
            tree.errors.append(exc)
        for episode_file in sorted(folder.glob("*.md")):
            if episode_file.name.lower() == "readme.md":
                continue
            tree.seen_paths.add(tree.relative(episode_file))
            try:
                tree.episodes.append(_markdown_item(tree, episode_file, EpisodeSpec, scope=folder.name))
            except ContentError as exc:
                tree.errors.append(exc)
    for video_file in sorted((root / "videos").glob("*.md")):
        if video_file.name.lower() == "readme.md":
            continue
        tree.seen_paths.add(tree.relative(video_file))
        try:
            tree.videos.append(_markdown_item(tree, video_file, VideoSpec))
        except ContentError as exc:
            tree.errors.append(exc)
    return tree
