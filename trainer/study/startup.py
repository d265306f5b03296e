"""The first screen without the database layer: today's first card, or Home's figures, in a few ms.

`trainer` must paint its first card about as fast as a bare Textual app paints a label, and
importing SQLAlchemy, SQLModel and pydantic alone takes longer than that. So the TUI first asks
`quick_first_screen`, which reads the database through the read-only stdlib reader of
`trainer.store.quick` and decides with the same queue rules as `ReviewSession`
(`trainer.study.queue`), and opens the real store behind the first paint for recording answers.

A first run (no database file yet) is read from the shipped snapshot of what the built-in decks
import (`trainer.study.snapshot`), rebuilt in memory: a new student's first cards are known from
the decks alone, so the first card is painted while the store creates the file and imports behind it.

When a quick look is not safe it returns None and the caller takes the full path: a first run
whose snapshot is stale or absent, or that does not import the built-in decks, or names a profile
other than the default; a built-in deck that changed since it was imported (the import may change
or retire cards); a database that is not a SQLite file, has another schema version or cannot be read.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from trainer.clock import Clock, SystemClock
from trainer.store.location import requested_profile
from trainer.store.readers import Reader, profile_id_of
from trainer.study.settings import Settings, settings_from_rows

if TYPE_CHECKING:
    from trainer.store.db import Store
    from trainer.store.quick import Sqlite3Executor
    from trainer.study.overview import HomeOverview
    from trainer.study.session import StudySession

__all__ = ["BUILTIN_DECK_META", "FirstScreen", "builtin_deck_key", "open_full_store", "quick_first_screen"]

BUILTIN_DECK_META = "builtin_deck_hash"
"""Meta key holding the hash of the built-in deck file (and app version) last imported."""


def builtin_deck_key() -> str:
    """The hash `ensure_builtin_deck` stores once the built-in decks are imported.

    It covers every built-in deck file and body map, the app version and the content layer's source (generated
    cards change when the generator does, even between releases). Hashing those files costs 10-20 ms of every
    launch, so the key is remembered in the user's cache directory beside a stamp of the files' sizes and
    modification times: an unchanged installation reads it back; any change to a file computes it again.
    """
    from trainer import __version__
    from trainer.paths import builtin_deck_paths, builtin_map_paths

    decks = [*builtin_deck_paths(), *builtin_map_paths()]
    sources = sorted((Path(__file__).resolve().parent.parent / "content").glob("*.py"))
    inputs = [*decks, *sources]
    try:
        stats = [(str(path), path.stat()) for path in inputs]
    except OSError:
        stats = None
    stamp = None
    if stats is not None:
        stamp = hashlib.sha256(
            repr([(name, st.st_size, st.st_mtime_ns) for name, st in stats] + [str(__version__)]).encode()
        ).hexdigest()
        remembered = _remembered_key(stamp)
        if remembered is not None:
            return remembered
    digest = hashlib.sha256()
    for path in decks:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(str(__version__).encode())
    for source in sources:
        digest.update(source.name.encode() + source.read_bytes())
    key = digest.hexdigest()
    if stamp is not None:
        _remember_key(stamp, key)
    return key


def _key_cache() -> Path:
    from platformdirs import user_cache_path

    from trainer.paths import APP_NAME

    return user_cache_path(APP_NAME, appauthor=False) / "builtin-deck-key.json"


def _remembered_key(stamp: str) -> str | None:
    """The key remembered for exactly these files, or None (no cache, another stamp, unreadable)."""
    import json

    try:
        cached = json.loads(_key_cache().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(cached, dict) and cached.get("stamp") == stamp and isinstance(cached.get("key"), str):
        return cached["key"]
    return None


def _remember_key(stamp: str, key: str) -> None:
    """Write the cache atomically; a cache that cannot be written only costs the next launch the hashing."""
    import json
    import os

    path = _key_cache()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"stamp": stamp, "key": key}), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return


def _first_run(db: str | None, key: str) -> Sqlite3Executor | None:
    """The shipped snapshot in memory, when `db` names a SQLite file that does not exist yet.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default.
        key: `builtin_deck_key()`: the snapshot is used only if it was made from these decks and code.
    """
    from trainer.store.quick import database_file

    path = database_file(db)
    if path is None or path.exists():
        return None
    from trainer.study.snapshot import builtin_snapshot

    snapshot = builtin_snapshot(key)
    if snapshot is None:
        return None
    from trainer.store.snapshot import open_snapshot

    try:
        return open_snapshot(snapshot)
    except (sqlite3.Error, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FirstScreen:
    """What the first screen shows, read without the database layer."""

    settings: Settings
    clock: Clock
    """The clock used: the caller's, else the system clock in the student's zone from settings."""
    profile_id: int
    session: StudySession | None = None
    """start="review": the study session, in its quick phase (its `current` is the first card)."""
    home: HomeOverview | None = None
    """start="home": Home's figures."""


def quick_first_screen(
    db: str | None,
    *,
    clock: Clock | None = None,
    start: Literal["home", "review"] = "home",
    deck_ids: Sequence[str] | None = None,
    import_builtin: bool = True,
    profile: str | None = None,
) -> FirstScreen | None:
    """Read the first screen through `trainer.store.quick`; None when the full path must be taken.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default.
        clock: The clock (tests inject one); None for the system clock in the settings' zone.
        start: "review" for a study session on its first card, "home" for Home's figures.
        deck_ids: The decks the review draws from (None: all).
        import_builtin: The app will import the built-in deck if it changed: then the quick look
            is taken only if the stored built-in deck is current.
        profile: `--profile` value; None for $TRAINER_PROFILE or the default profile.
    """
    from trainer.store.quick import open_quick

    key = builtin_deck_key() if import_builtin else None
    executor = open_quick(db) or (_first_run(db, key) if key is not None else None)
    if executor is None:
        return None
    try:
        name = requested_profile(profile)
        profile_id = profile_id_of(executor, name)
        if profile_id is None:
            return None  # the full path says which profiles exist
        reader = Reader(executor, profile_id=profile_id, deck_ids=deck_ids)
        if key is not None and reader.meta(BUILTIN_DECK_META) != key:
            return None
        settings = settings_from_rows(reader.stored_settings())
        if clock is None:
            clock = SystemClock(settings.timezone)
        if start == "home":
            from trainer.study.overview import home_overview_from
            from trainer.study.session import today_for

            home = home_overview_from(Reader(executor, profile_id=profile_id), settings, today_for(reader, clock, settings), profile=name)
            return FirstScreen(settings=settings, clock=clock, profile_id=profile_id, home=home)
        from trainer.study.session import StudySession

        session = StudySession.from_reader(reader, clock, settings, deck_ids=deck_ids)
        session.release_reader()
        return FirstScreen(settings=settings, clock=clock, profile_id=profile_id, session=session)
    except (sqlite3.Error, ValueError, TypeError, KeyError, OSError):
        # Damaged or unexpected content: the full path opens it properly and says what is wrong.
        return None
    finally:
        executor.close()


def open_full_store(db: str | None, *, clock: Clock | None, from_snapshot: bool = False) -> Store:
    """Open the full store (creating it on a first run, migrating an older schema); in the TUI's worker thread.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default.
        clock: The app's clock, once known.
        from_snapshot: A first run may write the new database from the shipped snapshot of the
            built-in decks (`trainer.study.snapshot`): milliseconds, where importing takes seconds.

    Raises:
        StoreError: The database cannot be used.
    """
    from trainer.store.db import open_store, resolve_db_url

    if from_snapshot and clock is not None:
        from trainer.study.snapshot import create_from_snapshot

        create_from_snapshot(db, now=clock.now())

    return open_store(resolve_db_url(db), now=clock.now if clock is not None else None)
