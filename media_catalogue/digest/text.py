"""The digest as plain text (the email's text part) and as Markdown (the office's website): the same content as
the HTML, every link written out."""

from __future__ import annotations

import re

from .view import DigestView, EntryView, GroupView, Item

SEPARATOR = " · "
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _text_item(item: Item, people_label: str, indent: str = "  ") -> list[str]:
    lines = [f"{indent}{item.title}"]
    meta = SEPARATOR.join(bit for bit in (item.label, item.when) if bit)
    if meta:
        lines.append(f"{indent}{meta}")
    if item.summary:
        lines.append(f"{indent}{item.summary}")
    if item.people:
        lines.append(f"{indent}{people_label} {item.people}")
    lines.append(f"{indent}{item.action.label}: {item.action.url}")
    lines += [f"{indent}{link.label}: {link.url}" for link in (*item.links, *item.versions)]
    return lines


def _text_group(group: GroupView, people_label: str) -> list[str]:
    lines = ["", group.title, "-" * len(group.title)]
    lines += [f"{link.label}: {link.url}" for link in group.links]
    for entry in group.entries:
        lines.append("")
        if entry.title:
            lines.append(f"  {entry.title} ({entry.note})")
            for number, item in enumerate(entry.items, 1):
                lines += [""] + _text_item(item, people_label, indent=f"  {number}. ")[:1]
                lines += _text_item(item, people_label, indent="     ")[1:]
        else:
            lines += _text_item(entry.items[0], people_label)
    return lines


def render_text(view: DigestView) -> str:
    lines = [view.title.upper(), view.period, "", view.intro]
    for section in view.sections:
        lines += ["", "", f"== {section.title} =="]
        if section.url:
            lines.append(section.url)
        for group in section.groups:
            lines += _text_group(group, view.people_label)
    if not view.sections:
        lines += ["", view.empty]
    lines += ["", "", f"{view.footer}: {view.home}"]
    return "\n".join(lines) + "\n"


def _md_links(item: Item) -> str:
    links = [f"[{_md(item.action.label)} →]({item.action.url})"]
    links += [f"[{_md(link.label)}]({link.url})" for link in (*item.links, *item.versions)]
    return SEPARATOR.join(links)


def _md_item(item: Item, people_label: str) -> list[str]:
    lines = []
    if item.image:
        lines.append(f"![{_md(item.image.alt)}]({item.image.url})")
        lines.append("")
    meta = SEPARATOR.join(bit for bit in (item.label, item.when) if bit)
    body = [f"**[{_md(item.title)}]({item.action.url})**"]
    if meta:
        body.append(f"*{_md(meta)}*")
    if item.summary:
        body.append(_md(item.summary))
    if item.people:
        body.append(f"{_md(people_label)} {_md(item.people)}")
    body.append(_md_links(item))
    return lines + ["  \n".join(body), ""]


def _md_series(entry: EntryView, people_label: str) -> list[str]:
    lines = []
    if entry.image:
        lines += [f"![{_md(entry.image.alt)}]({entry.image.url})", ""]
    lines += [f"**{_md(entry.title)}** ({_md(entry.note)})", ""]
    for number, item in enumerate(entry.items, 1):
        details = SEPARATOR.join(
            bit for bit in (item.when, f"{people_label} {item.people}" if item.people else "") if bit
        )
        line = f"{number}. [{_md(item.title)}]({item.action.url})"
        if details:
            line += f"  \n   {_md(details)}"
        extra = [f"[{_md(link.label)}]({link.url})" for link in (*item.links, *item.versions)]
        if extra:
            line += "  \n   " + SEPARATOR.join(extra)
        lines.append(line)
    return lines + [""]


def render_markdown(view: DigestView) -> str:
    lines = [f"# {_md(view.title)}", "", f"*{_md(view.period)}*", "", _md(view.intro), ""]
    for section in view.sections:
        title = f"[{_md(section.title)}]({section.url})" if section.url else _md(section.title)
        lines += [f"## {title}", ""]
        for group in section.groups:
            lines += [f"### {_md(group.title)}", ""]
            if group.links:
                lines += [SEPARATOR.join(f"[{_md(link.label)}]({link.url})" for link in group.links), ""]
            for entry in group.entries:
                lines += (
                    _md_series(entry, view.people_label) if entry.title else _md_item(entry.items[0], view.people_label)
                )
    if not view.sections:
        lines += [_md(view.empty), ""]
    lines += [f"[{_md(view.footer)}]({view.home})", ""]
    return "\n".join(lines)
