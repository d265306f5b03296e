"""The built-in decks as a new student's database holds them, shipped so a first run paints at once.

A first run creates the database and imports every built-in deck (seconds: validation, card
generation, thousands of rows). What that import writes is the same for every new student, so it
is computed ahead of time and shipped as `decks/builtin-snapshot.json` (inside the wheel with the
decks): the schema and the rows of `trainer.store.snapshot.SNAPSHOT_TABLES`, stamped with
`builtin_deck_key()` and the schema version. On a first run `trainer.study.startup` rebuilds it in
memory and reads the first screen from it with the same reader as always; behind the first paint
the app's store worker writes it as the new database file (`create_from_snapshot`), with the
import instant and a new pseudonym, instead of importing. A snapshot whose key or schema version
is not current is ignored: the first run then takes the full path (import, "Loading…").

Regenerate it after changing a built-in deck, the content layer, the store's schema or import:

    python -m trainer.study.snapshot

(tests/study/test_snapshot.py fails, naming that command, when the committed file is stale.)
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["SNAPSHOT_NAME", "builtin_snapshot", "create_from_snapshot", "generate_snapshot", "snapshot_path", "write_snapshot"]

SNAPSHOT_NAME = "builtin-snapshot.json"
"""The file's name, beside the built-in decks."""

FORMAT = 1
"""The layout of the file (a loader refuses another)."""

IMPORTED_AT = datetime(2000, 1, 1, tzinfo=UTC)
"""The import instant written into the snapshot (the real import writes its own; no read uses it)."""


def snapshot_path() -> Path:
    """Where the snapshot lives: beside the built-in decks (source tree or installed package)."""
    from trainer.paths import builtin_decks_dir

    return builtin_decks_dir() / SNAPSHOT_NAME


def builtin_snapshot(key: str) -> dict[str, Any] | None:
    """The shipped snapshot if it was made from the built-in decks and code whose key is `key`.

    Args:
        key: `trainer.study.startup.builtin_deck_key()`, computed by the caller.

    Returns:
        The snapshot, or None: no file, unreadable, another format, another key or another
        schema version (the first run then takes the full path).
    """
    from trainer.store.location import SCHEMA_VERSION

    try:
        snapshot = json.loads(snapshot_path().read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(snapshot, dict):
        return None
    current = (snapshot.get("format"), snapshot.get("builtin_deck_key"), snapshot.get("schema_version"))
    return snapshot if current == (FORMAT, key, SCHEMA_VERSION) else None


def create_from_snapshot(db: str | None, *, now: datetime) -> bool:
    """On a first run, create the database from the snapshot instead of importing the decks.

    The new file holds exactly what creating the database and importing the built-in decks at
    `now` would write (tests/study/test_snapshot.py compares the two, table by table), so the
    store opens it as an existing database and `ensure_builtin_deck` finds its decks current.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default.
        now: The import instant (the face's clock), written as the decks' `imported_at`.

    Returns:
        True if the database was created; False if it exists, is not a plain SQLite file, the
        snapshot is not current, or the file could not be written (the ordinary path then
        creates and imports, or says what is wrong).
    """
    from trainer.store.db import new_pseudonym
    from trainer.store.quick import database_file
    from trainer.store.snapshot import create_database
    from trainer.study.startup import builtin_deck_key

    path = database_file(db)
    if path is None or path.exists():
        return False
    snapshot = builtin_snapshot(builtin_deck_key())
    if snapshot is None:
        return False
    # SQLAlchemy stores an instant in SQLite as naive UTC text in this form (models.UTCDateTime).
    instant = now.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    replace = {("deck", "imported_at"): instant, ("profile", "pseudonym"): new_pseudonym()}
    return create_database(path, snapshot, replace=replace)


def generate_snapshot() -> dict[str, Any]:
    """Create a new database with the real code, import the built-in decks, and dump it.

    The profile's random pseudonym is blanked (no first-screen read uses it), so the same code
    and decks always give the same snapshot.
    """
    from trainer.store.db import open_store, resolve_db_url
    from trainer.store.location import SCHEMA_VERSION
    from trainer.store.snapshot import dump
    from trainer.study.decks import ensure_builtin_deck
    from trainer.study.startup import builtin_deck_key

    with tempfile.TemporaryDirectory(prefix="trainer-snapshot-") as folder:
        path = Path(folder) / "new.db"
        store = open_store(resolve_db_url(str(path)), now=lambda: IMPORTED_AT)
        try:
            ensure_builtin_deck(store, now=IMPORTED_AT)
        finally:
            store.close()
        image = dump(path)
    profile = image["tables"]["profile"]
    blank = profile["columns"].index("pseudonym")
    for row in profile["rows"]:
        row[blank] = ""
    return {"format": FORMAT, "builtin_deck_key": builtin_deck_key(), "schema_version": SCHEMA_VERSION, **image}


def _json(snapshot: dict[str, Any]) -> str:
    """The snapshot as JSON, one DDL statement or row per line (readable diffs)."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for name in ("format", "builtin_deck_key", "schema_version"):
        lines.append(f"{dumps(name)}: {dumps(snapshot[name])},")
    lines.append('"schema": [')
    lines.append(",\n".join(dumps(statement) for statement in snapshot["schema"]))
    lines.append("],")
    lines.append('"tables": {')
    tables = []
    for table, content in snapshot["tables"].items():
        rows = ",\n".join(dumps(row) for row in content["rows"])
        tables.append(f'{dumps(table)}: {{"columns": {dumps(content["columns"])}, "rows": [\n{rows}\n]}}')
    lines.append(",\n".join(tables))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_snapshot(path: Path | None = None) -> Path:
    """Generate the snapshot and write it (by default to `snapshot_path()`); returns the path."""
    target = path or snapshot_path()
    target.write_text(_json(generate_snapshot()), encoding="utf-8")
    return target


def main() -> int:
    """`python -m trainer.study.snapshot`: regenerate the shipped snapshot."""
    print(f"wrote {write_snapshot()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
