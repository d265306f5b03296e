"""A first run paints its first card from the shipped snapshot, and it is exactly what the import gives.

`decks/builtin-snapshot.json` holds what importing the built-in decks writes into a new database
(`trainer.study.snapshot`). On a first run `quick_first_screen` rebuilds it in memory and reads
the first card, the counts and Home's figures from it with the same `Reader` as always. These
tests check that the committed file is current, that everything read from it equals what a
store holds after the real first-run import, and that a snapshot that does not apply is ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.clock import FixedClock
from trainer.store.db import Store, open_store, resolve_db_url
from trainer.store.readers import Reader, SqlAlchemyExecutor
from trainer.store.snapshot import open_snapshot
from trainer.study import snapshot as snapshot_module
from trainer.study.decks import ensure_builtin_deck
from trainer.study.overview import home_overview
from trainer.study.session import StudySession
from trainer.study.snapshot import builtin_snapshot, generate_snapshot, snapshot_path
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
    # At position 0 the three decks tie; they come in deck-id order (the core deck first).
    assert [card_id.split(":")[0] for card_id in from_store[:3]] == ["dermatomes", "isncsci", "localisation"]


class TestWhenTheSnapshotDoesNotApply:
    """The first run then takes the full path ("Loading…" while the store creates and imports)."""

    def _ship(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
        snapshot = json.loads(snapshot_path().read_text(encoding="utf-8"))
        snapshot.update(changes)
        shipped = tmp_path / "shipped.json"
        shipped.write_text(json.dumps(snapshot), encoding="utf-8")
        monkeypatch.setattr(snapshot_module, "snapshot_path", lambda: shipped)

    def test_made_from_other_decks(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A snapshot of an older deck (or code) would show cards the import may change."""
        self._ship(tmp_path, monkeypatch, builtin_deck_key="an older deck")
        assert quick_first_screen(str(tmp_path / "new.db"), start="review") is None

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
