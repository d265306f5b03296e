"""Deck administration for instructors and students: list the decks with their counts, remove one
(retire its cards, or purge them with their history), and read a deck back for export.

UI-agnostic like the rest of `trainer.study`; the SQL is in `trainer.store.decks_repo`.
"""

from __future__ import annotations

from datetime import datetime

from trainer.clock import Clock
from trainer.content.cards import CompiledDeck
from trainer.content.schema import Deck
from trainer.store import decks_repo
from trainer.store.db import Store, store_errors
from trainer.store.decks_repo import DeckRow
from trainer.study.decks import builtin_deck_files
from trainer.study.settings import load_settings

__all__ = ["DeckAdminError", "DeckRow", "deck_structure", "list_decks", "remove_deck", "stored_deck"]


class DeckAdminError(Exception):
    """A deck command cannot be done; the message is one sentence for the user."""


@store_errors("list the decks")
def list_decks(store: Store, clock: Clock, *, profile_id: int) -> list[DeckRow]:
    """Every deck with active cards: id, title, version, cards, and one profile's new, due and suspended counts.

    Args:
        store: The open store.
        clock: The clock; "due" means due on or before the profile's study day.
        profile_id: The student whose counts are shown.
    """
    from trainer.store.readers import Reader, SqlAlchemyExecutor
    from trainer.study.session import today_for

    with store.session() as session:
        settings = load_settings(session, profile_id=profile_id)
        today = today_for(Reader(SqlAlchemyExecutor(session.connection()), profile_id=profile_id), clock, settings)
        return decks_repo.deck_rows(session=session, today=today, profile_id=profile_id)


@store_errors("remove the deck")
def remove_deck(store: Store, deck_id: str, *, now: datetime, purge: bool = False) -> int:
    """Remove a deck from study: retire its cards (progress and review history kept), or purge it.

    A retired deck comes back with its progress when its file is imported again; a purged one
    starts from scratch.

    Args:
        store: The open store.
        deck_id: The deck to remove.
        now: The instant the cards are retired at (from the face's clock).
        purge: Also delete the cards, their progress and their review history.

    Returns:
        How many cards were retired (or deleted, with `purge`).

    Raises:
        DeckAdminError: The deck is the built-in one, or there is no such deck.
    """
    if deck_id in builtin_deck_files():
        raise DeckAdminError(f'"{deck_id}" is a built-in deck; it cannot be removed (suspend its cards instead)')
    with store.session() as session:
        if not decks_repo.deck_exists(session=session, deck_id=deck_id):
            raise DeckAdminError(_unknown(deck_id, session=session))
        if purge:
            count = decks_repo.purge_deck(session=session, deck_id=deck_id)
        else:
            count = decks_repo.retire_deck(session=session, deck_id=deck_id, now=now)
        session.commit()
    return count


@store_errors("read the deck")
def stored_deck(store: Store, deck_id: str) -> CompiledDeck:
    """A deck's metadata, full citations and active cards as stored, for export.

    Raises:
        DeckAdminError: There is no such deck, or all its cards are retired.
    """
    with store.session() as session:
        deck = decks_repo.stored_deck(session=session, deck_id=deck_id)
        if deck is None:
            raise DeckAdminError(_unknown(deck_id, session=session))
    if not deck.cards:
        raise DeckAdminError(f'deck "{deck_id}" was removed (all its cards are retired); import its file again first')
    return deck


@store_errors("read the deck's source")
def deck_structure(store: Store, deck_id: str) -> Deck:
    """A deck's own structure (facts and hand-written cards), from the text it was imported from.

    A built-in deck is read from its file.

    Raises:
        DeckAdminError: There is no such deck, or it was imported before the trainer kept sources.
        trainer.content.loader.DeckError: The kept text no longer validates (a newer deck format).
    """
    from trainer.content.loader import load_deck, load_deck_text

    builtin = builtin_deck_files().get(deck_id)
    if builtin is not None and builtin.parent.name == "maps":
        raise DeckAdminError(
            f'deck "{deck_id}" is generated from the body map {builtin.name}, not written as a deck file; '
            "export it as apkg or csv"
        )
    if builtin is not None:
        return load_deck(builtin)
    with store.session() as session:
        text = decks_repo.deck_source(session=session, deck_id=deck_id)
        if text is None:
            if not decks_repo.deck_exists(session=session, deck_id=deck_id):
                raise DeckAdminError(_unknown(deck_id, session=session))
            raise DeckAdminError(
                f'deck "{deck_id}" was imported before the trainer kept deck files; '
                "import its file again (progress is kept), then export"
            )
    return load_deck_text(text, name=f"deck {deck_id}")


def _unknown(deck_id: str, *, session) -> str:  # type: ignore[no-untyped-def]
    """'no deck "x"' with the ids that do exist, so a typo is easy to see."""
    from difflib import get_close_matches

    ids = decks_repo.deck_ids(session=session)
    close = get_close_matches(deck_id, ids, n=1, cutoff=0.6)
    hint = f'; did you mean "{close[0]}"?' if close else f" (decks: {', '.join(sorted(ids)) or 'none'})"
    return f'no deck "{deck_id}"{hint}'
