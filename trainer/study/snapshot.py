"""The built-in decks as a new student's database holds them, shipped so a first run paints at once.

A first run creates the database and imports every built-in deck (seconds: validation, card
generation, thousands of rows). What that import writes is the same for every new student, so it
is computed ahead of time and shipped as `decks/builtin-snapshot.json` (inside the wheel with the
decks): the schema and the rows of `trainer.store.snapshot.SNAPSHOT_TABLES`, stamped with
`builtin_deck_key()` and the schema version. On a first run `trainer.study.startup` rebuilds it in
memory and reads the first screen from it with the same reader as always, while the real import
runs behind the first paint. A snapshot whose key or schema version is not current is ignored
(the first run then takes the full path and says "Loading…").

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

__all__ = ["SNAPSHOT_NAME", "builtin_snapshot", "generate_snapshot", "snapshot_path", "write_snapshot"]

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
