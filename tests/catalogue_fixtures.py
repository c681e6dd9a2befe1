"""Builds small catalogue folders in a temporary directory for sync, API and page tests."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

PROJECTS = """\
- slug: match
  name: MATCH
  description: Skills mobility between Africa and Europe.
  contact_email: match@iom.int
"""

PEOPLE = """\
- slug: sammy-mahdi
  name: Sammy Mahdi
  affiliation: Belgian Secretary of State for Asylum and Migration
- slug: hans-maertens
  name: Hans Maertens
  affiliation: CEO of Voka
"""

SHOW = """\
title: MATCH podcast
language: en
description: Conversations on labour migration.
author: IOM Belgium and Luxembourg
owner: {name: MATCH team, email: match@iom.int}
category: Government
explicit: false
project: match
translation_group: match-podcast
seasons: {1: "Talent partnerships"}
"""

SHOW_NL = SHOW.replace("title: MATCH podcast", "title: MATCH podcast (NL)").replace("language: en", "language: nl")

EPISODE = """\
---
title: "The global race for talent"
number: 2
season: 1
published: 2022-01-15T10:00:00+01:00
summary: Labour migration and talent partnerships.
people:
  - {person: sammy-mahdi, role: guest}
  - {person: hans-maertens, role: guest}
enclosure_url: https://cdn.example.org/match-2.mp3
enclosure_length: 123456
enclosure_type: audio/mpeg
translation_group: match-ep2
links:
  - {kind: spotify, url: "https://open.spotify.com/episode/0YdR34ixz4HCyh8gNBEI2G", label: Listen on Spotify}
---
Belgium is a **pioneer** of talent partnerships.
"""

VIDEO = """\
---
title: Rob de Lobel presenting MATCH
kind: webinar
url: https://www.youtube.com/watch?v=5qvz8YyPNdg
published: 2021-06
language: en
project: match
people:
  - {person: sammy-mahdi, role: speaker}
---
A presentation of the MATCH project.
"""


FIRST_STEPS = EPISODE.replace("number: 2", "number: 1").replace("2022-01-15", "2021-11-02")


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


def make_catalogue(root: Path) -> Path:
    write(root, "projects.yaml", PROJECTS)
    write(root, "people.yaml", PEOPLE)
    write(root, "match-en/show.yaml", SHOW)
    write(root, "match-nl/show.yaml", SHOW_NL)
    write(root, "match-en/global-race-for-talent.md", EPISODE)
    write(root, "match-nl/wereldwijde-race.md", EPISODE.replace('"The global race for talent"', '"De race"'))
    write(
        root, "match-en/first-steps.md", EPISODE.replace("number: 2", "number: 1").replace("2022-01-15", "2021-11-02")
    )
    write(root, "videos/rob-de-lobel-presenting-match.md", VIDEO)
    return root
