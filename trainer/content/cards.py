"""What the content layer hands to the rest of the app: generated cards and deck metadata.

These are plain frozen values with no I/O, so the store can save them, the study session can
queue them and the screens can show them, all without knowing how they were generated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from enum import StrEnum


class CardKind(StrEnum):
    """How a card is answered."""

    TYPED_ROOT = "typed-root"
    """The student types a root ("L4"); forgiving spelling, graded automatically."""
    CHOICE = "choice"
    """The student picks one of the numbered options; graded automatically."""
    REVEAL = "reveal"
    """The student recalls, reveals the back, and grades themself."""
    TYPED_NERVE = "typed-nerve"
    """The student types a peripheral nerve ("common peroneal"); forgiving spelling, graded automatically."""
    TYPED_SITE = "typed-site"
    """The student types a lesion site ("cauda equina", "root"); graded automatically."""
    TYPED_AIS = "typed-ais"
    """The student types an ASIA Impairment Scale grade ("AIS C"); graded automatically."""
    MAP_ZONE = "map-zone"
    """A zone is highlighted on the body map; the student types its root (see `map_cards`)."""
    MAP_LOCATE = "map-locate"
    """The student moves a cursor onto a root's zone and presses Enter (see `map_cards`)."""
    MAP_ROOT_OR_NERVE = "map-root-or-nerve"
    """Two areas are highlighted, a dermatome and a nerve territory; the student picks the root's (see `map_cards`)."""


TYPED_KINDS = frozenset({CardKind.TYPED_ROOT, CardKind.TYPED_NERVE, CardKind.TYPED_SITE, CardKind.TYPED_AIS})
"""The kinds answered by typing into the answer box."""

MAP_KINDS = frozenset({CardKind.MAP_ZONE, CardKind.MAP_LOCATE, CardKind.MAP_ROOT_OR_NERVE})
"""The body-map kinds (trainer.content.map_cards): the map is drawn with the question."""


def card_id(deck_id: str, template: str, fact_key: str) -> str:
    """The stable id of a card: deck id, template and fact key, never its wording or position.

    Args:
        deck_id: The deck's `[deck] id`.
        template: The generator template (or "card" for a hand-written card).
        fact_key: The key of the fact the card asks about, e.g. "dermatome:L4".

    Returns:
        "<deck id>:<12 hex digits>", short enough to show and log, long enough never to collide.
    """
    digest = hashlib.sha256("\x1f".join((deck_id, template, fact_key)).encode("utf-8")).hexdigest()
    return f"{deck_id}:{digest[:12]}"


@dataclass(frozen=True)
class Card:
    """One generated question with everything needed to ask, check and explain it."""

    id: str
    deck_id: str
    template: str
    fact_key: str
    kind: CardKind
    prompt: str
    answer: str
    """The canonical answer: a root (typed-root), the correct option (choice), the back (reveal)."""
    accepted: tuple[str, ...]
    """Every accepted answer, canonical first."""
    explanation: str
    sources: tuple[str, ...]
    """Source keys; each resolves to a full citation in the deck's sources."""
    choices: tuple[str, ...] = ()
    """Choice cards: the answer and its distractors, in a stable order."""
    choice_roots: tuple[str | None, ...] = ()
    """Parallel to `choices`: the root each option stands for, for confusion analytics."""
    tags: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    """Ids of the other cards generated from the same fact (buried together on a study day)."""
    answer_root: str | None = None
    """The root the card's answer names, if any (for analytics and distractor choice)."""

    @property
    def is_typed(self) -> bool:
        """Whether the card is answered by typing (a root, a nerve, a site or an AIS grade)."""
        return self.kind in TYPED_KINDS

    @property
    def distractors(self) -> tuple[str, ...]:
        """The wrong options of a choice card."""
        return tuple(c for c in self.choices if c not in self.accepted)


_CARD_FIELDS = frozenset(f.name for f in fields(Card))
_CARD_PLAIN = not {"__post_init__", "__slots__"} & set(vars(Card)) and all(f.init for f in fields(Card))
"""True while `Card.__init__` does nothing but set each field (no __post_init__, no init=False
field, no slots): only then may `card_of_fields` stand in for it."""


def card_of_fields(values: dict[str, object]) -> Card:
    """A `Card` holding exactly `values`, every field given: equal to `Card(**values)`.

    A frozen dataclass's `__init__` sets each of its 15 fields through `object.__setattr__`,
    7 µs a card: a fifth of a second of a 35,000-row sheet's import. The card's attribute dict
    is filled at once instead (as `copy` and `pickle` restore a dataclass), in the order given
    (`_hand_card` gives the fields' order). If Card's `__init__` ever does more (`_CARD_PLAIN`),
    the constructor is called.

    Raises:
        ValueError: `values` are not exactly Card's fields.
    """
    if values.keys() != _CARD_FIELDS:
        raise ValueError(f"a card's fields are {sorted(_CARD_FIELDS)}, not {sorted(values)}")
    if not _CARD_PLAIN:
        return Card(**values)  # type: ignore[arg-type]
    card = object.__new__(Card)
    card.__dict__.update(values)
    return card


@dataclass(frozen=True)
class SourceRef:
    """A source a deck cites: its key and its full citation."""

    key: str
    citation: str
    url: str | None = None
    strength: str = "secondary"


@dataclass(frozen=True)
class DeckInfo:
    """A deck's metadata and its sources, without its cards."""

    id: str
    title: str
    version: str
    description: str = ""
    authors: tuple[str, ...] = ()
    license: str = ""
    sources: tuple[SourceRef, ...] = field(default=())

    def source(self, key: str) -> SourceRef | None:
        """The source with this key, or None."""
        return next((s for s in self.sources if s.key == key), None)


@dataclass(frozen=True)
class CompiledDeck:
    """A validated deck and the cards generated from it: what the store imports."""

    info: DeckInfo
    cards: tuple[Card, ...]
    path: str | None = None
