"""Importing decks into the collection: the built-in deck, instructors' deck files, and a preview of either.

An import matches cards by their stable ids, so re-importing an edited deck keeps every student's
progress on reworded cards, and a card missing from the new file is retired (kept with its
history, no longer asked), never deleted. What an import would do is computed by the same code
that does it (`repo.sync_deck`), run in a transaction that is rolled back: the preview and the
import cannot disagree.
"""

from __future__ import annotations

import gc
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from trainer.content.cards import CompiledDeck
from trainer.store import repo
from trainer.store.db import Store, store_errors
from trainer.store.models import Deck
from trainer.study.startup import BUILTIN_DECK_META, builtin_deck_key

__all__ = [
    "ImportPreview",
    "builtin_deck_files",
    "bulk_work",
    "ensure_builtin_deck",
    "import_compiled_deck",
    "import_deck_file",
    "preview_deck_file",
]


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a big deck is read, compiled and stored.

    A 35,000-card import allocates millions of objects that all stay alive until it ends, so
    every collection the allocations trigger walks them in vain: about a fifth of the import's
    time (measured: reading a 35,000-row sheet 1.7 -> 1.2 s). Reference counting still frees
    everything as usual; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Every object allocated meanwhile still counts as young, so the first allocation
            # after enable() would walk all of them, the deck still alive included (0.15 s after
            # a 35,000-row sheet). Moving them to the oldest generation first (freeze, then
            # unfreeze) leaves them to the next full collection, as if they had aged there
            # (CPython 3.11-3.13's generational collector). Skipped if something else in the
            # process froze objects on purpose: unfreeze() would thaw those too.
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@dataclass(frozen=True)
class ImportPreview:
    """What importing a deck file would do, computed without writing anything."""

    path: str
    deck_id: str
    title: str
    """The title in the file."""
    stored_title: str | None
    """The title of the deck already in the collection under the same id; None for a new deck."""
    report: repo.SyncReport
    """The cards it would add, update, retire and leave unchanged."""

    @property
    def retires_cards(self) -> bool:
        """True if the file reuses the id of a deck in the collection and would retire some of its cards.

        A different file that happens to reuse a deck's id (or a new edition that dropped cards)
        takes those cards out of the student's reviews, so faces ask before importing it.
        """
        return self.stored_title is not None and self.report.retired > 0


@store_errors("import the built-in deck")
def ensure_builtin_deck(store: Store, *, now: datetime) -> None:
    """Import the built-in decks (and the body map's cards) if any is absent or changed; else return at once.

    The check hashes the deck file, the app version and the content layer's source (generated
    cards change when the generator does, even between releases), so an unchanged deck costs a
    few small reads, not an import of the validator and a compile (about 250 ms).

    Args:
        store: The open store.
        now: The import instant, from the face's clock (`clock.now()`).

    Raises:
        trainer.content.loader.DeckError: If the built-in deck does not validate.
    """
    from trainer.paths import builtin_deck_paths, builtin_map_paths

    key = builtin_deck_key()
    with store.session() as session:
        if repo.get_meta(session=session, key=BUILTIN_DECK_META) == key:
            return
    from trainer.content.bodymap import load_bodymap
    from trainer.content.generate import load_compiled_deck
    from trainer.content.map_cards import compile_map_deck

    decks = [load_compiled_deck(path) for path in builtin_deck_paths()]
    # The body map's cards are scheduled like any other card: a built-in deck of their own.
    decks += [compile_map_deck(load_bodymap(path)) for path in builtin_map_paths()]
    with store.session() as session:
        for deck in decks:
            repo.sync_deck(session=session, deck=deck, now=now)
        repo.set_meta(session=session, key=BUILTIN_DECK_META, value=key)
        session.commit()


@store_errors("preview the import")
def preview_deck_file(store: Store, path: str, *, now: datetime) -> ImportPreview:
    """Validate a deck file and say what importing it would change, writing nothing.

    Args:
        store: The open store.
        path: The deck file.
        now: The instant the import would carry (from the face's clock).

    Returns:
        The deck, the title already stored under its id (if any), and the cards it would add,
        update, retire and leave unchanged.

    Raises:
        trainer.content.loader.DeckError: The file is not a valid deck, or it claims the
            built-in deck's id.
    """
    with bulk_work():
        return _preview(store, path, _load_importable(path), now=now)


@store_errors("import the deck")
def import_deck_file(
    store: Store,
    path: str,
    *,
    now: datetime,
    confirm: Callable[[ImportPreview], bool] | None = None,
) -> repo.SyncReport | None:
    """Validate a deck file and import it into the store: all of it, or nothing.

    Cards are matched by their stable ids, so re-importing an edited deck keeps every student's
    progress on reworded cards and retires (never deletes) cards that were removed. The file's
    text is kept with the deck, for `trainer deck export --format toml`.

    Args:
        store: The open store.
        path: The deck file.
        now: The import instant (from the face's clock).
        confirm: Asked, before anything is written and outside any transaction, when the file
            would retire cards of a deck already in the collection (`ImportPreview.retires_cards`);
            returning False imports nothing. None imports without asking.

    Returns:
        What the import changed, in cards; None if `confirm` declined.

    Raises:
        trainer.content.loader.DeckError: The file is not a valid deck, or it claims the
            built-in deck's id (it would replace the built-in cards); nothing was imported.
    """
    from trainer.content.generate import load_compiled_deck

    preview: ImportPreview | None = None
    with bulk_work():
        deck = load_compiled_deck(path)
        if confirm is not None and _is_stored(store, deck.info.id):
            # Only a deck already in the collection can lose cards; a new one is not previewed
            # (the preview is a whole import, rolled back: it would double the time of a big deck).
            _refuse_builtin_id(deck)
            preview = _preview(store, path, deck, now=now)
    if confirm is not None and preview is not None and preview.retires_cards and not confirm(preview):
        return None
    try:
        source: str | None = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        source = None
    with bulk_work():
        return import_compiled_deck(store, deck, now=now, source=source)


@store_errors("import the deck")
def import_compiled_deck(store: Store, deck: CompiledDeck, *, now: datetime, source: str | None = None) -> repo.SyncReport:
    """Import an already validated deck (from a file or a spreadsheet): all of it, or nothing.

    Args:
        store: The open store.
        deck: The compiled deck; `deck.path` names it in errors.
        now: The import instant (from the face's clock).
        source: The deck's TOML text, kept with the deck for `deck export --format toml`.

    Returns:
        What the import changed, in cards.

    Raises:
        trainer.content.loader.DeckError: The deck claims a built-in deck's id; nothing was imported.
    """
    from trainer.store import decks_repo

    _refuse_builtin_id(deck)
    with bulk_work(), store.session() as session:
        report = repo.sync_deck(session=session, deck=deck, now=now)
        if source is not None:
            decks_repo.put_deck_source(session=session, deck_id=deck.info.id, text=source)
        session.commit()
    return report


def _is_stored(store: Store, deck_id: str) -> bool:
    """True if the collection holds a deck with this id."""
    with store.session() as session:
        return session.get(Deck, deck_id) is not None


def _load_importable(path: str) -> CompiledDeck:
    """The compiled deck in `path`, refused if it would take over a built-in deck's id."""
    from trainer.content.generate import load_compiled_deck

    deck = load_compiled_deck(path)
    _refuse_builtin_id(deck)
    return deck


def _refuse_builtin_id(deck: CompiledDeck) -> None:
    """Refuse a deck (other than a built-in deck's own file) that claims a built-in deck's id.

    Raises:
        trainer.content.loader.DeckError: Naming the file and its `[deck]` id.
    """
    from trainer.content.loader import DeckError, DeckProblem
    from trainer.paths import builtin_deck_paths

    path = deck.path or deck.info.id
    builtins = builtin_deck_paths()
    if Path(path).resolve() in {b.resolve() for b in builtins}:
        return
    if deck.info.id in builtin_deck_files():
        raise DeckError(
            [
                DeckProblem(
                    str(path),
                    f'deck id "{deck.info.id}" is a built-in deck\'s; give your deck its own id',
                    location="[deck], field 'id'",
                )
            ]
        )


def builtin_deck_files() -> dict[str, Path]:
    """Each built-in deck's id and file (the one place that knows which ids are built in).

    A body map's cards are a built-in deck too: its `[map] id` names the file in `decks/maps/`.
    """
    from trainer.paths import builtin_deck_paths, builtin_map_paths

    paths = [*builtin_deck_paths(), *builtin_map_paths()]
    return dict(_builtin_ids(tuple((str(path), path.stat().st_mtime_ns) for path in paths)))


_TABLE_AFTER_DECK = re.compile(r"(?<=\n)(?=[ \t]*\[(?![ \t]*deck[ \t]*\]))", re.MULTILINE)
"""Where the first table header other than `[deck]` begins (a header starts its line)."""


@lru_cache(maxsize=4)
def _builtin_ids(files: tuple[tuple[str, int], ...]) -> tuple[tuple[str, Path], ...]:
    """(id, file) of each built-in deck file, by (path, modification time): read once.

    Only the id is needed, so the files are parsed, not validated (the built-in decks are
    validated when they are imported), and only down to the table after `[deck]` (parsing the
    whole files cost 0.1-0.2 s of every import). A file whose head does not parse on its own
    (a multi-line string cut in two) is parsed whole; a file without a readable id is loaded in
    full, so its own error is reported.
    """
    from trainer.content.loader import load_deck

    found = []
    for path, _modified in files:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            head = _TABLE_AFTER_DECK.split(text, maxsplit=1)[0]
            try:
                deck_id = str(tomllib.loads(head)["deck"]["id"])
            except (tomllib.TOMLDecodeError, KeyError, TypeError):
                data = tomllib.loads(text)
                deck_id = str((data["map"] if "map" in data else data["deck"])["id"])
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
            deck_id = load_deck(path).meta.id
        found.append((deck_id, Path(path)))
    return tuple(found)


def _preview(store: Store, path: str, deck: CompiledDeck, *, now: datetime) -> ImportPreview:
    """Run the import in a transaction and roll it back: the preview is the import's own arithmetic."""
    with store.session() as session:
        stored = session.get(Deck, deck.info.id)
        stored_title = stored.title if stored is not None else None
        try:
            report = repo.sync_deck(session=session, deck=deck, now=now)
        finally:
            session.rollback()
    return ImportPreview(path=path, deck_id=deck.info.id, title=deck.info.title, stored_title=stored_title, report=report)
