"""`--db` and `$TRAINER_DB` (issue 12, item 6): in-memory URLs, empty values, missing and read-only files.

Read-only commands (`trainer config`, `trainer config get`) open the database only to read: they
never create a file or a folder, say "No database at PATH" for a mistyped path, and can read a
database the student may not write.
"""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.worker import WorkerCancelled

from trainer.cli import main
from trainer.clock import FixedClock
from trainer.store.db import StoreError, open_store
from trainer.tui.app import make_app

from .conftest import LONDON
from .tui.helpers import settle

READ_ONLY_COMMANDS = [("config",), ("config", "get", "new_per_day")]
"""Every command that only reads the database."""


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


class TestInMemoryDatabase:
    """`sqlite://` would lose every answer at exit: refused in one line, everywhere."""

    @pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite://"])
    def test_the_store_refuses_an_in_memory_url(self, url: str) -> None:
        """One sentence that says why and what to do instead."""
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert "in-memory" in caught.value.message and "--db /tmp/" in caught.value.message

    @pytest.mark.parametrize("args", [("config",), ("config", "set", "new_per_day", "3"), ("deck", "import", "x.toml")])
    def test_commands_refuse_it_in_one_line(self, args: tuple[str, ...], tmp_path: Path) -> None:
        """Exit 1, one line on stderr, no traceback."""
        deck = tmp_path / "x.toml"
        deck.write_text("")
        result = CliRunner().invoke(main, ["--db", "sqlite://", *[str(deck) if a == "x.toml" else a for a in args]])
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1 and "in-memory" in result.stderr
        assert "Traceback" not in result.output

    async def test_the_tui_exits_with_the_reason_instead_of_a_traceback_later(self) -> None:
        """Before: Home was shown, and Enter printed a 540-line traceback. Now: exit code 2 and one line."""
        clock = FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC), tz=LONDON)
        app = make_app("sqlite://", clock=clock, start="home")
        async with app.run_test(size=(80, 24)) as pilot:
            with suppress(WorkerCancelled):
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None and "in-memory" in app.error and "\n" not in app.error


class TestEmptyDbOption:
    """`--db ''` is a mistake (an unset shell variable), never the default database."""

    @pytest.mark.parametrize(
        "args",
        [
            ("--db", "", "config", "get", "new_per_day"),
            ("config", "--db", "", "set", "new_per_day", "3"),
            ("config", "set", "new_per_day", "3", "--db", " "),
            ("deck", "import", "--db", "", "x.toml"),
            ("review", "--db", ""),
            ("--db", ""),
        ],
    )
    def test_an_empty_db_is_an_error_and_nothing_is_created(self, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
        """Click's usage error (exit 2) naming --db; the default database is not created, the TUI not started."""
        import trainer.cli

        def no_tui(db: str | None, *, start: str) -> None:
            raise AssertionError(f"the TUI was started on {db!r}")

        monkeypatch.setattr(trainer.cli, "_run_tui", no_tui)
        data_home = Path(os.environ["XDG_DATA_HOME"])
        result = _run(*args)
        assert result.exit_code == 2
        assert "Invalid value for '--db': is empty" in result.stderr
        assert not data_home.exists()


class TestReadOnlyCommandsCreateNothing:
    """`trainer config` and `config get` never create a database or its folders."""

    @pytest.mark.parametrize("args", READ_ONLY_COMMANDS)
    def test_a_mistyped_path_is_no_database_at_path(self, args: tuple[str, ...], tmp_path: Path) -> None:
        """One line naming the path; neither the file nor its folders appear."""
        missing = tmp_path / "typo" / "deeper" / "trainer.db"
        result = _run("--db", str(missing), *args)
        assert result.exit_code == 1
        assert result.stderr == f"trainer config: No database at {missing}; nothing was created (check --db and $TRAINER_DB).\n"
        assert not (tmp_path / "typo").exists()

    @pytest.mark.parametrize("args", READ_ONLY_COMMANDS)
    def test_trainer_db_naming_a_missing_file_creates_nothing(
        self, args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The same through $TRAINER_DB."""
        monkeypatch.setenv("TRAINER_DB", str(tmp_path / "nowhere" / "t.db"))
        result = _run(*args)
        assert result.exit_code == 1 and "No database at" in result.stderr
        assert _listing(tmp_path) == ["home"]

    @pytest.mark.parametrize("args", READ_ONLY_COMMANDS)
    def test_the_default_location_is_not_created_by_reading(self, args: tuple[str, ...]) -> None:
        """Before the first `trainer`, reading the settings creates no data folder."""
        data_home = Path(os.environ["XDG_DATA_HOME"])
        result = _run(*args)
        assert result.exit_code == 1 and "No database at" in result.stderr
        assert not data_home.exists()

    def test_reading_an_existing_database_leaves_its_folder_as_it_was(self, tmp_path: Path) -> None:
        """No -wal/-shm files are left beside it, and the bytes are unchanged."""
        path = tmp_path / "t.db"
        assert _run("--db", str(path), "config", "set", "new_per_day", "7").exit_code == 0
        before, listing = path.read_bytes(), _listing(tmp_path)
        result = _run("--db", str(path), "config", "get", "new_per_day")
        assert (result.exit_code, result.output) == (0, "7\n")
        assert path.read_bytes() == before and _listing(tmp_path) == listing

    def test_writing_commands_still_create_the_database(self, tmp_path: Path) -> None:
        """`config set` on a new path creates it (and its folder), as before."""
        path = tmp_path / "new" / "t.db"
        assert _run("--db", str(path), "config", "set", "new_per_day", "5").exit_code == 0
        assert path.is_file()


class TestReadOnlyDatabase:
    """A database the student may not write is still readable by read-only commands.

    The permission is simulated (tests may run as root, who can write anyway), as in test_db.py;
    the read itself goes through a read-only SQLite connection, so nothing could be written.
    """

    @staticmethod
    def _deny_writes(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if (Path(p) in denied and mode == os.W_OK) else real_access(p, mode)
        )

    @pytest.mark.parametrize("locked", ["file", "folder"])
    def test_config_get_and_config_read_a_read_only_database(
        self, locked: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`config get` and `config` answer; `config set` still says read-only; nothing changes."""
        path = tmp_path / "t.db"
        assert _run("--db", str(path), "config", "set", "new_per_day", "9").exit_code == 0
        before, listing = path.read_bytes(), _listing(tmp_path)
        self._deny_writes(monkeypatch, path if locked == "file" else tmp_path)
        got = _run("--db", str(path), "config", "get", "new_per_day")
        assert (got.exit_code, got.output) == (0, "9\n")
        listed = _run("--db", str(path), "config")
        assert listed.exit_code == 0 and listed.output.splitlines()[0].split()[:2] == ["new_per_day", "9"]
        refused = _run("--db", str(path), "config", "set", "new_per_day", "3")
        assert refused.exit_code == 1 and "read-only" in refused.stderr
        assert path.read_bytes() == before and _listing(tmp_path) == listing

    def test_a_read_only_store_cannot_write(self, tmp_path: Path) -> None:
        """The read-only open is read-only at the SQLite level, not only by convention."""
        from trainer.store.db import store_errors
        from trainer.study.settings import set_setting

        path = tmp_path / "t.db"
        open_store(f"sqlite:///{path}").close()
        store = open_store(f"sqlite:///{path}", read_only=True)
        try:
            with pytest.raises(StoreError), store_errors("save the setting"), store.session() as session:
                set_setting(session, "new_per_day", "3")
                session.commit()
        finally:
            store.close()
