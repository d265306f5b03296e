"""A database image as plain data: dumped from a SQLite file, rebuilt with the stdlib.

A first run has no database file, so the quick look of `trainer.store.quick` has nothing to read,
and creating the database and importing the built-in decks takes seconds. But a new student's
database after that import is known in advance: it is the same for everyone with the same decks
and code (but for the import instant and the profile's random pseudonym). `trainer.study.snapshot`
therefore ships it (schema DDL and rows) as JSON, made with `dump`. On a first run
`open_snapshot` rebuilds it in an in-memory stdlib sqlite3 database, from which the SAME `Reader`
reads the first screen; behind the first paint `create_database` writes it as the new database
file (milliseconds, where the import takes seconds of CPU that would slow every keypress).

Stdlib only: this module is on the quick path, before SQLAlchemy is imported.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trainer.store.quick import Sqlite3Executor
from trainer.store.text_index import INDEX_TABLE, rebuild_text_index

__all__ = ["SNAPSHOT_TABLES", "create_database", "dump", "open_snapshot"]

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
        # A virtual table's shadow tables are made by the virtual table itself (FTS5's data...).
        shadows = {row[1] for row in connection.execute("PRAGMA table_list") if row[2] == "shadow"}
        schema = [
            row[1]
            for row in connection.execute(
                # Tables, then indexes, each by name: SQLAlchemy creates indexes in no fixed order.
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type <> 'table', name"
            )
            if row[0] not in shadows
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


def create_database(path: Path, snapshot: Mapping[str, Any], *, replace: Mapping[tuple[str, str], Any]) -> bool:
    """Write the snapshot into a new database file at `path`; False (nothing written) if that cannot be done.

    The file is built beside `path` and linked into place only when complete, and never over a
    file that appeared meanwhile (another window's first run): a half-written database is never
    seen, and an existing one is never replaced.

    Args:
        path: Where the database is to be; it must not exist yet.
        snapshot: What `dump` returned.
        replace: Column values to write instead of the snapshot's, in every row:
            {(table, column): value} (e.g. the import instant, the profile's pseudonym).

    Returns:
        True if `path` now holds the snapshot; False if a file was there first, or it could not
        be written (the caller then takes the ordinary path, which reports any real problem).
    """
    if path.exists():
        return False
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(partial)
        try:
            _fill(connection, snapshot, replace)
        finally:
            connection.close()
        os.link(partial, path)  # fails if `path` exists: never over another window's database
    except (OSError, sqlite3.Error, KeyError, TypeError, ValueError):
        return False
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return True


def _fill(
    connection: sqlite3.Connection, snapshot: Mapping[str, Any], replace: Mapping[tuple[str, str], Any], *, text_index: bool = True
) -> None:
    """Create the snapshot's schema and rows on an empty database, in one transaction; without
    `text_index`, leave out the index of the cards' text (its virtual tables, view and triggers)."""
    schema = snapshot["schema"]
    if not text_index:
        schema = [statement for statement in schema if not statement.startswith(_TEXT_INDEX_KINDS)]
    # Tables first, indexes once the rows are in: building an index at once is faster than
    # growing it row by row (the result is the same database). The same for the text index
    # (a virtual table; its triggers come after the rows too), built from the rows at the end.
    before_rows = [statement for statement in schema if statement.startswith("CREATE TABLE")]
    for statement in before_rows:
        connection.execute(statement)
    for table, content in snapshot["tables"].items():
        columns = content["columns"]
        rows = content["rows"]
        for (name, column), value in replace.items():
            if name == table:
                at = columns.index(column)
                rows = [[*row[:at], value, *row[at + 1 :]] for row in rows]
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
    for statement in schema:
        if statement not in before_rows:
            connection.execute(statement)
    if any(statement.startswith(f"CREATE VIRTUAL TABLE {INDEX_TABLE} ") for statement in schema):
        rebuild_text_index(connection)
    connection.commit()


_TEXT_INDEX_KINDS = ("CREATE VIRTUAL TABLE", "CREATE VIEW", "CREATE TRIGGER")
"""The statements of the text index's parts (the only virtual tables, views and triggers)."""


def open_snapshot(snapshot: Mapping[str, Any]) -> Sqlite3Executor:
    """The snapshot rebuilt in an in-memory database, for `trainer.store.readers.Reader`.

    The same DDL (indexes included, but for the text index) and the rows in the same order as the
    file it was dumped from, so SQLite plans and returns the first screen's reads as it would on that file.

    Raises:
        sqlite3.Error, KeyError, TypeError: The snapshot is not what `dump` writes.
    """
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        # Without the text index: the first screen searches nothing, and building it would cost
        # more than the rest (a search here would scan with LIKE: the same cards).
        _fill(connection, snapshot, {}, text_index=False)
    except BaseException:
        connection.close()
        raise
    return Sqlite3Executor(connection)
