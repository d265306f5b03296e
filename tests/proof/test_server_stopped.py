"""The PostgreSQL server stops mid-session: the answer is refused in plain words, and recorded once it is back."""

from __future__ import annotations

import pytest
from sqlmodel import select

from trainer.store.db import StoreError, open_store
from trainer.store.models import Review
from trainer.study.session import open_session


def test_an_answer_while_the_server_is_down_is_refused_then_recorded_once_it_is_back(
    pg_server, pg_url: str, clock, make_deck, import_deck
) -> None:
    """Nothing half-written: the refused answer can be given again, and is in the log exactly once."""
    store = open_store(pg_url)
    try:
        import_deck(store, make_deck(3))
        session = open_session(store, clock)
        first = session.next_card()
        session.answer(first.card.id, 5, 1000)
        second = session.next_card()
        pg_server.stop()
        try:
            with pytest.raises(StoreError) as refused:
                session.answer(second.card.id, 4, 2000)
        finally:
            pg_server.start()
        assert refused.value.message.startswith("Could not record the answer: database error (")
        assert "\n" not in refused.value.message and "Traceback" not in refused.value.message
        outcome = session.answer(second.card.id, 4, 2000)
        assert outcome.card_id == second.card.id
        with store.session() as db:
            logged = [(r.card_id, r.quality) for r in db.exec(select(Review).order_by(Review.id)).all()]
        assert logged == [(first.card.id, 5), (second.card.id, 4)]
    finally:
        store.close()
