"""A database that is busy or damaged mid-session: the study layer says so with StoreError, never a raw SQL error."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from trainer.store.db import open_store
from trainer.store.models import Review
from trainer.study.review import open_session, StoreError, home_overview


def _reviews(store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(Review)).one()


class TestLockedDatabase:
    """Another program holds a write transaction past the busy timeout."""

    @pytest.fixture
    def quick_store(self, tmp_path: Path, make_deck, import_deck):
        """A store whose writes give up after 200 ms instead of 5 s."""
        store = open_store(f"sqlite:///{tmp_path / 'locked.db'}", busy_timeout_ms=200)
        import_deck(store, make_deck(3))
        yield store
        store.close()

    @pytest.fixture
    def lock(self, quick_store):
        """Another connection holding BEGIN IMMEDIATE (a writer that does not finish)."""
        other = sqlite3.connect(quick_store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        yield other
        other.rollback()
        other.close()

    def test_an_answer_on_a_locked_database_says_busy_and_is_not_recorded(self, quick_store, clock, lock) -> None:
        """The student is told the database is busy, quickly; nothing is recorded and undo has nothing to take back."""
        session = open_session(quick_store, clock)
        card = session.next_card()  # reading still works under WAL
        assert card is not None
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            session.answer(card.card.id, 5, 1000)
        assert time.monotonic() - started < 3
        assert "busy" in caught.value.message and "locked" in caught.value.message
        assert "sqlalchemy" not in caught.value.message.lower()
        assert session.can_undo() is False
        assert session.undo() is None
        lock.rollback()
        assert _reviews(quick_store) == 0
        assert session.next_card().card.id == card.card.id  # still the first card: nothing was recorded

    def test_suspend_and_undo_on_a_locked_database_say_busy(self, quick_store, clock, lock) -> None:
        """Every write of the session fails the same plain way."""
        session = open_session(quick_store, clock)
        card_id = session.next_card().card.id
        with pytest.raises(StoreError, match="busy"):
            session.suspend(card_id)
        lock.rollback()
        session.answer(card_id, 5, 1000)
        lock.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="busy"):
            session.undo()
        assert session.can_undo()  # the answer is still recorded, so it can still be undone later


def _corrupt_data_pages(path: Path) -> None:
    """Overwrite the back half of the file (card data pages), keeping the header and schema pages."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        for page in range(pages // 2, pages):
            handle.seek(page * page_size)
            handle.write(b"\xa5" * page_size)


@pytest.fixture
def damaged(tmp_path: Path, make_deck, import_deck) -> Path:
    """A database with a valid header and schema whose card pages are garbage."""
    path = tmp_path / "damaged.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(600))
    store.close()
    _corrupt_data_pages(path)
    return path


def test_a_small_damaged_database_is_refused_on_open_and_left_untouched(damaged: Path) -> None:
    """The quick check on open catches damage before a session starts."""
    before = damaged.read_bytes()
    with pytest.raises(StoreError, match="corrupt"):
        open_store(f"sqlite:///{damaged}")
    assert damaged.read_bytes() == before


def test_a_database_damaged_mid_file_gives_store_error_not_a_raw_sql_error(damaged: Path, clock, monkeypatch) -> None:
    """Damage the open-time check does not see (a big file skips it): every read says the file is damaged."""
    monkeypatch.setattr("trainer.store.db.QUICK_CHECK_MAX_BYTES", 0)
    store = open_store(f"sqlite:///{damaged}")
    try:
        with pytest.raises(StoreError) as caught:
            session = open_session(store, clock)
            session.counts()
            session.next_card()
            home_overview(store, clock, profile_id=1)
        assert "damaged" in caught.value.message
    finally:
        store.close()
