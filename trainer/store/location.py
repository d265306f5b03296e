"""Which database to open, and which schema this code speaks: shared by the full store
(`db.py`, SQLAlchemy) and the quick read-only reader (`quick.py`, stdlib sqlite3), so this
module imports neither."""

from __future__ import annotations

import os
from pathlib import Path

SCHEMA_VERSION = 8
"""The schema this code writes and reads. 8 adds the index of the cards' text (Browse's free-text
search: SQLite FTS5 trigrams kept by triggers, or pg_trgm); 7 adds the partial index of marked card
states (Browse's rare states); 6 adds `statscache` (how far the statistics cache holds the
log, kept by the log's writers); 5 adds a card's burial and flag (per profile); 4 the mixed
new-card order (`cardstate.new_rank`); 3 exam attempts and their answers, and the statistics cache;
2 profiles (a student per profile); 1 is the first release's baseline; 0 is a pre-release layout."""

DEFAULT_PROFILE = "default"
"""The profile used when none is named: a single student never has to think about profiles."""

DEFAULT_PROFILE_ID = 1
"""The id of the profile every database starts with (and that schema 1 data migrates into)."""


def requested_database(db: str | None) -> str | Path:
    """The database the student asked for: `--db`, else `$TRAINER_DB`, else the platform default.

    Returns:
        A URL string as given (anything with "://"), or an absolute file path. Nothing is created.
    """
    value = db or os.environ.get("TRAINER_DB") or None
    if value is None:
        from trainer.paths import default_db_path

        return default_db_path().resolve()
    if "://" in value:
        return value
    return Path(value).expanduser().resolve()


def requested_profile(profile: str | None) -> str:
    """The profile the student asked for: `--profile`, else `$TRAINER_PROFILE`, else the default.

    Raises:
        ValueError: For an empty or blank name given explicitly.
    """
    value = profile if profile is not None else os.environ.get("TRAINER_PROFILE")
    if value is None:
        return DEFAULT_PROFILE
    name = value.strip()
    if not name:
        raise ValueError("The profile name is empty; give a name, or leave --profile out for the default profile.")
    return name


def read_only_uri(path: Path) -> str:
    """The sqlite3 URI that reads `path` without creating anything beside it.

    SQLite opens a WAL database with `mode=ro` by creating `-wal` and `-shm` files beside it, and
    a read-only connection cannot remove them on close. When no `-wal` file exists no connection
    has the database open in WAL mode, so nothing is pending in a WAL and `immutable=1` reads the
    file alone, creating nothing. When one exists (another window is open) `mode=ro` shares it.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    return f"{path.resolve().as_uri()}?{mode}"
