"""A read-only look at a SQLite database through the stdlib `sqlite3`, for the first screen.

Importing the database layer (SQLAlchemy, SQLModel, pydantic) takes most of a second, longer
than starting Textual; the first card and Home's counts need only a few small reads. So the TUI
reads them through `trainer.store.readers.Reader` running on `Sqlite3Executor` here (the same
SQL as the full store's reads: it is written once, in readers.py), and opens the real store behind
the first paint for everything that writes.

It only ever looks; anything unusual means "no quick look" (`open_quick` returns None) and the
caller takes the full path, which creates, migrates, imports or reports the problem properly:
no file yet (a first run), a URL that is not a SQLite file, a schema version other than this
code's, or any sqlite3 error. The connection is read-only (`mode=ro`), so it can never change or
create anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from trainer.store.location import SCHEMA_VERSION, read_only_uri, requested_database


def database_file(db: str | None) -> Path | None:
    """The SQLite file `trainer.store.db.resolve_db_url(db)` names, or None for anything else.

    Follows the same order (`--db`, then $TRAINER_DB, then the platform default); a URL counts
    only in the plain forms `sqlite:///relative/path` and `sqlite:////absolute/path`; URLs with
    query options, escapes, other drivers or an in-memory database give None (the full path).
    """
    value = requested_database(db)
    if isinstance(value, Path):
        return value
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if value.startswith(prefix):
            rest = value[len(prefix) :]
            if not rest or rest == ":memory:" or any(c in rest for c in "?%#"):
                return None
            return Path(rest).resolve()
    return None


def open_quick(db: str | None) -> Sqlite3Executor | None:
    """A read-only executor over the database `db` names, or None when the full path must be taken.

    Args:
        db: The `--db` value (path or URL); None for $TRAINER_DB or the default.

    Returns:
        The executor (close it), or None: not a SQLite file URL, no file yet, a schema version
        other than `SCHEMA_VERSION`, or the file cannot be read as our database.
    """
    path = database_file(db)
    if path is None or not path.is_file():
        return None
    try:
        # read_only_uri: a refused file (damaged, foreign, newer) must not get -wal/-shm files beside it.
        connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    executor = Sqlite3Executor(connection)
    try:
        # One read transaction for the whole look: every read sees the same snapshot, even if
        # another window commits meanwhile (it ends when the executor is closed).
        connection.execute("BEGIN")
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or str(row[0]) != str(SCHEMA_VERSION):
            executor.close()
            return None
    except sqlite3.Error:
        executor.close()
        return None
    return executor


class Sqlite3Executor:
    """Runs `trainer.store.readers.Reader`'s SQL on a read-only stdlib sqlite3 connection.

    Dates are bound as ISO text, which is how SQLAlchemy stores them in SQLite.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        """All rows of `sql` (named `:parameters`)."""
        bound = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
        return self._db.execute(sql, bound).fetchall()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
