"""Which questions an exam asks: scopes, eligibility, the blueprint and weakness weights.

Pure: no SQL, no UI, no clock. `blueprint` chooses only automatically graded cards (typed roots,
choices and the true/false cards, which are two-option choice cards), never self-graded reveal
cards; balanced across roots (per-root counts differ by at most one where the scope allows) and
across templates, never two cards of one fact if avoidable, and the same for the same seed
whatever order the candidates come in. `weakness_weights` tilt the per-root counts toward the
roots a student misses. Re-exported by `trainer.study.exam`.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trainer.content.cards import Card, CardKind
from trainer.content.roots import region_of

__all__ = [
    "EXAM_KINDS",
    "SCOPES",
    "Blueprint",
    "blueprint",
    "exam_eligible",
    "in_scope",
    "parse_scope",
    "weakness_weights",
]

EXAM_KINDS: frozenset[CardKind] = frozenset({CardKind.TYPED_ROOT, CardKind.CHOICE})
"""Kinds an exam may ask: graded by the app. Reveal cards are graded by the student, so never."""

SCOPES = ("all", "cervical", "thoracic", "lumbosacral")
"""Scopes by name; besides these, "tag:NAME" and "deck:ID"."""

_REGIONS_OF_SCOPE: dict[str, frozenset[str]] = {
    "cervical": frozenset({"cervical"}),
    "thoracic": frozenset({"thoracic"}),
    "lumbosacral": frozenset({"lumbar", "sacral", "coccygeal"}),
}
_ROOTLESS = ""
"""The bucket of cards that name no root (true/false, hand-written choice cards)."""



# --- scope and blueprint -----------------------------------------------------------------------------


def parse_scope(text: str) -> str:
    """Check and normalise a scope as a student writes it.

    Args:
        text: "all", "cervical", "thoracic", "lumbosacral", "tag:NAME" or "deck:ID" (case of the
            keyword and surrounding spaces are forgiven).

    Returns:
        The canonical scope string ("tag:lumbar", "deck:dermatomes", "all" ...).

    Raises:
        ValueError: With one sentence naming the accepted forms.
    """
    cleaned = text.strip()
    low = cleaned.casefold()
    if low in SCOPES:
        return low
    for prefix in ("tag:", "deck:"):
        if low.startswith(prefix) and cleaned[len(prefix) :].strip():
            return prefix + cleaned[len(prefix) :].strip()
    raise ValueError(
        f"Unknown scope {text!r}: use all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID."
    )


def exam_eligible(card: Card) -> bool:
    """Whether a card can be an exam question (typed root, choice or true/false; never reveal)."""
    return card.kind in EXAM_KINDS


def in_scope(card: Card, scope: str) -> bool:
    """Whether a card belongs to a (canonical) scope.

    Region scopes go by the root the card's answer names; a card that names no root (a true/false
    claim, a hand-written choice card) belongs to a region when one of its tags names it.
    """
    if scope == "all":
        return True
    if scope.startswith("tag:"):
        return scope[4:] in card.tags
    if scope.startswith("deck:"):
        return card.deck_id == scope[5:]
    regions = _REGIONS_OF_SCOPE[scope]
    if card.answer_root:
        return region_of(card.answer_root) in regions
    return bool(regions & set(card.tags)) or (scope == "lumbosacral" and "lumbosacral" in card.tags)


@dataclass(frozen=True)
class Blueprint:
    """The questions chosen for an exam, in the order they are asked."""

    cards: tuple[Card, ...]
    seed: int
    scope: str
    requested: int
    """How many questions were asked for."""
    available: int
    """How many eligible cards the scope holds (fewer questions than requested when this is smaller)."""
    weak: bool = False
    """Whether weakness weights were given (a "weak" exam), even if all of them were equal."""


def _key(seed: int, *parts: str) -> bytes:
    # A stable pseudo-random key: the same on every Python version and for any input order,
    # which random.Random's shuffle over a list does not promise.
    return hashlib.sha256("\x1f".join((str(seed), *parts)).encode("utf-8")).digest()


def blueprint(
    candidates: Iterable[Card],
    *,
    questions: int,
    seed: int,
    scope: str = "all",
    weights: Mapping[str, float] | None = None,
) -> Blueprint:
    """Choose an exam's questions.

    Slots go to roots one at a time, each to the root with the highest weight / (2 x its slots + 1)
    (Sainte-Laguë, the divisor method fairest to small weights; with equal weights every root gets
    one before any gets two, so per-root counts differ by at most one); cards naming no root form
    one more such group. A root never gets more slots than it has facts while another root still
    has an unused fact, so two cards of one fact (siblings) are asked only when the scope has too
    few facts. Within a root, the template used least so far (in the root, then in the whole
    exam) goes first. Ties are broken by keys derived from the seed and the card ids, so the same
    seed and cards give the same exam.

    Args:
        candidates: Cards to choose from (any order; reveal cards and cards outside the scope
            are left out here).
        questions: How many questions (at least 1); fewer if the scope has fewer cards.
        seed: The seed; the same seed gives the same questions in the same order.
        scope: A scope accepted by `parse_scope`.
        weights: Optional root -> weight, e.g. from `weakness_weights`: above 1.0 a root is asked
            more, below less; roots not named and cards naming no root weigh 1.0.

    Returns:
        The blueprint.

    Raises:
        ValueError: If `questions` < 1, the scope is malformed, a weight is negative, or no
            eligible card is in the scope (the message names the scope).
    """
    if questions < 1:
        raise ValueError(f"An exam needs at least one question (got {questions}).")
    scope = parse_scope(scope)
    weights_given = weights is not None
    weights = dict(weights or {})
    bad = sorted(root for root, w in weights.items() if not (w >= 0 and math.isfinite(w)))
    if bad:
        raise ValueError(f"Weakness weights must be zero or more; not for {', '.join(bad)}.")
    pool = sorted((c for c in candidates if exam_eligible(c) and in_scope(c, scope)), key=lambda c: c.id)
    if not pool:
        raise ValueError(f"No typed, choice or true/false card is in scope {scope!r}.")
    count = min(questions, len(pool))

    buckets: dict[str, list[Card]] = {}
    for card in pool:
        buckets.setdefault(card.answer_root or _ROOTLESS, []).append(card)
    facts = {b: len({(c.deck_id, c.fact_key) for c in cards}) for b, cards in buckets.items()}
    tie = {b: _key(seed, "root", b) for b in buckets}

    def weight(bucket: str) -> float:
        return 1.0 if bucket == _ROOTLESS else weights.get(bucket, 1.0)

    slots = dict.fromkeys(buckets, 0)
    for _ in range(count):
        # Prefer a root with an unused fact; only when none is left, a root with an unused card.
        for limit in (facts, {b: len(cards) for b, cards in buckets.items()}):
            open_ = [b for b in buckets if slots[b] < limit[b]]
            if open_:
                break
        best = max(open_, key=lambda b: (weight(b) / (2 * slots[b] + 1), tie[b]))
        slots[best] += 1

    chosen: list[Card] = []
    used_facts: set[tuple[str, str]] = set()
    template_count: Counter[str] = Counter()
    kind_count: Counter[str] = Counter()
    local: dict[str, Counter[str]] = {b: Counter() for b in buckets}
    remaining = {b: list(cards) for b, cards in buckets.items()}
    rounds = max(slots.values(), default=0)
    order = sorted(buckets, key=lambda b: tie[b])
    for round_ in range(rounds):
        for bucket in order:
            if slots[bucket] <= round_:
                continue
            card = min(
                remaining[bucket],
                key=lambda c: (
                    (c.deck_id, c.fact_key) in used_facts,
                    local[bucket][c.template],
                    template_count[c.template],
                    kind_count[c.kind.value],
                    _key(seed, "card", c.id),
                ),
            )
            remaining[bucket].remove(card)
            chosen.append(card)
            used_facts.add((card.deck_id, card.fact_key))
            local[bucket][card.template] += 1
            template_count[card.template] += 1
            kind_count[card.kind.value] += 1

    chosen.sort(key=lambda c: _key(seed, "order", c.id))
    return Blueprint(
        cards=tuple(chosen), seed=seed, scope=scope, requested=questions, available=len(pool), weak=weights_given
    )


def weakness_weights(misses: Mapping[str, int], attempts: Mapping[str, int]) -> dict[str, float]:
    """Per-root weights for a "weak" exam, from how often each root was missed.

    The weight is twice the smoothed miss rate, (misses + 1) / (attempts + 2), floored at 0.25:
    a root never tried weighs 1.0 (the default), one always missed nears 2.0, one always right
    falls toward 0.25 but is still asked now and then.

    Args:
        misses: Root -> answers on cards of that root that were not right (reviews and exams).
        attempts: Root -> all answers on cards of that root.

    Returns:
        Root -> weight, for `blueprint(weights=...)`.
    """
    roots = set(misses) | set(attempts)
    return {
        root: max(0.25, 2.0 * (misses.get(root, 0) + 1) / (max(attempts.get(root, 0), misses.get(root, 0)) + 2))
        for root in roots
    }
