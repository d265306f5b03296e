"""The quick start's read-only sqlite3 reader chooses exactly what a store-attached session chooses.

`trainer.study.startup.quick_first_screen` paints the first card and Home's figures through
`trainer.store.quick` (stdlib sqlite3, no SQLAlchemy); an attached session reads through
SQLAlchemy. Both run the one `trainer.store.readers.Reader` and `trainer.study.queue`; these tests build many database states (new decks, lapses,
drills, buried siblings, suspended and retired cards, daily limits, the rollover, two decks) and
check that the two readers give the same first card (id, queue, state), the same counts and the
same Home figures, and that the quick path never imports the database layer.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.clock import FixedClock, SystemClock
from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef
from trainer.store import repo
from trainer.store.db import SCHEMA_VERSION, Store, open_store, resolve_db_url
from trainer.store.quick import database_file, open_quick
from trainer.study.review import open_session, ensure_builtin_deck, home_overview
from trainer.study.settings import set_setting
from trainer.study.startup import BUILTIN_DECK_META, quick_first_screen

from ..conftest import LONDON, import_deck, make_card

REPO_ROOT = Path(__file__).resolve().parents[2]
DECK_FILTERS: tuple[tuple[str, ...] | None, ...] = (None, ("a",), ("b",), ("a", "b"))
"""Every review is compared over all decks, each deck alone, and both named."""


def two_decks(*, keep_a: int = 8) -> tuple[CompiledDeck, CompiledDeck]:
    """Deck "a": sibling pairs (cards 2k and 2k+1 share a fact); deck "b": independent cards.

    Both decks number their cards from position 0, so the queues meet ties across decks.
    `keep_a` < 8 drops the last cards of deck "a" (a re-import then retires them).
    """
    a_cards = []
    for pair in range(4):
        fact = f"pair:{pair}"
        first = make_card("a", fact, template="forward", root=("L4", "L5", "S1", "C6")[pair])
        second = make_card("a", fact, template="backward", root=first.answer)
        a_cards += [replace(first, siblings=(second.id,)), replace(second, siblings=(first.id,))]
    b_cards = [make_card("b", f"solo:{i}", root=("C5", "C7", "T4", "L1", "S2", "L3")[i]) for i in range(6)]
    sources = (SourceRef(key="SRC", citation="A citation.", url="https://example.org/src"),)
    return (
        CompiledDeck(info=DeckInfo(id="a", title="Deck A", version="1", sources=sources), cards=tuple(a_cards[:keep_a])),
        CompiledDeck(info=DeckInfo(id="b", title="Deck B", version="1", sources=sources), cards=tuple(b_cards)),
    )


def assert_same(store: Store, clock: FixedClock) -> None:
    """The quick path and a fresh ReviewSession agree on every deck filter and on Home."""
    path = store.path
    assert path is not None
    for deck_ids in DECK_FILTERS:
        session = open_session(store, clock, deck_ids=deck_ids)
        expected = session.next_card()
        first = quick_first_screen(str(path), clock=clock, start="review", deck_ids=deck_ids, import_builtin=False)
        assert first is not None and first.session is not None
        quick = first.session
        assert quick.today() == session.today()
        assert quick.current == expected, deck_ids  # card content, queue and progress
        assert quick.counts() == session.counts(), deck_ids
        if expected is not None:
            assert quick.citations(expected.card) == session.citations(expected.card)
    home = quick_first_screen(str(path), clock=clock, start="home", import_builtin=False)
    assert home is not None
    assert home.home == home_overview(store, clock, profile_id=1)


def answer_all(session, grades: list[int], *, limit: int, clock: FixedClock | None = None) -> int:
    """Answer up to `limit` cards with `grades` in turn (a minute apart, if given the clock); how many were answered."""
    answered = 0
    while answered < limit and (card := session.next_card()) is not None:
        session.answer(card.card.id, grades[answered % len(grades)], 1500 + 100 * answered)
        answered += 1
        if clock is not None:
            clock.advance(timedelta(minutes=1))
    return answered


@pytest.fixture
def backend() -> str:
    """The quick look reads SQLite files only (stdlib sqlite3): these comparisons are SQLite's.

    On PostgreSQL the app always takes the full path (`test_a_server_url_takes_the_full_path`),
    whose reads the rest of tests/study runs on both databases.
    """
    return "sqlite"


@pytest.fixture
def decks(store: Store) -> tuple[CompiledDeck, CompiledDeck]:
    """Both decks imported."""
    a, b = two_decks()
    import_deck(store, a)
    import_deck(store, b)
    return a, b


class TestSameCardAndCounts:
    """Scripted states: the two readers agree at each."""

    def test_a_new_collection(self, store, clock, decks) -> None:
        """Nothing answered yet: new cards in deck order, both decks tied on position."""
        assert_same(store, clock)

    def test_an_empty_database(self, store, clock) -> None:
        """No decks at all: no card, zero counts, no decks on Home."""
        assert_same(store, clock)

    def test_mid_session_with_buried_siblings(self, store, clock, decks) -> None:
        """After some answers today, answered cards' siblings are buried and repeats wait."""
        session = open_session(store, clock)
        for done in range(1, 7):
            answer_all(session, [5, 1, 3, 4], limit=1)
            assert_same(store, clock)
            assert done <= 6

    def test_lapses_drills_and_due_reviews_over_days(self, store, clock, decks) -> None:
        """Several days of mixed grades give due reviews, lapses and drills (also carried over a rollover)."""
        for day in range(8):
            session = open_session(store, clock)
            answer_all(session, [5, 3, 0, 4, 2, 5, 3], limit=6 + day % 3)
            assert_same(store, clock)
            clock.advance(timedelta(days=1 + day % 2))
            assert_same(store, clock)

    def test_repeats_longest_waiting_first(self, store, clock, decks) -> None:
        """With new cards used up, today's failed cards come back in the order they were answered."""
        with store.session() as db:
            set_setting(db, "new_per_day", "4")
            db.commit()
        session = open_session(store, clock)
        answer_all(session, [1, 2, 0, 3], limit=4, clock=clock)
        for _ in range(6):
            assert_same(store, clock)
            card = session.next_card()
            assert card is not None and card.queue == "repeat"
            session.answer(card.card.id, 1, 1000)
            clock.advance(timedelta(minutes=1))

    def test_suspended_and_retired_cards(self, store, clock, decks) -> None:
        """A suspended card and the cards a re-import retired are skipped by both."""
        session = open_session(store, clock)
        answer_all(session, [4], limit=3)
        first = session.next_card()
        assert first is not None
        session.suspend(first.card.id)
        assert_same(store, clock)
        a, _b = two_decks(keep_a=4)
        with store.session() as db:
            report = repo.sync_deck(session=db, deck=a, now=clock.now())
            db.commit()
        assert report.retired == 4
        assert_same(store, clock)
        clock.advance(timedelta(days=3))
        assert_same(store, clock)

    def test_daily_limits_reached_and_changed(self, store, clock, decks) -> None:
        """Limits of new cards and reviews (also reached, also zero) are read from settings by both."""
        with store.session() as db:
            set_setting(db, "new_per_day", "3")
            set_setting(db, "reviews_per_day", "2")
            db.commit()
        session = open_session(store, clock)
        answer_all(session, [4, 5], limit=10)
        assert_same(store, clock)
        clock.advance(timedelta(days=6))
        assert_same(store, clock)
        answer_all(open_session(store, clock), [5], limit=2)
        assert_same(store, clock)
        with store.session() as db:
            set_setting(db, "new_per_day", "0")
            db.commit()
        assert_same(store, clock)

    def test_the_rollover_hour_and_zone_setting(self, store, decks) -> None:
        """At 02:00 local the study day is still yesterday, unless the rollover is set earlier; a zone setting applies to both."""
        clock = FixedClock(datetime(2026, 1, 10, 21, 0, tzinfo=UTC), tz=LONDON)
        answer_all(open_session(store, clock), [3, 1, 5], limit=5)
        clock.set(datetime(2026, 1, 11, 2, 0, tzinfo=UTC))
        assert_same(store, clock)  # still the 10th: repeats are due
        with store.session() as db:
            set_setting(db, "rollover_hour", "1")
            db.commit()
        assert_same(store, clock)  # now the 11th
        with store.session() as db:
            set_setting(db, "timezone", "America/New_York")  # 21:00 on the 10th there
            db.commit()
        assert_same(store, clock)

    def test_a_leech_suspended_by_its_lapses(self, store, clock, decks) -> None:
        """A card that lapses to the threshold leaves both queues."""
        with store.session() as db:
            set_setting(db, "leech_threshold", "1")
            db.commit()
        answer_all(open_session(store, clock), [5], limit=14)
        clock.advance(timedelta(days=1))
        answer_all(open_session(store, clock), [0], limit=2)
        assert_same(store, clock)


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 5)),
        st.tuples(st.just("hours"), st.integers(1, 60)),
        st.tuples(st.just("suspend"), st.just(0)),
        st.tuples(st.just("new_per_day"), st.integers(0, 6)),
        st.tuples(st.just("reviews_per_day"), st.integers(0, 6)),
        st.tuples(st.just("rollover_hour"), st.integers(0, 23)),
    ),
    min_size=1,
    max_size=30,
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_a_hypothesis_student_sees_the_same_first_card_on_both_paths(actions) -> None:
    """Any sequence of answers, waits, suspensions and setting changes leaves the readers in agreement."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'trainer.db'}")
        try:
            a, b = two_decks()
            import_deck(store, a)
            import_deck(store, b)
            clock = FixedClock(datetime(2026, 3, 27, 20, 0, tzinfo=UTC), tz=LONDON)  # crosses the DST change
            for action, value in actions:
                if action == "answer":
                    card = open_session(store, clock).next_card()
                    if card is not None:
                        open_session(store, clock).answer(card.card.id, value, 2000)
                elif action == "hours":
                    clock.advance(timedelta(hours=value))
                elif action == "suspend":
                    card = open_session(store, clock).next_card()
                    if card is not None:
                        open_session(store, clock).suspend(card.card.id)
                else:
                    with store.session() as db:
                        set_setting(db, action, str(value))
                        db.commit()
                assert_same(store, clock)
        finally:
            store.close()


class TestWhenTheQuickLookStepsAside:
    """Anything unusual gives None, so the app takes the full path (which creates, imports or explains)."""

    def test_a_first_run_without_the_builtin_decks(self, tmp_path) -> None:
        """No database file yet and no built-in import (so no snapshot applies): the full path creates it."""
        assert quick_first_screen(str(tmp_path / "none.db"), start="review", import_builtin=False) is None
        assert not (tmp_path / "none.db").exists()

    def test_another_kind_of_database(self) -> None:
        """A server URL or an in-memory database is not looked at."""
        assert open_quick("postgresql://class.example.org/trainer") is None
        assert open_quick("sqlite://") is None
        assert open_quick("sqlite:///:memory:") is None

    def test_a_corrupt_file(self, tmp_path) -> None:
        """A file that is not a database."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"not a database" * 100)
        assert quick_first_screen(str(bad), start="home", import_builtin=False) is None

    def test_another_schema_version(self, store, clock, decks) -> None:
        """A database of a newer (or older) schema is left to the full path's migration or refusal."""
        path = store.path
        store.close()
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
        assert quick_first_screen(str(path), clock=clock, start="review", import_builtin=False) is None

    def test_a_changed_builtin_deck(self, tmp_path, clock) -> None:
        """If the built-in deck changed since it was imported, the import may move cards: full path."""
        path = tmp_path / "trainer.db"
        store = open_store(resolve_db_url(str(path)))
        try:
            ensure_builtin_deck(store, now=clock.now())
            assert quick_first_screen(str(path), clock=clock, start="review") is not None
            with store.session() as db:
                repo.set_meta(session=db, key=BUILTIN_DECK_META, value="an older deck")
                db.commit()
        finally:
            store.close()
        assert quick_first_screen(str(path), clock=clock, start="review") is None
        assert quick_first_screen(str(path), clock=clock, start="review", import_builtin=False) is not None

    def test_damaged_card_content(self, store, clock, decks) -> None:
        """A card whose stored lists are not JSON: None, not a crash."""
        path = store.path
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE card SET accepted = 'not json'")
        assert quick_first_screen(str(path), clock=clock, start="review", import_builtin=False) is None

    def test_it_never_writes(self, store, clock, decks) -> None:
        """The look opens the file read-only: its bytes are unchanged."""
        path = store.path
        store.close()
        before = path.read_bytes()
        assert quick_first_screen(str(path), clock=clock, start="review", import_builtin=False) is not None
        assert path.read_bytes() == before

    @pytest.mark.parametrize(
        "value",
        ["trainer.db", "sub/dir/x.db", "~/t.db", "/abs/path/t.db", "sqlite:///rel.db", "sqlite:////abs/t.db", None],
    )
    def test_the_file_is_the_one_the_store_opens(self, value, tmp_path, monkeypatch) -> None:
        """`database_file` names the same file as `resolve_db_url` (also from $TRAINER_DB and the default)."""
        monkeypatch.chdir(tmp_path)
        expected = resolve_db_url(value)
        assert expected.startswith("sqlite:///")
        assert database_file(value) == Path(expected.removeprefix("sqlite:///")).resolve()
        if value is not None:
            monkeypatch.setenv("TRAINER_DB", value)
            assert database_file(None) == database_file(value)


def test_the_quick_path_imports_no_database_layer(tmp_path) -> None:
    """Computing the first card and Home's figures loads neither SQLAlchemy, SQLModel nor pydantic,
    on an existing database or on a first run."""
    path = tmp_path / "trainer.db"
    fresh = tmp_path / "first-run" / "trainer.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        ensure_builtin_deck(store, now=datetime(2026, 1, 1, tzinfo=UTC))
        expected = open_session(store, SystemClock()).next_card().card.id  # the full store's first card
    finally:
        store.close()
    code = (
        "import json, sys\n"
        "from trainer.study.startup import quick_first_screen\n"
        f"review = quick_first_screen({str(path)!r}, start='review')\n"
        f"home = quick_first_screen({str(path)!r}, start='home')\n"
        f"first = quick_first_screen({str(fresh)!r}, start='review')\n"
        f"first_home = quick_first_screen({str(fresh)!r}, start='home')\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'pydantic', 'textual'})\n"
        "print(json.dumps([review.session.current.card.id, home.home.counts.new, first.session.current.card.id,\n"
        "                  first_home.home.counts.new, heavy]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    card_id, new, first_card_id, first_new, heavy = json.loads(result.stdout)
    assert card_id == expected and new == 20
    # A first run (no file yet) is read from the shipped snapshot: the same first card, and no file made.
    assert (first_card_id, first_new) == (card_id, new)
    assert not fresh.exists()
    assert heavy == []


class TestOneDefinitionOfEachQuery:
    """Both readers run the same SQL text, so a condition changed in one place changes both."""

    def test_changing_the_due_condition_once_changes_both_readers(self, store, clock, decks, monkeypatch) -> None:
        """Answer today, move to tomorrow: both readers see due cards; redefine "due" once: neither does."""
        from trainer.store import readers

        answer_all(open_session(store, clock), [5], limit=4)
        clock.advance(timedelta(days=1))
        before = open_session(store, clock).counts()
        assert before.due > 0
        assert_same(store, clock)
        # One edit, in one place: "due" now also requires a card due before the epoch (none is).
        monkeypatch.setattr(readers, "DUE", readers.DUE + " AND cardstate.due_day < '1900-01-01'")
        after = open_session(store, clock).counts()
        assert after.due == 0 and after.new == before.new
        assert_same(store, clock)  # the quick reader changed with it

    def test_changing_the_active_condition_once_changes_both_readers(self, store, clock, decks, monkeypatch) -> None:
        """Redefine "active" to leave the first card's deck out: both readers stop offering its cards."""
        from trainer.store import readers

        left_out = open_session(store, clock).next_card().card.deck_id
        monkeypatch.setattr(readers, "ACTIVE", readers.ACTIVE + f" AND card.deck_id <> '{left_out}'")
        first = open_session(store, clock).next_card()
        assert first is not None and first.card.deck_id == {"a": "b", "b": "a"}[left_out]
        assert_same(store, clock)


def test_a_server_url_takes_the_full_path(pg_url: str, clock: FixedClock) -> None:
    """A class server (PostgreSQL) has no quick look: the first screen comes from the full store."""
    store = open_store(pg_url)
    try:
        ensure_builtin_deck(store, now=clock.now())
    finally:
        store.close()
    assert quick_first_screen(pg_url, clock=clock, start="review") is None
    assert quick_first_screen(pg_url, clock=clock, start="home") is None
