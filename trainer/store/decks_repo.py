"""The queries behind deck administration: list, remove (retire or purge), export, and each deck's
source text (so that `deck export --format toml` can give back the deck's own structure).

Keyword-only functions taking an open `Session`; they never commit (the caller owns the unit of
work), like `trainer.store.repo`. Portable SQLAlchemy, no SQLite-only syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select, update
from sqlmodel import Session, col

from trainer.content.cards import Card as ContentCard
from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef
from trainer.store.models import Card, CardState, Deck, Meta, Review, Source
from trainer.store.readers import as_day
from trainer.store.stats_repo import forget_from
from trainer.store.readers import CARD_COLUMNS, SqlAlchemyExecutor, card_from_row

DECK_SOURCE_META = "deck_source:"
"""Meta key prefix: the TOML text a deck was last imported from, by deck id."""


@dataclass(frozen=True)
class DeckRow:
    """One deck as `trainer deck list` shows it."""

    id: str
    title: str
    version: str
    cards: int
    """Active (not retired) cards."""
    new: int
    """Active, not suspended, never answered."""
    due: int
    """Active, not suspended, due on or before today."""
    suspended: int
    """Active and suspended."""


def deck_rows(*, session: Session, today: date, profile_id: int) -> list[DeckRow]:
    """Every deck with at least one active card, with one profile's card counts, in title order.

    A deck whose cards are all retired (removed with `deck remove`) is left out.
    """
    active = col(Card.retired_at).is_(None)
    not_suspended = col(CardState.suspended).is_(False)
    counts = session.execute(
        select(
            Card.deck_id,
            func.count(),
            func.sum(case((not_suspended & col(CardState.introduced_day).is_(None), 1), else_=0)),
            func.sum(case((not_suspended & (col(CardState.due_day) <= today), 1), else_=0)),
            func.sum(case((col(CardState.suspended).is_(True), 1), else_=0)),
        )
        .join(CardState, (col(CardState.card_id) == col(Card.id)) & (col(CardState.profile_id) == profile_id))
        .where(active)
        .group_by(Card.deck_id)
    ).all()
    by_deck = {row[0]: row[1:] for row in counts}
    decks = session.execute(select(Deck.id, Deck.title, Deck.version).order_by(Deck.title, Deck.id)).all()
    return [
        DeckRow(d.id, d.title, d.version, *(int(n or 0) for n in by_deck[d.id]))
        for d in decks
        if d.id in by_deck
    ]


def deck_exists(*, session: Session, deck_id: str) -> bool:
    """True if a deck with this id was ever imported (even if all its cards are retired)."""
    return session.get(Deck, deck_id) is not None


def deck_ids(*, session: Session) -> list[str]:
    """The ids of every imported deck, sorted."""
    return list(session.execute(select(Deck.id).order_by(Deck.id)).scalars())


def retire_deck(*, session: Session, deck_id: str, now: datetime) -> int:
    """Retire every active card of a deck (reviews and progress stay); returns how many.

    The deck's content hash is cleared so that importing its file again brings the cards back
    (with their progress) instead of being taken for an unchanged re-import.
    """
    result = session.execute(
        update(Card)
        .where(col(Card.deck_id) == deck_id, col(Card.retired_at).is_(None))
        .values(retired_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(update(Deck).where(col(Deck.id) == deck_id).values(content_hash="").execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_deck(*, session: Session, deck_id: str) -> int:
    """Delete a deck with its cards, their progress and their review history; returns the cards deleted.

    Deck content is shared, so this removes the deck, its progress and its history for every profile.

    Deleted child rows first (explicitly, not by relying on ON DELETE CASCADE, which SQLite
    enforces only with its foreign-key pragma on).
    """
    card_ids = select(Card.id).where(col(Card.deck_id) == deck_id)
    count = int(session.execute(select(func.count()).select_from(Card).where(col(Card.deck_id) == deck_id)).scalar_one())
    # The statistics cache of each profile that answered these cards no longer holds the log from
    # the first day it did.
    touched = session.execute(
        select(Review.profile_id, func.min(Review.study_day)).where(col(Review.card_id).in_(card_ids)).group_by(Review.profile_id)
    ).all()
    for profile_id, first_day in touched:
        forget_from(session, profile_id=profile_id, day=as_day(first_day))
    session.execute(delete(Review).where(col(Review.card_id).in_(card_ids)).execution_options(synchronize_session=False))
    session.execute(delete(CardState).where(col(CardState.card_id).in_(card_ids)).execution_options(synchronize_session=False))
    session.execute(delete(Card).where(col(Card.deck_id) == deck_id).execution_options(synchronize_session=False))
    session.execute(delete(Source).where(col(Source.deck_id) == deck_id).execution_options(synchronize_session=False))
    session.execute(delete(Meta).where(col(Meta.key) == DECK_SOURCE_META + deck_id).execution_options(synchronize_session=False))
    session.execute(delete(Deck).where(col(Deck.id) == deck_id).execution_options(synchronize_session=False))
    return count


def stored_deck(*, session: Session, deck_id: str) -> CompiledDeck | None:
    """A deck as stored: its metadata, sources and active cards in deck order; None if unknown."""
    row = session.get(Deck, deck_id)
    if row is None:
        return None
    sources = tuple(
        SourceRef(key=s.key, citation=s.citation, url=s.url, strength=s.strength)
        for s in session.execute(
            select(Source).where(col(Source.deck_id) == deck_id).order_by(col(Source.key))
        ).scalars()
    )
    info = DeckInfo(
        id=row.id,
        title=row.title,
        version=row.version,
        description=row.description,
        authors=tuple(row.authors or ()),
        license=row.license,
        sources=sources,
    )
    rows = SqlAlchemyExecutor(session.connection()).rows(
        f"SELECT {CARD_COLUMNS} FROM card WHERE card.deck_id = :deck AND card.retired_at IS NULL ORDER BY card.position",
        {"deck": deck_id},
    )
    cards: list[ContentCard] = [card_from_row(row) for row in rows]
    return CompiledDeck(info=info, cards=tuple(cards))


def deck_source(*, session: Session, deck_id: str) -> str | None:
    """The TOML text the deck was last imported from, or None if it was not kept."""
    row = session.get(Meta, DECK_SOURCE_META + deck_id)
    return None if row is None else row.value


def put_deck_source(*, session: Session, deck_id: str, text: str) -> None:
    """Keep the TOML text a deck was imported from (replacing the previous one)."""
    row = session.get(Meta, DECK_SOURCE_META + deck_id)
    if row is None:
        session.add(Meta(key=DECK_SOURCE_META + deck_id, value=text))
    else:
        row.value = text
    session.flush()
