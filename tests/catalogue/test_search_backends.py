"""Search on both databases: SQLite answers from the FTS5 table stored in its database, PostgreSQL with its own
full-text search over the live tables; both find the same things (accents folded, every word a prefix, English,
French and Dutch alike), never drafts, and rank a title match before a show-notes match."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from media_catalogue.catalogue import search_postgres, search_sqlite
from media_catalogue.catalogue.models import Credit, Episode, Person, Project, Show, Status, Transcript, Video
from media_catalogue.catalogue.search import Index, Result, backend, search
from media_catalogue.db import Database

PAST = datetime(2023, 5, 1, 9, 0, tzinfo=UTC)


def _show(slug: str, title: str, language: str, **fields: object) -> Show:
    return Show(slug=slug, title=title, language=language, podcast_guid=str(uuid.uuid4()), **fields)


def _episode(show: Show, slug: str, title: str, **fields: object) -> Episode:
    fields.setdefault("status", Status.published)
    fields.setdefault("published_at", PAST)
    return Episode(show=show, slug=slug, title=title, guid=str(uuid.uuid4()), **fields)


@pytest.fixture
def catalogue(database: Database) -> Database:
    with database.session() as session:
        project = Project(slug="skills", name="Skills Bridge", description="Mobilité des compétences.")
        aissatou = Person(slug="aissatou-cisse", name="Aïssatou Cissé", affiliation="Université de Dakar")
        en = _show("bridge-en", "Bridge podcast", "en", description="Conversations on mobility.", project=project)
        fr = _show("pont-fr", "Le pont", "fr", description="Le podcast de la mobilité.")
        nl = _show("brug-nl", "De brug", "nl", description="Gesprekken over arbeidsmobiliteit.")
        session.add_all([
            _episode(en, "harvest", "Harvest season", summary="Seasonal work in orchards.",
                     show_notes="About **pickers** and their rights.",
                     credits=[Credit(person=aissatou, role="guest")]),
            _episode(fr, "travailleurs", "Les travailleurs saisonniers à Bruxelles",
                     summary="Témoignages de travailleuses et de travailleurs.", show_notes="Réalisé à Liège."),
            _episode(nl, "vlaanderen", "Arbeidsmigratie in Vlaanderen", summary="Over seizoensarbeid.",
                     show_notes="Met getuigenissen uit de Kempen.",
                     transcripts=[Transcript(language="nl", format="vtt", mime_type="text/vtt",
                                             storage_key="t/vl.vtt", text="Welkom bij De brug uit Antwerpen.")]),
            # Ranking: the same word in one title and in another's show notes.
            _episode(en, "lighthouse", "Lighthouse keepers", summary="Coastal jobs."),
            _episode(en, "coast", "Coastal voices", summary="Stories.", show_notes="We visit a lighthouse at dawn."),
            # Never found: drafts, unpublished, deleted, scheduled for later, and a draft/unpublished video.
            _episode(en, "draft", "Zanzibar draft", status=Status.draft, published_at=None),
            _episode(en, "unpublished", "Zanzibar unpublished", status=Status.unpublished),
            _episode(en, "deleted", "Zanzibar deleted", deleted_at=PAST),
            _episode(en, "later", "Zanzibar later", status=Status.scheduled,
                     published_at=datetime.now(UTC) + timedelta(days=30)),
            _episode(en, "earlier", "Scheduled Quokka", status=Status.scheduled, published_at=PAST),
            Video(slug="zanzibar-draft-video", title="Zanzibar video draft", status=Status.draft),
            Video(slug="zanzibar-unpublished-video", title="Zanzibar video gone", status=Status.unpublished),
            Video(slug="orchard-tour", title="Orchard tour", description="Een rondleiding in de boomgaard.",
                  language="nl", status=Status.published, project=project),
        ])  # fmt: skip
    return database


@pytest.fixture
def index() -> Index:
    return Index()


def find(database: Database, index: Index, query: str) -> list[Result]:
    with database.session() as session:
        return search(session, query, index)


def paths(database: Database, index: Index, query: str) -> list[str]:
    return [result.path for result in find(database, index, query)]


def test_the_database_s_own_search_answers_on_both_databases(
    catalogue: Database, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scan(*_: object) -> None:
        raise AssertionError("the in-memory documents must not be built when the database can search")

    with catalogue.session() as session:
        used = backend(session, index)
    if catalogue.dialect == "postgresql":
        assert used == "postgresql"
        calls: list[list[str]] = []
        real = search_postgres.ranked
        monkeypatch.setattr(
            search_postgres, "ranked", lambda s, words, limit: calls.append(list(words)) or real(s, words, limit)
        )

        monkeypatch.setattr(Index, "refresh", no_scan)
        assert paths(catalogue, index, "harvest") == ["/shows/bridge-en/harvest"]
        assert calls == [["harvest"]] and index.docs == []  # nothing was copied into memory
    else:
        assert used == "fts5"  # the FTS5 table stored in the database (migration 0013)
        monkeypatch.setattr(Index, "refresh", no_scan)
        assert paths(catalogue, index, "harvest") == ["/shows/bridge-en/harvest"]
        assert index.docs == []  # nothing was copied into memory


def test_accents_are_folded_both_ways(catalogue: Database, index: Index) -> None:
    for query in ("aissatou cisse", "CISSÉ", "Aïssatou", "universite dakar"):
        assert "/people/aissatou-cisse" in paths(catalogue, index, query), query
    assert "/shows/bridge-en/harvest" in paths(catalogue, index, "cisse")  # credited person of an episode
    assert paths(catalogue, index, "liege") == ["/shows/pont-fr/travailleurs"]  # "Liège" in the show notes
    assert paths(catalogue, index, "temoignages") == ["/shows/pont-fr/travailleurs"]
    assert "/projects/skills" in paths(catalogue, index, "mobilite competences")


def test_every_word_is_a_prefix(catalogue: Database, index: Index) -> None:
    assert paths(catalogue, index, "harv") == ["/shows/bridge-en/harvest"]
    assert paths(catalogue, index, "saison brux") == ["/shows/pont-fr/travailleurs"]
    assert paths(catalogue, index, "arbeidsmig vlaand") == ["/shows/brug-nl/vlaanderen"]
    assert paths(catalogue, index, "harvest nothingmatchesthis") == []  # every word must match
    assert paths(catalogue, index, "") == [] and paths(catalogue, index, "'&|!:*()") == []


def test_english_french_and_dutch_words_match_as_written(catalogue: Database, index: Index) -> None:
    assert paths(catalogue, index, "orchards") == ["/shows/bridge-en/harvest"]
    assert paths(catalogue, index, "les travailleurs") == ["/shows/pont-fr/travailleurs"]  # no stop words
    assert paths(catalogue, index, "seizoensarbeid") == ["/shows/brug-nl/vlaanderen"]
    assert paths(catalogue, index, "antwerpen") == ["/shows/brug-nl/vlaanderen"]  # transcript only
    assert paths(catalogue, index, "vlaanderen antwerpen") == ["/shows/brug-nl/vlaanderen"]  # title + transcript
    assert paths(catalogue, index, "boomgaard") == ["/videos/orchard-tour"]  # video description


def test_drafts_and_unpublished_items_are_never_found(catalogue: Database, index: Index) -> None:
    assert paths(catalogue, index, "zanzibar") == []
    assert paths(catalogue, index, "quokka") == ["/shows/bridge-en/earlier"]  # scheduled and its time has come


def test_a_title_match_ranks_before_a_show_notes_match(catalogue: Database, index: Index) -> None:
    assert paths(catalogue, index, "lighthouse") == ["/shows/bridge-en/lighthouse", "/shows/bridge-en/coast"]
    results = find(catalogue, index, "lighthouse")
    assert results[0].score > results[1].score > 0


def test_results_are_the_same_objects_whatever_the_database(catalogue: Database, index: Index) -> None:
    [result] = find(catalogue, index, "pickers")
    assert (result.kind, result.path, result.title, result.language, result.context) == (
        "episode", "/shows/bridge-en/harvest", "Harvest season", "en", "Bridge podcast",
    )  # fmt: skip
    assert ("pickers", True) in result.snippet and "**" not in "".join(t for t, _ in result.snippet)
    [video] = find(catalogue, index, "orchard tour")
    assert (video.kind, video.language, video.context) == ("video", "nl", "Skills Bridge")
    [french] = find(catalogue, index, "liege")
    assert ("Liège", True) in french.snippet


def test_the_search_indexes_exist_only_on_postgresql(catalogue: Database, index: Index) -> None:
    with catalogue.session() as session:
        if catalogue.dialect != "postgresql":
            names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")).all()
            assert not [name for name in names if name.startswith("ix_search_")]
            return
        names = set(session.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")))
        assert {f"ix_search_{table}" for table in search_postgres.INDEXED} <= names
        # The candidate step's expressions are exactly the indexed ones: the planner can use the indexes.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        # Candidates are matched on each table's stored search_vector (migration 0011), which the indexes cover.
        for table in search_postgres.OWN:
            plan = "\n".join(session.scalars(text(
                f"EXPLAIN SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', 'harvest:*')"  # noqa: S608
            )))  # fmt: skip
            assert f"ix_search_{table}" in plan, plan


def test_an_edit_is_found_at_once(catalogue: Database, index: Index) -> None:
    """On PostgreSQL an episode's own text is searched through a stored generated column: the database recomputes it
    on every write, whichever path writes."""
    with catalogue.session() as session:
        harvest = session.query(Episode).filter_by(slug="harvest").one()
        harvest.title, harvest.show_notes = "Pomegranate picking", "Nothing about the old fruit."
    assert paths(catalogue, index, "pomegranate") == ["/shows/bridge-en/harvest"]
    assert paths(catalogue, index, "harvest") == []


def test_many_matches_rank_a_bounded_set_that_keeps_title_matches(
    catalogue: Database, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past CAP matches per way of matching, only the newest CAP of each are ranked; title matches are one of those
    ways, so an older title match still comes first."""
    monkeypatch.setattr(search_postgres, "CAP", 2)
    monkeypatch.setattr(search_sqlite, "CAP", 2)
    with catalogue.session() as session:
        show = session.query(Show).filter_by(slug="bridge-en").one()
        session.add_all([
            _episode(show, f"keeper-{n}", f"Night {n}", show_notes="A lighthouse again.",
                     published_at=PAST + timedelta(days=n + 1)) for n in range(4)
        ])  # fmt: skip
    found = paths(catalogue, index, "lighthouse")
    assert found[0] == "/shows/bridge-en/lighthouse"
    assert set(found[1:]) == {"/shows/bridge-en/keeper-3", "/shows/bridge-en/keeper-2"}  # the newest in notes
    monkeypatch.setattr(search_postgres, "CAP", 200)
    monkeypatch.setattr(search_sqlite, "CAP", 200)
    assert len(paths(catalogue, index, "lighthouse")) == 6  # under the cap, every match is ranked
    assert paths(catalogue, index, "pickers") == ["/shows/bridge-en/harvest"]
