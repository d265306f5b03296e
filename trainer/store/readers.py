"""Every read of the study queue and Home, written once, for two ways of reaching the database.

`Reader` holds each query's SQL, its conditions (due, new, repeat, active, deck filter, profile)
and the one row-to-card mapping. It runs its SQL through an `Executor`, of which there are two:

- `SqlAlchemyExecutor`, over a connection of the full store (SQLite or PostgreSQL): the study
  session's reads;
- `trainer.store.quick.Sqlite3Executor`, over a read-only stdlib `sqlite3` connection: the first
  screen, painted before SQLAlchemy, SQLModel and pydantic (most of a second) are imported.

So this module imports neither SQLAlchemy nor anything heavy. The SQL is plain and portable
(named parameters, `NOT` on booleans, ISO dates on SQLite), so it runs unchanged on both backends
and on PostgreSQL. The conditions are composed on each call from the module constants below, so
a change to one of them changes what both backends return (tests/study/test_quick_reader.py
proves it by changing one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from trainer.content.cards import Card, CardKind, SourceRef
from trainer.scheduling.policy import CardProgress
from trainer.scheduling.sm2 import Sm2State

__all__ = [
    "ACTIVE",
    "DUE",
    "NEW",
    "REPEAT",
    "Executor",
    "Reader",
    "SqlAlchemyExecutor",
    "StudyRow",
]

CHUNK = 500
"""Ids per `IN (...)` list: SQLite limits the bound parameters of one statement."""

STATES = "cardstate JOIN card ON card.id = cardstate.card_id"
"""Where queue queries look: a student's card states with their cards."""

ACTIVE = "cardstate.profile_id = :profile AND card.retired_at IS NULL AND NOT cardstate.suspended"
"""Cards of this profile that may be queued: not retired, not suspended."""

DUE = "cardstate.due_day <= :today AND (cardstate.last_day IS NULL OR cardstate.last_day <> :today)"
"""Due for review today: due on or before today and not yet answered today."""

NOT_BURIED = "(cardstate.buried_until IS NULL OR cardstate.buried_until <= :today)"
"""Not buried by the student past today (a card buried "until tomorrow" is back the next study day)."""

NEW = "cardstate.introduced_day IS NULL"
"""Never answered."""

DUE_BY = "cardstate.due_day <= :due_by AND (cardstate.last_day IS NULL OR cardstate.last_day <> :today)"
"""DUE with the due day reaching a later day (reviewing ahead); `DUE` is the case due_by = today."""

REPEAT = "cardstate.last_day = :today AND cardstate.due_day <= :today"
"""Answered today and due again today (a lapse, or a drill after a 3)."""

PRACTICE = "cardstate.introduced_day IS NOT NULL AND cardstate.due_day > :today"
"""Answered before and not due today: in a drill of chosen cards, practised without moving the schedule."""

DUE_ORDER = "cardstate.due_day, cardstate.position"
"""Most overdue first, then deck order."""

NEW_ORDER = "cardstate.introduced_day, cardstate.position, cardstate.card_id"
"""Deck order (`introduced_day` is NULL for all of them; naming it lets the index give the order).
Decks tie at each position; the card id (which starts with the deck id) settles them the same way on
every backend and in the first-run snapshot, instead of by whatever order the rows were stored in."""

MIXED_ORDER = "cardstate.introduced_day, cardstate.new_rank, cardstate.position"
"""The profile's mixed order (`trainer.scheduling.new_order`), read from its own index."""

NEW_ORDERS = {"mixed": MIXED_ORDER, "deck": NEW_ORDER}
"""The new-card order for each value of the `new_order` setting."""

REPEAT_ORDER = "cardstate.last_review_at, cardstate.position"
"""The one waiting longest first."""

CARD_COLUMNS = (
    "card.id, card.deck_id, card.template, card.fact_key, card.kind, card.prompt, card.answer, card.accepted, "
    "card.explanation, card.sources, card.choices, card.choice_roots, card.tags, card.siblings, card.answer_root"
)
"""A card's content columns, in the order `card_from_row` reads them."""

PROGRESS_COLUMNS = (
    "cardstate.repetitions, cardstate.easiness, cardstate.interval, cardstate.drill, cardstate.due_day, "
    "cardstate.introduced_day, cardstate.last_day, cardstate.lapses, cardstate.leech, cardstate.suspended, "
    "cardstate.revision, cardstate.last_review_at"
)
"""A card's progress columns, in the order `progress_from_row` reads them."""


class Executor(Protocol):
    """Runs one SQL statement with named parameters and returns its rows."""

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        """All rows of `sql` (named `:parameters`); dates in `params` are `date` objects."""
        ...


@dataclass(frozen=True)
class StudyRow:
    """A stored card with one student's progress on it."""

    card: Card
    progress: CardProgress


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite returns the text, PostgreSQL the decoded value."""
    return json.loads(value) if isinstance(value, str) else value


def as_day(value: Any) -> date | None:
    """A date column's value: SQLite returns ISO text, PostgreSQL a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def as_instant(value: Any) -> datetime | None:
    """A stored instant as an aware UTC datetime: SQLite returns naive UTC text, PostgreSQL an aware value."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def card_from_row(row: Sequence[Any]) -> Card:
    """The content card of a row that starts with `CARD_COLUMNS` (the one mapping both readers use)."""
    (card_id, deck_id, template, fact_key, kind, prompt, answer, accepted, explanation, sources, choices,
     choice_roots, tags, siblings, answer_root) = row[:15]  # fmt: skip
    return Card(
        id=card_id,
        deck_id=deck_id,
        template=template,
        fact_key=fact_key,
        kind=CardKind(kind),
        prompt=prompt,
        answer=answer,
        accepted=tuple(_json(accepted) or ()),
        explanation=explanation,
        sources=tuple(_json(sources) or ()),
        choices=tuple(_json(choices) or ()),
        choice_roots=tuple(_json(choice_roots) or ()),
        tags=tuple(_json(tags) or ()),
        siblings=tuple(_json(siblings) or ()),
        answer_root=answer_root,
    )


def progress_from_row(row: Sequence[Any]) -> CardProgress:
    """A student's progress from the `PROGRESS_COLUMNS` part of a row."""
    (repetitions, easiness, interval, drill, due_day, introduced_day, last_day, lapses, leech, suspended,
     revision, last_review_at) = row  # fmt: skip
    return CardProgress(
        sm2=Sm2State(repetitions=int(repetitions), easiness=float(easiness), interval=int(interval), drill=bool(drill)),
        due_day=as_day(due_day),
        introduced_day=as_day(introduced_day),
        last_day=as_day(last_day),
        lapses=int(lapses),
        leech=bool(leech),
        suspended=bool(suspended),
        revision=int(revision),
        last_review_at=as_instant(last_review_at),
    )


def _in(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """An `IN (...)` list of named parameters `name0, name1, ...`, added to `params`."""
    names = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        names.append(f":{name}{i}")
    return f"({', '.join(names)})"


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Reader:
    """The study queue's and Home's reads for one profile, over either executor.

    Args:
        executor: Runs the SQL (full store or quick sqlite3).
        profile_id: The student whose progress is read.
        deck_ids: Only these decks for the queue (None: all).
        card_ids: Only these cards for the queue (None: all), e.g. an exam's missed cards.
        tags: Only cards carrying one of these tags (None: any).
        roots: Only cards whose answer is one of these roots, e.g. a spine region (None: any).
    """

    def __init__(
        self,
        executor: Executor,
        *,
        profile_id: int,
        deck_ids: Sequence[str] | None = None,
        card_ids: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        roots: Sequence[str] | None = None,
    ) -> None:
        self.executor = executor
        self._run = executor.rows
        self.profile_id = profile_id
        self.deck_ids = list(deck_ids) if deck_ids is not None else None
        self.card_ids = list(card_ids) if card_ids is not None else None
        self.tags = list(tags) if tags is not None else None
        self.roots = list(roots) if roots is not None else None

    # --- building blocks ---------------------------------------------------------------

    def _params(self, **values: Any) -> dict[str, Any]:
        return {"profile": self.profile_id, **values}

    def _decks(self, params: dict[str, Any]) -> str:
        """The study filter (decks, chosen cards, tags, roots; each with a leading AND), or nothing."""
        sql = ""
        if self.deck_ids is not None:
            sql += f" AND card.deck_id IN {_in('deck', self.deck_ids, params)}"
        if self.card_ids is not None:
            sql += f" AND card.id IN {_in('only', self.card_ids, params)}"
        if self.tags is not None:
            # Tags are a JSON list of strings: a quoted tag matches whole tags only.
            likes = []
            for i, tag in enumerate(self.tags):
                params[f"tag{i}"] = f'%{json.dumps(tag.lower())}%'
                likes.append(f"lower(CAST(card.tags AS TEXT)) LIKE :tag{i}")
            sql += f" AND ({' OR '.join(likes) or 'FALSE'})"
        if self.roots is not None:
            sql += f" AND card.answer_root IN {_in('root', self.roots, params)}" if self.roots else " AND FALSE"
        return sql

    def _ids(self, condition: str, order: str, limit: int | None, **values: Any) -> list[str]:
        params = self._params(**values)
        if "today" in values:
            condition = f"{condition} AND {NOT_BURIED}"
        sql = f"SELECT cardstate.card_id FROM {STATES} WHERE {ACTIVE} AND {condition}{self._decks(params)} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        return [row[0] for row in self._run(sql, params)]

    def _one(self, sql: str, params: Mapping[str, Any]) -> Any:
        rows = self._run(sql, params)
        return rows[0][0] if rows else None

    # --- the queue ----------------------------------------------------------------------

    def used_today(self, *, day: date) -> tuple[int, int]:
        """(due reviews answered, new cards introduced) on a study day."""
        row = self._run(
            "SELECT (SELECT count(*) FROM review WHERE review.profile_id = :profile AND review.study_day = :day "
            "AND review.queue = 'due'), (SELECT count(*) FROM cardstate WHERE cardstate.profile_id = :profile "
            "AND cardstate.introduced_day = :day)",
            self._params(day=day),
        )[0]
        return int(row[0]), int(row[1])

    def due_card_ids(self, *, today: date, limit: int, due_by: date | None = None) -> list[str]:
        """Cards due for review today (or by `due_by`, reviewing ahead), most overdue first."""
        if limit <= 0:
            return []
        if due_by is not None and due_by > today:
            return self._ids(DUE_BY, DUE_ORDER, limit, today=today, due_by=due_by)
        return self._ids(DUE, DUE_ORDER, limit, today=today)

    def new_card_ids(self, *, limit: int, order: str = "deck", today: date | None = None) -> list[str]:
        """Cards never answered, in deck order or the profile's mixed order (`order`: a `NEW_ORDERS`
        key); not those buried past `today`, when given."""
        if limit <= 0:
            return []
        if today is not None:
            return self._ids(NEW, NEW_ORDERS[order], limit, today=today)
        return self._ids(NEW, NEW_ORDERS[order], limit)

    def repeat_card_ids(self, *, today: date) -> list[str]:
        """Cards answered today and due again today, longest-waiting first."""
        return self._ids(REPEAT, REPEAT_ORDER, None, today=today)

    def practice_card_ids(self, *, today: date) -> list[str]:
        """With a card filter: its cards already answered and not due before a later day, in deck order.

        A drill of chosen cards asks them too; their answers are logged and move no schedule.
        """
        return self._ids(PRACTICE, DUE_ORDER, None, today=today) if self.card_ids is not None else []

    def answered_on(self, *, day: date) -> set[str]:
        """Every card of this profile last answered on `day` (their siblings are buried)."""
        rows = self._run(
            "SELECT cardstate.card_id FROM cardstate WHERE cardstate.profile_id = :profile AND cardstate.last_day = :day",
            self._params(day=day),
        )
        return {row[0] for row in rows}

    def study_rows(self, card_ids: Sequence[str]) -> dict[str, StudyRow]:
        """Cards with this profile's progress, by id (unknown ids are left out)."""
        found: dict[str, StudyRow] = {}
        for chunk in _chunks(list(card_ids)):
            params = self._params()
            rows = self._run(
                f"SELECT {CARD_COLUMNS}, {PROGRESS_COLUMNS} FROM {STATES} "
                f"WHERE cardstate.profile_id = :profile AND card.id IN {_in('id', chunk, params)}",
                params,
            )
            for row in rows:
                found[row[0]] = StudyRow(card=card_from_row(row), progress=progress_from_row(row[15:]))
        return found

    def cards(self, card_ids: Sequence[str]) -> dict[str, Card]:
        """Cards by id, retired ones included (an exam resumes on the cards it started with)."""
        found: dict[str, Card] = {}
        for chunk in _chunks(list(card_ids)):
            params: dict[str, Any] = {}
            rows = self._run(f"SELECT {CARD_COLUMNS} FROM card WHERE card.id IN {_in('id', chunk, params)}", params)
            found.update((row[0], card_from_row(row)) for row in rows)
        return found

    def active_cards(self) -> list[Card]:
        """Every active (not retired) card of the deck filter, suspended ones included, in deck order.

        The exam draws from these: a suspended card still tests what the student knows.
        """
        params = self._params()
        rows = self._run(
            f"SELECT {CARD_COLUMNS} FROM card WHERE card.retired_at IS NULL{self._decks(params)} "
            "ORDER BY card.deck_id, card.position",
            params,
        )
        return [card_from_row(row) for row in rows]

    def cards_of_template(self, template: str) -> list[Card]:
        """Active cards generated by one template (e.g. the ones that say where each root is)."""
        rows = self._run(
            f"SELECT {CARD_COLUMNS} FROM card WHERE card.retired_at IS NULL AND card.template = :template "
            "ORDER BY card.deck_id, card.position",
            {"template": template},
        )
        return [card_from_row(row) for row in rows]

    def study_row(self, card_id: str) -> StudyRow | None:
        """One card with this profile's progress; None if unknown."""
        return self.study_rows([card_id]).get(card_id)

    def last_study_day(self) -> date | None:
        """The latest study day on which this profile answered (study days never go back before it)."""
        return as_day(
            self._one("SELECT max(review.study_day) FROM review WHERE review.profile_id = :profile", self._params())
        )

    # --- Home ---------------------------------------------------------------------------

    def count_reviews(self, *, day: date) -> int:
        """Answers given on a study day."""
        return int(
            self._one(
                "SELECT count(*) FROM review WHERE review.profile_id = :profile AND review.study_day = :day",
                self._params(day=day),
            )
        )

    def has_reviews_on(self, *, day: date) -> bool:
        """True if any answer was given on this study day (one index probe: the streak asks per day)."""
        rows = self._run(
            "SELECT review.id FROM review WHERE review.profile_id = :profile AND review.study_day = :day LIMIT 1",
            self._params(day=day),
        )
        return bool(rows)

    def recent_response_ms(self, *, limit: int) -> list[int]:
        """Response times of the latest timed answers, newest first."""
        rows = self._run(
            "SELECT review.response_ms FROM review WHERE review.profile_id = :profile AND review.response_ms IS NOT NULL "
            "ORDER BY review.id DESC LIMIT :limit",
            self._params(limit=limit),
        )
        return [int(row[0]) for row in rows]

    def deck_overview(self, *, today: date) -> list[tuple[str, str, int, int]]:
        """(deck id, title, active cards, cards of this profile due by `today`) for every deck, in title order.

        A deck with no active card (removed with `trainer deck remove`: every card retired) is left
        out, as in `trainer deck list`: nothing of it can be studied, and its file brings it back.
        """
        decks = self._run("SELECT deck.id, deck.title FROM deck ORDER BY deck.title, deck.id", {})
        card_counts = dict(
            (row[0], int(row[1]))
            for row in self._run(
                "SELECT card.deck_id, count(*) FROM card WHERE card.retired_at IS NULL GROUP BY card.deck_id", {}
            )
        )
        # IN (due states) rather than a join: SQLite's planner otherwise walks every card of the
        # deck and probes its state (130 ms on 100k cards) instead of the due-day index (40 ms).
        due_counts = dict(
            (row[0], int(row[1]))
            for row in self._run(
                "SELECT card.deck_id, count(*) FROM card WHERE card.retired_at IS NULL AND card.id IN "
                "(SELECT cardstate.card_id FROM cardstate WHERE cardstate.profile_id = :profile "
                "AND cardstate.due_day <= :today AND NOT cardstate.suspended) GROUP BY card.deck_id",
                self._params(today=today),
            )
        )
        return [(row[0], row[1], card_counts[row[0]], due_counts.get(row[0], 0)) for row in decks if row[0] in card_counts]

    # --- settings, sources, meta, profiles ----------------------------------------------

    def stored_settings(self) -> dict[str, str]:
        """This profile's stored settings as text (typed by `trainer.study.settings`)."""
        rows = self._run("SELECT setting.name, setting.value FROM setting WHERE setting.profile_id = :profile", self._params())
        return {row[0]: row[1] for row in rows}

    def all_sources(self) -> dict[tuple[str, str], SourceRef]:
        """Every deck's sources, by (deck id, key): a few hundred rows, read once per session."""
        rows = self._run("SELECT source.deck_id, source.key, source.citation, source.url, source.strength FROM source", {})
        return {(row[0], row[1]): SourceRef(key=row[1], citation=row[2], url=row[3], strength=row[4]) for row in rows}

    def meta(self, key: str) -> str | None:
        """A meta value, or None."""
        value = self._one("SELECT meta.value FROM meta WHERE meta.key = :key", {"key": key})
        return None if value is None else str(value)


def profile_id_of(executor: Executor, name: str) -> int | None:
    """The id of the profile called `name`, or None."""
    rows = executor.rows("SELECT profile.id FROM profile WHERE profile.name = :name", {"name": name})
    return int(rows[0][0]) if rows else None


def profile_count(executor: Executor) -> int:
    """How many profiles the database holds (Home names the profile when there are several)."""
    rows = executor.rows("SELECT count(*) FROM profile", {})
    return int(rows[0][0])


class SqlAlchemyExecutor:
    """Runs the readers' SQL on a connection of the full store (SQLAlchemy, any database).

    Args:
        connection: An open SQLAlchemy `Connection` (the caller owns its transaction).
    """

    _texts: dict[str, Any] = {}
    """Each statement's `text()` construct, built once (SQLAlchemy then caches its compiled form)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.dialect = connection.dialect.name
        """The database's kind ("sqlite", "postgresql"), for the few reads that differ (LIKE's case)."""
        # SQLite stores dates as ISO text; binding the text avoids the sqlite3 module's
        # deprecated default date adapter. Other databases take date objects.
        self._iso_dates = connection.dialect.name == "sqlite"

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        """All rows of `sql`."""
        statement = self._texts.get(sql)
        if statement is None:
            from sqlalchemy import text

            statement = self._texts[sql] = text(sql)
        if self._iso_dates:
            params = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
        return [tuple(row) for row in self._connection.execute(statement, params)]
