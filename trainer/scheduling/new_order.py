"""The order in which new cards are introduced: mixed kinds and regions, siblings apart (pure).

In deck order, day 1 on the built-in decks is twenty cards of one template (key point -> root,
C2 to L1), all typed. The "mixed" order interleaves them instead, in the manner of Anki's "mix"
and "by template" new-card orders:

1. Cards fall into streams, one per deck, template and kind (a template asks one kind of question).
2. Within a stream, regions take turns (cervical, thoracic, lumbar, sacral...), each region's cards
   in deck order, so a stream does not run C2, C3, C4... in a row; each stream starts at a seeded
   place in that round, so templates over the same facts do not reach a fact together (a deck of
   one template, and a stream of one region, keep their authored order).
3. Streams are spread evenly over the whole order (each card's place is its index in its stream
   over the stream's length), so a small template is not used up on the first day and a large one
   left for last. Ties go to the streams in an order shuffled by the profile's seed.
4. A card is held back while a sibling (another card of the same fact) is among the previous
   `SIBLING_GAP` cards, so one day's new cards never ask the same fact twice.

The result depends only on the cards and the seed (the profile's pseudonym): the same profile
always gets the same order; another profile gets another.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from operator import attrgetter, itemgetter
from typing import NamedTuple

__all__ = ["NEW_ORDERS", "REGIONS", "SIBLING_GAP", "NewCard", "mixed_ranks"]

NEW_ORDERS = ("mixed", "deck")
"""The `new_order` setting's values: "mixed" (the default) or "deck" (deck order, as authored)."""

REGIONS = ("cervical", "thoracic", "lumbar", "sacral", "coccygeal")
"""Tags that name a region of the spine (the first one among a card's tags is its region)."""

SIBLING_GAP = 20
"""Cards of one fact are at least this many places apart (the default new cards per day)."""


class NewCard(NamedTuple):
    """What the order needs to know about a card.

    A named tuple, not a frozen dataclass: an import builds one per card of the collection, and
    a tuple is built about four times faster (35,000 cards: 0.15 -> 0.03 s, given positionally).
    """

    id: str
    deck_id: str
    template: str
    kind: str
    fact_key: str
    tags: tuple[str, ...]
    position: int
    """The card's place in its deck."""

    @property
    def region(self) -> str:
        """The card's region tag, or "" when it has none."""
        return next((tag for tag in self.tags if tag in REGIONS), "")


def _seeded(seed: str, salt: str) -> random.Random:
    """A random generator that depends only on the seed and the salt (not on Python's hash seed)."""
    digest = hashlib.sha256(f"{seed}\x00{salt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _regions_taking_turns(cards: Sequence[NewCard], rng: random.Random, *, shift: bool) -> list[NewCard]:
    """A stream's cards with its regions taking turns (starting at a seeded region), each in deck order.

    With `shift`, the stream starts at a seeded place in that round instead of at its beginning.
    """
    by_region: dict[str, deque[NewCard]] = defaultdict(deque)
    region_of: dict[tuple[str, ...], str] = {}  # a deck repeats its tag lists: one lookup per list
    for card in sorted(cards, key=attrgetter("position", "id")):
        region = region_of.get(card.tags)
        if region is None:
            region = region_of[card.tags] = card.region
        by_region[region].append(card)
    regions = list(by_region)
    start = rng.randrange(len(regions)) if len(regions) > 1 else 0
    turns = deque(regions[start:] + regions[:start])
    ordered: list[NewCard] = []
    while turns:
        region = turns.popleft()
        ordered.append(by_region[region].popleft())
        if by_region[region]:
            turns.append(region)
    # Start at a seeded place: templates written over the same facts in the same order would
    # otherwise reach each fact together, and the sibling rule would then hold whole templates back.
    if not shift:
        return ordered
    place = rng.randrange(len(ordered))
    return ordered[place:] + ordered[:place]


def _siblings_apart(cards: Iterable[NewCard], gap: int) -> list[NewCard]:
    """`cards` in order, each held back while a card of the same fact is among the previous `gap`."""
    placed: list[NewCard] = []
    last: dict[tuple[str, str], int] = {}
    waiting: deque[NewCard] = deque()
    incoming = iter(cards)
    # The test "is this card free" is written out in both loops (not a helper): it runs once per
    # card of the collection, and the calls were a third of this function's time.
    while True:
        chosen = None
        for card in waiting:
            at = last.get((card.deck_id, card.fact_key))
            if at is None or len(placed) - at > gap:
                chosen = card
                break
        if chosen is not None:
            waiting.remove(chosen)
        else:
            for card in incoming:
                at = last.get((card.deck_id, card.fact_key))
                if at is None or len(placed) - at > gap:
                    chosen = card
                    break
                waiting.append(card)
            else:
                if not waiting:
                    return placed
                chosen = waiting.popleft()  # only siblings of recent cards are left
        last[(chosen.deck_id, chosen.fact_key)] = len(placed)
        placed.append(chosen)


def mixed_ranks(cards: Sequence[NewCard], seed: str, *, gap: int = SIBLING_GAP) -> dict[str, int]:
    """Each card's place (0, 1, 2...) in the mixed new-card order for the profile with this seed.

    Args:
        cards: Every card (their order does not matter).
        seed: The profile's pseudonym.
        gap: Cards of one fact are at least this many places apart, while other cards are left.
    """
    streams: dict[tuple[str, str, str], list[NewCard]] = defaultdict(list)
    for card in cards:
        streams[(card.deck_id, card.template, card.kind)].append(card)
    names = sorted(streams)
    _seeded(seed, "streams").shuffle(names)
    per_deck = Counter(deck_id for deck_id, _, _ in names)
    keyed: list[tuple[float, int, NewCard]] = []
    for tie, name in enumerate(names):
        # A deck of one template keeps its authored order (nothing of its own to mix with).
        ordered = _regions_taking_turns(streams[name], _seeded(seed, "/".join(name)), shift=per_deck[name[0]] > 1)
        keyed.extend(((index + 0.5) / len(ordered), tie, card) for index, card in enumerate(ordered))
    keyed.sort(key=itemgetter(0, 1))
    return {card.id: rank for rank, card in enumerate(_siblings_apart((card for _, _, card in keyed), gap))}
