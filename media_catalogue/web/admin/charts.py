"""Charts drawn on the server as SVG (no script): bars with their numbers written on or above them and a text
summary, so they read without colour and without sight of the chart (role=img with a title and description)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 40, 28, 16


def bars(title: str, labels: Sequence[str], values: Sequence[int], summary: str) -> Markup:
    """One bar per label (a day, an app); the value above each bar when there is room, every fifth label below."""
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    top = max(max(values, default=0), 1)
    step = plot_w / max(len(values), 1)
    parts = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" stroke="#222"/>',
             f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
             f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>']  # fmt: skip
    every = max(1, len(labels) // 12)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = LEFT + i * step + step * 0.15
        w = max(step * 0.7, 1)
        parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#222">'
                     f"<title>{escape(label)}: {value}</title></rect>")  # fmt: skip
        if value and step >= 14:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{TOP + plot_h - h - 3:.1f}" text-anchor="middle" '
                         f'font-size="10">{value}</text>')  # fmt: skip
        if i % every == 0:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="10">'
                         f"{escape(label[-5:])}</text>")  # fmt: skip
    return _svg(title, summary, parts)


def paired(title: str, labels: Sequence[str], first: Sequence[int], second: Sequence[int], names: tuple[str, str],
           summary: str) -> Markup:  # fmt: skip
    """Two bars per label, told apart by fill (solid, hatched) and by a legend in words, values written on them."""
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM - 14
    top = max(max([*first, *second], default=0), 1)
    step = plot_w / max(len(labels), 1)
    parts = ['<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="3"/></pattern></defs>',
             f'<rect x="{LEFT}" y="2" width="10" height="10" fill="#222"/>'
             f'<text x="{LEFT + 14}" y="11" font-size="11">{escape(names[0])}</text>',
             f'<rect x="{LEFT + 160}" y="2" width="10" height="10" fill="url(#hatch)" stroke="#222"/>'
             f'<text x="{LEFT + 174}" y="11" font-size="11">{escape(names[1])}</text>']  # fmt: skip
    base = TOP + 14 + plot_h
    for i, label in enumerate(labels):
        for j, (value, fill) in enumerate(((first[i], "#222"), (second[i], "url(#hatch)"))):
            h = plot_h * value / top
            w = max(step * 0.35, 1)
            x = LEFT + i * step + step * 0.1 + j * w
            parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
                         f'stroke="#222"><title>{escape(label)} · {escape(names[j])}: {value}</title></rect>'
                         f'<text x="{x + w / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" font-size="10">'
                         f"{value}</text>")  # fmt: skip
        parts.append(f'<text x="{LEFT + i * step + step / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                     f'font-size="10">{escape(label[:14])}</text>')  # fmt: skip
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - 8}" y2="{base}" stroke="#222"/>')
    return _svg(title, summary, parts)


def _svg(title: str, summary: str, parts: list[str]) -> Markup:
    return Markup(  # noqa: S704 - every text put in the SVG went through escape()
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}. {escape(summary)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="sans-serif"><title>{escape(title)}</title><desc>{escape(summary)}</desc>{"".join(parts)}</svg>'
    )
