"""Where each root is on the body, in the deck's own words, and confusions explained by place.

Pure: no I/O. The place of a root is the broader dermatome region a deck gives it (the `region` of
its `[[dermatome]]` fact), read back from the cards generated from that fact, so that the text is
the cited deck text and not a second hand-written copy. The exam report and the statistics use it
to say why two roots get mixed up: "you answered L4 where the answer was L5 (3 times): L4 is the
medial shin and calf down to the medial malleolus, L5 the lateral calf and the dorsum of the foot".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from trainer.content.cards import Card

__all__ = ["PLACE_TEMPLATE", "dermatome_places", "explain_confusion", "times"]

PLACE_TEMPLATE = "root-to-region"
"""The generated card whose answer is a dermatome fact's region and whose `answer_root` is its root."""


def dermatome_places(cards: Iterable[Card]) -> dict[str, str]:
    """Root -> the skin region its dermatome covers, from a deck's generated cards.

    Args:
        cards: Cards of one or more decks (a `CompiledDeck.cards`, or cards read from the store).
            Only the "root-to-region" cards of `[[dermatome]]` facts are read.

    Returns:
        {"L4": "the medial shin and calf down to the medial malleolus", ...}. Where two decks
        describe the same root, the first card seen wins, so pass the built-in deck first.
    """
    places: dict[str, str] = {}
    for card in cards:
        if card.template == PLACE_TEMPLATE and card.fact_key.startswith("dermatome:") and card.answer_root:
            places.setdefault(card.answer_root, card.answer)
    return places


def times(count: int) -> str:
    """"once", "twice", "3 times": how often, as a sentence says it."""
    if count == 1:
        return "once"
    if count == 2:
        return "twice"
    return f"{count} times"


def explain_confusion(expected: str, given: str, count: int, places: Mapping[str, str], *, when: str | None = None) -> str:
    """One sentence saying which root was given for which, how often, and where each one is.

    Args:
        expected: The root the card asked for.
        given: The root the student answered instead.
        count: How many times.
        places: Root -> region, from `dermatome_places`; a root missing from it is named without
            a place (the sentence is still true, just shorter).
        when: The time the count covers ("today"), said after it: "... where the answer was L5
            3 times today: ..." rather than "(3 times)".

    Returns:
        "you answered L4 where the answer was L5 (3 times): L4 is the medial shin and calf down
        to the medial malleolus, L5 the lateral calf and the dorsum of the foot".
    """
    how_often = f"{times(count)} {when}" if when else f"({times(count)})"
    head = f"you answered {given} where the answer was {expected} {how_often}"
    given_place, expected_place = places.get(given), places.get(expected)
    if given_place and expected_place:
        return f"{head}: {given} is {given_place}, {expected} {expected_place}"
    if given_place:
        return f"{head}: {given} is {given_place}"
    if expected_place:
        return f"{head}: {expected} is {expected_place}"
    return head
