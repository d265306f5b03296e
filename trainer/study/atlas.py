"""The atlas: the built-in body map and, for each root, the built-in deck's facts about it.

Faces load it once (in a worker: it reads two files and validates them) and hand it to the map
explorer and to any screen that draws the map. Reading files is why this lives in `study`, not in
the pure `content` layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from trainer.content.bodymap import BodyMap, load_bodymap
from trainer.content.loader import load_deck
from trainer.content.root_profile import RootProfile, root_profile
from trainer.paths import builtin_deck_path, builtin_map_path


@lru_cache(maxsize=1)
def builtin_bodymap() -> BodyMap:
    """The built-in body map alone, loaded once per process: what review and exam screens draw.

    Lighter than `builtin_atlas` (no deck to read). Call it in a worker the first time.

    Raises:
        DeckError: The map file is not valid.
    """
    return load_bodymap(builtin_map_path())


@dataclass(frozen=True, eq=False)
class Atlas:
    """The body map and the facts of every root it draws."""

    bodymap: BodyMap
    profiles: dict[str, RootProfile]
    citations: dict[str, str]
    """Source key -> full citation, from the deck and the map together."""


def load_atlas(map_path: Path | None = None, deck_path: Path | None = None) -> Atlas:
    """Load and validate the body map and the deck whose facts the explorer shows.

    Args:
        map_path: A body-map file (default: the built-in one).
        deck_path: A deck file (default: the built-in deck).

    Returns:
        The atlas.

    Raises:
        DeckError: either file is not valid.
    """
    # The built-in map comes from the process-wide cache that review and exam screens share.
    bodymap = load_bodymap(map_path) if map_path is not None else builtin_bodymap()
    deck = load_deck(deck_path or builtin_deck_path())
    profiles = {root: root_profile(deck, root) for root in bodymap.roots()}
    citations = {key: s.citation for key, s in deck.sources.items()}
    citations.update({key: s.citation for key, s in bodymap.sources.items()})
    return Atlas(bodymap=bodymap, profiles=profiles, citations=citations)


@lru_cache(maxsize=1)
def builtin_atlas() -> Atlas:
    """The built-in atlas, loaded once per process (the explorer opens instantly the second time)."""
    return load_atlas()
