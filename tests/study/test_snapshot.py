"""A first run paints its first card from the shipped snapshot, and writes it as its database.

`decks/builtin-snapshot.json` holds what importing the built-in decks writes into a new database
(`trainer.study.snapshot`). On a first run `quick_first_screen` rebuilds it in memory and reads
the first card, the counts and Home's figures from it with the same `Reader` as always; behind the
first paint the app writes it as the new database (`create_from_snapshot`) instead of importing.
These tests check that the committed file is current, that everything read from it and the file
written from it equal what the real first-run import gives, and that a snapshot that does not
apply is ignored.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sqlmodel import select

from trainer.clock import FixedClock
from trainer.store import models
from trainer.store import snapshot as store_snapshot
from trainer.store.db import Store, open_store, resolve_db_url
from trainer.store.readers import Reader, SqlAlchemyExecutor
from trainer.store.snapshot import dump, open_snapshot
from trainer.store.text_index import check_text_index
from trainer.study import snapshot as snapshot_module
from trainer.study.decks import ensure_builtin_deck
from trainer.study.overview import home_overview
from trainer.study.session import StudySession
from trainer.study.snapshot import builtin_snapshot, create_from_snapshot, generate_snapshot, snapshot_path
from trainer.study.startup import builtin_deck_key, quick_first_screen

BUILTIN_FILTERS: tuple[tuple[str, ...] | None, ...] = (
    None,
    ("dermatomes",),
    ("isncsci",),
    ("localisation",),
    ("isncsci", "localisation"),
)
"""All decks, each built-in deck alone, and two that tie at every position."""


@pytest.fixture
def imported(tmp_path: Path, clock: FixedClock) -> Store:
    """A store after the real first-run import of the built-in decks."""
    store = open_store(resolve_db_url(str(tmp_path / "imported.db")))
    ensure_builtin_deck(store, now=clock.now())
    yield store
    store.close()


def test_the_committed_snapshot_is_current() -> None:
    """The shipped file equals a fresh generation (decks, content code, schema and import unchanged)."""
    committed = json.loads(snapshot_path().read_text(encoding="utf-8"))
    assert committed == generate_snapshot(), (
        "decks/builtin-snapshot.json is stale: regenerate it with `python -m trainer.study.snapshot`"
    )


def test_a_first_run_reads_what_the_real_import_gives(tmp_path: Path, clock: FixedClock, imported: Store) -> None:
    """First card (content, queue, progress), counts, citations and Home figures equal the store's."""
    fresh = tmp_path / "new" / "trainer.db"
    for deck_ids in BUILTIN_FILTERS:
        expected = StudySession.open(imported, clock, profile_id=1, deck_ids=deck_ids)
        first = quick_first_screen(str(fresh), clock=clock, start="review", deck_ids=deck_ids)
        assert first is not None and first.session is not None, deck_ids
        quick = first.session
        assert quick.current is not None and quick.current == expected.current, deck_ids
        assert quick.counts() == expected.counts(), deck_ids
        assert quick.today() == expected.today()
        assert quick.citations(quick.current.card) == expected.citations(expected.current.card)
    home = quick_first_screen(str(fresh), clock=clock, start="home")
    assert home is not None and home.home == home_overview(imported, clock, profile_id=1)
    assert not fresh.exists() and not fresh.parent.exists()  # the look creates nothing


def test_every_new_card_comes_in_the_same_order(imported: Store) -> None:
    """The whole new-card order, ties between decks at each position included, is the store's."""
    quick = open_snapshot(builtin_snapshot(builtin_deck_key()))
    try:
        from_snapshot = Reader(quick, profile_id=1).new_card_ids(limit=100_000)
    finally:
        quick.close()
    with imported.engine.connect() as connection:
        from_store = Reader(SqlAlchemyExecutor(connection), profile_id=1).new_card_ids(limit=100_000)
    assert from_snapshot == from_store
    assert len(from_store) > 700
    # At position 0 the built-in decks (the body map's cards among them) tie; they come in deck-id order.
    assert [card_id.split(":")[0] for card_id in from_store[:4]] == ["bodymap", "dermatomes", "isncsci", "localisation"]


def _all_tables(path: Path) -> tuple[str, ...]:
    """The ordinary tables (not the text index's virtual table and the tables FTS5 keeps for it)."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("PRAGMA table_list")
        return tuple(sorted(row[1] for row in rows if row[2] == "table" and not row[1].startswith("sqlite_")))


def _text_index_problem(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    try:
        return check_text_index(connection)
    finally:
        connection.close()


class TestTheDatabaseAFirstRunWrites:
    """Behind the first paint, the app writes the new database from the snapshot instead of importing."""

    def test_it_holds_what_the_real_import_writes(self, tmp_path: Path, clock: FixedClock, imported: Store) -> None:
        """Every table, row and schema statement equals the real first run's (the pseudonym is new, not the same)."""
        path = tmp_path / "new" / "trainer.db"
        assert create_from_snapshot(str(path), now=clock.now())
        real_path = imported.path
        assert real_path is not None
        tables = _all_tables(real_path)
        assert _all_tables(path) == tables
        made, real = dump(path, tables=tables), dump(real_path, tables=tables)
        made_profiles = made["tables"].pop("profile")["rows"]
        real_profiles = real["tables"].pop("profile")["rows"]
        assert made == real
        # The text index, filled by its triggers as the rows went in, holds exactly the cards.
        assert _text_index_problem(path) is None
        ((made_id, made_name, made_pseudonym, _),) = made_profiles
        ((real_id, real_name, real_pseudonym, _),) = real_profiles
        assert (made_id, made_name) == (real_id, real_name)
        assert made_pseudonym.startswith("s-") and made_pseudonym != real_pseudonym

    def test_the_store_opens_it_as_current_and_imports_nothing(self, tmp_path: Path, clock: FixedClock) -> None:
        """The store accepts the file, the built-in decks are current, and a review reads it."""
        path = tmp_path / "trainer.db"
        assert create_from_snapshot(str(path), now=clock.now())
        before = dump(path, tables=_all_tables(path))
        store = open_store(resolve_db_url(str(path)))
        try:
            ensure_builtin_deck(store, now=clock.now())
            session = StudySession.open(store, clock, profile_id=1)
            assert session.current is not None  # and it is the quick look's first card (below)
            with store.session() as db:
                decks = db.exec(select(models.Deck)).all()
            assert {deck.imported_at for deck in decks} == {clock.now()}
        finally:
            store.close()
        assert dump(path, tables=_all_tables(path)) == before  # nothing was re-imported
        # The next launch takes the ordinary quick look on the file.
        later = quick_first_screen(str(path), clock=clock, start="review")
        assert later is not None and later.session is not None
        assert later.session.current == session.current

    def test_it_never_replaces_a_database(self, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file already there, or one that appears while the snapshot is written (another window's
        first run), is left alone, and no partial file stays behind."""
        folder = tmp_path / "data"
        folder.mkdir()
        path = folder / "trainer.db"
        path.write_bytes(b"someone else's file")
        assert not create_from_snapshot(str(path), now=clock.now())
        assert path.read_bytes() == b"someone else's file"
        path.unlink()
        real_fill = store_snapshot._fill

        def another_window_first(*args, **kwargs):
            path.write_bytes(b"the other window's database")
            real_fill(*args, **kwargs)

        monkeypatch.setattr(store_snapshot, "_fill", another_window_first)
        assert not create_from_snapshot(str(path), now=clock.now())
        assert path.read_bytes() == b"the other window's database"
        assert [p.name for p in folder.iterdir()] == ["trainer.db"]

    def test_a_folder_that_cannot_be_made(self, tmp_path: Path, clock: FixedClock) -> None:
        """Nothing is written and no error is raised: the ordinary path then says what is wrong."""
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the folder should be")
        assert not create_from_snapshot(str(blocker / "trainer.db"), now=clock.now())
        assert not create_from_snapshot("sqlite://", now=clock.now())


class TestWhenTheSnapshotDoesNotApply:
    """The first run then takes the full path ("Loading…" while the store creates and imports)."""

    def _ship(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
        snapshot = json.loads(snapshot_path().read_text(encoding="utf-8"))
        snapshot.update(changes)
        shipped = tmp_path / "shipped.json"
        shipped.write_text(json.dumps(snapshot), encoding="utf-8")
        monkeypatch.setattr(snapshot_module, "snapshot_path", lambda: shipped)

    def test_made_from_other_decks(self, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
        """A snapshot of an older deck (or code) would show cards the import may change: not shown, not written."""
        self._ship(tmp_path, monkeypatch, builtin_deck_key="an older deck")
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is None
        assert not create_from_snapshot(str(tmp_path / "new.db"), now=clock.now())
        assert not (tmp_path / "new.db").exists()

    def test_of_another_schema_version(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The schema it carries is not the one the store will create."""
        self._ship(tmp_path, monkeypatch, schema_version=1)
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is None

    def test_damaged(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Rows that do not fit the schema: None, not a crash."""
        self._ship(tmp_path, monkeypatch, schema=["CREATE TABLE meta (key TEXT)"])
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is None
        shipped = tmp_path / "shipped.json"
        shipped.write_text("{not json", encoding="utf-8")
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is None

    def test_another_profile_is_named(self, tmp_path: Path) -> None:
        """A new database holds only the default profile: the full path says which profiles exist."""
        assert quick_first_screen(str(tmp_path / "new.db"), start="review", profile="ana") is None
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is not None

    def test_not_a_sqlite_file(self) -> None:
        """A server URL or an in-memory database gets no snapshot."""
        assert quick_first_screen("sqlite://", start="review") is None
        assert quick_first_screen("postgresql://class.example.org/trainer", start="review") is None
