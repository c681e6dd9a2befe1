"""The scale benchmark's plot as a hand-written SVG (no plotting library needed): p95 in ms of each page type,
the API and search against catalogue size (log scale), with the 50 ms and 100 ms targets."""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 820, 480, 60, 50, 30, 190
TITLE = "Uncached p95 (ms, capped at 1 s) against catalogue size (episodes)"
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#000000"]  # fmt: skip


def write_svg(path: Path, results: dict[int, dict[str, tuple[float, float]]], sync: dict[int, float]) -> None:
    sizes = sorted(results)
    kinds = sorted({kind for row in results.values() for kind in row})
    top = min(1000.0, max([100.0, *(row[k][1] for row in results.values() for k in row if row[k][1] == row[k][1])]))
    low, high = math.log10(min(sizes)) - 0.1, math.log10(max(sizes)) + 0.1

    def x(size: float) -> float:
        return LEFT + (math.log10(size) - low) / (high - low) * (WIDTH - LEFT - RIGHT)

    def y(ms: float) -> float:
        return HEIGHT - BOTTOM - ms / top * (HEIGHT - BOTTOM - TOP)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
             'font-size="12">', '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{LEFT}" y="18" font-size="14">{TITLE}</text>',
             f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="black"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="black"/>']  # fmt: skip
    for size in sizes:
        parts.append(f'<text x="{x(size):.0f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{size:,}</text>')
    for target in (50, 100):
        parts.append(f'<line x1="{LEFT}" y1="{y(target):.1f}" x2="{WIDTH - RIGHT}" y2="{y(target):.1f}" '
                     f'stroke="#999" stroke-dasharray="4 4"/><text x="{LEFT - 6}" y="{y(target) + 4:.1f}" '
                     f'text-anchor="end">{target}</text>')  # fmt: skip
    for n, kind in enumerate(kinds):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(
            f"{x(s):.1f},{y(min(top, results[s][kind][1])):.1f}"
            for s in sizes
            if kind in results[s] and results[s][kind][1] == results[s][kind][1]
        )  # nan: not measured
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        legend_y = TOP + 16 * n
        parts.append(f'<rect x="{WIDTH - RIGHT + 15}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{WIDTH - RIGHT + 30}" y="{legend_y + 9}">{escape(kind)}</text>')  # fmt: skip
    note = ", ".join(f"{count:,}: {seconds:.1f} s" for count, seconds in sorted(sync.items()))
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 10}">sync of text files ({escape(note)})</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
