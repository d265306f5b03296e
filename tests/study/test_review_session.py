"""The review session: queue order, limits, answering, repeats, undo, suspend, leeches, burying."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from trainer.clock import FixedClock
from trainer.content.cards import CompiledDeck, card_id
from trainer.scheduling.sm2 import Sm2State
from trainer.store import repo
from trainer.store.db import open_store
from trainer.store.models import CardState, Review
from trainer.study.review import AnswerOutcome, QueueCounts, StoreError, home_overview, open_session
from trainer.study.session import StudySession
from trainer.study.settings import set_setting

DAY = timedelta(days=1)


def _configure(store, **values: object) -> None:
    with store.session() as session:
        for name, value in values.items():
            set_setting(session, name, str(value))
        session.commit()


def _state(store, cid: str) -> CardState:
    with store.session() as session:
        return session.get(CardState, (1, cid))


def _progress(store, cid: str) -> dict[str, object]:
    """A card's state without its revision counter (which every write bumps, undo included)."""
    return _state(store, cid).model_dump(exclude={"revision"})


def _review_count(store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(Review)).one()


def _drain(session: StudySession, quality: int = 5) -> list[str]:
    """Answer every card left today with one quality; the ids in the order shown."""
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.card.id)
        session.answer(card.card.id, quality, 3000)
        assert len(shown) < 1000, "the queue never ended"
    return shown


class TestQueue:
    """What comes next, and how many are left."""

    def test_new_cards_come_in_deck_order_up_to_the_daily_limit(self, store, clock, make_deck, import_deck) -> None:
        """Twenty new cards a day by default, first in the deck first."""
        deck = make_deck(25)
        import_deck(store, deck)
        session = open_session(store, clock)
        assert session.counts() == QueueCounts(due=0, new=20, repeat=0)
        assert _drain(session) == [c.id for c in deck.cards[:20]]
        assert session.counts() == QueueCounts(due=0, new=0, repeat=0)

    def test_due_reviews_come_before_new_cards_most_overdue_first(self, store, clock, make_deck, import_deck) -> None:
        """Cards due earlier are shown earlier; new cards wait for the due ones."""
        deck = make_deck(4)
        import_deck(store, deck)
        _configure(store, new_per_day=2)
        first_day = open_session(store, clock)
        _drain(first_day)  # cards 0 and 1 are due in 1 day
        clock.advance(DAY)
        _drain(open_session(store, clock), quality=4)  # 0, 1 -> due in 6; 2, 3 -> due in 1
        clock.advance(8 * DAY)
        session = open_session(store, clock)
        card = session.next_card()
        assert card.queue == "due"
        assert card.card.id == deck.cards[2].id  # due 7 days ago, the others 2 days ago
        assert session.counts() == QueueCounts(due=4, new=0, repeat=0)

    def test_the_reviews_per_day_limit_counts_reviews_already_done_today(self, store, clock, make_deck, import_deck) -> None:
        """A limit of 3 allows 3 due reviews today, whichever session answers them."""
        import_deck(store, make_deck(6))
        _drain(open_session(store, clock))
        _configure(store, reviews_per_day=3, new_per_day=0)
        clock.advance(DAY)
        morning = open_session(store, clock)
        assert morning.counts().due == 3
        card = morning.next_card()
        morning.answer(card.card.id, 5, 2000)
        evening = open_session(store, clock)
        assert evening.counts() == QueueCounts(due=2, new=0, repeat=0)
        assert len(_drain(evening)) == 2

    def test_an_empty_queue_gives_none(self, store, clock) -> None:
        """No decks, no cards."""
        session = open_session(store, clock)
        assert session.next_card() is None
        assert session.counts().total == 0

    def test_asking_twice_without_answering_gives_the_same_card(self, store, clock, make_deck, import_deck) -> None:
        """next_card() has no side effect on the queue."""
        import_deck(store, make_deck(3))
        session = open_session(store, clock)
        assert session.next_card() == session.next_card()

    def test_only_the_chosen_decks_are_queued(self, store, clock, make_deck, import_deck) -> None:
        """deck_ids narrows the queue."""
        import_deck(store, make_deck(3, deck_id="one"))
        other = make_deck(2, deck_id="two")
        import_deck(store, other)
        session = open_session(store, clock, deck_ids=["two"])
        assert _drain(session) == [c.id for c in other.cards]


class TestAnswer:
    """Recording an answer."""

    def test_an_answer_is_committed_before_it_returns(self, store, db_url, clock, make_deck, import_deck) -> None:
        """A second connection sees the review row and the new state as soon as answer() returns."""
        deck = make_deck(1)
        import_deck(store, deck)
        session = open_session(store, clock)
        card = session.next_card()
        outcome = session.answer(card.card.id, 4, 2500, response="l4", verdict="correct", given_root="L4")
        assert outcome == AnswerOutcome(
            card_id=card.card.id, quality=4, state=Sm2State(1, 2.5, 1, False), days_until_due=1,
            due_day=date(2026, 1, 11), leech=False,
        )
        other = open_store(db_url)
        with other.session() as db:
            review = db.exec(select(Review)).one()
            state = db.get(CardState, (1, card.card.id))
        other.close()
        assert (review.quality, review.response_ms, review.response, review.verdict) == (4, 2500, "l4", "correct")
        assert (review.given_root, review.expected_root, review.queue, review.is_drill) == ("L4", "L4", "new", False)
        assert (review.repetitions_before, review.easiness_before, review.interval_before) == (0, 2.5, 0)
        assert (review.repetitions_after, review.interval_after, review.due_day_after) == (1, 1, date(2026, 1, 11))
        assert review.reviewed_at == clock.now() and review.study_day == date(2026, 1, 10)
        assert (state.repetitions, state.interval, state.due_day, state.introduced_day) == (1, 1, date(2026, 1, 11), date(2026, 1, 10))

    @pytest.mark.parametrize("quality", [-1, 6, 2.5, True])
    def test_an_invalid_quality_is_refused_and_nothing_is_written(self, store, clock, make_deck, import_deck, quality) -> None:
        """Qualities are whole numbers 0..5; a bad one leaves the database as it was."""
        deck = make_deck(1)
        import_deck(store, deck)
        session = open_session(store, clock)
        with pytest.raises(ValueError):
            session.answer(deck.cards[0].id, quality, 1000)
        assert _review_count(store) == 0
        assert _state(store, deck.cards[0].id).introduced_day is None

    def test_an_unknown_card_is_refused(self, store, clock) -> None:
        """Answering a card that is not in the store is a ValueError."""
        with pytest.raises(ValueError, match="Unknown card"):
            open_session(store, clock).answer("nope:000000000000", 4, 1000)

    def test_a_grade_of_3_repeats_the_card_today_until_it_scores_4(self, store, clock, make_deck, import_deck) -> None:
        """sm2.md rule 5: a drill, marked as such in the log."""
        deck = make_deck(1)
        import_deck(store, deck)
        session = open_session(store, clock)
        cid = deck.cards[0].id
        assert session.answer(cid, 3, 1000).days_until_due == 0
        card = session.next_card()
        assert (card.card.id, card.queue, card.state.drill) == (cid, "repeat", True)
        assert session.answer(cid, 3, 1000).days_until_due == 0
        assert session.next_card().card.id == cid
        assert session.answer(cid, 4, 1000).due_day == date(2026, 1, 11)
        assert session.next_card() is None
        with store.session() as db:
            drills = [r.is_drill for r in db.exec(select(Review).order_by(Review.id))]
        assert drills == [False, True, True]

    def test_a_lapse_is_asked_again_today_and_counted(self, store, clock, make_deck, import_deck) -> None:
        """A due card failed: repetitions reset, EF kept, repeated today, one lapse."""
        deck = make_deck(1)
        import_deck(store, deck)
        cid = deck.cards[0].id
        _drain(open_session(store, clock), quality=5)
        clock.advance(DAY)
        session = open_session(store, clock)
        outcome = session.answer(cid, 1, 4000)
        assert outcome.state == Sm2State(0, 2.6, 0, False) and outcome.days_until_due == 0
        assert session.next_card().queue == "repeat"
        session.answer(cid, 2, 4000)  # failing again today is learning, not another lapse
        assert session.answer(cid, 5, 4000).days_until_due == 1
        assert _state(store, cid).lapses == 1


class TestUndo:
    """Taking answers back."""

    def test_undo_restores_several_answers_exactly_in_reverse_order(self, store, clock, make_deck, import_deck) -> None:
        """Three undos restore three cards' states exactly and delete three review rows."""
        deck = make_deck(3)
        import_deck(store, deck)
        _drain(open_session(store, clock), quality=5)
        clock.advance(DAY)
        originals = {c.id: _progress(store, c.id) for c in deck.cards}
        session = open_session(store, clock)
        answered = []
        for quality in (1, 3, 5):
            card = session.next_card()
            answered.append(card.card.id)
            session.answer(card.card.id, quality, 1000)
        assert _review_count(store) == 6
        assert [session.undo(), session.undo(), session.undo()] == answered[::-1]
        assert session.undo() is None
        assert _review_count(store) == 3
        assert {c.id: _progress(store, c.id) for c in deck.cards} == originals
        assert session.summary().reviewed == 0
        assert session.next_card().card.id == answered[0]

    def test_undoing_a_new_card_gives_the_new_card_back(self, store, clock, make_deck, import_deck) -> None:
        """The new/day count goes back down too (it is derived from the state)."""
        deck = make_deck(2)
        import_deck(store, deck)
        _configure(store, new_per_day=1)
        session = open_session(store, clock)
        session.answer(deck.cards[0].id, 5, 1000)
        assert session.counts().new == 0
        session.undo()
        assert session.counts().new == 1
        assert _state(store, deck.cards[0].id).introduced_day is None

    def test_undo_after_another_window_answered_the_card_is_refused_and_keeps_its_answer(self, store, clock, make_deck, import_deck) -> None:
        """Window 1 answers, window 2 answers the same card, window 1 undoes: window 2's answer and its schedule stay."""
        deck = make_deck(3)
        import_deck(store, deck)
        first, second = open_session(store, clock), open_session(store, clock)
        cid = first.next_card().card.id
        first.answer(cid, 1, 1000)
        second.answer(cid, 5, 1000)
        after_second = _progress(store, cid)
        assert first.undo() is None
        assert "another window" in first.undo_problem
        assert _progress(store, cid) == after_second
        assert _review_count(store) == 2
        assert first.undo() is None and first.undo_problem is None  # nothing else to undo

    def test_a_refused_undo_does_not_block_the_answers_before_it(self, store, clock, make_deck, import_deck) -> None:
        """The conflicting answer leaves the stack; the next undo takes back the earlier answer."""
        deck = make_deck(3)
        import_deck(store, deck)
        first, second = open_session(store, clock), open_session(store, clock)
        a = first.next_card().card.id
        first.answer(a, 5, 1000)
        b = first.next_card().card.id
        first.answer(b, 5, 1000)
        second.answer(b, 4, 1000)
        assert first.undo() is None
        assert first.undo() == a
        assert _state(store, a).introduced_day is None

    def test_undo_after_suspend_keeps_the_card_suspended(self, store, clock, make_deck, import_deck) -> None:
        """Answer, suspend, undo: the answer is taken back but the card stays suspended."""
        deck = make_deck(2)
        import_deck(store, deck)
        session = open_session(store, clock)
        cid = session.next_card().card.id
        session.answer(cid, 5, 1000)
        session.suspend(cid)
        assert session.undo() == cid
        state = _state(store, cid)
        assert state.suspended is True
        assert (state.repetitions, state.introduced_day) == (0, None)
        assert _review_count(store) == 0
        assert session.next_card().card.id != cid

    def test_two_answers_to_the_same_card_undo_one_after_the_other(self, store, clock, make_deck, import_deck) -> None:
        """A lapse and its repeat today are both undone; the card is new again."""
        deck = make_deck(1)
        import_deck(store, deck)
        original = _progress(store, deck.cards[0].id)
        session = open_session(store, clock)
        cid = deck.cards[0].id
        session.answer(cid, 1, 1000)
        session.answer(cid, 4, 1000)
        assert [session.undo(), session.undo()] == [cid, cid]
        assert _progress(store, cid) == original
        assert _review_count(store) == 0

    def test_undoing_the_answer_that_made_a_leech_takes_the_leech_back(self, store, clock, make_deck, import_deck) -> None:
        """The leech flag and its automatic suspension belong to that answer."""
        deck = make_deck(1)
        import_deck(store, deck)
        _configure(store, leech_threshold=1)
        cid = deck.cards[0].id
        open_session(store, clock).answer(cid, 5, 1000)
        clock.advance(DAY)
        session = open_session(store, clock)
        assert session.answer(cid, 0, 1000).leech
        assert _state(store, cid).suspended
        session.undo()
        state = _state(store, cid)
        assert (state.leech, state.suspended, state.lapses) == (False, False, 0)


class TestSuspendAndLeeches:
    """Taking cards out of the queue, by hand or as leeches."""

    def test_a_suspended_card_is_not_shown_until_unsuspended(self, store, clock, make_deck, import_deck) -> None:
        """Suspend skips the card; unsuspend puts it back."""
        deck = make_deck(2)
        import_deck(store, deck)
        session = open_session(store, clock)
        session.suspend(deck.cards[0].id)
        assert session.next_card().card.id == deck.cards[1].id
        assert session.counts().new == 1
        session.unsuspend(deck.cards[0].id)
        assert session.next_card().card.id == deck.cards[0].id

    def test_a_card_lapsing_to_the_threshold_becomes_a_suspended_leech(self, store, clock, make_deck, import_deck) -> None:
        """With a threshold of 3, the third lapse flags and suspends the card, once."""
        deck = make_deck(1)
        import_deck(store, deck)
        _configure(store, leech_threshold=3)
        cid = deck.cards[0].id
        _drain(open_session(store, clock))
        leeches = []
        for _ in range(3):
            clock.advance(DAY)
            session = open_session(store, clock)
            leeches.append(session.answer(cid, 0, 1000).leech)
            _drain(session, quality=5)
        assert leeches == [False, False, True]
        state = _state(store, cid)
        assert (state.lapses, state.leech, state.suspended) == (3, True, True)
        clock.advance(DAY)
        assert open_session(store, clock).next_card() is None

    def test_the_default_leech_threshold_is_eight(self, store, clock) -> None:
        """Eight lapses, as the issue says."""
        assert open_session(store, clock).settings.leech_threshold == 8


class TestBurySiblings:
    """Cards from the same fact are not asked on the same day while anything else is left."""

    def _deck(self, make_card, make_deck) -> CompiledDeck:
        a = card_id("test", "keypoint-to-root", "dermatome:L4")
        b = card_id("test", "root-to-keypoint", "dermatome:L4")
        cards = (
            make_card("test", "dermatome:L4", template="keypoint-to-root", siblings=(b,)),
            make_card("test", "dermatome:L4", template="root-to-keypoint", siblings=(a,)),
            make_card("test", "dermatome:L5", root="L5"),
        )
        return dataclasses.replace(make_deck(0), cards=cards)

    def test_a_sibling_waits_until_everything_else_is_done(self, store, clock, make_card, make_deck, import_deck) -> None:
        """Order: L4 card, then L5 (the L4 sibling is buried), then the sibling as a last resort."""
        deck = self._deck(make_card, make_deck)
        import_deck(store, deck)
        assert _drain(open_session(store, clock)) == [deck.cards[0].id, deck.cards[2].id, deck.cards[1].id]

    def test_a_buried_new_card_gives_way_to_the_next_within_the_daily_limit(self, store, clock, make_card, make_deck, import_deck) -> None:
        """With one new card left today, the L5 card is shown instead of the buried L4 sibling."""
        deck = self._deck(make_card, make_deck)
        import_deck(store, deck)
        _configure(store, new_per_day=2)
        session = open_session(store, clock)
        session.answer(deck.cards[0].id, 5, 1000)
        assert session.next_card().card.id == deck.cards[2].id
        session.answer(deck.cards[2].id, 5, 1000)
        assert session.next_card() is None  # the limit is used up; the sibling waits for tomorrow

    def test_a_buried_card_is_shown_when_only_buried_cards_are_left(self, store, clock, make_card, make_deck, import_deck) -> None:
        """With one new card allowed and only the buried sibling left, the sibling is shown."""
        deck = self._deck(make_card, make_deck)
        import_deck(store, dataclasses.replace(deck, cards=deck.cards[:2]))
        _configure(store, new_per_day=2)
        session = open_session(store, clock)
        session.answer(deck.cards[0].id, 5, 1000)
        card = session.next_card()
        assert (card.card.id, card.queue) == (deck.cards[1].id, "new")

    def test_a_repeat_comes_before_a_buried_sibling(self, store, clock, make_card, make_deck, import_deck) -> None:
        """A drilled card is "something else left", so the sibling still waits."""
        deck = self._deck(make_card, make_deck)
        import_deck(store, deck)
        session = open_session(store, clock)
        session.answer(deck.cards[0].id, 5, 1000)
        session.answer(deck.cards[2].id, 3, 1000)  # the L5 card: a drill, asked again today
        assert session.next_card().card.id == deck.cards[2].id


class TestStaleAndSummary:
    """Two windows, and the end-of-session report."""

    def test_an_answer_from_a_stale_window_is_recorded_on_the_current_state(self, store, clock, make_deck, import_deck) -> None:
        """Both answers are kept; the second is scheduled from the first one's result."""
        deck = make_deck(1)
        import_deck(store, deck)
        window_a, window_b = open_session(store, clock), open_session(store, clock)
        cid = window_a.next_card().card.id
        assert window_b.next_card().card.id == cid
        window_a.answer(cid, 3, 1000)  # a drill from a fresh state
        outcome = window_b.answer(cid, 5, 1000)  # shown as new, but now a drill: it ends the drill
        assert outcome.state == Sm2State(1, 2.36, 1, False) and outcome.days_until_due == 1
        assert _review_count(store) == 2

    def test_refresh_counts_the_other_windows_answers_and_keeps_the_card_on_screen(self, store, clock, make_deck, import_deck) -> None:
        """Window A answers two cards; after B refreshes, B's counts leave them out and B's card stays put."""
        deck = make_deck(4)
        import_deck(store, deck)
        window_a, window_b = open_session(store, clock), open_session(store, clock)
        on_screen = window_b.next_card()
        window_a.answer(deck.cards[0].id, 5, 1000)
        window_a.answer(deck.cards[1].id, 5, 1000)
        assert window_b.counts().new == 4  # from memory: B has not looked yet
        window_b.refresh()
        assert window_b.counts().new == 2
        assert window_b.current == on_screen
        outcome = window_b.answer(on_screen.card.id, 5, 1000)
        assert outcome.elsewhere and _state(store, on_screen.card.id).interval == 1

    def test_an_answer_racing_another_window_is_reapplied_on_top_of_it(self, store, clock, make_deck, import_deck, monkeypatch) -> None:
        """Window A commits between window B's read and write: B's write is refused, re-read, re-applied."""
        deck = make_deck(1)
        import_deck(store, deck)
        cid = deck.cards[0].id
        window_a, window_b = open_session(store, clock), open_session(store, clock)
        real_write = repo.write_progress
        raced: list[bool] = []

        def race_then_write(connection, **values):
            if not raced:
                raced.append(True)
                window_a.answer(cid, 3, 1000)  # commits after B has read the state, before B writes
            return real_write(connection, **values)

        window_b.next_card()
        monkeypatch.setattr(repo, "write_progress", race_then_write)
        outcome = window_b.answer(cid, 5, 1000)
        assert outcome.state == Sm2State(1, 2.36, 1, False) and outcome.days_until_due == 1
        with store.session() as db:
            qualities = [(r.quality, r.repetitions_before, r.drill_before) for r in db.exec(select(Review).order_by(Review.id))]
        assert qualities == [(3, 0, False), (5, 1, True)]
        assert (_state(store, cid).repetitions, _state(store, cid).drill) == (1, False)

    def test_a_card_that_keeps_changing_elsewhere_is_reported_not_half_recorded(self, store, clock, make_deck, import_deck, monkeypatch) -> None:
        """If every attempt is overtaken by another window's change, answer() raises and writes nothing."""
        deck = make_deck(1)
        import_deck(store, deck)
        cid = deck.cards[0].id
        window_a, window_b = open_session(store, clock), open_session(store, clock)
        real_write = repo.write_progress
        suspended = [False]

        def always_overtaken(connection, **values):
            # Window A changes the card (suspends or unsuspends it) just before each of B's writes.
            suspended[0] = not suspended[0]
            (window_a.suspend if suspended[0] else window_a.unsuspend)(cid)
            return real_write(connection, **values)

        monkeypatch.setattr(repo, "write_progress", always_overtaken)
        with pytest.raises(StoreError, match="another window"):
            window_b.answer(cid, 5, 1000)
        assert _review_count(store) == 0  # nothing of B's was written
        assert window_b.summary().reviewed == 0

    def test_the_summary_lists_misses_confusions_and_what_is_due_next(self, store, clock, make_deck, import_deck) -> None:
        """Missed roots and (expected, given) pairs come from this session's answers only."""
        deck = make_deck(3, roots=("L4", "L5", "S1"))
        import_deck(store, deck)
        clock.advance(timedelta(minutes=1))
        session = open_session(store, clock)
        session.answer(deck.cards[0].id, 1, 1000, given_root="L5")
        session.answer(deck.cards[0].id, 1, 1000, given_root="L5")
        session.answer(deck.cards[0].id, 5, 1000, given_root="L4")
        session.answer(deck.cards[1].id, 0, 1000)
        session.answer(deck.cards[1].id, 4, 1000, given_root="L5")
        session.answer(deck.cards[2].id, 3, 1000, given_root="S1")
        clock.advance(timedelta(minutes=2))
        summary = session.summary()
        assert (summary.reviewed, summary.correct) == (6, 3)
        assert summary.accuracy == pytest.approx(0.5)
        assert summary.elapsed_s == 120
        assert summary.missed_roots == [("L4", 2), ("L5", 1)]
        assert summary.confusions == [("L4", "L5", 2)]
        assert summary.next_due == date(2026, 1, 11)
        assert summary.due_tomorrow == 3  # two due tomorrow, one drill left over from today


class TestHomeOverview:
    """The Home screen's numbers."""

    def test_a_fresh_store_shows_new_cards_and_a_default_estimate(self, store, clock, make_deck, import_deck) -> None:
        """No history: 8 seconds per card, no streak."""
        import_deck(store, make_deck(30))
        home = home_overview(store, clock, profile_id=1)
        assert home.counts == QueueCounts(due=0, new=20, repeat=0)
        assert (home.streak, home.reviewed_today, home.minutes) == (0, 0, 3)  # 20 x 8 s = 2.7 min
        assert [tuple(d) for d in home.decks] == [("test", "Test deck", 30, 0)]

    def test_a_removed_deck_is_not_listed(self, store, clock, make_deck, import_deck) -> None:
        """`deck remove` retires every card of a deck: Home lists only the decks left to study."""
        from trainer.study.deck_admin import remove_deck

        import_deck(store, make_deck(30))
        import_deck(store, make_deck(5, deck_id="extra", title="Extra deck"))
        assert [d.id for d in home_overview(store, clock, profile_id=1).decks] == ["extra", "test"]
        remove_deck(store, "extra", now=clock.now())
        assert [tuple(d) for d in home_overview(store, clock, profile_id=1).decks] == [("test", "Test deck", 30, 0)]

    def test_the_streak_counts_consecutive_study_days_ending_yesterday_or_today(self, store, clock, make_deck, import_deck) -> None:
        """Three days in a row, then a gap: the streak is 3 today and tomorrow, 0 after."""
        import_deck(store, make_deck(30))
        _configure(store, new_per_day=2)
        for _ in range(3):
            _drain(open_session(store, clock))
            clock.advance(DAY)
        assert home_overview(store, clock, profile_id=1).streak == 3  # nothing yet today: the streak ends yesterday
        session = open_session(store, clock)
        session.answer(session.next_card().card.id, 5, 30_000)
        home = home_overview(store, clock, profile_id=1)
        assert (home.streak, home.reviewed_today) == (4, 1)
        clock.advance(2 * DAY)
        assert home_overview(store, clock, profile_id=1).streak == 0

    def test_the_estimate_follows_the_students_own_pace(self, store, clock, make_deck, import_deck) -> None:
        """After many 30 s answers, 23 cards take about 13 minutes (30 s + 4 s reading each)."""
        import_deck(store, make_deck(60))
        session = open_session(store, clock)
        for _ in range(3):
            session.answer(session.next_card().card.id, 5, 30_000)
        clock.advance(DAY)
        home = home_overview(store, clock, profile_id=1)
        assert home.counts.total == 23
        assert home.minutes == 6  # three answers only: (3 x 34 s + 10 x 8 s) / 13 = 14 s a card
        from trainer.study.overview import seconds_per_card

        assert seconds_per_card([30_000] * 500) == pytest.approx(33.5, abs=0.1)

    def test_one_quick_first_answer_does_not_collapse_the_estimate(self, store, clock, make_deck, import_deck) -> None:
        """A 0.9 s first answer leaves 19 new cards at about 3 minutes, not 1."""
        import_deck(store, make_deck(60))
        session = open_session(store, clock)
        session.answer(session.next_card().card.id, 5, 900)
        home = home_overview(store, clock, profile_id=1)
        assert home.counts.total == 19
        assert home.minutes == 3


def test_study_days_follow_the_clock_zone_and_rollover(store, make_deck, import_deck) -> None:
    """At 02:00 local the study day is still yesterday's."""
    import_deck(store, make_deck(1))
    clock = FixedClock(datetime(2026, 1, 11, 2, 0, tzinfo=UTC))
    assert open_session(store, clock).today() == date(2026, 1, 10)
