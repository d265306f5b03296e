"""Free-text search through the text index (FTS5 trigrams in SQLite, pg_trgm in PostgreSQL).

The index must not change what a search finds: every text query of the table finds exactly the
cards a plain substring test (ASCII letters in any case) finds, whether the index answers it,
LIKE answers it, or both share the work; FTS5's own syntax in a query is plain text. And the
index follows the cards through every way they change: import, a reworded re-import, retiring,
purging, restoring a backup, and the migration of a schema-7 collection.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from trainer.clock import FixedClock
from trainer.content.cards import Card, CompiledDeck, DeckInfo, SourceRef
from trainer.content.query import parse_query
from trainer.store import search as search_sql
from trainer.store import text_index
from trainer.store.backup import make_backup, restore_backup
from trainer.store.db import SCHEMA_VERSION, open_store
from trainer.store.readers import SqlAlchemyExecutor
from trainer.store.text_index import check_text_index
from trainer.study.collection import search
from trainer.study.deck_admin import remove_deck
from trainer.study.decks import import_compiled_deck

from ..conftest import LONDON, make_card

CLOCK = FixedClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tz=LONDON)
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
V7 = Path(__file__).resolve().parents[1] / "data" / "db" / "schema-v7.db"


def _card(deck: str, key: str, root: str, prompt: str, explanation: str) -> Card:
    return make_card(deck, key, template="t", root=root, prompt=prompt, explanation=explanation, tags=("text",))


CARDS = {
    "l4": _card("gamma", "l4", "L4", "Medial malleolus (L4)?", "Saphenous territory."),
    "l5": _card("gamma", "l5", "L5", "Dorsum of the foot, big toe?", "Extensor hallucis longus is tested for L5."),
    "s1": _card("gamma", "s1", "S1", "Ankle jerk (100% of students miss_it)?", ""),
    "c5": _card("gamma", "c5", "C5", 'FTS5 syntax: (a*b) AND c OR NOT d NEAR(e f) ^g h:i "quoted" {col} - x', "Deltoid."),
    "c6": _card("gamma", "c6", "C6", "Névé and café au lait?", "Thumb\x1fbase."),
    "t10": _card("gamma", "t10", "T10", "?", "Navel (ÉCLAIR)."),
}
"""A small collection whose text holds what an index could get wrong: short answers (L4), an empty
explanation, FTS5's syntax characters, non-ASCII letters, the index's padding character (\\x1f)."""

TEXT_QUERIES = [
    "malleolus", "MALLEOLUS", "big toe", '"big toe"', '"toe big"', "100%", "miss_it", "s_1", "%", "_",
    "l4", "L5", "5", "(l4)", "l", "c6", "-c6", "-l", "-5", "-big", "foot -big", "ankle -jerk", "-zz", "-navel",
    "(a*b)", "a*b", "*", "AND", "or", "not", "NEAR(e", "near", "^g", '"h:i"', "{col}", "quoted", '"- x"', "-",
    "névé", "NÉVÉ", "é", "éclair", "ÉCLAIR", "clair", "café au", '"é a"', "qz", "zzzz", "?", "navel.", ".", '"b\x1fb"', "thumb\x1fbase", '"?\x1f"', '"y.\x1f"',
    "saphenous territory.", "y.", "is tested for l5.", "or l",
]  # fmt: skip
"""Every text query is compared with the reference below, through every way of answering it."""

COMBINED = [
    "malleolus is:new", "foot deck:gamma", "l5 -is:new", "-l5 root:C5", "or tag:text is:new", "ex flag:none",
    "is:new -foot", "region:cervical 5",
]  # fmt: skip
"""Text with other terms: the index and LIKE must agree (state and deck conditions as usual)."""


def _ascii_lower(value: str) -> str:
    """Lower case for ASCII letters only, as SQLite's LIKE folds them."""
    return value.translate(str.maketrans(string.ascii_uppercase, string.ascii_lowercase))


def _reference(query: str, *, unicode: bool = False) -> set[str]:
    """The cards a query's text terms find, by a plain substring test in Python.

    The case rule is LIKE's, as before the index: SQLite folds ASCII letters only ("éclair" does
    not find "ÉCLAIR"); `unicode` folds every letter (PostgreSQL's ILIKE, in a database whose
    locale knows them).
    """
    terms = parse_query(query).terms
    lower = str.lower if unicode else _ascii_lower
    found = set()
    for name, card in CARDS.items():
        columns = [lower(column) for column in (card.prompt, card.answer, card.explanation)]
        if all(any(term.value in column for column in columns) != term.negated for term in terms):
            found.add(name)
    return found


def _deck(cards: dict[str, Card], version: str = "1") -> CompiledDeck:
    info = DeckInfo(id="gamma", title="Gamma", version=version, sources=(SourceRef(key="SRC", citation="A book, p. 4."),))
    return CompiledDeck(info=info, cards=tuple(cards.values()))


@pytest.fixture
def collection(store):
    """The six cards, imported."""
    import_compiled_deck(store, _deck(CARDS), now=NOW)
    return store


@pytest.fixture(params=["index", "index-then-like", "like-counts", "without-index"])
def way(request, collection, monkeypatch) -> str:
    """How text terms are answered: through the index (as it finds few cards here), through the
    index's count with LIKE reading the page (as for a text found in many cards), by LIKE with
    the index only leaving out negated terms (a long word in most cards: LIKE counts sooner), or
    by LIKE alone (the search of a database without the index)."""
    if request.param == "index-then-like":
        monkeypatch.setattr(search_sql, "_FEW", 0)
        monkeypatch.setattr(search_sql, "_MANY", 0)
    elif request.param == "like-counts":
        monkeypatch.setattr(search_sql, "worth_counting", lambda executor, match: False)
    elif request.param == "without-index":
        if collection.engine.dialect.name == "sqlite":
            monkeypatch.setattr(search_sql, "text_match", lambda executor, terms: None)
        else:
            with collection.engine.begin() as connection:
                connection.execute(text("DROP INDEX ix_card_text_trgm"))
    return request.param


def _ids(store, query: str, **options) -> tuple[list[str], int]:
    names = {card.id: name for name, card in CARDS.items()}
    result = search(store, CLOCK, query, profile_id=1, **options)
    return [names[row.card_id] for row in result.rows], result.total


def test_text_queries_find_what_a_substring_test_finds(collection, way: str) -> None:
    """Each text query of the table finds exactly the reference's cards, in deck order, with the
    right total; a 2-card page is the start of it, also sorted by due day; none raises."""
    wrong = []
    on_sqlite = collection.engine.dialect.name == "sqlite"
    for query in TEXT_QUERIES:
        if not on_sqlite and _reference(query) != _reference(query, unicode=True):
            continue  # the server's locale decides whether ILIKE folds É to é
        expected = [name for name in CARDS if name in _reference(query)]
        by_due, total = _ids(collection, query, sort="due")
        found = (_ids(collection, query), _ids(collection, query, limit=2), (sorted(by_due), total))
        if found != ((expected, len(expected)), (expected[:2], len(expected)), (sorted(expected), len(expected))):
            wrong.append((query, expected, found))
    assert wrong == []


def test_the_reference_is_not_trivial() -> None:
    """The table's queries find some cards, several cards, all cards and none (the comparison means something)."""
    sizes = {len(_reference(query)) for query in TEXT_QUERIES}
    assert {0, 1, len(CARDS)} <= sizes and len(sizes) >= 4


def test_text_with_other_terms_finds_the_same_cards_with_or_without_the_index(collection, monkeypatch) -> None:
    """The index changes nothing when text is combined with state, deck, root, tag and flag terms."""

    def results() -> list[tuple]:
        return [(_ids(collection, query), _ids(collection, query, sort="due", limit=2)) for query in COMBINED]

    indexed = results()
    monkeypatch.setattr(search_sql, "_FEW", 0)
    monkeypatch.setattr(search_sql, "_MANY", 0)
    assert results() == indexed
    monkeypatch.setattr(search_sql, "text_match", lambda executor, terms: None)
    assert results() == indexed
    assert sum(1 for (_, total), _ in indexed if total) >= len(COMBINED) - 2


def test_a_long_word_in_most_cards_is_counted_by_like(store, make_deck, import_deck, monkeypatch) -> None:
    """The first cards tell whether the index or LIKE counts sooner: a six-trigram word in every
    sampled card goes to LIKE, a word in one of them to the index; both totals are right."""
    import_deck(store, make_deck(6))  # "Which root supplies fact:N?", "fact:N is ROOT."
    monkeypatch.setattr(text_index, "_SAMPLE", 4)
    with store.engine.connect() as connection:
        executor = SqlAlchemyExecutor(connection)
        if connection.dialect.name == "sqlite":
            assert not text_index.worth_counting(executor, text_index.text_match(executor, parse_query("supplies").terms))
            assert text_index.worth_counting(executor, text_index.text_match(executor, parse_query('"fact:3"').terms))
    assert search(store, CLOCK, "supplies", profile_id=1).total == 6
    assert search(store, CLOCK, '"fact:3"', profile_id=1).total == 1


def test_postgresql_has_the_trigram_index(collection) -> None:
    """On PostgreSQL the GIN trigram index exists (the test server may create pg_trgm); on SQLite the FTS5 table."""
    with collection.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            found = connection.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_card_text_trgm'")).scalar()
            assert found is not None and "gin" in found and "gin_trgm_ops" in found
        else:
            found = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'card_text'")).scalar()
            assert found is not None and "trigram" in found


def _in_step(store) -> None:
    """On SQLite, the index holds exactly the cards' text (FTS5's check against its content)."""
    if store.path is None:
        return
    connection = sqlite3.connect(store.path)
    try:
        assert check_text_index(connection) is None
    finally:
        connection.close()


def _found(store, query: str) -> set[str]:
    names = {card.id: name for name, card in CARDS.items()}
    return {names[row.card_id] for row in search(store, CLOCK, query, profile_id=1).rows}


def test_the_index_follows_import_rewording_retiring_and_purging(store) -> None:
    """What search finds follows the cards: imported, reworded by a new edition, retired, back, purged."""
    import_compiled_deck(store, _deck(CARDS), now=NOW)
    assert _found(store, "malleolus") == {"l4"} and _found(store, "ankle") == {"s1"}
    _in_step(store)

    reworded = {**CARDS, "l4": _card("gamma", "l4", "L4", "Inner ankle bone?", "Saphenous territory.")}
    import_compiled_deck(store, _deck(reworded, "2"), now=NOW)
    assert _found(store, "malleolus") == set()
    assert _found(store, "ankle") == {"l4", "s1"}
    assert _found(store, "inner an") == {"l4"}
    _in_step(store)

    smaller = {name: card for name, card in reworded.items() if name != "s1"}
    import_compiled_deck(store, _deck(smaller, "3"), now=NOW)  # s1 left the deck: retired
    assert _found(store, "ankle") == {"l4"}
    assert _found(store, "-ankle") == set(smaller) - {"l4"}
    _in_step(store)

    assert remove_deck(store, "gamma", now=NOW) == 5
    assert _found(store, "ankle") == set() and _found(store, "-ankle") == set()
    import_compiled_deck(store, _deck(reworded, "4"), now=NOW)  # back, s1 too
    assert _found(store, "ankle") == {"l4", "s1"}
    _in_step(store)

    assert remove_deck(store, "gamma", now=NOW, purge=True) == 6
    assert _found(store, "ankle") == set()
    _in_step(store)
    import_compiled_deck(store, _deck(CARDS, "5"), now=NOW)  # anew, under new row ids
    assert _found(store, "malleolus") == {"l4"} and _found(store, "inner") == set()
    _in_step(store)


def test_cards_changed_by_another_program_are_still_found_exactly(tmp_path: Path) -> None:
    """A card reworded outside the trainer (the sqlite3 shell): search finds the new words, not the
    old, at once; the next commit of the trainer brings the index up to date."""
    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    try:
        import_compiled_deck(store, _deck(CARDS), now=NOW)
        outside = sqlite3.connect(path)
        outside.execute("UPDATE card SET prompt = 'Inner ankle bone?' WHERE id = ?", (CARDS["l4"].id,))
        outside.commit()
        outside.close()
        assert _found(store, "malleolus") == set()
        assert _found(store, "inner ankle") == {"l4"}
        with store.engine.begin():
            pass  # any commit of the trainer
        assert _found(store, "inner ankle") == {"l4"} and _found(store, "malleolus") == set()
        _in_step(store)
    finally:
        store.close()


def test_a_restored_backup_brings_its_own_index(tmp_path: Path) -> None:
    """Back up, reword the cards, restore: search finds the backup's words again, not the later ones."""
    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_compiled_deck(store, _deck(CARDS), now=NOW)
    store.close()
    backup = make_backup(path, now=NOW, output=tmp_path / "before.db")

    store = open_store(f"sqlite:///{path}")
    reworded = {**CARDS, "l4": _card("gamma", "l4", "L4", "Inner ankle bone?", "Saphenous territory.")}
    import_compiled_deck(store, _deck(reworded, "2"), now=NOW)
    assert _found(store, "malleolus") == set()
    store.close()

    restore_backup(path, backup, now=NOW)
    store = open_store(f"sqlite:///{path}")
    try:
        assert _found(store, "malleolus") == {"l4"}
        assert _found(store, "inner ankle") == set()
        _in_step(store)
    finally:
        store.close()


LEGACY = (
    ("l4", "L4", "Medial malleolus?", "The saphenous territory is L4."),
    ("l5", "L5", "Dorsum of the foot, big toe?", "Extensor hallucis longus is tested for L5."),
    ("s1", "S1", "Lateral border of the foot?", "The ankle jerk is S1."),
    ("c6", "C6", "Thumb?", "Brachioradialis reflex: C6."),
    ("t10", "T10", "Umbilicus?", "T10 at the navel."),
)
"""The cards of tests/data/db/schema-v7.db (deck "legacy", tag "legacy"): written by the schema-7
code from these five cards, then a second edition without the last one (retired), then two answers."""


def _lay_out_v7(db_url: str, tmp_path: Path) -> None:
    """A schema-7 collection at `db_url`: the committed file (SQLite), or on PostgreSQL the same
    deck imported by today's code, without what schema 8 added and marked as schema 7."""
    if db_url.startswith("sqlite"):
        shutil.copy(V7, tmp_path / "trainer.db")
        return
    cards = tuple(
        dataclasses.replace(_card("legacy", key, root, prompt, explanation), tags=("legacy",))
        for key, root, prompt, explanation in LEGACY
    )
    info = DeckInfo(id="legacy", title="Legacy", version="1", sources=(SourceRef(key="SRC", citation="A book, p. 4."),))
    store = open_store(db_url)
    try:
        import_compiled_deck(store, CompiledDeck(info=info, cards=cards), now=NOW)
        import_compiled_deck(store, CompiledDeck(info=dataclasses.replace(info, version="2"), cards=cards[:4]), now=NOW)
        with store.engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_card_text_trgm"))
            connection.execute(text("DROP INDEX ix_card_retired"))
            connection.execute(text("UPDATE meta SET value = '7' WHERE key = 'schema_version'"))
    finally:
        store.close()


def test_a_schema_7_collection_gets_the_index_of_its_cards(db_url: str, tmp_path: Path) -> None:
    """Opening a schema-7 collection builds the index from its cards: its words are found (short
    ones too), its retired card is not, and it keeps following the cards afterwards."""
    _lay_out_v7(db_url, tmp_path)
    store = open_store(db_url, now=lambda: NOW)
    try:
        def found(query: str) -> set[str]:
            return {row.answer for row in search(store, CLOCK, query, profile_id=1).rows}

        assert found("saphenous") == {"L4"}
        assert found("hallucis") == {"L5"}
        assert found("ankle jerk") == {"S1"}
        assert found("l5") == {"L5"}  # two characters: through the index's trigrams
        assert found("navel") == set()  # the card the second edition retired
        assert found("-foot") == {"L4", "C6"}
        _in_step(store)
        with store.engine.connect() as connection:
            version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        assert version == str(SCHEMA_VERSION)
    finally:
        store.close()
    if db_url.startswith("sqlite"):
        assert [p.name for p in tmp_path.glob("*.bak")] == ["trainer.db.v7-20260110T120000.bak"]
