"""Opening the database: locations, pragmas, refusing what we must not touch, migrations."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from trainer.store import repo
from tests.conftest import reader_of
from trainer.store.db import SCHEMA_VERSION, StoreError, open_store, resolve_db_url
from trainer.store.models import Card, Setting


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _sqlite_rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


class TestResolveDbUrl:
    """Where the database lives."""

    def test_an_explicit_path_becomes_an_absolute_sqlite_url(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A relative --db path is resolved against the working directory."""
        monkeypatch.chdir(tmp_path)
        assert resolve_db_url("my.db") == f"sqlite:///{tmp_path / 'my.db'}"

    def test_a_url_is_used_as_given(self) -> None:
        """Any SQLAlchemy URL passes through untouched."""
        assert resolve_db_url("postgresql://class/server") == "postgresql://class/server"

    def test_trainer_db_is_used_when_no_option_is_given(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """$TRAINER_DB is the fallback for --db."""
        monkeypatch.setenv("TRAINER_DB", str(tmp_path / "env.db"))
        assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"

    def test_the_option_wins_over_trainer_db(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """--db overrides $TRAINER_DB."""
        monkeypatch.setenv("TRAINER_DB", str(tmp_path / "env.db"))
        assert resolve_db_url(str(tmp_path / "opt.db")) == f"sqlite:///{tmp_path / 'opt.db'}"

    def test_the_default_is_in_the_user_data_dir(self) -> None:
        """Without --db or $TRAINER_DB, the platformdirs data dir holds trainer.db."""
        url = resolve_db_url(None)
        assert url.startswith("sqlite:///")
        assert url.endswith(os.path.join("dermatome-trainer", "trainer.db"))
        assert os.environ["XDG_DATA_HOME"] in url


class TestOpenStore:
    """A fresh database and its connection settings."""

    def test_opening_creates_the_folder_the_file_and_the_schema(self, tmp_path: Path) -> None:
        """The parent folder is created and the schema version is recorded."""
        path = tmp_path / "deep" / "er" / "trainer.db"
        store = open_store(_url(path))
        store.close()
        assert path.is_file()
        assert _sqlite_rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]

    def test_connections_use_wal_foreign_keys_a_busy_timeout_and_full_sync(self, tmp_path: Path) -> None:
        """Every connection gets the pragmas durability and two windows need."""
        store = open_store(_url(tmp_path / "t.db"))
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        store.close()

    def test_reopening_a_current_database_keeps_its_data(self, tmp_path: Path) -> None:
        """Opening twice neither migrates nor backs up."""
        path = tmp_path / "t.db"
        store = open_store(_url(path))
        with store.session() as session:
            session.add(Setting(profile_id=1, name="new_per_day", value="7"))
            session.commit()
        store.close()
        store = open_store(_url(path))
        with store.session() as session:
            assert session.get(Setting, (1, "new_per_day")).value == "7"
        store.close()
        assert list(tmp_path.glob("*.bak")) == []

    def test_instants_come_back_as_utc(self, store, make_deck, import_deck) -> None:
        """SQLite drops the zone; the store puts UTC back on."""
        import_deck(store, make_deck(1))
        retired = datetime(2026, 3, 10, 7, 59, tzinfo=timezone(timedelta(hours=1)))
        with store.session() as session:
            card = session.exec(select(Card)).first()
            card.retired_at = retired
            session.commit()
        with store.session() as session:
            value = session.exec(select(Card)).first().retired_at
        assert value == datetime(2026, 3, 10, 6, 59, tzinfo=UTC)
        assert value.tzinfo == UTC

    def test_a_naive_instant_is_refused(self, store, make_deck, import_deck) -> None:
        """A datetime without a zone would be ambiguous, so it is never stored."""
        import_deck(store, make_deck(1))
        with store.session() as session:
            card = session.exec(select(Card)).first()
            card.retired_at = datetime(2026, 3, 10, 6, 59)
            with pytest.raises(Exception, match="naive"):
                session.commit()


class TestRefusals:
    """Files we must not open, or cannot: refused with one clear sentence, never modified."""

    def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(self, tmp_path: Path) -> None:
        """A text file is not overwritten by a fresh schema."""
        folder = tmp_path / "data"
        folder.mkdir()
        path = folder / "notes.db"
        path.write_text("my precious lecture notes\n" * 100)
        before = path.read_bytes()
        with pytest.raises(StoreError, match="not a Dermatome Trainer database") as caught:
            open_store(_url(path))
        assert str(path) in caught.value.message
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["notes.db"]

    def test_a_corrupt_database_is_refused_and_left_untouched(self, tmp_path: Path) -> None:
        """A SQLite header followed by garbage is refused, bytes identical afterwards."""
        folder = tmp_path / "data"
        path = folder / "trainer.db"
        good = open_store(_url(path))
        good.close()
        data = bytearray(path.read_bytes())
        data[16:] = bytes((i * 37 + 11) % 256 for i in range(len(data) - 16))
        path.write_bytes(bytes(data))
        for leftover in folder.glob("trainer.db-*"):
            leftover.unlink()
        before = path.read_bytes()
        with pytest.raises(StoreError, match="corrupt"):
            open_store(_url(path))
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["trainer.db"]

    def test_another_programs_sqlite_database_is_refused_and_left_untouched(self, tmp_path: Path) -> None:
        """A valid SQLite file without any of our tables is not "migrated" into ours."""
        path = tmp_path / "browser-history.sqlite"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE visits (url TEXT, at TEXT)")
        connection.execute("INSERT INTO visits VALUES ('https://example.org', '2026-01-01')")
        connection.commit()
        connection.close()
        before = path.read_bytes()
        with pytest.raises(StoreError, match="another program"):
            open_store(_url(path))
        assert path.read_bytes() == before
        assert list(tmp_path.glob("*.bak")) == []

    def test_a_newer_schema_is_refused_with_upgrade_advice(self, tmp_path: Path) -> None:
        """A database from a future version is not downgraded or touched."""
        path = tmp_path / "trainer.db"
        open_store(_url(path)).close()
        connection = sqlite3.connect(path)
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 2),))
        connection.commit()
        connection.close()
        before = path.read_bytes()
        with pytest.raises(StoreError) as caught:
            open_store(_url(path))
        assert caught.value.message == (
            f"This database was written by a newer Dermatome Trainer (schema {SCHEMA_VERSION + 2}; "
            f"this version reads up to {SCHEMA_VERSION}); upgrade the app."
        )
        assert path.read_bytes() == before

    def test_a_folder_that_cannot_be_created_is_a_clear_error(self, tmp_path: Path) -> None:
        """A database "inside" a regular file cannot be created."""
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(StoreError, match="Cannot create the folder"):
            open_store(_url(blocker / "trainer.db"))

    def test_a_read_only_database_file_is_a_clear_error(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unwritable file is refused before any answer could fail to save.

        The permission check is simulated because tests may run as root, who can write anyway.
        """
        path = tmp_path / "trainer.db"
        open_store(_url(path)).close()
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if (Path(p) == path and mode == os.W_OK) else real_access(p, mode)
        )
        with pytest.raises(StoreError, match="read-only"):
            open_store(_url(path))

    def test_a_read_only_folder_is_a_clear_error(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A new database in a folder we cannot write is refused with the folder named."""
        folder = tmp_path / "locked"
        folder.mkdir()
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if (Path(p) == folder and mode == os.W_OK) else real_access(p, mode)
        )
        with pytest.raises(StoreError, match="read-only") as caught:
            open_store(_url(folder / "trainer.db"))
        assert str(folder) in caught.value.message

    def test_a_good_database_in_a_read_only_folder_is_not_called_corrupt(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a read-only mount SQLite cannot even open a WAL file read-only; say "read-only", not "corrupt"."""
        path = tmp_path / "trainer.db"
        open_store(_url(path)).close()
        real_access, real_connect = os.access, sqlite3.connect
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if (Path(p) == tmp_path and mode == os.W_OK) else real_access(p, mode)
        )

        def connect(target, *args, **kwargs):
            if "mode=ro" in str(target):
                raise sqlite3.OperationalError("unable to open database file")
            return real_connect(target, *args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", connect)
        with pytest.raises(StoreError) as caught:
            open_store(_url(path))
        assert "read-only" in caught.value.message
        assert "corrupt" not in caught.value.message and "damaged" not in caught.value.message


class TestMigration:
    """Older databases are backed up beside themselves, then migrated."""

    @staticmethod
    def _fixed_now() -> datetime:
        return datetime(2026, 3, 10, 6, 59, 30, tzinfo=UTC)

    def test_without_a_clock_the_backup_is_named_after_the_old_files_last_write(self, tmp_path: Path) -> None:
        """The store reads no wall clock: with no `now`, the backup name records when the old file was last written."""
        path = tmp_path / "trainer.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '0')")
        connection.commit()
        connection.close()
        written = datetime(2025, 11, 2, 21, 15, 7, tzinfo=UTC)
        os.utime(path, (written.timestamp(), written.timestamp()))
        open_store(_url(path)).close()
        assert [p.name for p in tmp_path.glob("*.bak")] == ["trainer.db.v0-20251102T211507.bak"]

    def test_a_schema_0_database_is_backed_up_then_migrated_keeping_its_data(self, tmp_path: Path) -> None:
        """schema_version 0 -> a dated .bak copy, then every table, data kept, version 1."""
        path = tmp_path / "trainer.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '0')")
        connection.execute("CREATE TABLE setting (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        connection.execute("INSERT INTO setting VALUES ('new_per_day', '12')")
        connection.commit()
        connection.close()

        store = open_store(_url(path), now=self._fixed_now)
        with store.session() as session:
            assert session.get(Setting, (1, "new_per_day")).value == "12"
            assert repo.get_meta(session=session, key="schema_version") == str(SCHEMA_VERSION)
            assert reader_of(session).new_card_ids(limit=5) == []  # the queue tables now exist
        store.close()

        backup = tmp_path / "trainer.db.v0-20260310T065930.bak"
        assert backup.is_file()
        assert _sqlite_rows(backup, "SELECT value FROM meta WHERE key = 'schema_version'") == [("0",)]
        assert _sqlite_rows(backup, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") == [
            ("meta",),
            ("setting",),
        ]
        assert _sqlite_rows(backup, "SELECT value FROM setting") == [("12",)]

    def test_a_pre_release_layout_without_a_meta_table_counts_as_schema_0(self, tmp_path: Path) -> None:
        """Tables but no meta table: backed up as v0 and migrated."""
        path = tmp_path / "trainer.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE setting (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        connection.execute("INSERT INTO setting VALUES ('rollover_hour', '5')")
        connection.commit()
        connection.close()
        store = open_store(_url(path), now=self._fixed_now)
        with store.session() as session:
            assert session.get(Setting, (1, "rollover_hour")).value == "5"
        store.close()
        assert [p.name for p in tmp_path.glob("*.bak")] == ["trainer.db.v0-20260310T065930.bak"]

    def test_a_second_backup_in_the_same_second_does_not_overwrite_the_first(self, tmp_path: Path) -> None:
        """Backups are never overwritten."""
        for _ in range(2):
            path = tmp_path / "trainer.db"
            path.unlink(missing_ok=True)
            connection = sqlite3.connect(path)
            connection.execute("CREATE TABLE setting (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
            connection.commit()
            connection.close()
            open_store(_url(path), now=self._fixed_now).close()
        assert sorted(p.name for p in tmp_path.glob("*.bak")) == [
            "trainer.db.v0-20260310T065930-2.bak",
            "trainer.db.v0-20260310T065930.bak",
        ]


class TestOtherDatabases:
    """A URL for another database: a missing driver, an unknown type or an unreachable server is one clear StoreError."""

    @pytest.mark.parametrize(
        ("url", "words"),
        [
            ("postgresql://nohost/x", "pip install psycopg"),
            ("mysql://nohost/x", "pip install mysqlclient"),
            ("foo://bar", "'foo' is not a database type SQLAlchemy knows"),
            ("postgresql+nosuchdriver://nohost/x", "names a driver SQLAlchemy does not know"),
        ],
    )
    def test_a_url_that_cannot_be_used_is_a_store_error(self, url: str, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """The user learns what to install or what is misspelt, not a traceback."""
        # The test extra installs psycopg (the PostgreSQL suites use it): hide it, as on a
        # student's machine without the [postgres] extra.
        for module in ("psycopg", "psycopg2"):
            monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert words in caught.value.message

    def test_a_server_that_cannot_be_reached_is_a_store_error(self) -> None:
        """A real connection refused (nothing listens on the port) names the URL without its password."""
        from tests.pg import free_port

        url = f"postgresql+psycopg://student:secret@127.0.0.1:{free_port()}/class"
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert caught.value.message.startswith("Cannot open the database postgresql+psycopg://student:***@127.0.0.1")
        assert "refused" in caught.value.message
        assert "secret" not in caught.value.message
