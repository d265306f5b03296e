"""The writes: deck sync, answers and their undo, suspensions, settings, profiles; and aggregates.

The reads of the study queue and Home live in `readers.py` (written once for two backends).
Every function here is keyword-only, takes an open `Session` or `Connection` (anything with
`execute`) and never commits: the caller owns the unit of work, so that one answer (its review
row and the card's new state) commits as one transaction. The SQL is portable SQLAlchemy, so a
PostgreSQL URL works too; the one SQLite-only path (a big import building its indexes afterwards,
`_indexes_built_after`) is skipped on other databases.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from functools import cache
from itertools import repeat
from json.encoder import c_encode_basestring, py_encode_basestring  # type: ignore[attr-defined]
from operator import is_
from typing import Any

from sqlalchemy import Unicode, bindparam, delete, func, insert, literal, literal_column, select, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from trainer.content.cards import Card as ContentCard
from trainer.content.cards import CompiledDeck, SourceRef
from trainer.scheduling.new_order import NewCard, mixed_ranks
from trainer.scheduling.policy import AnswerEffect, CardProgress, ReviewLog
from trainer.store.models import Card, CardState, Deck, Meta, Profile, Review, Setting, Source
from trainer.store.stats_repo import forget_from

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


_HASH_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode
_QUOTE = c_encode_basestring or py_encode_basestring
"""A string as JSON with ensure_ascii=False: what `_HASH_JSON` writes for each string."""

_HASHED_FIELDS = (
    "accepted", "answer", "answer_root", "choice_roots", "choices", "deck_id", "explanation", "fact_key",
    "id", "kind", "prompt", "siblings", "sources", "tags", "template",
)  # fmt: skip
"""The content card's fields in sorted order, as `_card_json` writes them (checked at import)."""


def _json_list(values: Sequence[str | None]) -> str:
    """A non-empty tuple of strings (or None) as `_HASH_JSON` writes it."""
    if len(values) == 1:  # the common case (one source, one tag, one accepted answer)
        value = values[0]
        return "[null]" if value is None else f"[{_QUOTE(value)}]"
    return "[" + ", ".join(["null" if value is None else _QUOTE(value) for value in values]) + "]"


def _card_json(card: ContentCard) -> str:
    """`_HASH_JSON(vars(card))`, the same text, written field by field.

    The JSON encoder sorts and walks a dict per card: 35,000 cards cost 0.57 s against 0.21 s
    here. The fields are strings, optional strings and tuples of them; `_HASHED_FIELDS` lists
    them, and if the card's fields ever differ from it, the encoder is used instead.
    """
    q, listed = _QUOTE, _json_list
    root = card.answer_root
    # Empty tuples are written here, not by a call (siblings and options are empty on most cards).
    return (
        f'{{"accepted": {listed(card.accepted) if card.accepted else "[]"}, "answer": {q(card.answer)}, '
        f'"answer_root": {"null" if root is None else q(root)}, '
        f'"choice_roots": {listed(card.choice_roots) if card.choice_roots else "[]"}, '
        f'"choices": {listed(card.choices) if card.choices else "[]"}, "deck_id": {q(card.deck_id)}, '
        f'"explanation": {q(card.explanation)}, "fact_key": {q(card.fact_key)}, "id": {q(card.id)}, '
        f'"kind": {q(card.kind)}, "prompt": {q(card.prompt)}, '
        f'"siblings": {listed(card.siblings) if card.siblings else "[]"}, '
        f'"sources": {listed(card.sources) if card.sources else "[]"}, '
        f'"tags": {listed(card.tags) if card.tags else "[]"}, "template": {q(card.template)}}}'
    )


def _card_json_by_encoder(card: ContentCard) -> str:
    """The same text by the JSON encoder (in use only if the card's fields change)."""
    return _HASH_JSON(vars(card))


_CARD_JSON = (
    _card_json if tuple(sorted(field.name for field in fields(ContentCard))) == _HASHED_FIELDS else _card_json_by_encoder
)


def card_content_hash(card: ContentCard) -> str:
    """A hash of everything a card shows or checks (its id, wording, answers, sources, tags).

    The hash is of the card's fields as sorted JSON (`json.dumps(asdict(card), sort_keys=True,
    ensure_ascii=False)`), as earlier versions stored it, so an upgrade rewrites no card.
    """
    return hashlib.sha256(_CARD_JSON(card).encode("utf-8")).hexdigest()


def deck_content_hash(deck: CompiledDeck, card_hashes: Sequence[str] | None = None) -> str:
    """A hash of a deck's metadata, its sources and its cards in order.

    Args:
        deck: The compiled deck.
        card_hashes: `card_content_hash` of each card, in order, when the caller already has them
            (a sync needs both, and hashing 35,000 cards costs most of a second).
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(asdict(deck.info), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for content_hash in card_hashes if card_hashes is not None else map(card_content_hash, deck.cards):
        digest.update(content_hash.encode("ascii"))
    return digest.hexdigest()


def _card_columns(cards: Sequence[tuple[ContentCard, int, str]]) -> dict[str, list[Any]]:
    """Every column of these content cards, column by column (`_execute_many` takes whole rows).

    Args:
        cards: (card, position in its deck, content hash) of each card.
    """
    content = [card for card, _, _ in cards]
    return {
        "id": [card.id for card in content],
        "deck_id": [card.deck_id for card in content],
        "position": [position for _, position, _ in cards],
        "template": [card.template for card in content],
        "fact_key": [card.fact_key for card in content],
        "kind": [str(card.kind) for card in content],
        "prompt": [card.prompt for card in content],
        "answer": [card.answer for card in content],
        "accepted": [card.accepted for card in content],
        "choices": [card.choices for card in content],
        "choice_roots": [card.choice_roots for card in content],
        "explanation": [card.explanation for card in content],
        "sources": [card.sources for card in content],
        "tags": [card.tags for card in content],
        "siblings": [card.siblings for card in content],
        "answer_root": [card.answer_root for card in content],
        "content_hash": [content_hash for _, _, content_hash in cards],
        "retired_at": [None] * len(cards),
    }


_CARD_COLUMNS = tuple(column.key for column in Card.__table__.columns)  # type: ignore[attr-defined]
_INSERT_CARD = insert(Card).values({name: bindparam(f"p_{name}") for name in _CARD_COLUMNS})
_UPDATE_CARD = (
    update(Card)
    .where(col(Card.id) == bindparam("p_id"))
    .values({name: bindparam(f"p_{name}") for name in _CARD_COLUMNS if name != "id"})
)
_STATE_DEFAULTS = {
    column.key: column.default.arg if column.default is not None else None  # type: ignore[union-attr]
    for column in CardState.__table__.columns  # type: ignore[attr-defined]
}
"""A new card state: each column's default (zero repetitions, easiness 2.5, never answered...)."""
_NEW_STATE_BOUND = ("profile_id", "card_id", "position", "new_rank")
"""The columns of a new card state that differ from card to card; the rest are `_STATE_DEFAULTS`."""
_INSERT_NEW_STATE: dict[str, Any] = {}
"""`_insert_new_state`'s statement, by dialect name."""


def _insert_new_state(dialect: Any) -> Any:
    """INSERT of a new card state binding `_NEW_STATE_BOUND`, with every other column's default in the SQL.

    Written into the statement, the fourteen constant columns are not bound on each of 35,000
    rows: SQLite inserts the states of a big deck in 0.17 s instead of 0.29 s.
    """
    statement = _INSERT_NEW_STATE.get(dialect.name)
    if statement is None:
        columns = CardState.__table__.columns  # type: ignore[attr-defined]
        statement = insert(CardState).values(
            {
                name: bindparam(f"p_{name}")
                if name in _NEW_STATE_BOUND
                else literal_column(
                    literal(value, columns[name].type).compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string
                )
                for name, value in _STATE_DEFAULTS.items()
            }
        )
        _INSERT_NEW_STATE[dialect.name] = statement
    return statement

_MOVE_STATE = (
    update(CardState).where(col(CardState.card_id) == bindparam("p_card_id")).values(position=bindparam("p_position"))
)


def _execute_many(connection: Any, statement: Any, columns: dict[str, Sequence[Any]]) -> None:
    """Run one INSERT or UPDATE over many rows in a single executemany of the database driver.

    SQLAlchemy's own executemany builds and type-converts each row's parameters in Python,
    which cost 2.4 s of a 3 s insert of 35,000 cards. Here the statement is compiled once for
    the connection's dialect and each bind's own type converter (JSON, dates, booleans) runs
    once per distinct value, since a deck repeats its tags, sources and empty lists. The driver
    receives the values SQLAlchemy would have sent. The values come column by column (no dict
    per row: building them cost a tenth of a big import).

    Args:
        connection: The open connection (its transaction; nothing is committed).
        statement: A Core statement whose every parameter is a `bindparam("p_COLUMN")`.
        columns: {COLUMN: its value on each row} for every bound column, each as long as the
            others; list values as tuples.
    """
    rows = len(next(iter(columns.values()), ()))
    if not rows:
        return
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)
    names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    ordered = []
    for name in names:
        values = columns[name.removeprefix("p_")]
        if len(values) != rows:
            raise ValueError(f"column {name} has {len(values)} values for {rows} rows")
        convert = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            values = _converted(values, convert)
        ordered.append(values)
    params: list[Any]
    if compiled.positional:
        params = list(zip(*ordered, strict=True))
    else:
        keys = [compiled.escaped_bind_names.get(name, name) for name in names]
        params = [dict(zip(keys, values, strict=True)) for values in zip(*ordered, strict=True)]
    connection.exec_driver_sql(compiled.string, params)


def _same(value: Any, rows: int) -> list[Any]:
    """One value on every row (the same object: `_converted` then converts it once)."""
    return [value] * rows


def _converted(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` applied to each value, once per distinct value (values repeat down a column)."""
    first = values[0]
    if all(map(is_, values, repeat(first))):
        return [convert(first)] * len(values)  # one object all the way down (a new card state's defaults)
    try:
        keys = [(value.__class__, value) for value in values]  # True == 1, but they convert apart
        done = {key: convert(key[1]) for key in set(keys)}
    except TypeError:  # an unhashable value (a list): convert each one
        return [convert(value) for value in values]
    return [done[key] for key in keys]


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
    card_hashes = [card_content_hash(card) for card in deck.cards]
    deck_hash = deck_content_hash(deck, card_hashes)
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
    added: list[tuple[ContentCard, int, str]] = []
    changed: list[tuple[ContentCard, int, str]] = []
    moved: list[tuple[str, int]] = []
    unchanged = 0
    for position, (card, content_hash) in enumerate(zip(deck.cards, card_hashes, strict=True)):
        old = existing.get(card.id)
        if old is None:
            added.append((card, position, content_hash))
        elif old.content_hash != content_hash or old.position != position or old.retired_at is not None:
            changed.append((card, position, content_hash))
            if old.position != position:
                moved.append((card.id, position))
        else:
            unchanged += 1
    connection = session.connection()
    _execute_many(connection, _UPDATE_CARD, _card_columns(changed))
    # Every profile's copy of the position (the new-card queue reads it from the state's index).
    _execute_many(
        connection, _MOVE_STATE, {"card_id": [card_id for card_id, _ in moved], "position": [position for _, position in moved]}
    )
    present = {card.id for card in deck.cards}
    to_retire = [card_id for card_id, row in existing.items() if card_id not in present and row.retired_at is None]
    for chunk in _chunks(to_retire):
        session.execute(update(Card).where(col(Card.id).in_(chunk)).values(retired_at=now))
    if not (added or changed or to_retire):
        return SyncReport(added=0, updated=0, retired=0, unchanged=unchanged)
    # The updates above find their rows through the indexes; the inserts below may go faster without them.
    with _indexes_built_after(connection, rows=len(added)):
        _execute_many(connection, _INSERT_CARD, _card_columns(added))
        # The new-card order, over every active card: this deck's from memory (reading 35,000
        # cards back and decoding their tags cost half a second of CPU), the other decks' from the store.
        # A new card's state is inserted with its rank, not inserted and then updated.
        cards = [*_stored_new_cards(connection, except_deck=info.id), *map(_new_card, deck.cards, range(len(deck.cards)))]
        added_ids = [card.id for card, _, _ in added]
        for profile in list(session.execute(select(Profile.id)).scalars()):
            ranks = _ranks(cards, profile)
            _write_ranks(connection, profile, ranks)
            states = {
                "profile_id": _same(profile, len(added)),
                "card_id": added_ids,
                "position": [position for _, position, _ in added],
                "new_rank": [ranks[card_id] for card_id in added_ids],
            }
            _execute_many(connection, _insert_new_state(connection.dialect), states)
    return SyncReport(added=len(added), updated=len(changed), retired=len(to_retire), unchanged=unchanged)


_BULK_ROWS = 5000
"""From this many new cards on, an import into a smaller collection builds the indexes afterwards."""


@contextmanager
def _indexes_built_after(connection: Any, *, rows: int) -> Iterator[None]:
    """Around a bulk insert of cards on SQLite: the secondary indexes of `card` and `cardstate`
    dropped, then made again.

    SQLite keeps each index in step row by row, a B-tree descent per index per row: eleven
    indexes over `card` and `cardstate` cost a fifth of a 35,000-card import. Building an index
    afterwards sorts the rows once (bench/bench_import.py, with FTS5's larger hashsize: 2.6 ->
    1.8 s of CPU for a fresh 35,000-card import). That pays only when most rows are new, so only
    when `rows` (at least `_BULK_ROWS`) outnumber the cards already stored; and only on SQLite
    (PostgreSQL imports are not the bottleneck anywhere). Nothing is dropped outside an open
    transaction: the drop and the rebuild commit together, and a failed
    import rolls both back. If the block raises, the indexes are made again before the error
    goes on, so a caller that commits anyway still has them. Primary keys and unique indexes
    stay, so every constraint is still checked on insert. Inside the block, look rows up by
    primary key only (the card updates and moves run before it for that reason).

    Args:
        connection: The open connection (its transaction).
        rows: How many cards are inserted (and card states, per profile).
    """
    statements = _drop_secondary_indexes(connection) if _bulk(connection, rows) else []
    try:
        yield
    except BaseException:
        with suppress(SQLAlchemyError):
            _run_all(connection, statements)
        raise
    _run_all(connection, statements)


def _bulk(connection: Any, rows: int) -> bool:
    """True if inserting `rows` cards is worth building the indexes afterwards (see `_indexes_built_after`)."""
    if connection.dialect.name != "sqlite" or rows < _BULK_ROWS:
        return False
    if not connection.connection.dbapi_connection.in_transaction:
        return False  # a DROP would commit at once: never without the transaction that rebuilds
    return rows > connection.exec_driver_sql("SELECT count(*) FROM card").scalar_one()


def _drop_secondary_indexes(connection: Any) -> list[str]:
    """Drop the indexes of the card tables but their primary keys and unique ones; the statements that made them."""
    found = connection.exec_driver_sql(
        # sql IS NULL: the indexes SQLite makes for a primary key or a UNIQUE column; kept.
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (?, ?) ORDER BY name",
        (Card.__tablename__, CardState.__tablename__),
    ).all()
    for name, _ in found:
        connection.exec_driver_sql(f'DROP INDEX "{name.replace(chr(34), chr(34) * 2)}"')
    return [sql for _, sql in found]


def _run_all(connection: Any, statements: Sequence[str]) -> None:
    for statement in statements:
        connection.exec_driver_sql(statement)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    """`items` in slices small enough for one IN list."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


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


# --- profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileInfo:
    """A profile as `trainer profile list` shows it."""

    id: int
    name: str
    pseudonym: str
    reviews: int


def profiles(*, session: Session) -> list[ProfileInfo]:
    """Every profile with its number of answers, by name."""
    counts = dict(
        session.execute(select(Review.profile_id, func.count()).group_by(Review.profile_id)).all()  # type: ignore[arg-type]
    )
    rows = session.execute(select(Profile.id, Profile.name, Profile.pseudonym).order_by(Profile.name)).all()
    return [ProfileInfo(id=r.id, name=r.name, pseudonym=r.pseudonym, reviews=int(counts.get(r.id, 0))) for r in rows]


def profile_id(*, session: Session, name: str) -> int | None:
    """The id of the profile called `name`, or None."""
    return session.execute(select(Profile.id).where(col(Profile.name) == name)).scalar_one_or_none()


def add_profile(*, session: Session, name: str, pseudonym: str, now: datetime) -> int:
    """Add a profile with a fresh schedule: every card new (its state rows are created here, flushed).

    Returns:
        The new profile's id.
    """
    profile = Profile(name=name, pseudonym=pseudonym, created_at=now)
    session.add(profile)
    session.flush()
    assert profile.id is not None
    cards = session.execute(select(Card.id, Card.position)).all()
    for start in range(0, len(cards), _CHUNK * 10):
        chunk = cards[start : start + _CHUNK * 10]
        session.execute(
            insert(CardState), [{"profile_id": profile.id, "card_id": c.id, "position": c.position} for c in chunk]
        )
    rank_new_cards(session.connection(), profile_ids=[profile.id])
    return profile.id


def rank_new_cards(connection: Any, *, profile_ids: Sequence[int] | None = None) -> None:
    """Write each profile's mixed new-card order (`CardState.new_rank`) over every active card.

    Called when cards are added, changed or retired, when a profile is added, and by the
    migration that adds the column. Only ranks that change are written.

    Args:
        connection: An open connection (the caller commits).
        profile_ids: Only these profiles (None: every profile).
    """
    cards = _stored_new_cards(connection)
    query = select(Profile.id)
    if profile_ids is not None:
        query = query.where(col(Profile.id).in_(list(profile_ids)))
    for (profile_id,) in connection.execute(query).all():
        _write_ranks(connection, profile_id, _ranks(cards, profile_id))


def _new_card(card: ContentCard, position: int) -> NewCard:
    """What the new-card order needs of a content card at this place in its deck."""
    # Positional: a named tuple built from keywords costs as much as the dataclass it replaced.
    return NewCard(card.id, card.deck_id, card.template, str(card.kind), card.fact_key, card.tags, position)


def _stored_new_cards(connection: Any, *, except_deck: str | None = None) -> list[NewCard]:
    """Every active card of the store (but those of `except_deck`), as the new-card order needs it."""
    # The tags are read as text and decoded once per distinct value (a deck repeats its tag
    # lists); a driver that decodes JSON itself (PostgreSQL's) hands over lists.
    query = select(
        Card.id, Card.deck_id, Card.template, Card.kind, Card.fact_key, type_coerce(Card.tags, Unicode), Card.position
    ).where(col(Card.retired_at).is_(None))
    if except_deck is not None:
        query = query.where(col(Card.deck_id) != except_deck)
    decoded: dict[str, tuple[str, ...]] = {}

    def tags_of(value: Any) -> tuple[str, ...]:
        if not isinstance(value, str):
            return tuple(value or ())
        if value not in decoded:
            decoded[value] = tuple(json.loads(value) or ())
        return decoded[value]

    return [
        NewCard(card_id, deck_id, template, kind, fact_key, tags_of(tags), position)
        for card_id, deck_id, template, kind, fact_key, tags, position in connection.execute(query)
    ]  # fmt: skip


def _ranks(cards: Sequence[NewCard], profile_id: int) -> dict[str, int]:
    """Each card's place in a profile's mixed new-card order."""
    # Seeded by the profile's id: the same order every time for a student (and for the shipped
    # first-run snapshot, whose default profile is id 1), another order for the next student.
    return mixed_ranks(cards, f"profile/{profile_id}")


_WRITE_RANK = (
    update(CardState)
    .where(col(CardState.profile_id) == bindparam("p_profile_id"), col(CardState.card_id) == bindparam("p_card_id"))
    .values(new_rank=bindparam("p_new_rank"))
)


def _write_ranks(connection: Any, profile_id: int, ranks: dict[str, int]) -> None:
    """Write the ranks that differ from a profile's stored ones (cards without a state are skipped)."""
    stored = connection.execute(
        select(CardState.card_id, CardState.new_rank).where(col(CardState.profile_id) == profile_id)
    ).all()
    changed = [card_id for card_id, rank in stored if card_id in ranks and ranks[card_id] != rank]
    _execute_many(
        connection,
        _WRITE_RANK,
        {"profile_id": _same(profile_id, len(changed)), "card_id": changed, "new_rank": [ranks[card_id] for card_id in changed]},
    )


def rename_profile(*, session: Session, old: str, new: str) -> bool:
    """Rename a profile; False if there is no profile called `old`."""
    result = session.execute(update(Profile).where(col(Profile.name) == old).values(name=new))
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- settings --------------------------------------------------------------------------------


def stored_settings(*, session: Session, profile_id: int) -> dict[str, str]:
    """A profile's stored settings as text (typed and validated by trainer.study.settings)."""
    rows = session.execute(select(Setting.name, Setting.value).where(col(Setting.profile_id) == profile_id))
    return {row.name: row.value for row in rows}


def put_setting(*, session: Session, profile_id: int, name: str, value: str) -> None:
    """Store one setting's text for a profile (flushed)."""
    row = session.get(Setting, (profile_id, name))
    if row is None:
        session.add(Setting(profile_id=profile_id, name=name, value=value))
    else:
        row.value = value
    session.flush()


# --- answers ---------------------------------------------------------------------------------

_SCHEDULE_COLUMNS = (
    "repetitions",
    "easiness",
    "interval",
    "drill",
    "due_day",
    "introduced_day",
    "last_day",
    "lapses",
    "last_review_at",
)
"""What an answer (or its undo) writes. Not the suspension: one made after an answer stays when
the answer is undone; only a leech suspension made by the answer itself is written (and undone)."""

_SUSPENSION_COLUMNS = ("leech", "suspended")


@cache
def _write_progress_statement(with_suspension: bool) -> Any:
    """Built once per shape: the one UPDATE of an answer, over the revision it read."""
    columns = _SCHEDULE_COLUMNS + (_SUSPENSION_COLUMNS if with_suspension else ())
    return (
        update(CardState)
        .where(
            col(CardState.profile_id) == bindparam("w_profile"),
            col(CardState.card_id) == bindparam("w_card"),
            col(CardState.revision) == bindparam("w_revision"),
        )
        .values(**{name: bindparam(f"v_{name}") for name in columns}, revision=col(CardState.revision) + 1)
        .execution_options(synchronize_session=False)
    )


def write_progress(
    conn: Any, *, profile_id: int, card_id: str, progress: CardProgress, revision: int, with_suspension: bool = False
) -> bool:
    """Store a card's schedule over the revision it was read at, bumping the revision.

    Args:
        conn: An open Session or Connection.
        profile_id: The student.
        card_id: The card.
        progress: The values to store (its own `revision` is ignored).
        revision: Write only if the stored state is still at this revision (another window may
            have written since it was read).
        with_suspension: Also write the leech flag and the suspension (an answer that made the
            card a leech, or the undo of one).

    Returns:
        False if nothing was written (another window changed the card since it was read).
    """
    sm2 = progress.sm2
    params = {
        "w_profile": profile_id,
        "w_card": card_id,
        "w_revision": revision,
        "v_repetitions": sm2.repetitions,
        "v_easiness": sm2.easiness,
        "v_interval": sm2.interval,
        "v_drill": sm2.drill,
        "v_due_day": progress.due_day,
        "v_introduced_day": progress.introduced_day,
        "v_last_day": progress.last_day,
        "v_lapses": progress.lapses,
        "v_last_review_at": progress.last_review_at,
    }
    if with_suspension:
        params.update(v_leech=progress.leech, v_suspended=progress.suspended)
    result = conn.execute(_write_progress_statement(with_suspension), params)
    return result.rowcount == 1  # type: ignore[attr-defined]


def set_suspended(conn: Any, *, profile_id: int, card_id: str, suspended: bool) -> bool:
    """Suspend or unsuspend a card for a profile (bumping its revision); False if unknown."""
    result = conn.execute(
        update(CardState)
        .where(col(CardState.profile_id) == profile_id, col(CardState.card_id) == card_id)
        .values(suspended=suspended, revision=col(CardState.revision) + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


CARD_STATE_EDITABLE = frozenset(
    {*_SCHEDULE_COLUMNS, *_SUSPENSION_COLUMNS, "buried_until", "flag"}
)
"""The card-state columns a card action (Browse, review screen) may change."""


def card_state_values(conn: Any, *, profile_id: int, card_id: str, columns: Iterable[str]) -> dict[str, Any] | None:
    """Some columns of a profile's state of a card, with its revision; None for an unknown card."""
    names = sorted(set(columns) | {"revision"})
    row = conn.execute(
        select(*(getattr(CardState, name) for name in names)).where(
            col(CardState.profile_id) == profile_id, col(CardState.card_id) == card_id
        )
    ).one_or_none()
    return None if row is None else dict(zip(names, row, strict=True))


def update_card_state(conn: Any, *, profile_id: int, card_id: str, revision: int, values: dict[str, Any]) -> bool:
    """Change some columns of a card's state over the revision they were read at, bumping it.

    Args:
        conn: An open Session or Connection.
        profile_id: The student.
        card_id: The card.
        revision: Write only if the stored state is still at this revision.
        values: Column -> new value (only CARD_STATE_EDITABLE columns).

    Returns:
        False if nothing was written (unknown card, or another window changed it since).
    """
    unknown = set(values) - CARD_STATE_EDITABLE
    if unknown:
        raise ValueError(f"not card-state columns a card action may change: {sorted(unknown)}")
    result = conn.execute(
        update(CardState)
        .where(
            col(CardState.profile_id) == profile_id,
            col(CardState.card_id) == card_id,
            col(CardState.revision) == revision,
        )
        .values(**values, revision=col(CardState.revision) + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


_INSERT_REVIEW = insert(Review)


def add_review(
    conn: Any,
    *,
    profile_id: int,
    card_id: str,
    log: ReviewLog,
    reviewed_at: datetime,
    study_day: date,
    response_ms: int | None,
    response: str | None,
    verdict: str | None,
    given_root: str | None,
    expected_root: str | None,
) -> int:
    """Add an answer's review-log row (and tell the statistics cache its day changed); returns its id."""
    # One statement built once, executed with a parameter dict: SQLAlchemy caches its compiled
    # form (a fresh `.values(...)` per answer cost ~1.5 ms of cache-key building).
    result = conn.execute(
        _INSERT_REVIEW,
        {
            "profile_id": profile_id,
            "card_id": card_id,
            "reviewed_at": reviewed_at,
            "study_day": study_day,
            "quality": int(log.quality),
            "response_ms": response_ms,
            "response": response,
            "verdict": verdict,
            "given_root": given_root,
            "expected_root": expected_root,
            "is_drill": log.is_drill,
            "queue": log.queue,
            "repetitions_before": log.before.repetitions,
            "easiness_before": log.before.easiness,
            "interval_before": log.before.interval,
            "drill_before": log.before.drill,
            "repetitions_after": log.after.repetitions,
            "easiness_after": log.after.easiness,
            "interval_after": log.after.interval,
            "drill_after": log.after.drill,
            "due_day_after": log.due_day_after,
        },
    )
    # Usually today, which the cache does not hold (a no-op); a session still on yesterday's study
    # day after the rollover writes to a day the cache may already hold.
    forget_from(conn, profile_id=profile_id, day=study_day)
    return int(result.inserted_primary_key[0])


def record_answer(
    conn: Any,
    *,
    profile_id: int,
    card_id: str,
    effect: AnswerEffect,
    revision: int,
    reviewed_at: datetime,
    study_day: date,
    response_ms: int | None,
    response: str | None,
    verdict: str | None,
    given_root: str | None,
    expected_root: str | None,
) -> int | None:
    """Store one answer: the card's new progress (over the revision it was read at) and its log row.

    An extra answer (already answered today elsewhere) writes the same schedule: its revision
    still moves, so the other window's undo of the answer it followed is refused, not misapplied.

    Returns:
        The review row's id; None (nothing written) if another window changed the card since.
    """
    if not write_progress(
        conn,
        profile_id=profile_id,
        card_id=card_id,
        progress=effect.progress,
        revision=revision,
        with_suspension=effect.became_leech,
    ):
        return None
    return add_review(
        conn,
        profile_id=profile_id,
        card_id=card_id,
        log=effect.log,
        reviewed_at=reviewed_at,
        study_day=study_day,
        response_ms=response_ms,
        response=response,
        verdict=verdict,
        given_root=given_root,
        expected_root=expected_root,
    )


def take_back_answer(
    conn: Any, *, profile_id: int, card_id: str, review_id: int, restored: CardProgress, revision: int, with_suspension: bool
) -> bool:
    """Undo one answer: its card's progress restored (over the revision the answer left) and its log row deleted.

    Returns:
        False if another window changed the card (or removed the row) since; the caller rolls back.
    """
    return write_progress(
        conn, profile_id=profile_id, card_id=card_id, progress=restored, revision=revision, with_suspension=with_suspension
    ) and delete_review(conn, review_id=review_id)


def delete_review(conn: Any, *, review_id: int) -> bool:
    """Remove a review row (and tell the statistics cache its day changed); False if it was already gone."""
    row = conn.execute(select(Review.profile_id, Review.study_day).where(col(Review.id) == review_id)).first()
    if row is None:
        return False
    result = conn.execute(delete(Review).where(col(Review.id) == review_id))
    # An undo after the rollover hour takes back an answer of a day that is closed by now.
    forget_from(conn, profile_id=row[0], day=row[1])
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- aggregates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayAnswer:
    """One answer of a study day, as the session summary needs it."""

    quality: int
    expected_root: str | None
    given_root: str | None
    verdict: str | None


def answers_on(conn: Any, *, profile_id: int, day: date) -> list[DayAnswer]:
    """Every answer a profile gave on a study day, in order."""
    rows = conn.execute(
        select(Review.quality, Review.expected_root, Review.given_root, Review.verdict)
        .where(col(Review.profile_id) == profile_id, col(Review.study_day) == day)
        .order_by(col(Review.id))
    )
    return [DayAnswer(r.quality, r.expected_root, r.given_root, r.verdict) for r in rows]


def _active_states(profile_id: int) -> list[Any]:
    return [
        col(CardState.profile_id) == profile_id,
        col(Card.retired_at).is_(None),
        col(CardState.suspended).is_(False),
    ]


def count_due_on_or_before(conn: Any, *, profile_id: int, day: date) -> int:
    """Active, unsuspended cards of a profile due on or before `day` (e.g. due by tomorrow)."""
    query = (
        select(func.count())
        .select_from(CardState)
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) <= day, *_active_states(profile_id))
    )
    return int(conn.execute(query).scalar_one())


def next_due_day_after(conn: Any, *, profile_id: int, day: date) -> date | None:
    """The earliest due day after `day` among a profile's active, unsuspended cards."""
    query = (
        select(func.min(CardState.due_day))
        .join(Card, col(Card.id) == col(CardState.card_id))
        .where(col(CardState.due_day) > day, *_active_states(profile_id))
    )
    return conn.execute(query).scalar_one_or_none()
