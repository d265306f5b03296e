"""Search, card info and card actions (with undo) on a small fixture collection, checked in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from trainer.clock import FixedClock
from trainer.content.cards import Card, CompiledDeck, DeckInfo, SourceRef
from trainer.content.query import QueryError, parse_query, region_roots
from trainer.store.models import CardState
from trainer.study.collection import (
    UNDO_REFUSED,
    ActionError,
    apply_action,
    card_info,
    search,
    undo_action,
)
from trainer.study.review import open_session

from ..conftest import LONDON, make_card


def _card(deck: str, key: str, root: str, tags: tuple[str, ...], prompt: str) -> Card:
    return make_card(deck, key, template="t", root=root, prompt=prompt, explanation=f"The answer is {root}.", tags=tags)


CARDS = {
    "l4": _card("alpha", "l4", "L4", ("dermatome", "lumbar"), "Medial malleolus?"),
    "l5": _card("alpha", "l5", "L5", ("dermatome", "lumbar"), "Dorsum of the foot, big toe?"),
    "s1": _card("alpha", "s1", "S1", ("reflex",), "Ankle jerk (100% of students miss_it)?"),
    "c6": _card("beta", "c6", "C6", ("myotome",), "Wrist extension?"),
    "c7": _card("beta", "c7", "C7", ("myotome", "reflex"), "Triceps reflex?"),
    "t10": _card("beta", "t10", "T10", ("dermatome",), "Umbilicus?"),
}

CLOCK = FixedClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tz=LONDON)
TODAY = date(2026, 1, 10)


def _deck(deck_id: str) -> CompiledDeck:
    cards = tuple(card for card in CARDS.values() if card.deck_id == deck_id)
    info = DeckInfo(id=deck_id, title=deck_id.title(), version="1", sources=(SourceRef(key="SRC", citation="A book, p. 4."),))
    return CompiledDeck(info=info, cards=cards)


@pytest.fixture
def collection(store, import_deck):
    """Six cards in two decks: l4 and l5 answered (l4 due again today after a lapse, l5 in 6 days... ),
    c6 suspended, c7 a leech, t10 buried, s1 flagged red; the rest new."""
    import_deck(store, _deck("alpha"))
    import_deck(store, _deck("beta"))
    session = open_session(store, CLOCK)
    session.answer(CARDS["l4"].id, 1, 3000)  # a lapse: learning, due today again
    session.answer(CARDS["l5"].id, 5, 3000)  # due tomorrow: not due
    apply_action(store, CLOCK, CARDS["c6"].id, "suspend", profile_id=1)
    apply_action(store, CLOCK, CARDS["t10"].id, "bury", profile_id=1)
    apply_action(store, CLOCK, CARDS["s1"].id, "flag", profile_id=1, flag="red")
    with store.session() as db:
        state = db.get(CardState, (1, CARDS["c7"].id))
        state.leech = True
        state.suspended = True
        db.commit()
    return store


def _found(store, query: str, **options) -> set[str]:
    ids = {card.id: name for name, card in CARDS.items()}
    return {ids[row.card_id] for row in search(store, CLOCK, query, profile_id=1, **options).rows}


QUERIES = [
    ("", {"l4", "l5", "s1", "c6", "c7", "t10"}),
    ("root:L5", {"l5"}),
    ("root:l5", {"l5"}),
    ("root:\"l 5\"", {"l5"}),
    ("region:lumbosacral", {"l4", "l5", "s1"}),
    ("region:cervical", {"c6", "c7"}),
    ("tag:myotome", {"c6", "c7"}),
    ("tag:MYOTOME -tag:reflex", {"c6"}),
    ("tag:myo", set()),  # whole tags only
    ("deck:beta", {"c6", "c7", "t10"}),
    ("is:new", {"s1", "c6", "c7", "t10"}),
    ("is:learning", {"l4"}),
    ("is:due", {"l4"}),
    ("is:notdue", {"l5"}),
    ("-is:notdue", {"l4", "s1", "c6", "c7", "t10"}),
    ("is:suspended", {"c6", "c7"}),
    ("is:leech", {"c7"}),
    ("is:buried", {"t10"}),
    ("is:flagged", {"s1"}),
    ("flag:red", {"s1"}),
    ("flag:none", {"l4", "l5", "c6", "c7", "t10"}),
    ("flag:blue", set()),
    ("malleolus", {"l4"}),
    ("MALLEOLUS", {"l4"}),
    ('"big toe"', {"l5"}),
    ("big toe", {"l5"}),
    ("reflex", {"c7"}),  # free text looks at prompt, answer and explanation, not tags
    ("100%", {"s1"}),  # % and _ are literal characters, not wildcards
    ("miss_it", {"s1"}),
    ("s_1", set()),
    ("answer is c6", {"c6"}),
    ("deck:alpha is:due root:L4 -is:suspended", {"l4"}),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q or "(empty)" for q, _ in QUERIES])
def test_search_finds_exactly_the_expected_cards(collection, query: str, expected: set[str]) -> None:
    """Each query of the table finds these cards of the fixture collection and no others."""
    assert _found(collection, query) == expected


BAD = [
    ("foo:bar", 0, "foo: is not a search field"),
    ("root:L5 colour:red", 8, "colour: is not a search field"),
    ("is:dued", 3, "is:dued is not known; use is:new|learning|drilling|due|notdue|suspended|leech|buried|flagged."),
    ("flag:pink", 5, "flag:pink is not known"),
    ("region:neck", 7, "region:neck is not known"),
    ("root:xyz", 5, "'xyz' is not a single spinal root"),
    ("root:L4-5", 5, "is not a single spinal root"),
    ("tag:", 4, "tag: needs a value"),
    ('ankle "jerk', 6, "this quote is never closed"),
    ('""', 0, "this term is empty"),
]


@pytest.mark.parametrize(("query", "column", "words"), BAD, ids=[q for q, _, _ in BAD])
def test_bad_queries_say_where_they_went_wrong(collection, query: str, column: int, words: str) -> None:
    """A bad query raises QueryError (never another exception) naming the column, with a caret under it."""
    with pytest.raises(QueryError) as caught:
        search(collection, CLOCK, query, profile_id=1)
    error = caught.value
    assert error.column == column
    assert words in error.message
    assert error.pointer().splitlines() == [query, " " * column + "^"]


def test_sorting_and_the_limit(collection) -> None:
    """Sort by interval (descending) puts the card passed once first; the limit keeps the total."""
    result = search(collection, CLOCK, "", profile_id=1, sort="interval", descending=True, limit=2)
    assert result.total == 6
    assert len(result.rows) == 2
    assert result.rows[0].card_id == CARDS["l5"].id
    due_first = search(collection, CLOCK, "-is:new", profile_id=1, sort="due")
    assert [row.card_id for row in due_first.rows] == [CARDS["l4"].id, CARDS["l5"].id]


def test_region_roots_are_cranio_caudal() -> None:
    assert region_roots("lumbosacral")[:2] == ("L1", "L2")
    assert "S1" in region_roots("sacral") and "L5" not in region_roots("sacral")
    assert parse_query("-tag:x").terms[0].negated


class TestCardInfo:
    def test_card_info_has_sources_state_and_every_answer(self, collection) -> None:
        """The card as asked, its citation in full, its SM-2 state and each answer with what was typed."""
        session = open_session(collection, CLOCK)
        session.answer(CARDS["l4"].id, 4, 2500, response="L 4", verdict="correct")
        info = card_info(collection, CLOCK, CARDS["l4"].id, profile_id=1)
        assert info is not None
        assert info.card.prompt == "Medial malleolus?"
        assert [s.citation for s in info.sources] == ["A book, p. 4."]
        assert [(h.quality, h.response_ms, h.response) for h in info.history] == [(1, 3000, None), (4, 2500, "L 4")]
        assert all(h.study_day == TODAY for h in info.history)
        assert (info.progress.due_day, info.progress.sm2.interval) == (date(2026, 1, 11), 1)
        assert card_info(collection, CLOCK, "nope", profile_id=1) is None


def _state(store, name: str) -> CardState:
    with store.session() as db:
        return db.get(CardState, (1, CARDS[name].id))


class TestActions:
    @pytest.mark.parametrize(
        ("name", "action", "flag", "column", "after"),
        [
            ("l5", "suspend", "", "suspended", True),
            ("c6", "unsuspend", "", "suspended", False),
            ("c7", "clear_leech", "", "leech", False),
            ("l5", "bury", "", "buried_until", date(2026, 1, 11)),
            ("l5", "flag", "blue", "flag", "blue"),
            ("s1", "flag", "", "flag", ""),
            ("l4", "reset", "", "introduced_day", None),
        ],
    )
    def test_each_action_is_stored_and_undone(self, collection, name, action, flag, column, after) -> None:
        """The action changes its column (bumping the revision); undo restores the column as it was."""
        before = _state(collection, name)
        done = apply_action(collection, CLOCK, CARDS[name].id, action, profile_id=1, flag=flag)
        changed = _state(collection, name)
        assert getattr(changed, column) == after
        assert changed.revision == before.revision + 1
        assert undo_action(collection, done) is None
        restored = _state(collection, name)
        assert restored.model_dump(exclude={"revision"}) == before.model_dump(exclude={"revision"})

    def test_reset_keeps_the_history_and_makes_the_card_new(self, collection) -> None:
        apply_action(collection, CLOCK, CARDS["l4"].id, "reset", profile_id=1)
        state = _state(collection, "l4")
        assert (state.repetitions, state.interval, state.lapses, state.due_day, state.easiness) == (0, 0, 0, None, 2.5)
        info = card_info(collection, CLOCK, CARDS["l4"].id, profile_id=1)
        assert len(info.history) == 1
        assert _found(collection, "is:new root:L4") == {"l4"}

    def test_buried_card_leaves_today_and_returns_tomorrow(self, collection) -> None:
        """A buried new card is not queued today; the next study day it is."""
        queued = lambda clock: {c for c in _queue_ids(collection, clock)}  # noqa: E731
        assert CARDS["s1"].id in queued(CLOCK)
        apply_action(collection, CLOCK, CARDS["s1"].id, "bury", profile_id=1)
        assert CARDS["s1"].id not in queued(CLOCK)
        tomorrow = FixedClock(datetime(2026, 1, 11, 12, 0, tzinfo=UTC), tz=LONDON)
        assert CARDS["s1"].id in queued(tomorrow)

    def test_undo_is_refused_when_the_card_changed_since(self, collection) -> None:
        """Another change after the action: its undo is refused with the reason and writes nothing."""
        done = apply_action(collection, CLOCK, CARDS["l5"].id, "flag", profile_id=1, flag="green")
        apply_action(collection, CLOCK, CARDS["l5"].id, "suspend", profile_id=1)
        assert undo_action(collection, done) == UNDO_REFUSED
        state = _state(collection, "l5")
        assert (state.flag, state.suspended) == ("green", True)

    def test_actions_that_do_not_apply_are_refused(self, collection) -> None:
        with pytest.raises(ActionError, match="not a leech"):
            apply_action(collection, CLOCK, CARDS["l5"].id, "clear_leech", profile_id=1)
        with pytest.raises(ActionError, match="Unknown flag colour"):
            apply_action(collection, CLOCK, CARDS["l5"].id, "flag", profile_id=1, flag="pink")
        with pytest.raises(ActionError, match="Unknown card"):
            apply_action(collection, CLOCK, "nope", "suspend", profile_id=1)


def _queue_ids(store, clock) -> list[str]:
    """Every card today's queue holds (due, new, repeats), read as the session reads it."""
    from trainer.study.queue import TodayQueue
    from trainer.study.settings import Settings

    from trainer.store.readers import Reader, SqlAlchemyExecutor

    with store.engine.connect() as connection:
        reader = Reader(SqlAlchemyExecutor(connection), profile_id=1)
        today = clock.now().astimezone(LONDON).date()
        queue = TodayQueue.read(reader, Settings(), today)
    return [*queue.due, *queue.new, *queue.repeat]


@pytest.mark.parametrize("small", [False, True], ids=["one-pass", "counted-apart"])
def test_every_way_of_reading_a_page_gives_the_same_cards_and_total(collection, monkeypatch, small: bool) -> None:
    """Index-driven or deck-order, total from the ids or from a count: a 2-card page is the start of
    the whole deck-ordered result and the total is its size, for every query of the table."""
    from trainer.store import search as search_sql

    if small:  # force the fallbacks: ids beyond the first one counted apart, every state set "many"
        monkeypatch.setattr(search_sql, "_COUNTED", 1)
        monkeypatch.setattr(search_sql, "_MANY", 0)
    for query, expected in QUERIES:
        whole = search(collection, CLOCK, query, profile_id=1)
        page = search(collection, CLOCK, query, profile_id=1, limit=2)
        assert whole.total == page.total == len(expected), query
        assert [row.card_id for row in page.rows] == [row.card_id for row in whole.rows][:2], query
