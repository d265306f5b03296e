"""Decks in the collection: the built-in deck kept current, and instructors' decks imported.

Cards are matched by their stable ids, so re-importing an edited deck keeps every student's
progress on reworded cards and retires (never deletes) cards that were removed.
"""

from __future__ import annotations

from datetime import datetime

from trainer.content.cards import CompiledDeck
from trainer.store import repo
from trainer.store.db import Store, store_errors
from trainer.study.startup import BUILTIN_DECK_META, builtin_deck_key

__all__ = ["ensure_builtin_deck", "import_compiled_deck", "import_deck_file"]


@store_errors("import the built-in deck")
def ensure_builtin_deck(store: Store, *, now: datetime) -> None:
    """Import the built-in decks if any is absent or its file changed; otherwise return at once.

    The check hashes the deck file, the app version and the content layer's source (generated
    cards change when the generator does, even between releases), so an unchanged deck costs a
    few small reads, not an import of the validator and a compile (about 250 ms).

    Args:
        store: The open store.
        now: The import instant, from the face's clock (`clock.now()`).

    Raises:
        trainer.content.loader.DeckError: If the built-in deck does not validate.
    """
    from trainer.paths import builtin_deck_paths

    key = builtin_deck_key()
    with store.session() as session:
        if repo.get_meta(session=session, key=BUILTIN_DECK_META) == key:
            return
    from trainer.content.generate import load_compiled_deck

    decks = [load_compiled_deck(path) for path in builtin_deck_paths()]
    with store.session() as session:
        for deck in decks:
            repo.sync_deck(session=session, deck=deck, now=now)
        repo.set_meta(session=session, key=BUILTIN_DECK_META, value=key)
        session.commit()


@store_errors("import the deck")
def import_deck_file(store: Store, path: str, *, now: datetime) -> repo.SyncReport:
    """Validate a deck file and import it into the store: all of it, or nothing.

    Cards are matched by their stable ids, so re-importing an edited deck keeps every student's
    progress on reworded cards and retires (never deletes) cards that were removed. The file's
    text is kept with the deck, for `trainer deck export --format toml`.

    Args:
        store: The open store.
        path: The deck file.
        now: The import instant (from the face's clock).

    Returns:
        What the import changed, in cards.

    Raises:
        trainer.content.loader.DeckError: The file is not a valid deck, or it claims the
            built-in deck's id (it would replace the built-in cards); nothing was imported.
    """
    from pathlib import Path

    from trainer.content.generate import load_compiled_deck

    deck = load_compiled_deck(path)
    try:
        source: str | None = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        source = None
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
        trainer.content.loader.DeckError: The deck claims the built-in deck's id; nothing was imported.
    """
    from pathlib import Path

    from trainer.content.loader import DeckError, DeckProblem, load_deck
    from trainer.paths import builtin_deck_paths
    from trainer.store import decks_repo

    path = deck.path or deck.info.id
    builtins = builtin_deck_paths()
    builtin_ids = {load_deck(b).meta.id for b in builtins}
    if Path(path).resolve() not in {b.resolve() for b in builtins} and deck.info.id in builtin_ids:
        raise DeckError(
            [
                DeckProblem(
                    str(path),
                    f'deck id "{deck.info.id}" is a built-in deck\'s; give your deck its own id',
                    location="[deck], field 'id'",
                )
            ]
        )
    with store.session() as session:
        report = repo.sync_deck(session=session, deck=deck, now=now)
        if source is not None:
            decks_repo.put_deck_source(session=session, deck_id=deck.info.id, text=source)
        session.commit()
    return report
