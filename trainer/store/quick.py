"""A read-only look at a SQLite database through the stdlib `sqlite3`, for the first screen.

Importing the database layer (SQLAlchemy, SQLModel, pydantic) takes most of a second, longer
than starting Textual; the first card and Home's counts need only a few small reads. So the TUI
reads them through `QuickReader`, which implements the reads of `trainer.study.queue`'s
`QueueReader` and `OverviewReader` with the same SQL that `repo.py` has SQLAlchemy generate
(tests/study/test_quick_reader.py checks that both readers choose the same cards), and opens the
real store behind the first paint for everything that writes.

It only ever looks; anything unusual means "no quick look" (`open_quick` returns None) and the
caller takes the full path, which creates, migrates, imports or reports the problem properly:
no file yet (a first run), a URL that is not a SQLite file, a schema version other than this
code's, or any sqlite3 error. The connection is read-only (`mode=ro`), so it can never change or
create anything.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from trainer.content.cards import Card, CardKind, SourceRef
from trainer.scheduling.sm2 import Sm2State
from trainer.store.location import SCHEMA_VERSION, read_only_uri, requested_database


_CHUNK = 500
"""Ids per `IN (...)` list, as in repo.py."""

_ACTIVE = "card.retired_at IS NULL AND cardstate.suspended IS 0"
"""Cards that may be queued (repo._active without a deck filter)."""

_NOT_ANSWERED_ON = "(cardstate.last_day IS NULL OR cardstate.last_day != ?)"
"""Not yet answered on the bound day (repo._not_answered_on)."""


def database_file(db: str | None) -> Path | None:
    """The SQLite file `trainer.store.db.resolve_db_url(db)` names, or None for anything else.

    Follows the same order (`--db`, then $TRAINER_DB, then the platform default); a URL counts
    only in the plain forms `sqlite:///relative/path` and `sqlite:////absolute/path`; URLs with
    query options, escapes, other drivers or an in-memory database give None (the full path).
    """
    value = requested_database(db)
    if isinstance(value, Path):
        return value
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if value.startswith(prefix):
            rest = value[len(prefix) :]
            if not rest or rest == ":memory:" or any(c in rest for c in "?%#"):
                return None
            return Path(rest).resolve()
    return None


def open_quick(db: str | None) -> QuickReader | None:
    """A read-only reader over the database `db` names, or None when the full path must be taken.

    Args:
        db: The `--db` value (path or URL); None for $TRAINER_DB or the default.

    Returns:
        The reader (close it), or None: not a SQLite file URL, no file yet, a schema version
        other than `SCHEMA_VERSION`, or the file cannot be read as our database.
    """
    path = database_file(db)
    if path is None or not path.is_file():
        return None
    try:
        # read_only_uri: a refused file (damaged, foreign, newer) must not get -wal/-shm files beside it.
        connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    reader = QuickReader(connection)
    try:
        # One read transaction for the whole look: every read sees the same snapshot, even if
        # another window commits meanwhile (it ends when the reader is closed).
        connection.execute("BEGIN")
        if reader.meta("schema_version") != str(SCHEMA_VERSION):
            reader.close()
            return None
    except sqlite3.Error:
        reader.close()
        return None
    return reader


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _decks(deck_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """The deck filter's SQL (with a leading AND) and its parameters."""
    if deck_ids is None:
        return "", []
    ids = list(deck_ids)
    return f" AND card.deck_id IN ({', '.join('?' * len(ids))})", ids


class QuickReader:
    """The queue's and Home's reads over a read-only sqlite3 connection.

    Method for method the same as `repo.py`'s queries (and `trainer.study.queue.OverviewReader`);
    dates are bound as ISO text, which is how SQLAlchemy stores them in SQLite.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> QuickReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return [row[0] for row in self._db.execute(sql, params)]

    # --- meta, settings, sources -------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A meta value, or None."""
        value = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def stored_settings(self) -> dict[str, str]:
        """Every stored setting as text (typed by `trainer.study.settings.settings_from_rows`)."""
        return {name: value for name, value in self._db.execute("SELECT name, value FROM setting")}

    def sources_of(self, *, deck_id: str, keys: Iterable[str]) -> dict[str, SourceRef]:
        """A deck's sources with these keys, by key (as `repo.sources_of`)."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = self._db.execute(
            f"SELECT key, citation, url, strength FROM source WHERE deck_id = ? AND key IN ({', '.join('?' * len(wanted))})",
            [deck_id, *wanted],
        )
        return {key: SourceRef(key=key, citation=citation, url=url, strength=strength) for key, citation, url, strength in rows}

    # --- the queue (trainer.study.queue.QueueReader) -----------------------------------

    def used_today(self, *, day: date) -> tuple[int, int]:
        """(due reviews answered, new cards introduced) on a study day."""
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM review WHERE review.study_day = ? AND review.queue = ?), "
            "(SELECT count(*) FROM cardstate WHERE cardstate.introduced_day = ?)",
            (day.isoformat(), "due", day.isoformat()),
        ).fetchone()
        return int(row[0]), int(row[1])

    def due_card_ids(self, *, today: date, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        """Cards due for review, most overdue first."""
        if limit <= 0:
            return []
        decks, params = _decks(deck_ids)
        return self._column(
            "SELECT cardstate.card_id FROM cardstate JOIN card ON card.id = cardstate.card_id "
            f"WHERE cardstate.due_day <= ? AND {_NOT_ANSWERED_ON} AND {_ACTIVE}{decks} "
            "ORDER BY cardstate.due_day, cardstate.position LIMIT ? OFFSET ?",
            [today.isoformat(), today.isoformat(), *params, limit, 0],
        )

    def new_card_ids(self, *, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        """Cards never answered, in deck order."""
        if limit <= 0:
            return []
        decks, params = _decks(deck_ids)
        return self._column(
            "SELECT cardstate.card_id FROM cardstate JOIN card ON card.id = cardstate.card_id "
            f"WHERE cardstate.introduced_day IS NULL AND {_ACTIVE}{decks} "
            "ORDER BY cardstate.introduced_day, cardstate.position LIMIT ? OFFSET ?",
            [*params, limit, 0],
        )

    def repeat_card_ids(self, *, today: date, limit: int | None, deck_ids: Sequence[str] | None) -> list[str]:
        """Cards answered today that are due again today, longest-waiting first."""
        decks, params = _decks(deck_ids)
        sql = (
            "SELECT cardstate.card_id FROM cardstate JOIN card ON card.id = cardstate.card_id "
            f"WHERE cardstate.last_day = ? AND cardstate.due_day <= ? AND {_ACTIVE}{decks} "
            "ORDER BY cardstate.last_review_at, cardstate.position"
        )
        values: list[Any] = [today.isoformat(), today.isoformat(), *params]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            values += [limit, 0]
        return self._column(sql, values)

    def count_due(self, *, today: date, cap: int, deck_ids: Sequence[str] | None) -> int:
        """Due cards, counted up to `cap`."""
        if cap <= 0:
            return 0
        return self._count_capped(
            f"cardstate.due_day <= ? AND {_NOT_ANSWERED_ON}", [today.isoformat(), today.isoformat()], cap, deck_ids
        )

    def count_new(self, *, cap: int, deck_ids: Sequence[str] | None) -> int:
        """New cards, counted up to `cap`."""
        if cap <= 0:
            return 0
        return self._count_capped("cardstate.introduced_day IS NULL", [], cap, deck_ids)

    def _count_capped(self, where: str, values: list[Any], cap: int, deck_ids: Sequence[str] | None) -> int:
        """Active cards matching `where`, counted up to `cap` (the same SQL as repo.count_capped)."""
        decks, params = _decks(deck_ids)
        return int(
            self._one(
                "SELECT count(*) FROM (SELECT cardstate.card_id AS card_id FROM cardstate "
                "JOIN card ON card.id = cardstate.card_id "
                f"WHERE {where} AND {_ACTIVE}{decks} LIMIT ? OFFSET ?)",
                [*values, *params, cap, 0],
            )
        )

    def siblings_of(self, *, card_ids: Sequence[str]) -> dict[str, list[str]]:
        """The sibling ids of each card."""
        found: dict[str, list[str]] = {}
        for chunk in _chunks(list(card_ids)):
            rows = self._db.execute(f"SELECT id, siblings FROM card WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            for card_id, siblings in rows:
                found[card_id] = list(json.loads(siblings) or ()) if siblings else []
        return found

    def answered_among(self, *, card_ids: Iterable[str], day: date) -> set[str]:
        """Those of `card_ids` last answered on `day`."""
        answered: set[str] = set()
        for chunk in _chunks(sorted(set(card_ids))):
            answered.update(
                self._column(
                    "SELECT card_id FROM cardstate "
                    f"WHERE card_id IN ({', '.join('?' * len(chunk))}) AND last_day = ?",
                    [*chunk, day.isoformat()],
                )
            )
        return answered

    def card_and_state(self, *, card_id: str) -> tuple[Card, Sm2State] | None:
        """A stored card as a content card (as `repo.to_content_card`), with its SM-2 state."""
        row = self._db.execute(
            "SELECT card.id, card.deck_id, card.template, card.fact_key, card.kind, card.prompt, card.answer, "
            "card.accepted, card.explanation, card.sources, card.choices, card.choice_roots, card.tags, "
            "card.siblings, card.answer_root, cardstate.repetitions, cardstate.easiness, cardstate.interval, "
            "cardstate.drill FROM card JOIN cardstate ON cardstate.card_id = card.id WHERE card.id = ?",
            (card_id,),
        ).fetchone()
        if row is None:
            return None
        (id_, deck_id, template, fact_key, kind, prompt, answer, accepted, explanation, sources, choices,
         choice_roots, tags, siblings, answer_root, repetitions, easiness, interval, drill) = row  # fmt: skip
        card = Card(
            id=id_,
            deck_id=deck_id,
            template=template,
            fact_key=fact_key,
            kind=CardKind(kind),
            prompt=prompt,
            answer=answer,
            accepted=tuple(json.loads(accepted)),
            explanation=explanation,
            sources=tuple(json.loads(sources)),
            choices=tuple(json.loads(choices)),
            choice_roots=tuple(json.loads(choice_roots)),
            tags=tuple(json.loads(tags)),
            siblings=tuple(json.loads(siblings)),
            answer_root=answer_root,
        )
        state = Sm2State(repetitions=int(repetitions), easiness=float(easiness), interval=int(interval), drill=bool(drill))
        return card, state

    # --- Home (trainer.study.queue.OverviewReader) -------------------------------------

    def count_reviews(self, *, day: date) -> int:
        """Answers given on a study day."""
        return int(self._one("SELECT count(*) FROM review WHERE review.study_day = ?", (day.isoformat(),)))

    def has_reviews_on(self, *, day: date) -> bool:
        """True if any answer was given on this study day."""
        return self._one("SELECT review.id FROM review WHERE review.study_day = ? LIMIT 1", (day.isoformat(),)) is not None

    def recent_response_ms(self, *, limit: int) -> list[int]:
        """Response times of the latest answers that have one, newest first."""
        return [
            int(value)
            for value in self._column(
                "SELECT review.response_ms FROM review WHERE review.response_ms IS NOT NULL "
                "ORDER BY review.id DESC LIMIT ? OFFSET ?",
                (limit, 0),
            )
        ]

    def deck_overview(self, *, today: date) -> list[tuple[str, str, int, int]]:
        """Every deck with its active card count and the cards due by `today`, in title order."""
        decks = self._db.execute("SELECT deck.id, deck.title FROM deck ORDER BY deck.title, deck.id").fetchall()
        card_counts = dict(
            self._db.execute("SELECT card.deck_id, count(*) FROM card WHERE card.retired_at IS NULL GROUP BY card.deck_id")
        )
        due_counts = dict(
            self._db.execute(
                "SELECT card.deck_id, count(*) FROM card WHERE card.retired_at IS NULL AND card.id IN "
                "(SELECT cardstate.card_id FROM cardstate WHERE cardstate.due_day <= ? AND cardstate.suspended IS 0) "
                "GROUP BY card.deck_id",
                (today.isoformat(),),
            )
        )
        return [(deck_id, title, card_counts.get(deck_id, 0), due_counts.get(deck_id, 0)) for deck_id, title in decks]
