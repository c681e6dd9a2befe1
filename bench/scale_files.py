"""The text-file catalogue (content/ format: show.yaml and one Markdown file per episode) of a given size, for the
sync part of bench/scale.py: shows of 50 episodes with external enclosures (no media to ingest), two people."""

from __future__ import annotations

from pathlib import Path

from bench.generate import WORDS

SHOW = """title: Generated show {n}
language: en
description: A generated show about {word}.
author: IOM
owner: {{name: IOM, email: podcasts@example.org}}
category: Government
explicit: false
"""

EPISODE = """---
title: "Episode {number} on {word}"
number: {number}
published: 2020-{month:02d}-{day:02d}
summary: About {word} and {other}.
people:
  - {{person: aminata-diallo, role: guest}}
enclosure_url: https://cdn.example.org/{show}/{number}.mp3
enclosure_length: {length}
enclosure_type: audio/mpeg
---
Show notes on **{word}**, {other} and more.
"""


def write_catalogue(root: Path, episodes: int, per_show: int = 50) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "people.yaml").write_text("- slug: aminata-diallo\n  name: Aminata Diallo\n", encoding="utf-8")
    for index in range(episodes):
        show, number = f"show-{index // per_show}", index % per_show + 1
        folder = root / show
        if number == 1:
            folder.mkdir()
            (folder / "show.yaml").write_text(SHOW.format(n=index // per_show, word=WORDS[index % len(WORDS)]))
        words = {"word": WORDS[index % len(WORDS)], "other": WORDS[(index * 7) % len(WORDS)]}
        text = EPISODE.format(number=number, month=number % 12 + 1, day=number % 28 + 1, show=show,
                              length=100_000 + index, **words)  # fmt: skip
        (folder / f"episode-{number}.md").write_text(text, encoding="utf-8")
    return root
