"""The queries: deck sync, the review queue, answers and their undo, aggregates.

Every function is keyword-only, takes an open `Session` and never commits: the caller owns the
unit of work, so that one answer (its review row and the card's new state) commits as one
transaction. All SQL of the app is here or in `db.py`; it is portable SQLAlchemy (no SQLite-only
syntax), so a PostgreSQL URL works too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlmodel import Session, col

from trainer.content.cards import Card as ContentCard
from trainer.content.cards import CardKind, CompiledDeck, SourceRef
from trainer.store.models import Card, CardState, Deck, Meta, Review, Setting, Source

_CHUNK = 500
"""Ids per `IN (...)` list; SQLite limits the number of bound parameters in one statement."""


@dataclass(frozen=True)
class SyncReport:
    """What a deck sync did, in cards."""

    added: int
    updated: int
    retired: int
    unchanged: int

    @property
    def changed(self) -> bool:
        """True if the sync wrote anything."""
        return bool(self.added or self.updated or self.retired)


# --- decks -----------------------------------------------------------------------------------


_CARD_FIELDS = tuple(f.name for f in fields(ContentCard))


def card_content_hash(card: ContentCard) -> str:
    """A hash of everything a card shows or checks (its id, wording, answers, sources, tags)."""
    # A shallow dict gives the same JSON as dataclasses.asdict (the fields are strings and tuples
    # of strings), so stored hashes stay valid, at an eighth of the cost (35,000 cards: 4.7 -> 0.6 s).
    payload = json.dumps({name: getattr(card, name) for name in _CARD_FIELDS}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def deck_content_hash(deck: CompiledDeck) -> str:
    """A hash of a deck's metadata, its sources and its cards in order."""
    digest = hashlib.sha256()
    digest.update(json.dumps(asdict(deck.info), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for card in deck.cards:
        digest.update(card_content_hash(card).encode("ascii"))
    return digest.hexdigest()


def _card_row(card: ContentCard, position: int, content_hash: str) -> dict[str, Any]:
    """The column values of a content card."""
    return {
        "id": card.id,
        "deck_id": card.deck_id,
        "position": position,
        "template": card.template,
        "fact_key": card.fact_key,
        "kind": str(card.kind),
        "prompt": card.prompt,
        "answer": card.answer,
        "accepted": list(card.accepted),
        "choices": list(card.choices),
        "choice_roots": list(card.choice_roots),
        "explanation": card.explanation,
        "sources": list(card.sources),
        "tags": list(card.tags),
        "siblings": list(card.siblings),
        "answer_root": card.answer_root,
        "content_hash": content_hash,
        "retired_at": None,
    }


def sync_deck(*, session: Session, deck: CompiledDeck, now: datetime) -> SyncReport:
    """Import a compiled deck: upsert its metadata, sources and cards by id; retire missing cards.

    Progress (CardState) is never touched by a wording change. A card that is no longer in the
    deck gets `retired_at` (its reviews stay; it is no longer queued); a retired card that comes
    back is un-retired with its progress. A deck whose content hash matches the stored one
    returns before any write.

    Args:
        session: The open session; the caller commits (one transaction for the whole deck).
        deck: The compiled deck.
        now: The import instant (aware), from the caller's clock (the store never reads one).

    Returns:
        How many cards were added, updated, retired and left unchanged.
    """
    info = deck.info
    deck_hash = deck_content_hash(deck)
    stored = session.get(Deck, info.id)
    if stored is not None and stored.content_hash == deck_hash:
        return SyncReport(added=0, updated=0, retired=0, unchanged=len(deck.cards))
    if stored is None:
        stored = Deck(id=info.id, title=info.title, imported_at=now)
        session.add(stored)
    stored.title = info.title
    stored.version = info.version
    stored.description = info.description
    stored.authors = list(info.authors)
    stored.license = info.license
    stored.content_hash = deck_hash
    stored.imported_at = now
    session.flush()

    session.execute(delete(Source).where(col(Source.deck_id) == info.id))
    if info.sources:
        session.execute(
            insert(Source),
            [
                {"deck_id": info.id, "key": s.key, "citation": s.citation, "url": s.url, "strength": s.strength}
                for s in info.sources
            ],
        )

    existing = {
        row.id: row
        for row in session.execute(
            select(Card.id, Card.content_hash, Card.position, Card.retired_at).where(col(Card.deck_id) == info.id)
        )
    }
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    unchanged = 0
    for position, card in enumerate(deck.cards):
        content_hash = card_content_hash(card)
        old = existing.get(card.id)
        if old is None:
            added.append(_card_row(card, position, content_hash))
        elif old.content_hash != content_hash or old.position != position or old.retired_at is not None:
            changed.append(_card_row(card, position, content_hash))
            if old.position != position:
                moved.append({"card_id": card.id, "position": position})
        else:
            unchanged += 1
    if added:
        session.execute(insert(Card), added)
        session.execute(insert(CardState), [{"card_id": row["id"], "position": row["position"]} for row in added])
    if changed:
        session.execute(update(Card), changed)
    if moved:
        session.execute(update(CardState), moved)

    present = {card.id for card in deck.cards}
    to_retire = [card_id for card_id, row in existing.items() if card_id not in present and row.retired_at is None]
    for chunk in _chunks(to_retire):
        session.execute(update(Card).where(col(Card.id).in_(chunk)).values(retired_at=now))
    session.flush()
    return SyncReport(added=len(added), updated=len(changed), retired=len(to_retire), unchanged=unchanged)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    """`items` in slices small enough for one IN list."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def deck_overview(*, session: Session, today: date) -> list[tuple[str, str, int, int]]:
    """Every deck with its active card count and the cards due today (due_day <= today).

    Returns:
        (deck id, title, active cards, due cards) in title order.
    """
    decks = session.execute(select(Deck.id, Deck.title).order_by(Deck.title, Deck.id)).all()
    card_counts = dict(
        session.execute(  # type: ignore[arg-type]
            select(Card.deck_id, func.count()).where(col(Card.retired_at).is_(None)).group_by(Card.deck_id)
        ).all()
    )
    # Written as IN (due states) rather than a join: SQLite's planner otherwise walks every card
    # of the deck and probes its state (130 ms on 100k cards) instead of the due-day index (40 ms).
    due_states = select(CardState.card_id).where(col(CardState.due_day) <= today, col(CardState.suspended).is_(False))
    due_counts = dict(
        session.execute(  # type: ignore[arg-type]
            select(Card.deck_id, func.count())
            .where(col(Card.retired_at).is_(None), col(Card.id).in_(due_states))
            .group_by(Card.deck_id)
        ).all()
    )
    return [(d.id, d.title, card_counts.get(d.id, 0), due_counts.get(d.id, 0)) for d in decks]


def sources_of(*, session: Session, deck_id: str, keys: Iterable[str]) -> dict[str, SourceRef]:
    """A deck's sources with these keys, by key (keys the deck does not define are left out)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.execute(
        select(Source.key, Source.citation, Source.url, Source.strength).where(
            col(Source.deck_id) == deck_id, col(Source.key).in_(wanted)
        )
    )
    return {row.key: SourceRef(key=row.key, citation=row.citation, url=row.url, strength=row.strength) for row in rows}


# --- meta ------------------------------------------------------------------------------------


def get_meta(*, session: Session, key: str) -> str | None:
    """A meta value, or None."""
    row = session.get(Meta, key)
    return None if row is None else row.value


def set_meta(*, session: Session, key: str, value: str) -> None:
    """Set a meta value."""
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


# --- settings --------------------------------------------------------------------------------


def stored_settings(*, session: Session) -> dict[str, str]:
    """Every stored setting as text (typed and validated by trainer.study.settings)."""
    return {row.name: row.value for row in session.execute(select(Setting)).scalars()}


def put_setting(*, session: Session, name: str, value: str) -> None:
    """Store one setting's text (flushed)."""
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(name=name, value=value))
    else:
        row.value = value
    session.flush()


# --- cards -----------------------------------------------------------------------------------


def to_content_card(row: Card) -> ContentCard:
    """The content-layer value of a stored card."""
    return ContentCard(
        id=row.id,
        deck_id=row.deck_id,
        template=row.template,
        fact_key=row.fact_key,
        kind=CardKind(row.kind),
        prompt=row.prompt,
        answer=row.answer,
        accepted=tuple(row.accepted),
        explanation=row.explanation,
        sources=tuple(row.sources),
        choices=tuple(row.choices),
        choice_roots=tuple(row.choice_roots),
        tags=tuple(row.tags),
        siblings=tuple(row.siblings),
        answer_root=row.answer_root,
    )


def state_for_answer(*, session: Session, card_id: str) -> tuple[CardState, str | None] | None:
    """A card's state and the root its answer names (for the review log), in one query; None if unknown."""
    row = session.execute(
        select(CardState, Card.answer_root).join(Card, col(Card.id) == col(CardState.card_id)).where(
            col(CardState.card_id) == card_id
        )
    ).first()
    return None if row is None else (row[0], row[1])


def card_with_state(*, session: Session, card_id: str) -> tuple[Card, CardState] | None:
    """A stored card and its state, in one query; None if unknown."""
    row = session.execute(
        select(Card, CardState).join(CardState, col(CardState.card_id) == col(Card.id)).where(col(Card.id) == card_id)
    ).first()
    return None if row is None else (row[0], row[1])


def update_state(*, session: Session, card_id: str, values: dict[str, Any], revision: int | None = None) -> bool:
    """Write a card's state and bump its revision.

    Args:
        session: The open session.
        card_id: The card.
        values: Columns to set.
        revision: Write only if the state is still at this revision (optimistic concurrency:
            another window may have answered the card since it was read); None writes anyway.

    Returns:
        False if nothing was written (unknown card, or the revision had moved on).
    """
    query = update(CardState).where(col(CardState.card_id) == card_id)
    if revision is not None:
        query = query.where(col(CardState.revision) == revision)
    result = session.execute(
        query.values(**values, revision=col(CardState.revision) + 1).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _active(deck_ids: Sequence[str] | None) -> list[Any]:
    """Conditions for cards that may be queued: not retired, not suspended, in the chosen decks."""
    conditions: list[Any] = [col(Card.retired_at).is_(None), col(CardState.suspended).is_(False)]
    if deck_ids is not None:
        conditions.append(col(Card.deck_id).in_(list(deck_ids)))
    return conditions


def _not_answered_on(today: date) -> Any:
    """Not yet answered on `today` (never, or on another day)."""
    return or_(col(CardState.last_day).is_(None), col(CardState.last_day) != today)


def due_card_ids(*, session: Session, today: date, limit: int, deck_ids: Sequence[str] | None = None) -> list[str]:
    """Cards due for review (due on or before `today`, not answered today), most overdue first."""
    if limit <= 0:
        return []
    query = (
        select(CardState.card_id)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) <= today, _not_answered_on(today), *_active(deck_ids))
        .order_by(col(CardState.due_day), col(CardState.position))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def new_card_ids(*, session: Session, limit: int, deck_ids: Sequence[str] | None = None) -> list[str]:
    """Cards never answered, in deck order."""
    if limit <= 0:
        return []
    query = (
        select(CardState.card_id)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.introduced_day).is_(None), *_active(deck_ids))
        .order_by(col(CardState.introduced_day), col(CardState.position))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def repeat_card_ids(
    *, session: Session, today: date, limit: int | None = None, deck_ids: Sequence[str] | None = None
) -> list[str]:
    """Cards answered today that are due again today (lapses and drills), longest-waiting first."""
    query = (
        select(CardState.card_id)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.last_day) == today, col(CardState.due_day) <= today, *_active(deck_ids))
        .order_by(col(CardState.last_review_at), col(CardState.position))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def count_capped(*, session: Session, ids_query: Any, cap: int) -> int:
    """How many rows a query gives, counting no further than `cap` (cheap on a big collection)."""
    if cap <= 0:
        return 0
    subquery = ids_query.limit(cap).subquery()
    return int(session.execute(select(func.count()).select_from(subquery)).scalar_one())


def count_due(*, session: Session, today: date, cap: int, deck_ids: Sequence[str] | None = None) -> int:
    """Due cards (as `due_card_ids`), counted up to `cap`."""
    query = (
        select(CardState.card_id)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) <= today, _not_answered_on(today), *_active(deck_ids))
    )
    return count_capped(session=session, ids_query=query, cap=cap)


def count_new(*, session: Session, cap: int, deck_ids: Sequence[str] | None = None) -> int:
    """New cards, counted up to `cap`."""
    query = (
        select(CardState.card_id)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.introduced_day).is_(None), *_active(deck_ids))
    )
    return count_capped(session=session, ids_query=query, cap=cap)


def count_due_on_or_before(*, session: Session, day: date) -> int:
    """Active, unsuspended cards whose due day is on or before `day` (e.g. due by tomorrow)."""
    query = (
        select(func.count())
        .select_from(CardState)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) <= day, *_active(None))
    )
    return int(session.execute(query).scalar_one())


def next_due_day_after(*, session: Session, day: date) -> date | None:
    """The earliest due day after `day` among active, unsuspended cards."""
    query = (
        select(func.min(CardState.due_day))
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) > day, *_active(None))
    )
    return session.execute(query).scalar_one_or_none()


def count_reviews(*, session: Session, day: date, queue: str | None = None) -> int:
    """Answers given on a study day (optionally from one queue only)."""
    query = select(func.count()).select_from(Review).where(col(Review.study_day) == day)
    if queue is not None:
        query = query.where(col(Review.queue) == queue)
    return int(session.execute(query).scalar_one())


def used_today(*, session: Session, day: date) -> tuple[int, int]:
    """(due reviews answered, new cards introduced) on a study day, in one round trip."""
    due_done = (
        select(func.count())
        .select_from(Review)
        .where(col(Review.study_day) == day, col(Review.queue) == "due")
        .scalar_subquery()
    )
    introduced = (
        select(func.count()).select_from(CardState).where(col(CardState.introduced_day) == day).scalar_subquery()
    )
    row = session.execute(select(due_done, introduced)).one()
    return int(row[0]), int(row[1])


def siblings_of(*, session: Session, card_ids: Sequence[str]) -> dict[str, list[str]]:
    """The sibling ids of each card (cards generated from the same fact)."""
    found: dict[str, list[str]] = {}
    for chunk in _chunks(list(card_ids)):
        for row in session.execute(select(Card.id, Card.siblings).where(col(Card.id).in_(chunk))):
            found[row.id] = list(row.siblings or ())
    return found


def answered_among(*, session: Session, card_ids: Iterable[str], day: date) -> set[str]:
    """Those of `card_ids` last answered on `day`."""
    answered: set[str] = set()
    for chunk in _chunks(sorted(set(card_ids))):
        answered.update(
            session.execute(
                select(CardState.card_id).where(col(CardState.card_id).in_(chunk), col(CardState.last_day) == day)
            ).scalars()
        )
    return answered


_HAS_REVIEWS_ON = select(Review.id).where(col(Review.study_day) == bindparam("day")).limit(1)
"""Built once: the streak asks it once per day of the streak, so it must cost one index probe."""


def has_reviews_on(*, session: Session, day: date) -> bool:
    """True if any answer was given on this study day."""
    return session.connection().execute(_HAS_REVIEWS_ON, {"day": day}).first() is not None


def recent_response_ms(*, session: Session, limit: int) -> list[int]:
    """Response times of the latest answers that have one, newest first."""
    query = (
        select(Review.response_ms)
        .where(col(Review.response_ms).is_not(None))
        .order_by(col(Review.id).desc())
        .limit(limit)
    )
    return [int(value) for value in session.execute(query).scalars()]


# --- answers ---------------------------------------------------------------------------------


def add_review(*, session: Session, review: Review) -> Review:
    """Add a review row (flushed, so its id is set)."""
    session.add(review)
    session.flush()
    return review


def delete_review(*, session: Session, review_id: int) -> bool:
    """Remove a review row; False if it was already gone."""
    result = session.execute(delete(Review).where(col(Review.id) == review_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def reviews_by_ids(*, session: Session, review_ids: Sequence[int]) -> list[Review]:
    """Review rows by id, in id order."""
    rows: list[Review] = []
    ids = list(review_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.extend(session.execute(select(Review).where(col(Review.id).in_(chunk))).scalars())
    return sorted(rows, key=lambda r: r.id or 0)
