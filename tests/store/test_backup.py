"""Backups, restore and the integrity check (store and CLI); the schema 2 -> 3 migration."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.store.backup import BackupError, auto_backup, backups, check_database, restore_backup
from trainer.store.db import SCHEMA_VERSION, open_store
from trainer.store.models import CardState
from trainer.study.review import open_session

from ..conftest import LONDON

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, make_deck, import_deck, clock) -> Path:
    """A database file with a deck and one answer."""
    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(5))
    session = open_session(store, clock)
    session.answer(session.current.card.id, 4, 2000)
    store.close()
    return path


def _reviews(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM review").fetchone()[0]
    finally:
        connection.close()


class TestAutomaticBackups:
    def test_at_most_one_a_day_and_rotated_to_n(self, database: Path) -> None:
        """Five days of opening with keep=3: one backup per day, the three newest kept, each a database the trainer opens."""
        for day in range(5):
            now = NOW + timedelta(days=day)
            assert auto_backup(database, now=now, zone=LONDON, keep=3) is not None
            assert auto_backup(database, now=now + timedelta(hours=2), zone=LONDON, keep=3) is None  # same day
        kept = backups(database)
        assert [p.name for p in kept] == [f"trainer-202603{d}T090000.db" for d in (12, 13, 14)]
        for path in kept:
            store = open_store(f"sqlite:///{path}")
            store.close()
            assert _reviews(path) == 1
            assert check_database(path).ok

    def test_keep_zero_makes_none(self, database: Path) -> None:
        assert auto_backup(database, now=NOW, zone=LONDON, keep=0) is None
        assert backups(database) == []

    def test_the_app_backs_up_on_open(self, database: Path) -> None:
        """The daily backup of the app's store worker: one file, even if the app is opened twice that day."""
        from trainer.clock import FixedClock
        from trainer.study.backups import daily_backup

        clock = FixedClock(NOW, tz=LONDON)
        store = open_store(f"sqlite:///{database}")
        try:
            made, problem = daily_backup(store, clock, profile_id=1)
            assert made is not None and problem is None
            assert daily_backup(store, clock, profile_id=1) == (None, None)
        finally:
            store.close()
        assert len(backups(database)) == 1


class TestRestore:
    @pytest.mark.parametrize("kind", ["junk", "damaged", "foreign", "newer"])
    def test_a_bad_file_is_refused_and_the_database_is_byte_identical(self, database: Path, tmp_path: Path, kind: str) -> None:
        bad = tmp_path / f"{kind}.db"
        if kind == "junk":
            bad.write_text("not a database at all")
        elif kind == "foreign":
            connection = sqlite3.connect(bad)
            connection.execute("CREATE TABLE recipes (name TEXT)")
            connection.commit()
            connection.close()
        else:
            bad.write_bytes(database.read_bytes())
            if kind == "damaged":
                data = bytearray(bad.read_bytes())
                for offset in range(4096, len(data), 4096):  # scribble over every page after the first
                    data[offset + 10 : offset + 200] = b"\xff" * 190
                bad.write_bytes(bytes(data))
            else:
                connection = sqlite3.connect(bad)
                connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
                connection.commit()
                connection.close()
        before = database.read_bytes()
        with pytest.raises(BackupError, match="left untouched|cannot be restored|newer"):
            restore_backup(database, bad, now=NOW)
        assert database.read_bytes() == before
        assert backups(database) == []  # nothing written, not even the safety backup

    def test_a_good_backup_replaces_the_database_after_a_safety_copy(self, database: Path, tmp_path: Path, clock) -> None:
        """Restore an empty-history backup over a database with two answers: one answer again; the two kept aside."""
        saved = tmp_path / "saved.db"
        result = CliRunner().invoke(main, ["--db", str(database), "backup", "--output", str(saved)])
        assert result.exit_code == 0, result.output
        store = open_store(f"sqlite:///{database}")
        session = open_session(store, clock)
        session.answer(session.current.card.id, 5, 1000)
        store.close()
        assert _reviews(database) == 2
        safety = restore_backup(database, saved, now=NOW)
        assert safety is not None and _reviews(safety) == 2
        assert _reviews(database) == 1
        store = open_store(f"sqlite:///{database}")
        store.close()


class TestCli:
    def test_restore_asks_first(self, database: Path, tmp_path: Path, monkeypatch) -> None:
        saved = tmp_path / "saved.db"
        CliRunner().invoke(main, ["--db", str(database), "backup", "--output", str(saved)])
        monkeypatch.setattr("trainer.cli_collection._stdin_is_interactive", lambda: True)
        before = database.read_bytes()
        result = CliRunner().invoke(main, ["--db", str(database), "restore", str(saved)], input="n\n")
        assert "Nothing was restored." in result.output
        assert database.read_bytes() == before
        result = CliRunner().invoke(main, ["--db", str(database), "restore", str(saved)], input="y\n")
        assert result.exit_code == 0
        assert "the previous database is kept as" in result.output

    def test_restore_of_junk_says_why_in_one_line(self, database: Path, tmp_path: Path) -> None:
        junk = tmp_path / "junk.db"
        junk.write_text("hello")
        result = CliRunner().invoke(main, ["--db", str(database), "restore", str(junk), "--yes"])
        assert result.exit_code == 1
        assert result.output.strip() == (
            f"trainer restore: {junk} cannot be restored: It is not a SQLite database file. "
            "The current database was left untouched."
        )

    def test_check_in_plain_words(self, database: Path, tmp_path: Path) -> None:
        result = CliRunner().invoke(main, ["--db", str(database), "check"])
        assert result.exit_code == 0
        assert result.output.splitlines()[0] == f"{database} is sound: no damage found."
        broken = tmp_path / "broken.db"
        data = bytearray(database.read_bytes())
        for offset in range(4096, len(data), 4096):
            data[offset + 10 : offset + 200] = b"\xff" * 190
        broken.write_bytes(bytes(data))
        result = CliRunner().invoke(main, ["--db", str(broken), "check"])
        assert result.exit_code == 1
        assert "has problems" in result.output and "damaged" in result.output
        assert "Traceback" not in result.output

    def test_check_finds_a_stale_text_index_and_repair_rebuilds_it(self, database: Path) -> None:
        """An index that lost the cards' text (search finds nothing) is reported; --repair brings the cards back."""

        def found() -> int:
            result = CliRunner().invoke(main, ["--db", str(database), "cards", "search", "supplies", "--json"])
            assert result.exit_code == 0, result.output
            return len(json.loads(result.stdout))

        assert found() == 5
        connection = sqlite3.connect(database)
        connection.execute("INSERT INTO card_text (card_text) VALUES ('delete-all')")  # the cards stay
        connection.commit()
        connection.close()
        assert found() == 0
        result = CliRunner().invoke(main, ["--db", str(database), "check"])
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"{database} has a problem.",
            "The index of the cards' text does not match the cards (Browse's text search may miss cards "
            "or find the wrong ones); `trainer check --repair` rebuilds it.",
        ]
        result = CliRunner().invoke(main, ["--db", str(database), "check", "--repair"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[:2] == [
            f"{database} is sound: no damage found.",
            "The index of the cards' text was rebuilt from the cards.",
        ]
        assert found() == 5
        assert CliRunner().invoke(main, ["--db", str(database), "check"]).exit_code == 0

    def test_cards_search_json_and_a_bad_query(self, database: Path) -> None:
        result = CliRunner().invoke(main, ["--db", str(database), "cards", "search", "root:L5", "--json"])
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)
        assert found and all(card["answer"] == "L5" for card in found)
        result = CliRunner().invoke(main, ["--db", str(database), "cards", "search", "root:L5", "is:soon"])
        assert result.exit_code == 1
        assert "is:soon is not known" in result.output
        assert "  root:L5 is:soon\n             ^" in result.output
        assert "Traceback" not in result.output


def test_schema_2_database_migrates_to_3(tmp_path: Path, make_deck, import_deck, clock) -> None:
    """A schema-2 file (today's file with the two new columns dropped and version 2) gains them, data kept, backup made."""
    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(3))
    session = open_session(store, clock)
    answered = session.current.card.id
    session.answer(answered, 4, 2000)
    store.close()
    connection = sqlite3.connect(path)
    connection.execute("DROP INDEX ix_cardstate_marked")  # schema 7's index on the columns schema 2 lacks
    connection.execute("ALTER TABLE cardstate DROP COLUMN buried_until")
    connection.execute("ALTER TABLE cardstate DROP COLUMN flag")
    connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()

    store = open_store(f"sqlite:///{path}", now=lambda: NOW)
    with store.session() as db:
        state = db.get(CardState, (1, answered))
        assert (state.flag, state.buried_until, state.due_day) == ("", None, date(2026, 1, 11))
    store.close()
    assert [p.name for p in tmp_path.glob("*.bak")] == ["trainer.db.v2-20260310T090000.bak"]
