"""Refused files (issue 12, item 7): one plain line, and the file and its folder exactly as they were.

Each file is refused through every door a student uses: the store itself, a read-only command
(`trainer config get`), a writing command (`trainer config set`) and the TUI. SQLite creates
`-wal` and `-shm` files beside a WAL database as soon as anything reads it, so "left untouched"
is checked on the whole folder listing, not only on the file's bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.worker import WorkerCancelled

from trainer.cli import main
from trainer.clock import FixedClock
from trainer.store.db import SCHEMA_VERSION, StoreError, open_store
from trainer.tui.app import make_app

from ..conftest import LONDON, import_deck, make_deck
from ..tui.helpers import settle

SQLITE_WORDS = ("malformed", "disk image", "btree", "Page ", "***", "sqlite_master", "error code")
"""SQLite's own diagnostics, which must never reach a student."""


def _corrupt(folder: Path) -> Path:
    """Our database with the header of every data page overwritten: the schema reads, quick_check fails."""
    path = folder / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(200))
    store.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(4, len(data) // page_size):
        data[page * page_size : page * page_size + 8] = b"\x55" * 8
    path.write_bytes(bytes(data))
    return path


def _foreign(folder: Path) -> Path:
    """Another program's SQLite database, in WAL mode as many programs keep theirs."""
    path = folder / "history.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE visits (url TEXT, at TEXT)")
    connection.execute("INSERT INTO visits VALUES ('https://example.org', '2026-01-01')")
    connection.commit()
    connection.close()
    return path


def _newer(folder: Path) -> Path:
    """Our database as a newer release would leave it (a higher schema version)."""
    path = folder / "trainer.db"
    open_store(f"sqlite:///{path}").close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    connection.commit()
    connection.close()
    return path


KINDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt": (_corrupt, "corrupt"),
    "foreign": (_foreign, "another program"),
    "newer": (_newer, "newer Dermatome Trainer"),
}
"""Each kind of refused file: how to make it, and the plain words its refusal uses."""


@pytest.fixture(params=sorted(KINDS))
def refused(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A refused file alone in its folder (no -wal/-shm left by making it), and the words expected."""
    folder = tmp_path / "data"
    folder.mkdir()
    make, words = KINDS[request.param]
    path = make(folder)
    assert sorted(p.name for p in folder.iterdir()) == [path.name]
    return path, words


def _assert_plain_line(message: str, words: str) -> None:
    assert words in message
    assert "\n" not in message.strip()
    for internal in SQLITE_WORDS:
        assert internal not in message


class TestRefusedFilesAreLeftAsTheyWere:
    """A corrupt, a foreign and a newer-schema file: one plain line, the folder listing unchanged."""

    def test_the_store_refuses_in_one_plain_line(self, refused: tuple[Path, str]) -> None:
        """open_store, to write and to read only."""
        path, words = refused
        before = path.read_bytes()
        for read_only in (False, True):
            with pytest.raises(StoreError) as caught:
                open_store(f"sqlite:///{path}", read_only=read_only)
            _assert_plain_line(caught.value.message, words)
            assert path.read_bytes() == before
            assert sorted(p.name for p in path.parent.iterdir()) == [path.name]

    @pytest.mark.parametrize("args", [("config", "get", "new_per_day"), ("config", "set", "new_per_day", "3"), ("config",)])
    def test_the_command_line_refuses_in_one_plain_line(self, refused: tuple[Path, str], args: tuple[str, ...]) -> None:
        """Exit status 1, one line on stderr, nothing new beside the file."""
        path, words = refused
        before = path.read_bytes()
        result = CliRunner().invoke(main, ["--db", str(path), *args])
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
        _assert_plain_line(result.stderr, words)
        assert path.read_bytes() == before
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]

    async def test_the_tui_exits_with_one_plain_line(self, refused: tuple[Path, str]) -> None:
        """The quick look and the store worker both leave the file alone; exit code 2."""
        path, words = refused
        before = path.read_bytes()
        app = make_app(str(path), clock=FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC), tz=LONDON), start="review")
        async with app.run_test(size=(80, 24)) as pilot:
            with suppress(WorkerCancelled):  # the app exits while settling; its workers are cancelled
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None
        _assert_plain_line(app.error, words)
        assert path.read_bytes() == before
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


class TestErrorsDuringUse:
    """A database that breaks after it was opened is still described in one plain line."""

    def test_a_damaged_database_during_a_unit_of_work_is_one_plain_line(self) -> None:
        """store_errors turns SQLite's multi-line diagnostics into plain words."""
        from trainer.store.db import store_errors

        with pytest.raises(StoreError) as caught, store_errors("record the answer"):
            raise sqlite3.DatabaseError("database disk image is malformed\n*** in database main ***\nPage 19: btreeInitPage()")
        _assert_plain_line(caught.value.message, "damaged")
        assert caught.value.message.startswith("Could not record the answer: the database file is damaged.")

    def test_any_other_driver_error_is_one_line(self) -> None:
        """Whatever the driver says is folded onto one line."""
        from trainer.store.db import store_errors

        with pytest.raises(StoreError) as caught, store_errors("save the setting"):
            raise sqlite3.OperationalError("no such savepoint: sp1\nsecond line")
        assert caught.value.message == "Could not save the setting: database error (no such savepoint: sp1 second line)."
