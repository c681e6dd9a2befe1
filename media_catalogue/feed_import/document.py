"""A feed document's bytes to an lxml tree, safely, or a refusal naming what was found and what is accepted.

The parser resolves no entities, loads no DTD, reaches no network and keeps libxml2's limits on huge documents; the
size is bounded by the caller before parsing. Feeds that use the iTunes or Podcasting 2.0 prefixes without
declaring them (a common mistake of hand-written feeds) get the declarations added, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..errors import CatalogueError

ACCEPTED = "accepted: an RSS 2.0 podcast feed (<rss><channel> with <item>s carrying audio or video <enclosure>s)"

ITUNES = "itunes"
PODCAST = "podcast"
CONTENT = "content"
ATOM = "atom"
MEDIA = "media"
YOUTUBE = "yt"
GOOGLEPLAY = "googleplay"

# Declared namespace URI (lower-cased, without trailing slash or scheme variant) -> the short name used here.
KNOWN_NAMESPACES = {
    "www.itunes.com/dtds/podcast-1.0.dtd": ITUNES,
    "podcastindex.org/namespace/1.0": PODCAST,
    "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": PODCAST,
    "purl.org/rss/1.0/modules/content": CONTENT,
    "www.w3.org/2005/atom": ATOM,
    "search.yahoo.com/mrss": MEDIA,
    "www.youtube.com/xml/schemas/2015": YOUTUBE,
    "www.google.com/schemas/play-podcasts/1.0": GOOGLEPLAY,
}
# What an undeclared prefix is taken to mean.
DEFAULT_URIS = {
    ITUNES: "http://www.itunes.com/dtds/podcast-1.0.dtd",
    PODCAST: "https://podcastindex.org/namespace/1.0",
    CONTENT: "http://purl.org/rss/1.0/modules/content/",
    ATOM: "http://www.w3.org/2005/Atom",
    MEDIA: "http://search.yahoo.com/mrss/",
    GOOGLEPLAY: "http://www.google.com/schemas/play-podcasts/1.0",
}
_HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_ROOT_START = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.:-]*)")


class ImportRefused(CatalogueError):
    """A source the importer will not read; the message says what was found and what is accepted."""

    status = 422
    code = "import_refused"


def refuse(found: str, accepted: str = ACCEPTED) -> ImportRefused:
    return ImportRefused(f"refused: found {found}; {accepted}")


@dataclass
class Document:
    root: etree._Element
    warnings: list[str] = field(default_factory=list)


def namespace_of(element: etree._Element) -> str:
    """The short name of an element's namespace ("itunes", "podcast"...), "" for none, the URI when unknown."""
    qname = etree.QName(element)
    if not qname.namespace:
        return ""
    key = re.sub(r"^[a-z]+://", "", qname.namespace.strip().lower()).rstrip("/")
    return KNOWN_NAMESPACES.get(key, qname.namespace)


def local_name(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _declare_missing_prefixes(data: bytes, warnings: list[str]) -> bytes:
    root = _ROOT_START.search(data)
    if root is None:
        return data
    declarations = b""
    for prefix, uri in DEFAULT_URIS.items():
        used = re.search(rb"<" + prefix.encode() + rb":[A-Za-z]", data) is not None
        declared = re.search(rb"xmlns:" + prefix.encode() + rb"\s*=", data) is not None
        if used and not declared:
            declarations += b" xmlns:" + prefix.encode() + b'="' + uri.encode() + b'"'
            warnings.append(
                f"warning: channel: the feed uses the {prefix}: prefix without declaring its namespace; read as {uri}"
            )
    if not declarations:
        return data
    return data[: root.end()] + declarations + data[root.end() :]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False,
        remove_pis=True, remove_comments=True, strip_cdata=True,
    )  # fmt: skip


def _fails_as_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def parse_document(data: bytes, *, base_url: str | None = None) -> Document:
    """Bytes (already bounded) to a tree; refuses empty input, HTML pages, entity declarations and broken XML."""
    warnings: list[str] = []
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise refuse("an empty document")
    if _HTML_START.match(data.removeprefix(b"\xef\xbb\xbf")):
        raise refuse("an HTML page (a web page, not its feed: look for its RSS link)")
    if _ENTITY_DECLARATION.search(data[:65536]):
        raise refuse("an XML document declaring entities (refused for safety)")
    # Blank lines before the XML declaration make a document ill-formed; feeds written by templates often have one.
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    data = bom + data[len(bom) :].lstrip(b" \t\r\n")
    data = _declare_missing_prefixes(data, warnings)
    head = data[:200].lower()
    if b"encoding=" not in head and _fails_as_utf8(data):
        # No declaration and not UTF-8: the usual culprit is Windows-1252/Latin-1 text written by an old tool.
        warnings.append("warning: channel: the feed declares no encoding and is not UTF-8; read as Windows-1252")
        data = data.decode("cp1252", errors="replace").encode("utf-8")
    try:
        root = etree.fromstring(data, _parser(), base_url=base_url) if base_url else etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if b"<html" in data[:4096].lower():
            raise refuse("an HTML page (a web page, not its feed: look for its RSS link)") from None
        raise refuse(f"text that is not well-formed XML ({exc.msg})") from None
    if root is None:
        raise refuse("an empty document")
    return Document(root, warnings)


def rss_channel(document: Document) -> etree._Element:
    """The <channel> of an RSS feed, or a refusal saying what kind of document this is instead."""
    root = document.root
    name, namespace = local_name(root).lower(), namespace_of(root)
    if name == "html":
        raise refuse("an HTML page (a web page, not its feed: look for its RSS link)")
    if name == "feed" and namespace == ATOM:
        raise refuse("an Atom feed (<feed>); podcasts are imported from RSS (videos: `import-videos`)")
    if name == "rdf":
        raise refuse("an RSS 1.0 (RDF) document, which has no enclosures")
    if name != "rss" or namespace:
        raise refuse(f"an XML document whose root is <{name}>, not <rss>")
    redirect = next((el for el in root.iter() if isinstance(el.tag, str) and local_name(el) == "redirect"), None)
    if redirect is not None:
        target = "".join(child.text or "" for child in redirect if local_name(child) == "newLocation")
        target = target or (redirect.text or "")
        raise refuse(f"an RSS <redirect> stub pointing to {target.strip() or 'nowhere'}: import from there instead")
    channel = next((el for el in root if isinstance(el.tag, str) and local_name(el) == "channel"), None)
    if channel is None:
        raise refuse("<rss> without a <channel>")
    return channel
