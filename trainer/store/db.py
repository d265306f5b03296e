"""Opening the database: where it lives, pragmas, schema version, backups and migrations.

The store is a SQLite file by default, but any SQLAlchemy URL works (a class server on
PostgreSQL). Opening never damages what it finds: a file that is not a SQLite database (or whose
header and schema cannot be read) is refused before anything writes to it; a database written by
a newer version is refused; an older one is copied to a dated backup beside it before it is
migrated.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError
from sqlmodel import Session, SQLModel

from trainer.store import models
from trainer.store.location import DEFAULT_PROFILE, DEFAULT_PROFILE_ID, SCHEMA_VERSION, read_only_uri, requested_database
from trainer.store.models import Meta
from trainer.store.text_index import bring_up_to_date, create_text_index


OUR_TABLE_NAMES = frozenset(
    {"meta", "profile", "deck", "source", "card", "cardstate", "review", "setting", "examattempt", "examanswer",
     "reviewday", "reviewdayconfusion", "statscache"}
)
"""A database with tables, none of them these, belongs to another program and is never migrated."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""

QUICK_CHECK_MAX_BYTES = 8 * 1024 * 1024
"""Files up to this size get `PRAGMA quick_check` on open, so damage is refused before a session
starts. Measured at about 3.5 ms per MB (1.7 ms on a 0.55 MB collection of 1,200 cards), so at most
~30 ms; bigger files skip it (the bench collection would take most of a second) and rely on every
unit of work turning a "malformed" error into a StoreError instead."""

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another window's transaction before giving up."""

SYNCHRONOUS = "FULL"
"""SQLite `synchronous` mode. FULL syncs the WAL on every commit, so an answer shown as recorded
survives a power cut, not only a crash of the app. bench/bench_review.py measured FULL against
NORMAL on 100,000 cards / 1,000,000 reviews (2 shared cores): answer -> next card, commit
included, median 4.3 ms (p95 4.7) with FULL against 3.9 ms with NORMAL. FULL stays under the 5 ms
target, so durability wins."""


class StoreError(Exception):
    """The database cannot be opened or used; `.message` is one clear sentence for the user."""

    def __init__(self, message: str) -> None:
        """Keep the message for the user.

        Args:
            message: One sentence saying what is wrong and what to do.
        """
        super().__init__(message)
        self.message = message


def resolve_db_url(db: str | None) -> str:
    """The database URL to use.

    Args:
        db: The `--db` value: a file path or an SQLAlchemy URL; None to fall back.

    Returns:
        `db`, else `$TRAINER_DB`, else the platform's user data dir (`trainer.db`); a plain path
        becomes an absolute `sqlite:///` URL. Nothing is created here.
    """
    where = requested_database(db)
    return where if isinstance(where, str) else f"sqlite:///{where}"


class Store:
    """An open database: an engine and a factory of sessions."""

    def __init__(self, engine: Engine, *, path: Path | None) -> None:
        """Wrap an engine that `open_store` has prepared.

        Args:
            engine: The SQLAlchemy engine, with pragmas set on each connection.
            path: The SQLite file, or None for another kind of database.
        """
        self.engine = engine
        self.path = path

    def session(self) -> Session:
        """A new session; the caller owns the transaction and closes it (use `with`)."""
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(
    url: str,
    *,
    now: Callable[[], datetime] | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: bool = False,
) -> Store:
    """Open (creating or migrating) the database at `url`; or, `read_only`, open it only to read.

    Args:
        url: An SQLAlchemy URL, as `resolve_db_url` returns.
        now: Gives the current aware instant, for naming a migration backup; without it the
            backup is named after the old file's last modification (the store reads no clock).
        busy_timeout_ms: How long a write waits for another connection's transaction before it
            fails with a StoreError saying the database is busy (tests shorten it).
        read_only: For commands that only read (`trainer config get`): nothing is created,
            migrated or written, a missing file is "no database at PATH", and a file the user
            may not write (a read-only file or folder) can still be read.

    Returns:
        The open store, at `SCHEMA_VERSION`.

    Raises:
        StoreError: An in-memory database; the file is not a database or is corrupt (left
            untouched), was written by a newer version, or cannot be created or written
            (read-only: does not exist, or holds no current Dermatome Trainer data).
    """
    try:
        parsed = make_url(url)
    except SQLAlchemyError as error:
        raise StoreError(f"{url!r} is neither a file path nor a database URL ({_reason(error)}).") from error
    if _in_memory(parsed):
        # Not supported on purpose: every answer would vanish when the trainer closes, and the TUI
        # uses the store from worker threads while an in-memory SQLite database exists only inside
        # one connection (sharing one connection across threads would interleave transactions).
        raise StoreError(
            "An in-memory database (sqlite://) would lose every answer when the trainer closes; "
            "give a file path instead, e.g. --db /tmp/trial.db"
        )
    path: Path | None = None
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)  # type: ignore[arg-type]
        _check_sqlite_file(path, read_only=read_only)
        if now is None and path.exists():
            # The store never reads the wall clock: without a clock from the caller, a migration
            # backup is named after the moment the old file was last written (read before the
            # pragmas below touch it).
            last_written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            now = lambda: last_written  # noqa: E731
    shown = path or parsed.render_as_string(hide_password=True)
    if read_only and path is not None:
        engine = _read_only_sqlite_engine(path, busy_timeout_ms)
    else:
        engine = _create_engine(parsed, busy_timeout_ms)
    if parsed.get_backend_name() == "sqlite":
        on_file = path is not None and not read_only
        event.listen(engine, "connect", _sqlite_pragmas(on_file=on_file, busy_timeout_ms=busy_timeout_ms))
        if not read_only:
            event.listen(engine, "commit", _text_index_up_to_date)
    try:
        if read_only:
            _check_schema_to_read(engine, shown=shown)
        else:
            _prepare_schema(engine, path=path, now=now)
    except StoreError:
        engine.dispose()
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as error:
        # Includes a server that cannot be reached (OperationalError from the driver).
        engine.dispose()
        reason = _reason(error)
        raise StoreError(f"Cannot open the database {shown}: {_disk_trouble(reason) or reason}.") from error
    return Store(engine, path=path)


def _in_memory(parsed: URL) -> bool:
    """True for an in-memory SQLite URL (`sqlite://`, `sqlite:///:memory:`, `mode=memory`)."""
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or parsed.query.get("mode") == "memory"
    )


def _read_only_sqlite_engine(path: Path, busy_timeout_ms: int) -> Engine:
    """An engine whose every connection is read-only at the SQLite level (`read_only_uri`)."""
    uri = read_only_uri(path)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False)

    return create_engine(f"sqlite:///{path}", creator=connect)


def _check_schema_to_read(engine: Engine, *, shown: object) -> None:
    """A read-only open needs a database already at this code's schema (nothing is migrated)."""
    with engine.connect() as connection:
        version = _read_version(connection)
    if version is None:
        raise StoreError(f"{shown} holds no Dermatome Trainer data yet; run `trainer` with it once to set it up.")
    if version > SCHEMA_VERSION:
        raise _newer(version)
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{shown} was written by an older Dermatome Trainer; run `trainer` with it once to upgrade it (a backup is kept)."
        )


DRIVER_PACKAGES = {
    "psycopg": "psycopg",
    "psycopg2": "psycopg2-binary",
    "asyncpg": "asyncpg",
    "pg8000": "pg8000",
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "mysql": "mysql-connector-python",
    "mariadb": "mariadb",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}
"""Python module a database URL needs -> the package that provides it (for the "pip install" hint)."""


def _create_engine(parsed: URL, busy_timeout_ms: int) -> Engine:
    """The engine for a URL, or a StoreError naming the missing driver or the unknown database type.

    `create_engine` imports the driver at once, so an uninstalled driver (psycopg for
    `postgresql://`) or a misspelt database type (`foo://`) fails here, before any connection.
    """
    backend = parsed.get_backend_name()
    try:
        return create_engine(parsed, connect_args=_connect_args(backend, busy_timeout_ms))
    except ImportError as error:
        module = (error.name or "").split(".")[0]
        package = DRIVER_PACKAGES.get(module)
        if package is not None:
            raise StoreError(
                f"The database URL needs the {module!r} driver, which is not installed: pip install {package}"
            ) from error
        raise StoreError(
            f"The database URL needs a database driver that is not installed ({error})."
        ) from error
    except NoSuchModuleError as error:
        if _dialect_known(backend):
            raise StoreError(
                f"{parsed.drivername!r} names a driver SQLAlchemy does not know for {backend!r} "
                f"databases; check the part after '+' in the URL."
            ) from error
        raise StoreError(
            f"{backend!r} is not a database type SQLAlchemy knows (try sqlite, postgresql or mysql)."
        ) from error
    except (SQLAlchemyError, TypeError, ValueError) as error:
        raise StoreError(f"Cannot use the database URL: {_reason(error)}.") from error


def _dialect_known(backend: str) -> bool:
    """True if SQLAlchemy has a dialect for this database type (whatever the driver)."""
    from sqlalchemy.dialects import registry

    try:
        registry.load(backend)
    except NoSuchModuleError:
        return False
    except ImportError:
        return True
    return True


def _connect_args(backend: str, busy_timeout_ms: int) -> dict[str, Any]:
    """Driver arguments: SQLite waits for a busy database instead of failing at once."""
    if backend == "sqlite":
        return {"timeout": busy_timeout_ms / 1000}
    return {}


def _sqlite_pragmas(*, on_file: bool, busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    """A connect hook setting the pragmas every connection needs."""

    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if on_file:
                # WAL lets a second window read while one writes, and commits are one append.
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        finally:
            cursor.close()

    return set_pragmas


@contextmanager
def store_errors(action: str) -> Iterator[None]:
    """Turn any database failure inside the block into a StoreError with a plain message.

    The one place where the study layer's units of work (an answer, an undo, reading the
    queue...) meet raw SQLAlchemy and sqlite3 errors; faces catch only StoreError. Usable as a
    decorator too: `@store_errors("record the answer")`.

    Args:
        action: What was being done, as a verb phrase ("record the answer").

    Raises:
        StoreError: "busy" for a database locked by another window past the busy timeout,
            "damaged" for a corrupt file, otherwise the driver's own words.
    """
    try:
        yield
    except StoreError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise StoreError(plain_message(error, action)) from error


def plain_message(error: BaseException, action: str) -> str:
    """One sentence for the user about a database error that stopped `action`."""
    reason = _reason(error)
    lowered = reason.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"Could not {action}: the database is busy (locked by another window or program); "
            "nothing was changed. Try again in a moment."
        )
    if "malformed" in lowered or "corrupt" in lowered or "not a database" in lowered:
        # SQLite's own words ("database disk image is malformed") mean nothing to a student.
        return (
            f"Could not {action}: the database file is damaged. "
            "Restore it from a backup (trainer.db.v*.bak beside it) or start a new one with --db."
        )
    trouble = _disk_trouble(reason)
    if trouble is not None:
        return f"Could not {action}: {trouble}. Free some space and try again."
    return f"Could not {action}: database error ({reason})."


def _disk_trouble(reason: str) -> str | None:
    """Plain words for SQLite's "disk is full" and "disk I/O error" (a full disk, or a file that
    may not grow), which name no cause a student can act on; None for any other reason."""
    lowered = reason.lower()
    if "disk is full" in lowered or "disk i/o error" in lowered:
        return f"the disk is full or the file cannot be written ({reason}); nothing was saved"
    return None


def _reason(error: BaseException) -> str:
    """The driver's own words for an error, on one line, without SQLAlchemy's SQL and background link."""
    original = getattr(error, "orig", None)
    return " ".join(str(original or error).split()).rstrip(".")


def _check_sqlite_file(path: Path, *, read_only: bool = False) -> None:
    """Refuse, before anything writes, a file we must not or cannot open as our database.

    Args:
        path: The database file.
        read_only: Only reading: the file must exist and be readable; it need not be writable,
            and no folder is created.
    """
    if path.exists():
        if not path.is_file():
            raise StoreError(f"Cannot open the database {path}: it is not a file.")
        if not os.access(path, os.R_OK):
            raise StoreError(f"Cannot read the database {path}: check its permissions.")
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise StoreError(
                f"{path} is not a Dermatome Trainer database (not a SQLite file); it was left untouched."
            )
        if header:
            # Before the permission checks: a corrupt, foreign or newer file is reported as what it
            # is, and reading it creates nothing beside it (read_only_uri), even in a read-only folder.
            _check_readable_schema(path)
        if read_only:
            if not header:
                raise StoreError(f"{path} is empty: it holds no Dermatome Trainer data yet.")
            return
        if not os.access(path, os.W_OK):
            raise StoreError(f"Cannot write to the database {path}: the file is read-only; check its permissions.")
        if not os.access(path.parent, os.W_OK):
            raise StoreError(f"Cannot write beside the database {path}: its folder is read-only.")
        return
    if read_only:
        raise StoreError(f"No database at {path}; nothing was created (check --db and $TRAINER_DB).")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"Cannot create the folder for the database {path}: {error.strerror or error}.") from error
    if not os.access(path.parent, os.W_OK):
        raise StoreError(f"Cannot create the database {path}: its folder {path.parent} is read-only.")


def _check_readable_schema(path: Path) -> None:
    """Read the schema without writing or creating anything; a corrupt, foreign or newer file fails here.

    The messages are one line in plain words: SQLite's own diagnostics (page numbers, several
    lines from `quick_check`) mean nothing to a student and stay in the exception's cause.
    """
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"Cannot open the database {path}: check the permissions of the file and its folder.") from error
    try:
        # Reading the schema and the version touches the header, the schema pages and the meta
        # table: enough to catch a damaged or foreign file without a full (slow) integrity scan.
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version: int | None = None
        if tables and not tables & OUR_TABLE_NAMES:
            raise StoreError(
                f"{path} is a SQLite database of another program, not a Dermatome Trainer database; "
                "it was left untouched."
            )
        if tables:
            version = 0
            if "meta" in tables:
                row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                version = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
        if tables and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            result = connection.execute("PRAGMA quick_check(1)").fetchone()
            if result is None or result[0] != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed: {result[0] if result else '?'}")
    except sqlite3.OperationalError as error:
        if "unable to open" in str(error):
            # A database with a WAL beside it, in a folder we may not write: SQLite needs its -shm file.
            raise StoreError(
                f"Cannot open the database {path}: SQLite needs to write beside it and its folder is read-only."
            ) from error
        raise _damaged(path) from error
    except sqlite3.DatabaseError as error:
        raise _damaged(path) from error
    finally:
        connection.close()
    if version is not None and version > SCHEMA_VERSION:
        raise _newer(version)


def _damaged(path: Path) -> StoreError:
    """The error for a file that looks like SQLite but cannot be read as a database."""
    return StoreError(
        f"{path} is corrupt (damaged) or not a Dermatome Trainer database; it was left untouched. "
        "Restore it from a backup, or choose another file with --db."
    )


def _newer(version: int) -> StoreError:
    """The error for a database written by a newer version of the app."""
    return StoreError(
        f"This database was written by a newer Dermatome Trainer (schema {version}; "
        f"this version reads up to {SCHEMA_VERSION}); upgrade the app."
    )


def _read_version(connection: Connection) -> int | None:
    """The schema version of an open database: None if empty, 0 for a pre-release layout."""
    tables = set(inspect(connection).get_table_names())
    if not tables:
        return None
    if not tables & OUR_TABLE_NAMES:
        raise StoreError("The database holds another program's tables, not Dermatome Trainer's; it was left untouched.")
    if "meta" not in tables:
        return 0
    value = connection.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar_one_or_none()
    try:
        return int(value) if value is not None else 0
    except ValueError as error:
        raise StoreError(f"The database has an unreadable schema version {value!r}.") from error


def _write_version(connection: Connection, version: int) -> None:
    """Record the schema version."""
    table = Meta.__table__  # type: ignore[attr-defined]
    updated = connection.execute(table.update().where(table.c.key == "schema_version").values(value=str(version)))
    if updated.rowcount == 0:
        connection.execute(table.insert().values(key="schema_version", value=str(version)))


def _text_index_up_to_date(connection: Connection) -> None:
    """Before a commit: the cards whose text changed in the transaction, into the text index (SQLite)."""
    bring_up_to_date(connection.connection.dbapi_connection)


def _migrate_0_to_1(connection: Connection) -> None:
    """Pre-release databases (schema 0) lack some tables and indexes; add the shared ones missing.

    The per-student tables (card state, reviews, settings) are left to the next step, which
    rebuilds them with a profile column, or creates them when they are missing.
    """
    shared = [models.Meta, models.Deck, models.Source, models.Card]
    SQLModel.metadata.create_all(connection, tables=[model.__table__ for model in shared])  # type: ignore[attr-defined]


_PER_STUDENT_V1 = {
    "cardstate": (
        "card_id, position, repetitions, easiness, interval, drill, due_day, introduced_day, last_day, "
        "lapses, suspended, leech, last_review_at, revision",
        ("ix_cardstate_due", "ix_cardstate_new", "ix_cardstate_last_day"),
    ),
    "review": (
        "id, card_id, reviewed_at, study_day, quality, response_ms, response, verdict, given_root, "
        "expected_root, is_drill, queue, repetitions_before, easiness_before, interval_before, drill_before, "
        "repetitions_after, easiness_after, interval_after, drill_after, due_day_after",
        ("ix_review_day_queue", "ix_review_card_id"),
    ),
    "setting": ("name, value", ()),
}
"""Schema 1's per-student tables: the columns copied into schema 2 and the indexes to drop first
(index names are global in PostgreSQL, and schema 2 reuses some)."""


def _migrate_1_to_2(connection: Connection) -> None:
    """Add profiles: the existing schedule, reviews and settings become the default profile's.

    Card state, reviews and settings gain a profile column (part of the key of card state and
    settings). Each table is rebuilt (renamed, recreated, copied, dropped): SQLite cannot change
    a primary key in place, and the same steps work on PostgreSQL.
    """
    tables = {table.name: table for table in _our_tables()}
    tables["profile"].create(connection)
    _insert_default_profile(connection)
    existing = set(inspect(connection).get_table_names())
    for name, (columns, indexes) in _PER_STUDENT_V1.items():
        if name not in existing:
            tables[name].create(connection)  # a pre-release layout without it
            continue
        for index in indexes:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
        connection.exec_driver_sql(f"ALTER TABLE {name} RENAME TO {name}_v1")
        tables[name].create(connection)
        connection.exec_driver_sql(
            f"INSERT INTO {name} (profile_id, {columns}) SELECT {DEFAULT_PROFILE_ID}, {columns} FROM {name}_v1"
        )
        connection.exec_driver_sql(f"DROP TABLE {name}_v1")
    if connection.dialect.name == "postgresql":
        # Copied ids keep their values; the sequence must start after them.
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('review', 'id'), COALESCE((SELECT max(id) FROM review), 0) + 1, false)"
        )


def _insert_default_profile(connection: Connection) -> None:
    """The profile every database starts with."""
    table = models.Profile.__table__  # type: ignore[attr-defined]
    connection.execute(
        table.insert().values(id=DEFAULT_PROFILE_ID, name=DEFAULT_PROFILE, pseudonym=new_pseudonym(), created_at=None)
    )
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('profile', 'id'), 2, false)")


def new_pseudonym() -> str:
    """A random, stable-once-stored student id for report files ("s-" and 8 hex digits)."""
    import secrets

    return f"s-{secrets.token_hex(4)}"


def _migrate_2_to_3(connection: Connection) -> None:
    """Add exams (attempt and answer tables) and the statistics cache (filled on first use).

    Only new tables: nothing existing changes.
    """
    for model in (models.ExamAttempt, models.ExamAnswer, models.ReviewDay, models.ReviewDayConfusion):
        model.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]


def _migrate_3_to_4(connection: Connection) -> None:
    """Add the mixed new-card order: `cardstate.new_rank`, its index, and every profile's ranks.

    A database coming from schema 1 already has the column (step 1 -> 2 builds card state from
    the current model), so the column and index are added only when missing.
    """
    from trainer.store.repo import rank_new_cards

    columns = {column["name"] for column in inspect(connection).get_columns("cardstate")}
    if "new_rank" not in columns:
        connection.exec_driver_sql("ALTER TABLE cardstate ADD COLUMN new_rank INTEGER NOT NULL DEFAULT 0")
    connection.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_cardstate_mixed ON cardstate (profile_id, introduced_day, new_rank)"
    )
    rank_new_cards(connection)


def _migrate_4_to_5(connection: Connection) -> None:
    """Add a card's burial ("until tomorrow") and colour flag to every profile's card state, and
    the index Browse's search walks cards in deck order with.

    Two plain columns with defaults (no rebuild): every existing card is unburied and unflagged.
    A database coming from schema 1 already has them (step 1 -> 2 builds card state from the
    current model), so only missing columns are added.
    """
    present = {column["name"] for column in inspect(connection).get_columns("cardstate")}
    if "buried_until" not in present:
        connection.exec_driver_sql("ALTER TABLE cardstate ADD COLUMN buried_until DATE")
    if "flag" not in present:
        connection.exec_driver_sql("ALTER TABLE cardstate ADD COLUMN flag VARCHAR(10) NOT NULL DEFAULT ''")
    if "ix_card_order" not in {index["name"] for index in inspect(connection).get_indexes("card")}:
        connection.exec_driver_sql("CREATE INDEX ix_card_order ON card (deck_id, position, id, retired_at)")


def _migrate_5_to_6(connection: Connection) -> None:
    """Add `statscache`: how far each profile's statistics cache may be trusted.

    Only a new table, empty: until a profile's first statistics read fills its row, nothing of the
    old cache is trusted (it was kept by a check on every read, which writers now replace by
    moving `statscache.until_day` back), so the first read after the upgrade refolds the log once.
    """
    models.StatsCache.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]


def _migrate_6_to_7(connection: Connection) -> None:
    """Add two indexes for Browse's search: `ix_cardstate_marked`, the partial index of marked card
    states (suspended, leech, drilling, flagged, buried), and `ix_card_root`, a root's cards in deck
    order. Only indexes."""
    if "ix_cardstate_marked" not in {index["name"] for index in inspect(connection).get_indexes("cardstate")}:
        connection.exec_driver_sql(f"CREATE INDEX ix_cardstate_marked ON cardstate (profile_id, card_id) WHERE {models.MARKED}")
    if "ix_card_root" not in {index["name"] for index in inspect(connection).get_indexes("card")}:
        connection.exec_driver_sql("CREATE INDEX ix_card_root ON card (answer_root, deck_id, position, id, retired_at)")


def _migrate_7_to_8(connection: Connection) -> None:
    """Add the index of the cards' text (Browse's free-text search), filled from the cards present,
    and `ix_card_retired`, the partial index of retired cards (text search leaves them out).

    SQLite: an FTS5 trigram table with the triggers that keep it; PostgreSQL: a pg_trgm GIN index
    (`trainer.store.text_index`). Where neither can be made (no FTS5 trigram tokenizer, the
    extension refused), nothing is added and text search scans as before.
    """
    if "ix_card_retired" not in {index["name"] for index in inspect(connection).get_indexes("card")}:
        connection.exec_driver_sql(f"CREATE INDEX ix_card_retired ON card (retired_at) WHERE {models.RETIRED}")
    create_text_index(connection)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
    6: _migrate_6_to_7,
    7: _migrate_7_to_8,
}
"""`MIGRATIONS[n]` takes a database from schema n to n + 1 (inside one transaction)."""


def _our_tables() -> list[Any]:
    """The tables of models.py (other SQLModel tables in the process are not ours to create)."""
    return [
        model.__table__  # type: ignore[attr-defined]
        for model in (
            models.Meta,
            models.Profile,
            models.Deck,
            models.Source,
            models.Card,
            models.CardState,
            models.Review,
            models.Setting,
            models.ExamAttempt,
            models.ExamAnswer,
            models.ReviewDay,
            models.ReviewDayConfusion,
            models.StatsCache,
        )
    ]


def _prepare_schema(engine: Engine, *, path: Path | None, now: Callable[[], datetime] | None) -> None:
    """Create, check or migrate the schema."""
    with engine.connect() as connection:
        version = _read_version(connection)
    if version == SCHEMA_VERSION:
        return
    if version is not None and version > SCHEMA_VERSION:
        raise _newer(version)
    with engine.begin() as connection:
        if version is None:
            SQLModel.metadata.create_all(connection, tables=_our_tables())
            create_text_index(connection)
            _insert_default_profile(connection)
        else:
            if path is not None:
                # The store never reads the wall clock: without a clock from the caller, the
                # backup is named after the moment the old file was last written.
                assert now is not None  # open_store supplies the file's last write for an existing file
                backup_database(path, version=version, now=now())
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](connection)
        _write_version(connection, SCHEMA_VERSION)


def backup_database(path: Path, *, version: int, now: datetime) -> Path:
    """Copy a SQLite database beside itself before a migration.

    Uses SQLite's online backup, so pages still in the WAL are included.

    Args:
        path: The database file.
        version: Its current schema version (part of the backup's name).
        now: The instant the backup's name records (aware).

    Returns:
        The backup, e.g. `trainer.db.v0-20260310T065900.bak`.
    """
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.v{version}-{stamp}-{counter}.bak")
    from trainer.store.backup import copy_database

    copy_database(path, target, source_uri=f"{path.resolve().as_uri()}?mode=ro")
    return target
