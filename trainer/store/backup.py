"""Backups, restore and the integrity check of a SQLite database file.

Every copy is made with SQLite's online backup API (`sqlite3.Connection.backup`), so a copy
taken while another window is answering is a consistent database, WAL pages included. Backups
live in a folder beside the database (`trainer.db.backups/`), named by the instant they were
made (UTC), so their names sort by age: `trainer-20260310T093000.db`.

Restore refuses a file that is not a sound Dermatome Trainer database (not SQLite, damaged,
another program's, or written by a newer version) before anything is written, so the current
file stays byte-identical; otherwise it backs up the current file first, then copies the chosen
file over it (through the backup API, which also resets the current file's WAL).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from trainer.store.location import SCHEMA_VERSION, read_only_uri

__all__ = [
    "BackupError",
    "CheckReport",
    "auto_backup",
    "backup_dir",
    "backups",
    "check_database",
    "copy_database",
    "make_backup",
    "repair_text_index",
    "restore_backup",
]

OUR_TABLES = frozenset({"meta", "deck", "card"})
"""Tables every Dermatome Trainer database has, whatever its schema version."""


class BackupError(Exception):
    """A backup or restore that cannot be done; `message` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        """Keep the message.

        Args:
            message: What went wrong and what to do, in plain words.
        """
        super().__init__(message)
        self.message = message


def backup_dir(database: Path) -> Path:
    """The folder that holds a database's automatic backups (beside it)."""
    return database.with_name(f"{database.name}.backups")


def backups(database: Path) -> list[Path]:
    """A database's automatic backups, oldest first."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{database.stem}-*.db"))


def copy_database(source: Path, target: Path, *, source_uri: str | None = None) -> None:
    """Copy a SQLite database with its online backup API (pages still in the WAL included)."""
    src = sqlite3.connect(source_uri or read_only_uri(source), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def make_backup(database: Path, *, now: datetime, output: Path | None = None) -> Path:
    """Back a database up, consistently even while it is in use.

    Args:
        database: The database file.
        now: The instant the backup's name records (aware).
        output: Where to write it; default: a new file in `backup_dir(database)`.

    Returns:
        The backup file.

    Raises:
        BackupError: No database there, or the backup cannot be written.
    """
    if not database.is_file():
        raise BackupError(f"No database at {database}; nothing to back up.")
    if output is None:
        folder = backup_dir(database)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        output = folder / f"{database.stem}-{stamp}.db"
        counter = 1
        while output.exists():
            counter += 1
            output = folder / f"{database.stem}-{stamp}-{counter}.db"
    if output.exists():
        raise BackupError(f"{output} already exists; choose another file name (nothing was written).")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        copy_database(database, output)
    except (OSError, sqlite3.Error) as error:
        output.unlink(missing_ok=True)
        raise BackupError(f"Could not write the backup {output}: {error}.") from error
    return output


def auto_backup(database: Path, *, now: datetime, zone: tzinfo, keep: int) -> Path | None:
    """The daily automatic backup: made at most once per calendar day, keeping the newest `keep`.

    Args:
        database: The database file.
        now: The current instant (aware).
        zone: The zone whose calendar day counts (the student's).
        keep: How many automatic backups to keep (0: make none, delete none).

    Returns:
        The new backup, or None if none was due (one was already made today, or `keep` is 0).
    """
    if keep <= 0 or not database.is_file():
        return None
    today = now.astimezone(zone).date()
    existing = backups(database)
    made = None
    if not any(_made_at(path).astimezone(zone).date() == today for path in existing if _made_at(path)):
        made = make_backup(database, now=now)
        existing = backups(database)
    for old in existing[: max(0, len(existing) - keep)]:
        old.unlink(missing_ok=True)
    return made


def _made_at(path: Path) -> datetime | None:
    """When a backup was made, from its name (None for a name not ours)."""
    stamp = path.stem.rsplit("-", 2)
    for part in stamp:
        try:
            return datetime.strptime(part, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class CheckReport:
    """What the integrity check found."""

    ok: bool
    lines: list[str]
    """Plain sentences, the first one the verdict."""


def _inspect(path: Path) -> tuple[list[str], int | None]:
    """(problems found, schema version) of a database file; nothing is written."""
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        return ["It is not a SQLite database file."], None
    connection = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not OUR_TABLES <= tables:
            return ["It is a SQLite database, but not a Dermatome Trainer one (its tables are another program's)."], None
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        if problems:
            return [f"The file is damaged ({len(problems)} problem(s) found by SQLite's integrity check)."], None
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            tables_hit = sorted({row[0] for row in broken})
            return [f"{len(broken)} row(s) point at rows that no longer exist (in {', '.join(tables_hit)})."], None
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
        return [], version
    except sqlite3.DatabaseError as error:
        return [f"The file is damaged: SQLite cannot read it ({error})."], None
    finally:
        connection.close()


def check_database(path: Path, *, text_index: bool = True, repair: bool = False) -> CheckReport:
    """Run SQLite's full integrity check and the foreign-key check; say what was found in plain words.

    Args:
        path: The database file.
        text_index: Also compare the index of the cards' text with the cards (FTS5 runs that
            check as a write it rolls back: the file must be writable; skipped if it is not).
            Restore leaves it out: a file with a stale index is still a sound backup.
        repair: First rebuild that index from the cards (a sound database of this version or
            an older one only).

    Raises:
        BackupError: `repair` could not write the file.
    """
    if not path.is_file():
        return CheckReport(ok=False, lines=[f"No database at {path}."])
    problems, version = _inspect(path)
    if problems:
        return CheckReport(ok=False, lines=[f"{path} has problems.", *problems, "Restore a backup with `trainer restore FILE`."])
    repaired = []
    if repair and version is not None and version <= SCHEMA_VERSION:
        repair_text_index(path)
        repaired = ["The index of the cards' text was rebuilt from the cards."]
    stale = _text_index_problem(path) if text_index else None
    if stale is not None:
        return CheckReport(ok=False, lines=[f"{path} has a problem.", *repaired, stale])
    size = path.stat().st_size
    lines = [f"{path} is sound: no damage found.", *repaired, f"Schema version {version}; {size / 1_048_576:.1f} MB."]
    if version is not None and version > SCHEMA_VERSION:
        lines.append(f"It was written by a newer Dermatome Trainer (this version reads up to schema {SCHEMA_VERSION}).")
    found = backups(path)
    lines.append(f"{len(found)} automatic backup(s) in {backup_dir(path)}." if found else "No automatic backups yet.")
    return CheckReport(ok=True, lines=lines)


def _text_index_problem(path: Path) -> str | None:
    """A sentence if the text index does not hold exactly the cards' text; None if it does, or
    if it cannot be checked here (a read-only file, a SQLite without FTS5)."""
    from trainer.store.text_index import check_text_index

    try:
        connection = sqlite3.connect(path, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return check_text_index(connection)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def repair_text_index(path: Path) -> None:
    """Rebuild the index of the cards' text from the cards (and make it, if it is missing).

    Raises:
        BackupError: The file cannot be written, or this SQLite has no FTS5 trigram tokenizer.
    """
    from trainer.store.text_index import rebuild_text_index

    try:
        connection = sqlite3.connect(path, timeout=5)
        try:
            rebuild_text_index(connection)
            connection.commit()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"Could not rebuild the index of the cards' text in {path}: {error}.") from error


def restore_backup(database: Path, source: Path, *, now: datetime) -> Path | None:
    """Replace a database with a backup, after backing the current file up.

    Args:
        database: The database file to replace.
        source: The backup to restore.
        now: The instant the safety backup's name records.

    Returns:
        The safety backup of the file replaced (None if there was no database yet).

    Raises:
        BackupError: The source is missing, not SQLite, damaged, another program's, or from a
            newer version; nothing was written and the current file is untouched.
    """
    if not source.is_file():
        raise BackupError(f"No file at {source}; nothing was restored.")
    if database.exists() and source.resolve() == database.resolve():
        raise BackupError(f"{source} is the database itself; choose a backup file.")
    problems, version = _inspect(source)
    if problems:
        raise BackupError(f"{source} cannot be restored: {problems[0]} The current database was left untouched.")
    if version is not None and version > SCHEMA_VERSION:
        raise BackupError(
            f"{source} was written by a newer Dermatome Trainer (schema {version}); upgrade the app to restore it. "
            "The current database was left untouched."
        )
    safety = make_backup(database, now=now) if database.is_file() else None
    try:
        copy_database(source, database)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"Could not restore {source}: {error}. The previous database is kept in {safety}.") from error
    return safety
