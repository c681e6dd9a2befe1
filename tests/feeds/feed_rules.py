"""The W3C feed validator's rules that apply to our feeds, checked in the tests.

The W3C engine (w3c/feedvalidator, Python) is not published on PyPI, npm or Debian's archive (Debian's last
python-feedvalidator package was for Python 2, in buster), and nothing else can be fetched here; so the tests apply
its rules themselves, each reported under the engine's own message name, as errors or warnings as the engine
classes them. Any finding fails a test: the feeds must give 0 errors and 0 warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.entities import name2codepoint
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from media_catalogue.feeds.apple_categories import is_category, is_subcategory

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
# The engine's list of EBU role codes for media:credit under the default scheme urn:ebu.
EBU_ROLES = {
    "actor", "anchor person", "author", "choreographer", "composer", "conductor", "director", "editor",
    "graphic designer", "grip", "illustrator", "lyricist", "music arranger", "music group", "musician",
    "orchestra", "performer", "photographer", "producer", "reporter", "vocalist",
}  # fmt: skip
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "pre", "script", "span", "strong", "table", "td", "th", "tr", "u", "ul", "iframe", "style",
}  # fmt: skip
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} (\+|-)\d{4}$"
)
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DURATION = re.compile(r"^(\d+|\d+:[0-5]\d|\d+:[0-5]\d:[0-5]\d)$")
MIME = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
END_TAG = re.compile(r"</(\w+)>")
ENTITY = re.compile(r"&(#?\w+);")


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning
    message: str  # the W3C engine's message name
    where: str

    def __str__(self) -> str:
        return f"{self.level} {self.message} at {self.where}"


def _absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _rfc822(value: str | None) -> list[str]:
    if not value or not RFC822.match(value):
        return ["InvalidRFC2822Date"]
    when = parsedate_to_datetime(value)
    if value[:3] != when.strftime("%a"):
        return ["IncorrectDOW"]
    if not 1995 <= when.year <= datetime.now().year + 1:
        return ["ImplausibleDate"]
    return []


def _nonhtml(text: str) -> bool:
    """The engine's ContainsHTML test for plain-text elements (titles): an HTML end tag, or an HTML entity
    reference, in the text after XML decoding."""
    if any(tag.lower() in HTML_TAGS for tag in END_TAG.findall(text)):
        return True
    return any(name in name2codepoint or not name.isalpha() for name in ENTITY.findall(text))


def _html(text: str, where: str) -> list[Finding]:
    """Escaped HTML (description, content:encoded): no script, no event handlers, no relative or javascript: links."""
    findings = []
    if not text.strip():
        return [Finding("warning", "NotBlank", where)]
    fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "iframe", "object", "embed", "meta", "style"}:
            findings.append(Finding("warning", "SecurityRisk", f"{where} <{element.tag}>"))
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                findings.append(Finding("warning", "SecurityRiskAttr", f"{where} {name}"))
            if name in {"href", "src"}:
                if value.strip().lower().startswith("javascript:"):
                    findings.append(Finding("warning", "SecurityRisk", f"{where} {name}"))
                elif not _absolute(value) and not value.startswith("mailto:"):
                    findings.append(Finding("warning", "ContainsRelRef", f"{where} {name}={value}"))
    return findings


def check_rss(data: bytes, *, podcast: bool = True) -> list[Finding]:
    """Every finding of the rules above on an RSS 2.0 feed; `podcast` adds the iTunes elements Apple requires."""
    findings: list[Finding] = []
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and not data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    ):
        findings.append(Finding("warning", "MissingEncoding", "prolog"))
    root = etree.fromstring(data)  # raises on anything not well-formed (the engine's fatal error)
    if root.tag != "rss" or root.get("version") != "2.0":
        return [Finding("error", "InvalidRSSVersion", root.tag)]
    channel = root.find("channel")
    if channel is None:
        return [Finding("error", "MissingElement", "channel")]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            findings.append(Finding("error", "MissingElement", f"channel/{name}"))
    if not _nonhtml_ok(channel.findtext("title")):
        findings.append(Finding("warning", "ContainsHTML", "channel/title"))
    findings += _html(channel.findtext("description") or "", "channel/description")
    language = channel.findtext("language")
    if language is None or not LANGUAGE.match(language):
        findings.append(Finding("error" if language else "warning", "InvalidLanguage", f"channel/language={language}"))
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None:
            findings += [Finding("error", m, f"channel/{name}") for m in _rfc822(channel.findtext(name))]
    self_link = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(self_link) != 1 or not _absolute(self_link[0].get("href")):
        findings.append(Finding("warning", "MissingAtomSelfLink", "channel"))
    if podcast:
        findings += _itunes_channel(channel)
    guids: set[str] = set()
    for index, item in enumerate(channel.findall("item")):
        where = f"item[{index}]"
        findings += _item(item, where, podcast)
        guid = item.findtext("guid")
        if guid in guids:
            findings.append(Finding("warning", "DuplicateEntries", f"{where} guid={guid}"))
        guids.add(guid or "")
    return findings


def _nonhtml_ok(text: str | None) -> bool:
    return text is not None and not _nonhtml(text)


def _itunes_channel(channel: etree._Element) -> list[Finding]:
    findings = []
    image = channel.find(f"{ITUNES}image")
    if image is None or not _absolute(image.get("href")):
        findings.append(Finding("warning", "MissingItunesElement", "itunes:image"))
    category = channel.find(f"{ITUNES}category")
    if category is None:
        findings.append(Finding("warning", "MissingItunesElement", "itunes:category"))
    else:
        if not is_category(category.get("text")):
            findings.append(Finding("error", "InvalidItunesCategory", f"itunes:category={category.get('text')}"))
        for sub in category.findall(f"{ITUNES}category"):
            if not is_subcategory(category.get("text"), sub.get("text")):
                findings.append(Finding("error", "InvalidItunesCategory", f"itunes:category={sub.get('text')}"))
    if channel.findtext(f"{ITUNES}explicit") not in {"true", "false"}:
        findings.append(Finding("warning", "MissingItunesElement", "itunes:explicit"))
    if not (channel.findtext(f"{ITUNES}owner/{ITUNES}email") or "").strip():
        findings.append(Finding("warning", "MissingItunesEmail", "itunes:owner"))
    if not (channel.findtext(f"{ITUNES}author") or "").strip():
        findings.append(Finding("warning", "MissingItunesElement", "itunes:author"))
    return findings


def _item(item: etree._Element, where: str, podcast: bool) -> list[Finding]:
    findings = []
    title = item.findtext("title")
    if not (title or "").strip() and not (item.findtext("description") or "").strip():
        findings.append(Finding("error", "ItemMustContainTitleOrDescription", where))
    if title is not None and _nonhtml(title):
        findings.append(Finding("warning", "ContainsHTML", f"{where}/title"))
    if item.find("guid") is None:
        findings.append(Finding("warning", "MissingGuid", where))
    elif item.find("guid").get("isPermaLink", "true") == "true" and not _absolute(item.findtext("guid")):
        findings.append(Finding("error", "InvalidHttpGUID", where))
    if item.find("pubDate") is not None:
        findings += [Finding("error", m, f"{where}/pubDate") for m in _rfc822(item.findtext("pubDate"))]
    findings += _html(item.findtext("description") or "", f"{where}/description")
    if item.find(f"{CONTENT}encoded") is not None:
        findings += _html(item.findtext(f"{CONTENT}encoded") or "", f"{where}/content:encoded")
    enclosures = item.findall("enclosure")
    if len(enclosures) > 1:
        findings.append(Finding("warning", "DuplicateEnclosure", where))
    for enclosure in enclosures:
        if not _absolute(enclosure.get("url")):
            findings.append(Finding("error", "InvalidURLAttribute", f"{where}/enclosure"))
        if not (enclosure.get("length") or "").isdigit() or int(enclosure.get("length") or 0) <= 0:
            findings.append(Finding("warning", "InvalidIntegerAttribute", f"{where}/enclosure length"))
        if not MIME.match(enclosure.get("type") or ""):
            findings.append(Finding("error", "InvalidMIMEAttribute", f"{where}/enclosure type"))
    if podcast:
        if not enclosures:
            findings.append(Finding("warning", "MissingItunesElement", f"{where}/enclosure"))
        duration = item.findtext(f"{ITUNES}duration")
        if duration is not None and not DURATION.match(duration):
            findings.append(Finding("error", "InvalidDuration", f"{where}/itunes:duration"))
    for credit in item.iter(f"{MEDIA}credit"):
        scheme = credit.get("scheme", "urn:ebu")
        if scheme == "urn:ebu" and credit.get("role") not in EBU_ROLES:
            findings.append(Finding("error", "InvalidCreditRole", f"{where} role={credit.get('role')}"))
    for content in item.iter(f"{MEDIA}content"):
        if content.get("url") is None and content.find(f"{MEDIA}player") is None:
            findings.append(Finding("error", "MissingAttribute", f"{where}/media:content url"))
    for element in list(item.iter(f"{MEDIA}player")) + list(item.iter(f"{MEDIA}thumbnail")):
        if not _absolute(element.get("url")):
            findings.append(Finding("error", "InvalidURLAttribute", f"{where}/{element.tag}"))
    return findings
