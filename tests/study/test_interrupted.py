"""A session cut short (a dropped object, a killed process) loses nothing and repeats nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlmodel import func, select

from trainer.clock import SystemClock
from trainer.store.db import open_store
from trainer.store.models import CardState, Review
from trainer.study.review import open_session

LONDON = ZoneInfo("Europe/London")


def test_a_session_dropped_halfway_resumes_without_reshowing_answered_cards(db_url: str, make_deck, import_deck) -> None:
    """Reopened on the same database, the queue holds the unanswered cards, then the due repeats."""
    url = db_url
    store = open_store(url)
    deck = make_deck(6)
    ids = [c.id for c in deck.cards]
    import_deck(store, deck)
    with freeze_time(datetime(2026, 1, 10, 9, tzinfo=LONDON)) as frozen:
        first_day = open_session(store, SystemClock("Europe/London"))
        for cid in ids:
            first_day.answer(cid, 5, 2000)
        frozen.move_to(datetime(2026, 1, 11, 9, tzinfo=LONDON))
        session = open_session(store, SystemClock("Europe/London"))
        graded = {ids[0]: 5, ids[1]: 1, ids[2]: 3}  # a pass, a lapse, a drill
        for cid, quality in graded.items():
            assert session.next_card().card.id == cid
            session.answer(cid, quality, 2000)
        del session
        store.close()  # the window is closed mid-session

        store = open_store(url)
        resumed = open_session(store, SystemClock("Europe/London"))
        shown = []
        while (card := resumed.next_card()) is not None:
            shown.append((card.card.id, card.queue))
            resumed.answer(card.card.id, 5 if card.queue == "due" else 4, 2000)
    assert shown == [(ids[3], "due"), (ids[4], "due"), (ids[5], "due"), (ids[1], "repeat"), (ids[2], "repeat")]
    with store.session() as db:
        day2 = db.exec(select(func.count()).select_from(Review).where(Review.study_day == date(2026, 1, 11))).one()
        states = {s.card_id: s for s in db.exec(select(CardState))}
    store.close()
    assert day2 == 8  # 3 before the interruption, 5 after: nothing lost, nothing doubled
    assert all(s.due_day > date(2026, 1, 11) for s in states.values())


def test_an_answer_reported_as_recorded_survives_the_process_being_killed(db_url: str, make_deck, import_deck) -> None:
    """SIGKILL right after answer() returns: the answer is in the database."""
    store = open_store(db_url)
    deck = make_deck(2)
    import_deck(store, deck)
    store.close()
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from datetime import UTC, datetime
        from trainer.clock import FixedClock
        from trainer.store.db import open_store
        from trainer.study.review import open_session
        store = open_store({db_url!r})
        session = open_session(store, FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC)))
        session.answer({deck.cards[0].id!r}, 4, 1234)
        print("recorded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout == "recorded\n"
    store = open_store(db_url)
    with store.session() as session:
        review = session.exec(select(Review)).one()
        state = session.get(CardState, (1, deck.cards[0].id))
    store.close()
    assert (review.card_id, review.quality, review.response_ms) == (deck.cards[0].id, 4, 1234)
    assert state.due_day == date(2026, 1, 11)
