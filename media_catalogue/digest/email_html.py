"""The digest as email-safe HTML: what survives Gmail, Outlook and Apple Mail.

Table layout (role="presentation"), every style inline (written once as CSS below, inlined by css-inline, a
maintained Rust inliner; the <style> block is then dropped, since several clients strip it), absolute URLs, images
with width, height and alt text, no script. The layout is fluid (600 px at most), so it needs no media query.

Dark mode: clients either leave the colours alone or invert them. Every text sits on a background set on its own
cell, with contrast of at least 7:1, and no image relies on transparency, so either way stays readable; the
color-scheme meta tells clients that both are fine.
"""

from __future__ import annotations

from html import escape

import css_inline

from .view import DigestView, EntryView, GroupView, Image, Item, Link, SectionView

CSS = """
body { margin: 0; padding: 0; background-color: #eef0f3; color: #1b2430; }
.outer { width: 100%; border-collapse: collapse; background-color: #eef0f3; }
.outer-cell { padding: 16px 8px; }
.container { width: 100%; max-width: 600px; margin: 0 auto; border-collapse: collapse; background-color: #ffffff; }
.cell { padding: 16px; font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.45;
        color: #1b2430; background-color: #ffffff; overflow-wrap: break-word; word-wrap: break-word; }
h1 { margin: 0 0 4px; font-size: 24px; line-height: 1.25; color: #14213d; }
h2 { margin: 8px 0 4px; padding-top: 12px; border-top: 2px solid #14213d; font-size: 20px; color: #14213d; }
h3 { margin: 16px 0 4px; font-size: 17px; color: #14213d; }
p { margin: 0 0 6px; }
a { color: #0b4f99; text-decoration: underline; }
.period { color: #3d4a5c; font-size: 14px; }
.links { font-size: 14px; color: #3d4a5c; }
.item { width: 100%; border-collapse: collapse; margin: 10px 0 14px; }
.media { width: 96px; padding: 2px 12px 0 0; vertical-align: top; }
.media img { display: block; border: 0; border-radius: 4px; }
.text { vertical-align: top; padding: 0; }
.meta { font-size: 13px; color: #3d4a5c; }
.title { font-size: 16px; font-weight: bold; }
.title a { color: #14213d; }
.action { font-weight: bold; }
.parts { margin: 4px 0 8px; padding-left: 20px; }
.parts li { margin: 0 0 6px; }
.footer { font-size: 13px; color: #3d4a5c; border-top: 1px solid #c9ced6; }
"""

_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
SEPARATOR = " · "


def _lang(code: str | None) -> str:
    return f' lang="{escape(code)}"' if code else ""


def _link(link: Link, css: str = "") -> str:
    hreflang = f' hreflang="{escape(link.hreflang)}"' if link.hreflang else ""
    classes = f' class="{css}"' if css else ""
    return f'<a href="{escape(link.url)}"{hreflang}{classes}>{escape(link.label)}</a>'


def _image(image: Image) -> str:
    return f'<img src="{escape(image.url)}" width="{image.width}" height="{image.height}" alt="{escape(image.alt)}">'


def _row(image: Image | None, body: str) -> str:
    media = f'<td class="media">{_image(image)}</td>' if image else ""
    return f'<table role="presentation" class="item"><tr>{media}<td class="text">{body}</td></tr></table>'


def _meta(item: Item) -> str:
    bits = [bit for bit in (item.label, item.when) if bit]
    return f'<p class="meta">{escape(SEPARATOR.join(bits))}</p>' if bits else ""


def _actions(item: Item) -> str:
    links = [_link(Link(item.action.label + " →", item.action.url), "action")]
    links += [_link(link) for link in (*item.links, *item.versions)]
    return f'<p class="links">{SEPARATOR.join(links)}</p>'


def _item(item: Item, people_label: str) -> str:
    body = _meta(item)
    body += f'<p class="title"{_lang(item.title_lang)}><a href="{escape(item.action.url)}">{escape(item.title)}</a></p>'
    if item.summary:
        body += f"<p{_lang(item.title_lang)}>{escape(item.summary)}</p>"
    if item.people:
        body += f'<p class="meta">{escape(people_label)} {escape(item.people)}</p>'
    return _row(item.image, body + _actions(item))


def _series(entry: EntryView, people_label: str) -> str:
    parts = []
    for item in entry.items:
        line = f'<a href="{escape(item.action.url)}"{_lang(item.title_lang)}>{escape(item.title)}</a>'
        details = [bit for bit in (item.when, f"{people_label} {item.people}" if item.people else "") if bit]
        if details:
            line += f'<br><span class="meta">{escape(SEPARATOR.join(details))}</span>'
        extra = [_link(link) for link in (*item.links, *item.versions)]
        if extra:
            line += f'<br><span class="links">{SEPARATOR.join(extra)}</span>'
        parts.append(f"<li>{line}</li>")
    body = f'<p class="meta">{escape(entry.note)}</p><p class="title">{escape(entry.title)}</p>'
    return _row(entry.image, body + f'<ol class="parts">{"".join(parts)}</ol>')


def _group(group: GroupView, people_label: str) -> str:
    out = f"<h3{_lang(group.title_lang)}>{escape(group.title)}</h3>"
    if group.links:
        out += f'<p class="links">{SEPARATOR.join(_link(link) for link in group.links)}</p>'
    for entry in group.entries:
        out += _series(entry, people_label) if entry.title else _item(entry.items[0], people_label)
    return out


def _section(section: SectionView, people_label: str) -> str:
    title = f'<a href="{escape(section.url)}">{escape(section.title)}</a>' if section.url else escape(section.title)
    body = "".join(_group(group, people_label) for group in section.groups)
    return f'<tr><td class="cell"><h2>{title}</h2>{body}</td></tr>'


def render_html(view: DigestView) -> str:
    people_label, footer = view.people_label, view.footer
    sections = "".join(_section(s, people_label) for s in view.sections)
    if not sections:
        sections = f'<tr><td class="cell"><p>{escape(view.empty)}</p></td></tr>'
    page = (
        f'<!DOCTYPE html><html lang="{escape(view.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(view.title)} · {escape(view.period)}</title><style>{CSS}</style></head>"
        '<body><table role="presentation" class="outer"><tr><td class="outer-cell">'
        '<table role="presentation" class="container">'
        f'<tr><td class="cell"><h1>{escape(view.title)}</h1><p class="period">{escape(view.period)}</p>'
        f"<p>{escape(view.intro)}</p></td></tr>{sections}"
        f'<tr><td class="cell footer"><a href="{escape(view.home)}">{escape(footer)}</a></td></tr>'
        "</table></td></tr></table></body></html>"
    )
    return str(_INLINER.inline(page))
