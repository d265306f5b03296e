"""A database image as plain data: dumped from a SQLite file, rebuilt in memory with the stdlib.

A first run has no database file, so the quick look of `trainer.store.quick` has nothing to read,
and creating the database and importing the built-in decks takes seconds. But a new student's
database after that import is known in advance: it is the same for everyone with the same decks
and code. `trainer.study.snapshot` therefore ships it (schema DDL and the rows the first screen
reads) as JSON, made with `dump`; on a first run `open_snapshot` rebuilds it in an in-memory
stdlib sqlite3 database and the first screen is read from it by the SAME `Reader`, while the real
database is created and imported behind the first paint.

Stdlib only: this module is on the quick path, before SQLAlchemy is imported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trainer.store.quick import Sqlite3Executor

__all__ = ["SNAPSHOT_TABLES", "dump", "open_snapshot"]

SNAPSHOT_TABLES = ("meta", "profile", "deck", "source", "card", "cardstate")
"""The tables whose rows the snapshot keeps: everything the first screen reads (`review` and
`setting` are empty in a new database; their schema is kept all the same)."""


def dump(path: Path, *, tables: tuple[str, ...] = SNAPSHOT_TABLES) -> dict[str, Any]:
    """A SQLite file as plain data: its schema and the rows of `tables`.

    Args:
        path: The database file (read only).
        tables: The tables whose rows are kept, each in storage (rowid) order.

    Returns:
        {"schema": [DDL statements: tables, then indexes, each by name], "tables": {name: {"columns": [...],
        "rows": [[...], ...]}}}, JSON-ready (SQLite values are text, numbers or NULL).
    """
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        schema = [
            row[0]
            for row in connection.execute(
                # Tables, then indexes, each by name: SQLAlchemy creates indexes in no fixed order.
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type <> 'table', name"
            )
        ]
        dumped: dict[str, Any] = {}
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - our table names
            dumped[table] = {
                "columns": [column[0] for column in cursor.description],
                "rows": [list(row) for row in cursor],
            }
    finally:
        connection.close()
    return {"schema": schema, "tables": dumped}


def open_snapshot(snapshot: Mapping[str, Any]) -> Sqlite3Executor:
    """The snapshot rebuilt in an in-memory database, for `trainer.store.readers.Reader`.

    The same DDL (indexes included) and the rows in the same order as the file it was dumped
    from, so SQLite plans and returns the first screen's reads as it would on that file.

    Raises:
        sqlite3.Error, KeyError, TypeError: The snapshot is not what `dump` writes.
    """
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        schema = snapshot["schema"]
        # Tables first, indexes once the rows are in: building an index at once is faster than
        # growing it row by row (the result is the same database).
        tables = [statement for statement in schema if statement.startswith("CREATE TABLE")]
        for statement in tables:
            connection.execute(statement)
        for table, content in snapshot["tables"].items():
            columns = content["columns"]
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" for _ in columns)
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', content["rows"])  # noqa: S608
        for statement in schema:
            if statement not in tables:
                connection.execute(statement)
        connection.commit()
    except BaseException:
        connection.close()
        raise
    return Sqlite3Executor(connection)
