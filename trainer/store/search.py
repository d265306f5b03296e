"""Browse's reads: a parsed search query as SQL, and one card's whole review history.

The query syntax is parsed (purely) by `trainer.content.query`; here each term becomes one SQL
condition over a profile's card states joined to their cards, all terms ANDed. The SQL is plain
text run through a readers `Executor`, like the queue's reads, so it is portable. Retired cards
are never found (they are not in any deck any more).

Free text is a LIKE (PostgreSQL: ILIKE) over the prompt, the answer and the explanation. In
SQLite the index of `trainer.store.text_index` answers the terms it can instead: it counts the
cards holding the text first, and a text in few cards is looked up through it, while a text in
many is left to LIKE, which reaches the page's last card in deck order sooner than the index lists
them all. PostgreSQL's planner uses its trigram index for ILIKE by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from trainer.content.query import Query, Term, region_roots
from trainer.store.readers import Executor, _in, as_day, as_instant
from trainer.store.text_index import excluded_condition, match_condition, match_count_sql, text_match, worth_counting

__all__ = ["SORTS", "HistoryRow", "SearchRow", "SearchResult", "card_history", "missed_since", "search_cards"]

SORTS = {
    "deck": ("card", "card.deck_id, card.position"),
    "due": ("cardstate", "cardstate.due_day, cardstate.position"),
    "interval": ("cardstate", "cardstate.interval, cardstate.position"),
    "ease": ("cardstate", "cardstate.easiness, cardstate.position"),
    "lapses": ("cardstate", "cardstate.lapses, cardstate.position"),
}
"""The orders Browse can sort by: the table that drives the query, and its ORDER BY (ascending;
SQLite puts never-answered cards, whose due day is NULL, first)."""

_NOT_BURIED = "(cardstate.buried_until IS NULL OR cardstate.buried_until <= :today)"

_STATE_SQL = {
    "new": "cardstate.introduced_day IS NULL",
    "learning": "cardstate.introduced_day IS NOT NULL AND cardstate.repetitions = 0",
    "drilling": "cardstate.drill",
    "due": f"cardstate.due_day <= :today AND NOT cardstate.suspended AND {_NOT_BURIED}",
    "notdue": "cardstate.due_day > :today",
    "suspended": "cardstate.suspended",
    "leech": "cardstate.leech",
    "buried": "cardstate.buried_until IS NOT NULL AND cardstate.buried_until > :today",
    "flagged": "cardstate.flag <> ''",
}
"""What each `is:` state means, as a condition on the card's state for one profile. The rare states
are written as the terms of `ix_cardstate_marked`'s WHERE (`buried_until IS NOT NULL` is redundant
but lets the planner see that the partial index holds every buried card)."""

_MARKS = frozenset({"suspended", "leech", "drilling", "flagged", "buried"})
"""Rare states: the partial index `ix_cardstate_marked` holds exactly the card states that may have them."""

_INDEXED_STATES = _MARKS | {"new"}
"""States an index finds without reading every card state of the profile: the marks (partial index)
and new cards (`ix_cardstate_new`). Due and not due match a tenth of the cards or more: scanning
the states once into a set and the cards in deck order costs less than a lookup per match."""

_COUNTED = 2_000
"""A search reading the cards in order takes up to this many ids in one pass (their count is the
total); beyond, it counts the rest with a second query."""

_MANY = 12_000
"""Above this many matching card states, deck order scans the cards (ix_card_order) and stops at
the page's last card; up to it, the states found through an index are joined to their cards and
sorted, which reads far fewer rows (bench_search.py). Text with other terms: up to this many
cards hold the text, its condition is the text index's; beyond, LIKE's."""

_TEXT_COLUMNS = ("card.prompt", "card.answer", "card.explanation")

_FEW = 3000
"""Up to this many matching card states, deck order looks their cards up one by one; beyond it,
scanning the cards in deck order against the set of states is cheaper (bench_search.py). The
same for a text alone: up to this many cards hold it, they are looked up through the index."""

_CARD_FIELDS = frozenset({"text", "root", "region", "tag", "deck"})
"""Terms answered by the card table alone; the others (is:, flag:) by the card's state."""


@dataclass(frozen=True)
class SearchRow:
    """One card found, with what the Browse table shows."""

    card_id: str
    deck_id: str
    prompt: str
    answer: str
    due_day: date | None
    interval: int
    easiness: float
    lapses: int
    introduced: bool
    suspended: bool
    leech: bool
    buried: bool
    flag: str


@dataclass(frozen=True)
class SearchResult:
    """The first `limit` cards found, in order, and how many matched in all."""

    rows: list[SearchRow]
    total: int


def _like(value: str) -> str:
    """A LIKE pattern finding `value` anywhere (its own % and _ escaped)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _condition(term: Term, index: int, params: dict[str, Any], like: str) -> str:
    """One term as a SQL condition (its parameters added to `params`)."""
    name = f"q{index}"
    if term.field == "text":
        params[name] = _like(term.value)
        sql = " OR ".join(f"{column} {like} :{name} ESCAPE '\\'" for column in _TEXT_COLUMNS)
        sql = f"({sql})"
    elif term.field == "root":
        params[name] = term.value
        sql = f"card.answer_root = :{name}"
    elif term.field == "region":
        sql = f"card.answer_root IN {_in(name + '_', region_roots(term.value), params)}"
    elif term.field == "tag":
        # Tags are a JSON list of strings: the quoted tag finds whole tags only.
        params[name] = _like(json.dumps(term.value))
        sql = f"CAST(card.tags AS TEXT) {like} :{name} ESCAPE '\\'"
    elif term.field == "deck":
        params[name] = term.value
        sql = f"card.deck_id = :{name}"
    elif term.field == "flag":
        params[name] = "" if term.value == "none" else term.value
        # The redundant "<> ''" names the partial index ix_cardstate_marked (flagged cards only).
        sql = f"cardstate.flag = :{name}" if term.value == "none" else f"(cardstate.flag = :{name} AND cardstate.flag <> '')"
    else:
        sql = f"({_STATE_SQL[term.value]})"
    # COALESCE: a condition on a NULL column (a new card's due day) is unknown, and NOT unknown is
    # unknown too; its opposite must still find the card.
    return f"NOT COALESCE({sql}, FALSE)" if term.negated else sql


def _indexed(term: Term, states: frozenset[str] = _INDEXED_STATES) -> bool:
    """True if an index finds the card states matching `term` (a positive state or colour among `states`)."""
    if term.negated:
        return False
    return (term.field == "is" and term.value in states) or (term.field == "flag" and term.value != "none")


def search_cards(
    executor: Executor,
    query: Query,
    *,
    profile_id: int,
    today: date,
    sort: str = "deck",
    descending: bool = False,
    limit: int = 500,
) -> SearchResult:
    """The cards of a profile matching every term of `query`.

    Args:
        executor: Runs the SQL (a readers executor).
        query: The parsed query.
        profile_id: The student whose states are searched.
        today: The student's study day (due, not due, buried are relative to it).
        sort: One of SORTS.
        descending: Reverse the order.
        limit: At most this many rows are returned (`total` counts them all).
    """
    params: dict[str, Any] = {"profile": profile_id, "today": today, "limit": limit}
    sqlite = getattr(executor, "dialect", "sqlite") == "sqlite"
    # Case-insensitive matching: SQLite's LIKE already is (for ASCII), and calling lower() on
    # every column of 100,000 cards doubles the search time; PostgreSQL needs ILIKE (which its
    # trigram index, when there is one, serves by itself).
    like = "LIKE" if sqlite else "ILIKE"
    driver, order = SORTS[sort]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    indexed = text_match(executor, query.terms) if sqlite else None
    text_total: int | None = None
    if indexed is not None:
        if indexed.impossible:
            return SearchResult(rows=[], total=0)
        excluded = [f"text_not{i}" for i in range(len(indexed.excluded))]
        params.update(zip(excluded, indexed.excluded, strict=True))
        if worth_counting(executor, indexed):
            # The index counts the active cards holding the text: the total of a text-only query,
            # and for any query whether its text is rare enough to be looked up through the index.
            params["text"] = indexed.match
            text_total = int(executor.rows(match_count_sql("text", excluded), params)[0][0])
            if text_total == 0:
                return SearchResult(rows=[], total=0)
    text_only = text_total is not None and indexed is not None and len(indexed.terms) == len(query.terms)
    # A text found in many cards: LIKE, testing the cards in order, reaches the page's last card
    # sooner than the index lists them all (then it is only used to count them, above).
    looked_up = text_total is not None and text_total <= (_FEW if text_only and driver == "card" else _MANY)
    on_card = ["card.retired_at IS NULL"]
    on_state = ["cardstate.profile_id = :profile"]
    for index, term in enumerate(query.terms):
        if indexed is not None and index in indexed.terms and (term.negated or looked_up):
            continue  # a condition on the index, below
        (on_card if term.field in _CARD_FIELDS else on_state).append(_condition(term, index, params, like))
    if indexed is not None:
        on_card += [excluded_condition(name) for name in excluded]
        if looked_up:
            on_card.append(match_condition("text"))
    card_where = " AND ".join(on_card)
    if text_only and text_total is not None and driver == "card":
        # Text alone, in deck order: the total is known; the page is the index's cards sorted, or
        # (a common text) the cards in order up to the page's last match.
        ids_sql = f"SELECT card.id AS found_id FROM card WHERE {card_where} ORDER BY {order} LIMIT :limit"
        return _page(executor, ids_sql, order, params, text_total, today)
    state_where = " AND ".join(on_state)
    # `+` on the profile: a set of card states is read by scanning the table (small rows), not
    # through an index on the profile with one table lookup per row (three times slower).
    state_scan = state_where.replace("cardstate.profile_id", "+cardstate.profile_id", 1)
    card_terms, state_terms = len(on_card) > 1, len(on_state) > 1
    state_terms_all = [term for term in query.terms if term.field not in _CARD_FIELDS]
    if driver == "card" and state_terms_all and all(_indexed(term) for term in state_terms_all):
        # The states come from an index: count them with their cards (all terms), and page from
        # them unless they are many (then the deck-order scan below stops sooner).
        states = "cardstate"
        if sqlite and any(_indexed(t, _MARKS) for t in state_terms_all):
            # Without ANALYZE statistics SQLite's planner cannot tell that the partial index is
            # small, and walks a full index of the profile instead (40 times slower).
            states = "cardstate INDEXED BY ix_cardstate_marked"
        joined = f"FROM {states} CROSS JOIN card WHERE {state_where} AND card.id = cardstate.card_id AND {card_where}"
        total = int(executor.rows(f"SELECT count(*) {joined}", params)[0][0])
        if total <= _MANY:
            ids_sql = f"SELECT cardstate.card_id AS found_id {joined} ORDER BY {order} LIMIT :limit"
            return _page(executor, ids_sql, order, params, total, today)
    # `id || ''` keeps SQLite's planner from turning "IN (subquery)" into one index probe per
    # subquery row (100,000 probes, 1.5 s): it scans the other table and tests each row against
    # the set. Retired cards are few, so leaving them out is a small NOT IN set.
    state_set = f"card.id || '' IN (SELECT cardstate.card_id FROM cardstate WHERE {state_scan})"
    if card_terms:
        card_set = f"cardstate.card_id || '' IN (SELECT card.id FROM card WHERE {card_where})"
    else:
        card_set = "cardstate.card_id NOT IN (SELECT card.id FROM card WHERE card.retired_at IS NOT NULL)"
    if card_terms or not state_terms:
        count_sql = f"SELECT count(*) FROM card WHERE {card_where}" + (f" AND {state_set}" if state_terms else "")
        total = None  # counted only if the page is full (a text search usually finds a few cards)
    else:
        # State terms alone: count first (cheap), it decides how the page is read.
        total = int(executor.rows(f"SELECT count(*) FROM cardstate WHERE {state_scan} AND {card_set}", params)[0][0])
    # The rows: the sort's table drives, read in index order where it can stop at the limit.
    if driver == "card" and (total is None or total > _FEW):
        ids_sql = f"SELECT card.id AS found_id FROM card WHERE {card_where}" + (f" AND {state_set}" if state_terms else "")
    elif driver == "card":
        # Few matching states and deck order: look up only their cards.
        ids_sql = (
            "SELECT cardstate.card_id AS found_id FROM cardstate JOIN card ON card.id = cardstate.card_id "
            f"WHERE {state_scan} AND {card_set}"
        )
    else:
        ids_sql = f"SELECT cardstate.card_id AS found_id FROM cardstate WHERE {state_where} AND {card_set}"
    if total is None and not state_terms:
        # Card terms alone: the page stops at its last card; counted only if it is full.
        found = _page(executor, f"{ids_sql} ORDER BY {order} LIMIT :limit", order, params, -1, today)
        total = len(found.rows) if len(found.rows) < limit else int(executor.rows(count_sql, params)[0][0])
        return SearchResult(rows=found.rows, total=total)
    if total is None:
        # Card and state terms: one pass finds the ids in order, up to _COUNTED of them: their
        # number is the total unless there are more (then counted), and the first `limit` are the
        # page. A page read with LIMIT and then a count would build the set of states twice.
        ids = [row[0] for row in executor.rows(f"{ids_sql} ORDER BY {order} LIMIT :counted", {**params, "counted": _COUNTED})]
        total = len(ids) if len(ids) < _COUNTED else int(executor.rows(count_sql, params)[0][0])
        page = ", ".join(f":page{i}" for i in range(limit))  # always `limit` names: one SQL text
        params.update({f"page{i}": ids[i] if i < len(ids) else None for i in range(limit)})
        ids_sql = f"SELECT card.id AS found_id FROM card WHERE card.id IN ({page})"
        return _page(executor, ids_sql, order, params, total if ids else 0, today)
    return _page(executor, f"{ids_sql} ORDER BY {order} LIMIT :limit", order, params, total, today)


def _page(executor: Executor, ids_sql: str, order: str, params: dict[str, Any], total: int, today: date) -> SearchResult:
    """The page of cards `ids_sql` finds (in `order`), with their states; `total` as given (0: no read,
    -1: not known yet)."""
    sql = (
        "SELECT card.id, card.deck_id, card.prompt, card.answer, cardstate.due_day, cardstate.interval, "
        "cardstate.easiness, cardstate.lapses, cardstate.introduced_day, cardstate.suspended, cardstate.leech, "
        # The page of ids first, then its cards and states by key: CROSS JOIN keeps that order
        # in SQLite (its planner otherwise walks every state of the profile); portable SQL.
        f"cardstate.buried_until, cardstate.flag FROM ({ids_sql}) AS found CROSS JOIN card CROSS JOIN cardstate "
        "WHERE card.id = found.found_id AND cardstate.profile_id = :profile AND cardstate.card_id = found.found_id "
        f"ORDER BY {order}"
    )
    rows = executor.rows(sql, params) if total != 0 else []
    found = [
        SearchRow(
            card_id=row[0],
            deck_id=row[1],
            prompt=row[2],
            answer=row[3],
            due_day=as_day(row[4]),
            interval=int(row[5]),
            easiness=float(row[6]),
            lapses=int(row[7]),
            introduced=row[8] is not None,
            suspended=bool(row[9]),
            leech=bool(row[10]),
            buried=(buried := as_day(row[11])) is not None and buried > today,
            flag=row[12] or "",
        )
        for row in rows
    ]
    return SearchResult(rows=found, total=total)


@dataclass(frozen=True)
class HistoryRow:
    """One answer to a card, as Card info lists it."""

    reviewed_at: datetime
    study_day: date
    quality: int
    response_ms: int | None
    response: str | None
    verdict: str | None
    queue: str
    interval_after: int
    easiness_after: float


def card_history(executor: Executor, *, profile_id: int, card_id: str) -> list[HistoryRow]:
    """Every answer a profile gave to a card, oldest first."""
    rows = executor.rows(
        "SELECT review.reviewed_at, review.study_day, review.quality, review.response_ms, review.response, "
        "review.verdict, review.queue, review.interval_after, review.easiness_after FROM review "
        "WHERE review.profile_id = :profile AND review.card_id = :card ORDER BY review.id",
        {"profile": profile_id, "card": card_id},
    )
    return [
        HistoryRow(
            reviewed_at=as_instant(row[0]),  # type: ignore[arg-type]
            study_day=as_day(row[1]),  # type: ignore[arg-type]
            quality=int(row[2]),
            response_ms=None if row[3] is None else int(row[3]),
            response=row[4],
            verdict=row[5],
            queue=row[6],
            interval_after=int(row[7]),
            easiness_after=float(row[8]),
        )
        for row in rows
    ]



def missed_since(executor: Executor, *, profile_id: int, since: date) -> list[str]:
    """Cards (not retired, not suspended) a profile answered with a failing grade (< 3) on or
    after `since`, the most recently missed first."""
    rows = executor.rows(
        "SELECT review.card_id, max(review.id) AS latest FROM review "
        "JOIN cardstate ON cardstate.card_id = review.card_id AND cardstate.profile_id = review.profile_id "
        "JOIN card ON card.id = review.card_id WHERE review.profile_id = :profile AND review.study_day >= :since "
        "AND review.quality < 3 AND card.retired_at IS NULL AND NOT cardstate.suspended "
        "GROUP BY review.card_id ORDER BY latest DESC",
        {"profile": profile_id, "since": since},
    )
    return [row[0] for row in rows]
