"""Full citations for the source keys a card names.

A card carries only source keys ("KSP08"); the feedback view shows the full citation. The study
layer does not (yet) expose the deck sources that the store keeps, so the TUI reads them for the
built-in deck from the deck file itself, through the content layer (no SQL, no screen logic).
A key that is not found is shown as the key, so feedback never waits for or fails on this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

CitationMap = Mapping[tuple[str, str], str]
"""(deck id, source key) -> full citation (with its URL, if any)."""


def builtin_citations() -> dict[tuple[str, str], str]:
    """Read the built-in deck's `[sources]` (validated by the content loader).

    Returns:
        The citations by (deck id, key); empty if the deck file cannot be read.
    """
    from trainer.content.loader import DeckError, load_deck
    from trainer.paths import builtin_deck_path

    try:
        deck = load_deck(builtin_deck_path())
    except (DeckError, OSError):
        return {}
    return {
        (deck.meta.id, key): f"{source.citation} {source.url}" if source.url else str(source.citation)
        for key, source in deck.sources.items()
    }


def citations_for(deck_id: str, keys: Sequence[str], known: CitationMap) -> list[str]:
    """The citation for each key, in the card's order; the bare key where none is known."""
    return [known.get((deck_id, key), key) for key in keys]
