"""Reading episodes/ files: valid trees load, every problem names the file, the line and the field."""

import re
import shutil
from datetime import UTC, date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from media_catalogue.catalogue.models import DatePrecision
from media_catalogue.config import PROJECT_ROOT
from media_catalogue.content.dates import parse_published
from media_catalogue.content.loader import load_tree
from media_catalogue.errors import ContentError
from tests.catalogue_fixtures import EPISODE, make_catalogue, write


def test_loads_a_valid_tree(tmp_path: Path) -> None:
    tree = load_tree(make_catalogue(tmp_path))
    assert tree.errors == []
    assert {s.slug for s in tree.shows} == {"match-en", "match-nl"}
    assert {(e.scope, e.slug) for e in tree.episodes} >= {("match-en", "global-race-for-talent")}
    episode = next(e for e in tree.episodes if e.slug == "global-race-for-talent")
    assert episode.spec.number == 2 and episode.body.startswith("Belgium is a **pioneer**")
    assert [p.person for p in episode.spec.people] == ["sammy-mahdi", "hans-maertens"]


@pytest.mark.parametrize(
    ("replace", "by", "line", "fragment"),
    [
        ("number: 2", "number: two", 3, "number"),
        ("season: 1", "seasonn: 1", 4, "unknown key"),
        ("published: 2022-01-15T10:00:00+01:00", "published: 15/01/2022", None, "not a date"),
        ("{person: sammy-mahdi, role: guest}", "{person: sammy-mahdi, role: star}", 8, "unknown role 'star'"),
        ("enclosure_url: https://cdn", "enclosure_url: cdn", 10, "not an absolute http(s) URL"),
        ('title: "The global race for talent"', "title: [unclosed", 2, "not valid YAML"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, replace: str, by: str, line: int | None, fragment: str
) -> None:
    make_catalogue(tmp_path)
    assert replace in EPISODE
    write(tmp_path, "match-en/global-race-for-talent.md", EPISODE.replace(replace, by))
    tree = load_tree(tmp_path)
    if "published" in replace:
        # Dates are checked against the show's time zone when the episode is applied; parse directly here.
        with pytest.raises(ContentError) as caught:
            parse_published("15/01/2022", "Europe/Brussels", "match-en/global-race-for-talent.md")
        error = caught.value
    else:
        [error] = tree.errors
    assert error.path == "match-en/global-race-for-talent.md"
    assert fragment in error.message
    if line:
        assert error.line == line, error.message
        assert f"global-race-for-talent.md:{line}:" in error.message
    # The other files still load.
    assert any(s.slug == "match-nl" for s in tree.shows)


def test_missing_front_matter_and_bad_file_names(tmp_path: Path) -> None:
    make_catalogue(tmp_path)
    write(tmp_path, "match-en/no-front-matter.md", "Just text.\n")
    write(tmp_path, "match-en/Bad Name.md", EPISODE)
    messages = sorted(error.message for error in load_tree(tmp_path).errors)
    assert any("Bad Name.md" in m and "not a slug" in m for m in messages)
    assert any("no-front-matter.md:1" in m and "missing front matter" in m for m in messages)


def test_a_show_folder_cannot_take_a_word_of_the_url_plan(tmp_path: Path) -> None:
    make_catalogue(tmp_path)
    shutil.copytree(tmp_path / "match-nl", tmp_path / "page")
    tree = load_tree(tmp_path)
    [error] = [e for e in tree.errors if e.path.startswith("page/")]
    assert error.path == "page/show.yaml" and "/shows/page/2 is a page of the show list" in error.message
    assert "page" not in {show.slug for show in tree.shows} and "match-nl" in {show.slug for show in tree.shows}


def test_missing_required_show_key(tmp_path: Path) -> None:
    make_catalogue(tmp_path)
    write(tmp_path, "match-nl/show.yaml", "title: X\nlanguage: nl\n")
    [error] = load_tree(tmp_path).errors
    assert error.path == "match-nl/show.yaml" and "this key is required" in error.message


@pytest.mark.parametrize(
    ("value", "precision", "iso"),
    [
        # A date known only to the day, month or year stands for noon in the show's time zone (issue 13, point 1).
        ("2021-09", DatePrecision.month, "2021-09-01T12:00:00+02:00"),
        ("2022", DatePrecision.year, "2022-01-01T12:00:00+01:00"),
        ("2021-05-26", DatePrecision.day, "2021-05-26T12:00:00+02:00"),
        (date(2021, 5, 26), DatePrecision.day, "2021-05-26T12:00:00+02:00"),
        ("2021-05-31T10:00:00+02:00", DatePrecision.day, "2021-05-31T10:00:00+02:00"),
    ],
)
def test_published_keeps_what_the_source_knows(value: str | date, precision: DatePrecision, iso: str) -> None:
    when, found = parse_published(value, "Europe/Brussels", "x.md")
    assert found == precision and when is not None
    assert when.astimezone(ZoneInfo("Europe/Brussels")).isoformat() == iso


@pytest.mark.parametrize("timezone", ["Pacific/Pago_Pago", "UTC", "Europe/Brussels", "Asia/Kamchatka"])
@pytest.mark.parametrize("value", ["2021", "2021-05", "2021-05-26"])
def test_an_imprecise_date_is_the_same_calendar_day_in_utc(value: str, timezone: str) -> None:
    """Noon in the show's zone is the written day in UTC too: feeds (in UTC) never move it to the day before."""
    when, _ = parse_published(value, timezone, "x.md")
    assert when is not None
    written = date.fromisoformat((value + "-01-01")[:10]) if len(value) < 10 else date.fromisoformat(value)
    assert when.astimezone(UTC).date() == written == when.astimezone(ZoneInfo(timezone)).date()


def test_the_seeded_catalogue_loads_without_errors() -> None:
    tree = load_tree(PROJECT_ROOT / "episodes")
    assert [error.message for error in tree.errors] == []
    assert len(tree.shows) >= 6


@pytest.mark.parametrize(
    ("reference", "fragment"),
    [
        ("../../outside.mp3", "outside the catalogue folder"),
        ("..\\\\evil.mp3", "forward slashes"),
        ("/etc/passwd", "relative to this file"),
        ("missing.mp3", "does not exist"),
    ],
)
def test_referenced_files_stay_inside_the_catalogue(tmp_path: Path, reference: str, fragment: str) -> None:
    root = make_catalogue(tmp_path / "episodes")
    (tmp_path / "outside.mp3").write_bytes(b"not ours")
    write(root, "match-en/escape.md", EPISODE.replace("enclosure_url:", f"audio: '{reference}'\nenclosure_url:"))
    errors = [error.message for error in load_tree(root).errors]
    assert len(errors) == 1 and "match-en/escape.md" in errors[0] and fragment in errors[0], errors


# Research notes for staff, in the three languages of the catalogue: they belong in comments, not in public text.
RESEARCH_NOTE = re.compile(
    r"our sources|nos sources|onze bronnen|newsletters? (?:says?|announced|presenting)|not named in|n'est pas nommé"
    r"|niet bij naam genoemd|will be completed when|say nothing more|disent rien de plus|zeggen er niets meer",
    re.IGNORECASE,
)


def test_public_text_of_the_seeded_catalogue_states_facts_not_research_notes() -> None:
    """Issue 13, point 13: notes about what the sources say stay in comments (episodes/README.md)."""
    tree = load_tree(PROJECT_ROOT / "episodes")
    public: list[tuple[str, str]] = []
    for item in [*tree.episodes, *tree.videos]:
        spec = item.spec
        public += [(item.slug, spec.title), (item.slug, getattr(spec, "summary", "") or ""), (item.slug, item.body)]
    for show in tree.shows:
        public += [(show.slug, show.spec.title), (show.slug, show.spec.description or "")]
    public += [(project.slug, project.spec.description or "") for project in tree.projects]
    public += [(person.slug, f"{person.spec.affiliation or ''} {person.spec.bio or ''}") for person in tree.people]
    assert len(public) > 100
    assert [(slug, found.group(0)) for slug, text in public if (found := RESEARCH_NOTE.search(text))] == []
