"""Body-map cards: generated for every root from the body map, scheduled like any other card.

Three templates (card kinds in `trainer.content.cards.CardKind`):
- `zone-to-root` (`map-zone`): a root's zone is highlighted, "Which root supplies the highlighted
  zone?", answered by typing the root (checked like a typed-root card);
- `root-to-zone` (`map-locate`): "Move the cursor to the zone of L5", answered by moving the cursor
  on the map (arrow keys or a click) and Enter; the answer is the roots under the cursor;
- `root-or-nerve` (`map-root-or-nerve`): two areas are highlighted, a root's dermatome and the
  territory of a nerve taught against it; the student picks the root's (choice A or B). Generated
  for every root the map pairs with a nerve (`[[nerve]] contrasts`).

The cards belong to their own deck (the map's id, "bodymap"), so the built-in deck's card ids do not
change. Ids come from (deck id, template, fact key) as everywhere: `zone:L4`, `contrast:L5:superficial-fibular`.
What a card shows on the map is not stored on the card: `figure_of` derives it from the card's
template and fact key, `check_map` checks a response, and `feedback_figure` says what the map shows
after answering any card (the answer's zone, or both zones of a confusion). Pure: no I/O, no UI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from trainer.content.answers import AnswerResult, Verdict, check_choice, check_typed
from trainer.content.bodymap import BodyMap, Figure, Highlight, answer_figure, confusion_figure
from trainer.content.cards import MAP_KINDS, Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.content.roots import distance, is_root, position, region_of

ZONE_TO_ROOT = "zone-to-root"
ROOT_TO_ZONE = "root-to-zone"
ROOT_OR_NERVE = "root-or-nerve"
"""The card kinds that need the body map on screen."""

AREAS = ("A", "B")
"""The options of a root-or-nerve card: the two highlighted areas."""


def generate_map_cards(bodymap: BodyMap) -> list[Card]:
    """Every map card: two per root with a zone, and one per (root, nerve taught against it).

    Args:
        bodymap: A validated body map.

    Returns:
        The cards, root by root in cranio-caudal order.
    """
    deck_id = bodymap.id
    cards: list[Card] = []
    for root in bodymap.roots():
        zones = bodymap.zones_of(root)
        zone = zones[0]
        point = bodymap.key_point(root)
        tradition = bodymap.traditions[zone.tradition].name
        where = f"The {root} zone: {zone.region}."
        if point is not None:
            where += f" Its ISNCSCI key point is {point.text}."
        why = f"{where} Schematic map ({tradition}): maps differ in detail."
        sources = _unique([s for z in zones for s in z.sources] + list(point.sources if point else ()))
        key = f"zone:{root}"
        ids = (card_id(deck_id, ZONE_TO_ROOT, key), card_id(deck_id, ROOT_TO_ZONE, key))
        tags = (region_of(root), "map", "dermatome")
        cards.append(
            Card(
                id=ids[0], deck_id=deck_id, template=ZONE_TO_ROOT, fact_key=key, kind=CardKind.MAP_ZONE,
                prompt="Which root supplies the highlighted zone?",
                answer=root, accepted=(root,), explanation=why, sources=sources, tags=tags,
                siblings=(ids[1],), answer_root=root,
            )
        )
        cards.append(
            Card(
                id=ids[1], deck_id=deck_id, template=ROOT_TO_ZONE, fact_key=key, kind=CardKind.MAP_LOCATE,
                prompt=f"Move the cursor to the zone of {root} and press Enter.",
                answer=root, accepted=(root,), explanation=why, sources=sources, tags=tags,
                siblings=(ids[0],), answer_root=root,
            )
        )
        for nerve in bodymap.nerves:
            if root not in nerve.contrasts:
                continue
            key = f"contrast:{root}:{nerve.id}"
            this_id = card_id(deck_id, ROOT_OR_NERVE, key)
            answer = _root_area(this_id)
            roots = f" ({', '.join(nerve.roots)})" if nerve.roots else ""
            cards.append(
                Card(
                    id=this_id, deck_id=deck_id, template=ROOT_OR_NERVE, fact_key=key, kind=CardKind.MAP_ROOT_OR_NERVE,
                    prompt=(
                        f"Two areas are highlighted: one is the {root} dermatome, the other the territory of the "
                        f"{nerve.name}. Which is the {root} dermatome?"
                    ),
                    answer=answer, accepted=(answer,), choices=AREAS,
                    choice_roots=tuple(root if area == answer else None for area in AREAS),
                    explanation=f"Area {answer} is the {root} dermatome ({zone.region}); the other is the "
                    f"{nerve.name}{roots}: {nerve.note}",
                    sources=_unique(list(nerve.sources) + list(sources)),
                    tags=(region_of(root), "map", "nerve"), answer_root=root,
                )
            )
    return cards


def compile_map_deck(bodymap: BodyMap) -> CompiledDeck:
    """The map's cards as a deck of their own, ready for `repo.sync_deck` like any deck."""
    info = DeckInfo(
        id=bodymap.id,
        title=bodymap.title,
        version=bodymap.version,
        description=bodymap.description,
        sources=tuple(
            SourceRef(key=k, citation=s.citation, url=s.url, strength=s.strength) for k, s in bodymap.sources.items()
        ),
    )
    return CompiledDeck(info=info, cards=tuple(generate_map_cards(bodymap)), path=bodymap.path)


def figure_of(card: Card, bodymap: BodyMap) -> Figure | None:
    """What the map shows while a map card is asked (None for a card that is not a map card).

    - map-zone: the root's zones highlighted, labelled only "?" (the label must not give the answer);
    - map-locate: nothing highlighted (the student finds the zone);
    - map-root-or-nerve: the root's dermatome and the nerve's territory, labelled A and B as the
      card's options.
    """
    if card.kind == CardKind.MAP_ZONE:
        return Figure((Highlight(card.answer, "?  the highlighted zone", 0),))
    if card.kind == CardKind.MAP_LOCATE:
        return Figure()
    if card.kind == CardKind.MAP_ROOT_OR_NERVE:
        _, root, nerve_id = card.fact_key.split(":", 2)
        targets = {card.answer: root, _other(card.answer): nerve_id}
        return Figure(tuple(Highlight(targets[area], f"{area}  area {area}", slot) for slot, area in enumerate(AREAS)))
    return None


def answer_figure_of(card: Card, bodymap: BodyMap) -> Figure | None:
    """What the map shows after answering: every area named (None for a card that is not a map card)."""
    if card.kind in (CardKind.MAP_ZONE, CardKind.MAP_LOCATE):
        return Figure((Highlight(card.answer, f"{card.answer}  the answer", 0),))
    if card.kind == CardKind.MAP_ROOT_OR_NERVE:
        _, root, nerve_id = card.fact_key.split(":", 2)
        nerve = bodymap.nerve(nerve_id)
        name = nerve.name if nerve is not None else nerve_id
        labels = {card.answer: (root, f"{card.answer}  {root} dermatome"), _other(card.answer): (nerve_id, f"{_other(card.answer)}  {name}")}
        return Figure(tuple(Highlight(labels[a][0], labels[a][1], slot) for slot, a in enumerate(AREAS)))
    return None


def feedback_figure(card: Card, bodymap: BodyMap, given_root: str | None = None, *, correct: bool = True) -> Figure | None:
    """What the map shows on the feedback after any card: the answer's zone, or a confusion pair.

    Args:
        card: The card just answered (a map card, or any card whose `answer_root` is set).
        bodymap: The body map.
        given_root: The root the student named or pointed at (`AnswerResult.given_root`).
        correct: Whether the answer was right.

    Returns:
        For a wrong answer naming another root with a zone: both zones, labelled "A  L4  your
        answer" and "B  L5  the answer". Otherwise the answer's figure (`answer_figure_of` for a
        map card, the answer root's zone for another card). On a card that is not about
        dermatomes (a myotome, a reflex) each label adds "(dermatome)": the skin is what is drawn. None when the card names no root
        that the map draws (a reflex recall card, a nerve card, C1).
    """
    answer_root = card.answer_root
    confused = (
        not correct
        and card.kind != CardKind.MAP_ROOT_OR_NERVE  # its wrong pick is the nerve's area: both are named already
        and given_root is not None
        and given_root != answer_root
        and bool(bodymap.zones_of(given_root))
    )
    if card.kind in MAP_KINDS:
        if confused and answer_root is not None:
            return confusion_figure(given_root, answer_root)  # type: ignore[arg-type]
        return answer_figure_of(card, bodymap)
    if answer_root is None or not bodymap.zones_of(answer_root):
        return None
    figure = confusion_figure(given_root, answer_root) if confused else answer_figure(answer_root)  # type: ignore[arg-type]
    if "dermatome" in card.tags:
        return figure
    # A myotome, reflex or disc card: the map shows the root's skin, and says so.
    return Figure(tuple(Highlight(h.target, f"{h.label} (dermatome)", h.slot) for h in figure.highlights))


def check_map(card: Card, response: str) -> AnswerResult:
    """Check a response to a map card.

    Args:
        card: A map card.
        response: map-zone: the typed text; map-root-or-nerve: the chosen option ("A" or "B");
            map-locate: the roots under the cursor, comma-separated (`MapCursor.Picked.response`),
            "" when the cursor was on no zone.

    Returns:
        The verdict. On a map-locate card: CORRECT if the cursor is on the root's zone (a declared
        overlap such as the knee counts for both roots), ADJACENT if on a neighbouring root's zone,
        WRONG elsewhere, BLANK off the body or on a blank area.

    Raises:
        ValueError: the card is not a map card.
    """
    if card.kind == CardKind.MAP_ZONE:
        return check_typed(response, card.accepted)
    if card.kind == CardKind.MAP_ROOT_OR_NERVE:
        return check_choice(response, card)
    if card.kind == CardKind.MAP_LOCATE:
        picked = [r.strip() for r in response.split(",") if r.strip()]
        if not picked:
            return AnswerResult(Verdict.BLANK, "", None, "The cursor was on no zone.")
        shown = ", ".join(picked)
        if card.answer in picked:
            return AnswerResult(Verdict.CORRECT, shown, card.answer, "Correct.")
        roots = [r for r in picked if is_root(r)]
        nearest = min(roots, key=lambda r: (distance(r, card.answer), position(r)), default=None)
        if nearest is not None and distance(nearest, card.answer) <= 1:
            return AnswerResult(Verdict.ADJACENT, shown, nearest, f"Close: that is {nearest}, one level away.")
        return AnswerResult(Verdict.WRONG, shown, nearest, f"That is {shown}.")
    raise ValueError(f"card {card.id} is a {card.kind} card, not a map card")


def _root_area(this_id: str) -> str:
    """A or B for the root's area, stable per card and spread evenly over the cards."""
    return AREAS[hashlib.sha256(this_id.encode("utf-8")).digest()[0] % 2]


def _other(area: str) -> str:
    return AREAS[1 - AREAS.index(area)]


def _unique(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))
