"""Faults of the machine around a SQLite database: one plain line for the student, the file as it was.

Each fault is imposed on a real process (tests/proof/fault_child.py), since a test cannot make its
own disk full or its own root account obey a folder's permissions:

- a read-only database folder (as root, the child drops every capability first, so the folder's
  mode binds it as it binds a student);
- a full disk mid-session (RLIMIT_FSIZE 0 once the store is open: no file may grow, as on a
  full disk), and at the command line;
- a database locked by another program for longer than the busy timeout.

After each: the refusal is one line with no traceback and no SQLite jargon beyond its own words
in parentheses, no answer was recorded, the database file is byte-identical (and passes
`PRAGMA integrity_check`), and once the fault is gone the same answer is recorded.

Where the other faults of issue 14 are proven: a newer schema and a corrupt file, through the
store, the command line and the TUI, in tests/store/test_refusals.py (file and folder untouched);
a file damaged mid-session in tests/proof/test_store_failures.py; the PostgreSQL server stopped
mid-session in tests/proof/test_server_stopped.py (study layer and TUI).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from trainer.clock import FixedClock
from trainer.store.db import StoreError, open_store
from trainer.study.session import open_session

from tests.replay import integrity

CHILD = Path(__file__).with_name("fault_child.py")


def _run(fault: str, action: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The child process under `fault` (see fault_child.py); pipes, so its own output is never a file it cannot grow."""
    return subprocess.run(
        [sys.executable, str(CHILD), fault, action, url, *args], capture_output=True, text=True, timeout=120
    )  # fmt: skip


def _reviews(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM review").fetchone()[0]
    finally:
        connection.close()


def _one_plain_line(text: str) -> str:
    """The text is one line, no traceback: that line."""
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def database(tmp_path: Path, make_deck, import_deck) -> Path:
    """A closed SQLite file with a 5-card deck, alone in its folder (no -wal or -shm beside it)."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(5))
    store.close()
    assert [p.name for p in folder.iterdir()] == ["trainer.db"]
    return path


@pytest.fixture
def read_only_folder(database: Path) -> Iterator[Path]:
    """The database's folder made read-only (r-x for everyone), writable again afterwards."""
    database.parent.chmod(0o555)
    try:
        yield database
    finally:
        database.parent.chmod(0o755)


class TestReadOnlyFolder:
    """The folder may not be written: SQLite could not keep its -wal and -shm files beside the database."""

    def test_a_session_is_refused_in_one_line_and_the_folder_stays_as_it_was(self, read_only_folder: Path) -> None:
        """Refused before any answer could fail to save; nothing created beside the file."""
        path = read_only_folder
        before = path.read_bytes()
        child = _run("read-only", "answer", f"sqlite:///{path}")
        assert child.returncode == 0 and child.stderr == "", child.stderr
        outcome = json.loads(_one_plain_line(child.stdout))
        assert outcome == {"refused": f"Cannot write beside the database {path}: its folder is read-only."}
        assert path.read_bytes() == before
        assert [p.name for p in path.parent.iterdir()] == ["trainer.db"]

    def test_the_command_line_refuses_to_write_and_still_reads(self, read_only_folder: Path) -> None:
        """`config set` exits 1 with one line; `config get` reads through a read-only connection."""
        path = read_only_folder
        before = path.read_bytes()
        refused = _run("read-only", "cli", str(path), "config", "set", "new_per_day", "3")
        assert refused.returncode == 1 and refused.stdout == ""
        assert _one_plain_line(refused.stderr) == f"trainer config: Cannot write beside the database {path}: its folder is read-only."
        read = _run("read-only", "cli", str(path), "config", "get", "new_per_day")
        assert (read.returncode, read.stdout, read.stderr) == (0, "20\n", "")
        assert path.read_bytes() == before
        assert [p.name for p in path.parent.iterdir()] == ["trainer.db"]

    def test_once_the_folder_is_writable_the_answer_is_recorded(self, read_only_folder: Path) -> None:
        """The refusal cost nothing: the same answer goes in afterwards."""
        path = read_only_folder
        assert "refused" in json.loads(_run("read-only", "answer", f"sqlite:///{path}").stdout)
        path.parent.chmod(0o755)
        assert "recorded" in json.loads(_run("none", "answer", f"sqlite:///{path}").stdout)
        assert _reviews(path) == 1


class TestFullDisk:
    """No file may grow: the answer's write-ahead log cannot take a single page."""

    def test_an_answer_when_the_disk_fills_up_is_refused_in_plain_words(self, database: Path) -> None:
        """The student reads why and what to do; nothing recorded; the file byte-identical and intact."""
        before = database.read_bytes()
        child = _run("full-disk", "answer", f"sqlite:///{database}")
        assert child.returncode == 0 and child.stderr == "", child.stderr
        outcome = json.loads(_one_plain_line(child.stdout))
        assert outcome == {
            "refused": "Could not record the answer: the disk is full or the file cannot be written "
            "(disk I/O error); nothing was saved. Free some space and try again."
        }
        assert database.read_bytes() == before
        assert _reviews(database) == 0
        assert integrity(database) == "ok"
        again = _run("none", "answer", f"sqlite:///{database}")
        assert "recorded" in json.loads(again.stdout)
        assert _reviews(database) == 1 and integrity(database) == "ok"

    def test_the_command_line_on_a_full_disk_says_so_in_one_line(self, database: Path) -> None:
        """Exit 1, one line naming the disk, the file byte-identical."""
        before = database.read_bytes()
        child = _run("full-disk", "cli", str(database), "config", "set", "new_per_day", "3")
        assert child.returncode == 1 and child.stdout == ""
        line = _one_plain_line(child.stderr)
        assert line.startswith(f"trainer config: Cannot open the database {database}: the disk is full")
        assert database.read_bytes() == before
        assert integrity(database) == "ok"


class TestLockedPastTheBusyTimeout:
    """Another program holds the write lock longer than the trainer waits."""

    def test_the_answer_is_refused_as_busy_the_file_unchanged_and_recorded_after(self, database: Path) -> None:
        """Busy, said plainly and quickly; the file byte-identical; the same answer recorded once the lock goes."""
        before = database.read_bytes()
        store = open_store(f"sqlite:///{database}", busy_timeout_ms=300)
        other = sqlite3.connect(database, isolation_level=None)
        try:
            session = open_session(store, FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC)))
            card = session.next_card()
            assert card is not None
            other.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            with pytest.raises(StoreError) as refused:
                session.answer(card.card.id, 4, 1500)
            assert 0.25 < time.monotonic() - started < 5  # it waited for the busy timeout, then gave up
            assert _one_plain_line(refused.value.message) == (
                "Could not record the answer: the database is busy (locked by another window or program); "
                "nothing was changed. Try again in a moment."
            )
            assert database.read_bytes() == before
            assert _reviews(database) == 0
            other.rollback()
            assert session.answer(card.card.id, 4, 1500).card_id == card.card.id
        finally:
            other.close()
            store.close()
        assert _reviews(database) == 1 and integrity(database) == "ok"
