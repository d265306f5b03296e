"""Everything a deck says about one root, gathered for the map explorer.

For a root: its ISNCSCI key point and broader region, its key muscle (ISNCSCI frame) and the
clinical associations, the reflexes it carries (marking where it is the preferred root), and the
disc levels whose herniation compresses it. Read from a validated `Deck`, so the explorer shows
the same facts, with the same sources, as the cards. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.content.schema import Deck


@dataclass(frozen=True)
class Fact:
    """One line of a profile and the source keys behind it."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RootProfile:
    """What the explorer shows for a root."""

    root: str
    key_point: Fact | None
    region: Fact | None
    key_muscle: Fact | None
    """The ISNCSCI key muscle, or None where ISNCSCI has none (C2-C4, T2-L1, S2-S4-5)."""
    clinical_muscles: tuple[Fact, ...]
    reflexes: tuple[Fact, ...]
    discs: tuple[Fact, ...]
    note: str = ""


def root_profile(deck: Deck, root: str) -> RootProfile:
    """The facts a deck holds about `root`.

    Args:
        deck: A validated deck (the built-in one for the explorer).
        root: A canonical root, e.g. "L4".

    Returns:
        The profile; empty parts where the deck says nothing.
    """
    dermatome = next((d for d in deck.items("dermatome") if d.root == root), None)
    key_point = region = None
    note = ""
    if dermatome is not None:
        key_point = Fact(dermatome.key_point, tuple(dermatome.sources))
        also = f" (also given: {', '.join(dermatome.also_accept)})" if dermatome.also_accept else ""
        region = Fact(dermatome.region + also, tuple(dermatome.sources))
        note = dermatome.note
    key_muscle = None
    clinical = []
    for myotome in deck.items("myotome"):
        if root not in myotome.roots:
            continue
        muscles = f" ({', '.join(myotome.muscles)})" if myotome.muscles else ""
        shared = _shared(root, myotome.roots)
        fact = Fact(f"{myotome.action}{muscles}{shared}", tuple(myotome.sources))
        if myotome.frame == "isncsci":
            key_muscle = fact
        else:
            clinical.append(fact)
    reflexes = tuple(
        Fact(f"{r.name}{_shared(root, r.roots)}", tuple(r.sources)) for r in deck.items("reflex") if root in r.roots
    )
    discs = tuple(
        Fact(f"{d.level} disc, {d.herniation} herniation", tuple(d.sources))
        for d in deck.items("disc")
        if d.roots and d.roots[0] == root
    )
    return RootProfile(
        root=root,
        key_point=key_point,
        region=region,
        key_muscle=key_muscle,
        clinical_muscles=tuple(clinical),
        reflexes=reflexes,
        discs=discs,
        note=note,
    )


def _shared(root: str, roots: tuple[str, ...] | list[str]) -> str:
    """ " (preferred; also L3)" or " (L4 preferred)" when a fact names several roots."""
    if len(roots) == 1:
        return ""
    if roots[0] == root:
        return f" (preferred; also {', '.join(r for r in roots if r != root)})"
    return f" ({roots[0]} preferred)"
