"""The index behind Browse's free-text search: SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

A free-text term finds the cards whose prompt, answer or explanation contains it anywhere, in
any case of ASCII letters: `LIKE '%term%'` in SQLite, `ILIKE` in PostgreSQL (`trainer.store.search`).
Over 100,000 cards that scan costs about 100 ms; an index of the text's trigrams (every run of
three characters) finds the few cards holding a word in a few milliseconds (bench/bench_search.py).

SQLite: `card_text`, an FTS5 table with the trigram tokenizer, external content (the text is not
stored twice: it reads the view `card_text_source`). Three triggers on `card` list the cards
whose text changes, so no writer (import, re-import, purge, a foreign-key cascade, a migration)
needs to know about the index; the store writes the listed cards into it before each commit
(`bring_up_to_date`). While cards are listed (changed by another program, not yet written in),
search uses LIKE. The indexed text is each column as SQLite's `lower()` gives it (ASCII
letters only, as LIKE folds them) followed by `char(31)`, and the tokenizer is case sensitive:
a term lower-cased the same way then matches exactly where LIKE does, byte for byte. Terms of
three characters or more are FTS5 phrases (quoted: `"`, `*`, AND, NEAR, `^`, `:` are plain
characters in them). A two-character term is every trigram that starts with it (listed by
`card_text_terms`, the index's vocabulary): the padding character puts a trigram at every place
a two-character term can occur, even at the end of a column or as a whole two-character answer
("L5"). One-character terms, and terms holding the padding character, stay with LIKE.

PostgreSQL: a GIN index of pg_trgm trigrams on the three columns, which the planner uses for
ILIKE itself; without the extension (it cannot be created), ILIKE scans as before.

Stdlib only at import time (`trainer.store.snapshot` is on the quick path).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from trainer.content.query import Term
    from trainer.store.readers import Executor

__all__ = [
    "INDEX_TABLE",
    "STALE_TABLE",
    "bring_up_to_date",
    "TextMatch",
    "check_text_index",
    "create_text_index",
    "excluded_condition",
    "match_condition",
    "match_count_sql",
    "rebuild_text_index",
    "text_match",
    "worth_counting",
]

INDEX_TABLE = "card_text"
"""The FTS5 table (SQLite)."""

_SOURCE_VIEW = "card_text_source"
_TERMS_TABLE = "card_text_terms"
_PG_INDEX = "ix_card_text_trgm"
_COLUMNS = ("prompt", "answer", "explanation")

PAD = "\x1f"
"""The character after each indexed column: no term found through the index holds it."""

_MAX_EXPANSION = 150
"""A two-character term is searched as at most this many trigrams; beyond, LIKE is cheaper."""


def _indexed_column(row: str, column: str) -> str:
    """The SQL of the indexed text of a column of `row` (`new`, `old` or a table)."""
    return f"lower({row}.{column}) || char(31)"


def _indexed(row: str) -> str:
    """The indexed text of `row`'s columns, in order, as a SQL list."""
    return ", ".join(_indexed_column(row, column) for column in _COLUMNS)


_COLUMN_LIST = ", ".join(_COLUMNS)

_HASH_BYTES = 8 << 20
"""FTS5's `hashsize`: the most pending index data a writer holds in memory before writing a segment."""

_TUNE = f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}, rank) VALUES ('hashsize', {_HASH_BYTES})"
"""FTS5 holds the terms of the rows being written in memory up to `hashsize` bytes (1 MiB by
default), then writes them out as one more segment, which it later merges. A 35,000-card import
fills the default many times over; 8 MiB takes a third off building its index (0.95 -> 0.6 s,
measured in isolation). The setting is stored with the table, so databases made (or repaired by
`trainer check --repair`) before it keep the default: slower big imports, the same index. It is
in SQLite's source since 2015 but not in FTS5's documented options, so a SQLite that refused it
only loses the speed (`_tune`)."""

STALE_TABLE = "card_text_stale"
"""Cards whose text changed since the index was last brought up to date (SQLite)."""

_SQLITE_DDL = (
    f"CREATE VIEW IF NOT EXISTS {_SOURCE_VIEW} AS SELECT card.rowid AS card_rowid, "
    + ", ".join(f"{_indexed_column('card', column)} AS {column}" for column in _COLUMNS)
    + " FROM card",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5({_COLUMN_LIST}, content='{_SOURCE_VIEW}', "
    "content_rowid='card_rowid', tokenize='trigram case_sensitive 1')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TERMS_TABLE} USING fts5vocab({INDEX_TABLE}, 'row')",
    # The row id of each card whose text changed, and the text the index holds for it (NULL: none,
    # a new card); the first change of a card keeps what the index holds.
    f"CREATE TABLE IF NOT EXISTS {STALE_TABLE} (card_rowid INTEGER PRIMARY KEY, {_COLUMN_LIST})",
    f"CREATE TRIGGER IF NOT EXISTS card_text_insert AFTER INSERT ON card BEGIN "
    f"INSERT OR IGNORE INTO {STALE_TABLE} (card_rowid) VALUES (new.rowid); END",
    f"CREATE TRIGGER IF NOT EXISTS card_text_delete AFTER DELETE ON card BEGIN "
    f"INSERT OR IGNORE INTO {STALE_TABLE} (card_rowid, {_COLUMN_LIST}) VALUES (old.rowid, {_indexed('old')}); END",
    f"CREATE TRIGGER IF NOT EXISTS card_text_update AFTER UPDATE OF {_COLUMN_LIST} ON card BEGIN "
    f"INSERT OR IGNORE INTO {STALE_TABLE} (card_rowid, {_COLUMN_LIST}) VALUES (old.rowid, {_indexed('old')}); END",
)
"""The SQLite index: its source view, the FTS5 table, its vocabulary, and the list of changed
cards with the triggers filling it. The triggers do not write the index itself: FTS5 writes its
pending terms to disk at every statement that fires a trigger, so an import of 35,000 cards
(one statement per card) took three times as long. The store brings the index up to date from
the list in one go just before each commit (`bring_up_to_date`), in the same transaction. An
external-content index is keyed by the card's rowid, which SQLite keeps (VACUUM and the backup
API included); `trainer check` compares the index with the cards."""

_UP_TO_DATE = (
    f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}, rowid, {_COLUMN_LIST}) "
    f"SELECT 'delete', card_rowid, {_COLUMN_LIST} FROM {STALE_TABLE} WHERE prompt IS NOT NULL",
    f"INSERT INTO {INDEX_TABLE} (rowid, {_COLUMN_LIST}) SELECT card_rowid, {_COLUMN_LIST} FROM {_SOURCE_VIEW} "
    f"WHERE card_rowid IN (SELECT card_rowid FROM {STALE_TABLE})",
    f"DELETE FROM {STALE_TABLE}",
)
"""The changed cards' old text out of the index, their current text (if they still exist) in."""

_REBUILD = (f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}) VALUES ('rebuild')", f"DELETE FROM {STALE_TABLE}")
"""The whole index anew from the cards."""


def bring_up_to_date(connection: Any) -> None:
    """Write the changed cards' text into the index, in the connection's open transaction.

    Called by the store just before each commit (a commit that changed no card costs one
    lookup). A database without the index is left alone.

    Args:
        connection: The stdlib sqlite3 connection (the DBAPI connection under SQLAlchemy's).
    """
    import sqlite3

    try:
        changed = connection.execute(f"SELECT EXISTS (SELECT 1 FROM {STALE_TABLE})").fetchone()[0]
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return  # no index here (no FTS5 trigram tokenizer, or before the migration makes it)
        raise
    if changed:
        for statement in _UP_TO_DATE:
            connection.execute(statement)


def create_text_index(connection: Connection) -> bool:
    """Create the text index on a database that has `card` (new, or migrated to schema 8), and fill it.

    Whatever part of it exists already is kept (a database laid out by hand as an older schema
    may have it); the index is filled anew from the cards all the same.

    SQLite needs FTS5 with the trigram tokenizer (SQLite 3.34 or later; Python's builds have it);
    PostgreSQL needs the pg_trgm extension (created here if the user may). Without them nothing
    is created and free-text search keeps scanning with LIKE: slower, the same cards.

    Returns:
        True if the index exists now.
    """
    if connection.dialect.name == "sqlite":
        if not _sqlite_has_trigram(connection):
            return False
        rebuild_text_index(connection.connection.dbapi_connection)  # in the migration's transaction
        return True
    if connection.dialect.name == "postgresql":
        from sqlalchemy.exc import DBAPIError

        try:
            with connection.begin_nested():  # a refusal must not end the migration's transaction
                connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DBAPIError:  # no contrib package on the server, or no right to create it: ILIKE scans as before
            return False
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {_PG_INDEX} ON card USING gin "
            f"({', '.join(f'{column} gin_trgm_ops' for column in _COLUMNS)})"
        )
        return True
    return False


def _sqlite_has_trigram(connection: Connection) -> bool:
    """True if this SQLite has FTS5 and its trigram tokenizer (tried on a throwaway temp table)."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    try:
        connection.exec_driver_sql("CREATE VIRTUAL TABLE temp.card_text_probe USING fts5(x, tokenize='trigram')")
    except (OperationalError, sqlite3.OperationalError):
        return False
    connection.exec_driver_sql("DROP TABLE temp.card_text_probe")
    return True


def check_text_index(connection: Any) -> str | None:
    """Compare SQLite's text index with the cards; a plain sentence if they differ, else None.

    Args:
        connection: A stdlib sqlite3 connection that may write (FTS5 runs its check as an INSERT;
            nothing is changed). A database without the index, or a SQLite without FTS5, is
            not checked here.
    """
    import sqlite3

    has_index = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (INDEX_TABLE,)
    ).fetchone()
    if has_index is None:
        return None
    try:
        # rank 1: also compare the index with its content (the cards), not only with itself.
        connection.execute(f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        if "no such module" in str(error):
            return None
        return (
            "The index of the cards' text does not match the cards (Browse's text search may miss cards "
            "or find the wrong ones); `trainer check --repair` rebuilds it."
        )
    finally:
        connection.rollback()
    return None


def rebuild_text_index(connection: Any) -> None:
    """Make whatever part of SQLite's text index is missing, and fill it anew from the cards.

    Args:
        connection: A stdlib sqlite3 connection to the database (the caller commits).
    """
    for statement in _SQLITE_DDL:
        connection.execute(statement)
    _tune(connection)
    for statement in _REBUILD:
        connection.execute(statement)


def _tune(connection: Any) -> None:
    """Set the index's `hashsize` (`_TUNE`) on a stdlib sqlite3 connection; a refusal changes nothing else.

    A failed statement is undone on its own in SQLite; the transaction around it goes on.
    """
    import sqlite3

    with suppress(sqlite3.DatabaseError):
        connection.execute(_TUNE)


@dataclass(frozen=True)
class TextMatch:
    """The free-text terms of a query that the SQLite index answers, as FTS5 expressions."""

    terms: frozenset[int]
    """Positions (in the query's terms) of the text terms answered here; the others stay LIKE."""
    match: str | None
    """The expression every card found matches (all positive terms answered here), if any."""
    excluded: tuple[str, ...]
    """One expression per negated term answered here: a card matching it is left out."""
    impossible: bool
    """A positive term no card can hold (a two-character term no trigram starts with)."""
    width: int = 1
    """The most trigrams a positive term's phrase has (its length - 2): each one a found card's
    position lists are checked for."""


def _phrase(text: str) -> str:
    """An FTS5 string: every character literal (a double quote doubled)."""
    return '"' + text.replace('"', '""') + '"'


def text_match(executor: Executor, terms: Sequence[Term]) -> TextMatch | None:
    """The text terms among `terms` that the SQLite index can answer (None: no index in this database).

    Args:
        executor: Reads the database (SQLite).
        terms: A query's terms, all of them (positions count from 0).
    """
    present = executor.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": INDEX_TABLE})
    if not present or executor.rows(f"SELECT EXISTS (SELECT 1 FROM {STALE_TABLE})", {})[0][0]:
        return None  # no index; or cards changed by a writer other than the store: LIKE is exact
    answered: set[int] = set()
    positive: list[str] = []
    excluded: list[str] = []
    impossible = False
    width = 1
    for position, term in enumerate(terms):
        if term.field != "text" or PAD in term.value or "\x00" in term.value or len(term.value) < 2:
            continue
        if len(term.value) >= 3:
            expression = _phrase(term.value)
            if not term.negated:
                width = max(width, len(term.value) - 2)
        else:
            # Every trigram starting with the two characters (the padding puts one at each place).
            found = executor.rows(
                f"SELECT term FROM {_TERMS_TABLE} WHERE term >= :low AND term <= :high LIMIT {_MAX_EXPANSION + 1}",
                {"low": term.value, "high": term.value + "\U0010ffff"},
            )
            if len(found) > _MAX_EXPANSION:
                continue
            if not found:
                # No card holds it: the query finds nothing, or (negated) the term leaves nothing out.
                answered.add(position)
                impossible = impossible or not term.negated
                continue
            expression = "(" + " OR ".join(_phrase(row[0]) for row in found) + ")"
        answered.add(position)
        (excluded if term.negated else positive).append(expression)
    return TextMatch(
        terms=frozenset(answered),
        match=" AND ".join(positive) if positive else None,
        excluded=tuple(excluded),
        impossible=impossible,
        width=width,
    )


_SAMPLE = 1000
"""How many cards (the first, by row id) `worth_counting` tries the expression on."""

_LIKE_COST = 3
"""LIKE tests a card in about the time FTS5 takes to check three trigrams' positions in a card
that holds them all (bench_search.py: a word in every card, 100,000 cards)."""


def worth_counting(executor: Executor, match: TextMatch) -> bool:
    """True unless the index would take longer to count the cards matching `match` than LIKE to scan them.

    The index's work grows with the cards found times the trigrams checked in each; LIKE's with
    the cards. A sample of the first cards tells which is less: a long word in nearly every card
    (each of its trigrams' positions checked in each) is counted faster by LIKE.
    """
    if match.match is None:
        return False
    bound = executor.rows("SELECT card.rowid FROM card ORDER BY card.rowid LIMIT 1 OFFSET :skip", {"skip": _SAMPLE - 1})
    if not bound:
        return True  # a small collection: either is quick
    sample = executor.rows(
        f"SELECT count(*) FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :text AND {INDEX_TABLE}.rowid <= :last",
        {"text": match.match, "last": bound[0][0]},
    )
    return int(sample[0][0]) * match.width <= _LIKE_COST * _SAMPLE


def match_condition(name: str) -> str:
    """The SQL condition "the card matches the expression bound as `:name`" (a condition on `card`)."""
    return f"card.rowid IN (SELECT {INDEX_TABLE}.rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :{name})"


def excluded_condition(name: str) -> str:
    """The SQL condition "the card does not match the expression bound as `:name`"."""
    return f"card.rowid NOT IN (SELECT {INDEX_TABLE}.rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :{name})"


def match_count_sql(name: str, excluded: Sequence[str]) -> str:
    """SQL counting the active cards (not retired) matching `:name` and none of the `excluded` names."""
    conditions = [
        f"{INDEX_TABLE} MATCH :{name}",
        # The retired cards (ix_card_retired) are few or none: with none, no match is tested.
        "(NOT EXISTS (SELECT 1 FROM card WHERE card.retired_at IS NOT NULL) "
        f"OR {INDEX_TABLE}.rowid NOT IN (SELECT card.rowid FROM card WHERE card.retired_at IS NOT NULL))",
        *(
            f"{INDEX_TABLE}.rowid NOT IN (SELECT other.rowid FROM {INDEX_TABLE} AS other WHERE other.{INDEX_TABLE} MATCH :{other})"
            for other in excluded
        ),
    ]
    return f"SELECT count(*) FROM {INDEX_TABLE} WHERE {' AND '.join(conditions)}"
