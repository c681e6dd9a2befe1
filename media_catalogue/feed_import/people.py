"""podcast:person to the catalogue's people and credits, and an item's <link> to an episode link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..catalogue.editing.common import slugify
from ..catalogue.models import Credit, Episode, Link, Person
from ..catalogue.queries import imports as reads
from .values import PersonData

ORIGINAL_LINK = "original"


def _role(role: str) -> str:
    return (role.strip().lower().replace(" ", "-").replace("_", "-") or "guest")[:40]


def replace_credits(
    session: Session,
    credits: list[Credit],
    people: list[PersonData],
) -> None:
    """Make the credits list say exactly what the feed says (same people, roles and order); untouched when equal."""
    slugs = [slugify(p.name)[:120] for p in people]
    wanted = [(slug, _role(p.role)) for slug, p in zip(slugs, people, strict=True)]
    if [(c.person.slug, c.role) for c in credits] == wanted:
        return
    known = reads.people_by_slug(session, slugs)
    for slug, person in zip(slugs, people, strict=True):
        if slug not in known:
            row = Person(slug=slug, name=person.name[:300], image_url=person.img, link=person.href)
            session.add(row)
            known[slug] = row
    credits.clear()
    for position, (slug, role) in enumerate(dict.fromkeys(wanted)):
        credits.append(Credit(person=known[slug], role=role, position=position))


def replace_link(episode: Episode, url: str | None) -> None:
    current = next((link for link in episode.links if link.kind == ORIGINAL_LINK), None)
    if url is None or not url.startswith(("http://", "https://")):
        return
    if current is None:
        episode.links.append(Link(kind=ORIGINAL_LINK, url=url[:2000], label="Page at the previous host"))
    elif current.url != url:
        current.url = url[:2000]
