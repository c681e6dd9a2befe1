"""The read behind the newsletter's media section (issue 18): every live episode and published video of a period,
grouped the way the office's newsletters group them, from the catalogue's own facts, never from names:

- a section per project (the show's project for episodes, the video's own for videos), then one for the rest;
- in a section, a group per podcast (shows sharing a `translation_group` are one podcast in several languages), a
  group per video series (`Video.series`, two videos at least, as on the site), and one for the other videos;
- in a podcast, an entry per episode, except that the episodes of a named season (`Season.name`, e.g. "IDAHOBIT
  2021") are one entry with its parts, a mini-series, when at least two of them are in the period;
- an episode in several languages (`Episode.translation_group`) is listed once, in the digest's language when it
  exists, else English, else the first language, with the others as versions ("Also in Dutch");
- a video that is the video version of a listed episode (`Video.episode`) is shown with that episode.

A date known only to the month or year stands for its first day, as in the feeds: "2021" is in any period that
contains 1 January 2021.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...errors import Invalid, NotFound
from ..dates import day_instant, local_day
from ..models import Credit, DigestMark, Episode, Project, Season, Show, Status, Video
from . import episode_loading, live_filter, show_translations
from .videos import MIN_SERIES

DIGEST_LANGUAGES = ("en", "fr", "nl")
MAX_DAYS = 3 * 366  # three years: more is not a newsletter, and it bounds the work


@dataclass
class Part:
    """One episode (with its versions in other languages and its video versions) or one video."""

    episode: Episode | None = None
    video: Video | None = None
    versions: list[Episode] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)

    @property
    def day(self) -> date | None:
        if self.episode is not None and self.episode.published_at is not None:
            return local_day(self.episode.published_at, self.episode.show.timezone)
        return self.video.published_on if self.video is not None else None

    @property
    def title(self) -> str:
        return self.episode.title if self.episode is not None else self.video.title if self.video else ""


@dataclass
class Entry:
    parts: list[Part]
    season: Season | None = None  # a named season: the entry is a mini-series

    @property
    def is_series(self) -> bool:
        return self.season is not None


@dataclass
class Group:
    show: Show | None = None  # a podcast, shown in the digest's language where it has that version
    show_versions: list[Show] = field(default_factory=list)
    series: str | None = None  # a video series
    entries: list[Entry] = field(default_factory=list)

    @property
    def parts(self) -> list[Part]:
        return [part for entry in self.entries for part in entry.parts]


@dataclass
class Section:
    project: Project | None
    groups: list[Group] = field(default_factory=list)


@dataclass
class Digest:
    start: date
    end: date
    language: str
    sections: list[Section]

    @property
    def parts(self) -> list[Part]:
        return [part for section in self.sections for group in section.groups for part in group.parts]


def check_period(start: date, end: date) -> None:
    if end < start:
        raise Invalid(f"The period ends ({end}) before it starts ({start}).", field="to")
    if (end - start).days > MAX_DAYS:
        raise Invalid(f"A digest covers at most {MAX_DAYS} days; choose a shorter period.", field="from")


def check_language(language: str) -> None:
    if language not in DIGEST_LANGUAGES:
        raise Invalid(f"'{language}' is not a digest language; use one of {', '.join(DIGEST_LANGUAGES)}.", field="lang")


def projects_by_slug(session: Session, slugs: Iterable[str]) -> list[Project]:
    wanted = list(dict.fromkeys(slugs))
    found = {p.slug: p for p in session.scalars(select(Project).where(Project.slug.in_(wanted)))} if wanted else {}
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise NotFound(f"No project is called '{missing[0]}'.", field="project")
    return [found[slug] for slug in wanted]


def _rank(language: str | None, wanted: str) -> tuple[int, str]:
    code = (language or "").split("-")[0].lower()
    return (0 if code == wanted else 1 if code == "en" else 2, code)


def _episodes(session: Session, start: date, end: date, projects: Sequence[Project]) -> list[Episode]:
    statement = live_filter(select(Episode)).where(
        Episode.published_at >= day_instant(start - timedelta(days=1), "UTC"),
        Episode.published_at <= day_instant(end + timedelta(days=1), "UTC"),
    )
    if projects:
        statement = statement.join(Show, Episode.show_id == Show.id).where(
            Show.project_id.in_([p.id for p in projects])
        )
    rows = session.scalars(statement.options(*episode_loading(), selectinload(Episode.show).selectinload(Show.project)))
    return [e for e in rows if e.published_at and start <= local_day(e.published_at, e.show.timezone) <= end]


def _videos(session: Session, start: date, end: date, projects: Sequence[Project]) -> list[Video]:
    statement = select(Video).where(
        Video.status == Status.published, Video.published_on >= start, Video.published_on <= end
    )
    if projects:
        statement = statement.where(Video.project_id.in_([p.id for p in projects]))
    options = (
        selectinload(Video.project),
        selectinload(Video.credits).selectinload(Credit.person),
        selectinload(Video.links),
        selectinload(Video.episode),
    )
    return list(session.scalars(statement.options(*options)))


def _versions(session: Session, groups: set[str]) -> dict[str, list[Episode]]:
    """Every live episode of these translation groups, whatever its date or project: a version is linked even when
    it came out before the period."""
    found: dict[str, list[Episode]] = {}
    if groups:
        statement = live_filter(select(Episode)).where(Episode.translation_group.in_(sorted(groups)))
        for episode in session.scalars(statement.options(selectinload(Episode.show))):
            found.setdefault(episode.translation_group or "", []).append(episode)
    return found


def _order(parts: list[Part]) -> list[Part]:
    """Oldest first, as they came out; on the same day by number (an unnumbered one first), then in the catalogue's
    order (the order the feeds use), then by title."""

    def key(part: Part) -> tuple[date, int, float, int, str]:
        episode = part.episode
        number = episode.number if episode is not None and episode.number is not None else -1
        instant = episode.published_at.timestamp() if episode is not None and episode.published_at else 0.0
        row = episode.id if episode is not None else part.video.id if part.video is not None else 0
        return (part.day or date.max, number, instant, row if episode is not None else 0, part.title)

    return sorted(parts, key=key)


def _podcast_groups(session: Session, parts: list[Part], language: str) -> list[Group]:
    by_podcast: dict[str, list[Part]] = {}
    for part in parts:
        assert part.episode is not None
        show = part.episode.show
        by_podcast.setdefault(show.translation_group or f"show:{show.id}", []).append(part)
    groups = []
    for podcast_parts in by_podcast.values():
        shows = {p.episode.show.id: p.episode.show for p in podcast_parts if p.episode is not None}
        first = next(iter(shows.values()))
        family = [first, *show_translations(session, first)]
        show = min(family, key=lambda s: (_rank(s.language, language), s.id))
        entries: list[Entry] = []
        seasons: dict[tuple[int, int], Entry] = {}
        for part in _order(podcast_parts):
            episode = part.episode
            assert episode is not None
            named = {s.number: s for s in episode.show.seasons if s.name}
            season = named.get(episode.season) if episode.season is not None else None
            if season is None:
                entries.append(Entry([part]))
            elif (episode.show_id, season.number) in seasons:
                seasons[(episode.show_id, season.number)].parts.append(part)
            else:
                seasons[(episode.show_id, season.number)] = entry = Entry([part], season=season)
                entries.append(entry)
        # one episode of a named season in the period is an episode, not a mini-series (as for video series)
        entries = [Entry(e.parts) if e.season is not None and len(e.parts) < MIN_SERIES else e for e in entries]
        groups.append(Group(show=show, show_versions=[s for s in family if s.id != show.id], entries=entries))
    return sorted(groups, key=lambda g: (g.show.title.casefold() if g.show else "", g.show.id if g.show else 0))


def _video_groups(videos: list[Video]) -> list[Group]:
    series: dict[str, list[Video]] = {}
    for video in videos:
        if video.series:
            series.setdefault(video.series, []).append(video)
    groups = [
        Group(series=name, entries=[Entry([p]) for p in _order([Part(video=v) for v in members])])
        for name, members in sorted(series.items())
        if len(members) >= MIN_SERIES
    ]
    in_series = {id(v) for g in groups for p in g.parts for v in [p.video]}
    alone = [Part(video=v) for v in videos if id(v) not in in_series]
    if alone:
        groups.append(Group(entries=[Entry([p]) for p in _order(alone)]))
    return groups


def _parts(
    session: Session, episodes: list[Episode], videos: list[Video], language: str
) -> tuple[list[Part], list[Video]]:
    """One part per episode (its versions in other languages merged in, the digest's language first) with its video
    versions attached; and the videos that stand alone."""
    versions = _versions(session, {e.translation_group for e in episodes if e.translation_group})
    parts: list[Part] = []
    seen: set[str] = set()
    for episode in sorted(episodes, key=lambda e: (_rank(e.show.language, language), e.id)):
        group = episode.translation_group
        if group and group in seen:
            continue  # a version of an episode already listed
        family = versions.get(group, [episode]) if group else [episode]
        if group:
            seen.add(group)
        parts.append(Part(episode=episode, versions=[e for e in family if e.id != episode.id]))
    by_episode = {e.id: part for part in parts for e in [part.episode, *part.versions] if e is not None}
    standalone = []
    for video in sorted(videos, key=lambda v: (v.published_on or date.max, v.title)):
        if video.episode_id is not None and video.episode_id in by_episode:
            by_episode[video.episode_id].videos.append(video)
        else:
            standalone.append(video)
    return parts, standalone


def build_digest(
    session: Session, start: date, end: date, *, language: str = "en", projects: Sequence[str] = ()
) -> Digest:
    """The digest of [start, end] (both days included) in `language`, optionally for some projects only."""
    check_language(language)
    check_period(start, end)
    chosen = projects_by_slug(session, projects)
    videos = _videos(session, start, end, chosen)
    parts, standalone = _parts(session, _episodes(session, start, end, chosen), videos, language)
    by_project: dict[int | None, tuple[list[Part], list[Video]]] = {}
    for part in parts:
        project = part.episode.show.project if part.episode else None
        by_project.setdefault(project.id if project else None, ([], []))[0].append(part)
    for video in standalone:
        by_project.setdefault(video.project_id, ([], []))[1].append(video)
    owners = [part.episode.show.project for part in parts if part.episode] + [v.project for v in standalone]
    projects_found = {p.id: p for p in owners if p is not None}
    sections = [
        Section(
            project=projects_found.get(key) if key is not None else None,
            groups=_podcast_groups(session, podcast_parts, language) + _video_groups(video_rows),
        )
        for key, (podcast_parts, video_rows) in by_project.items()
    ]
    sections.sort(key=lambda s: (s.project is None, s.project.name.casefold() if s.project else ""))
    return Digest(start=start, end=end, language=language, sections=sections)


def last_mark(session: Session) -> DigestMark | None:
    """The digest most recently marked as sent: "since the last digest" starts the day after its period."""
    return session.scalars(select(DigestMark).order_by(DigestMark.marked_at.desc(), DigestMark.id.desc())).first()


def recent_items(session: Session, language: str, *, limit: int = 50) -> list[Part]:
    """The newest dated episodes and videos, for the digest feed: one item per episode (in the language's version
    when it has one) and one per video, newest first."""
    check_language(language)
    statement = live_filter(select(Episode)).order_by(Episode.published_at.desc(), Episode.id.desc()).limit(limit * 3)
    episodes = list(session.scalars(statement.options(*episode_loading())))
    videos = session.scalars(
        select(Video)
        .where(Video.status == Status.published, Video.published_on.is_not(None))
        .order_by(Video.published_on.desc(), Video.id.desc())
        .limit(limit)
        .options(
            selectinload(Video.credits).selectinload(Credit.person),
            selectinload(Video.links),
            selectinload(Video.episode),
        )
    )
    parts, _standalone = _parts(session, episodes, [], language)
    items = [*parts, *(Part(video=video) for video in videos)]
    items.sort(key=lambda p: (p.day or date.min, p.title), reverse=True)
    return items[:limit]
