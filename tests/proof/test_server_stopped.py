"""The PostgreSQL server stops mid-session: the answer is refused in plain words, and recorded once it is back."""

from __future__ import annotations

import pytest
from sqlmodel import select

from trainer.store.db import StoreError, open_store
from trainer.store.models import Review
from trainer.study.session import open_session
from tests.replay import logged_answers


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


async def test_the_review_screen_keeps_a_refused_answer_on_screen_and_records_it_once_the_server_is_back(
    pg_server, pg_url: str
) -> None:
    """A Pilot test on a real server: the student sees "Not recorded" with the reason, the card and its
    verdict stay on screen, and Enter records the same answer (once) after the server restarts."""
    from zoneinfo import ZoneInfo

    from trainer.clock import FixedClock
    from trainer.store import repo
    from trainer.study.settings import set_setting
    from trainer.tui.app import make_app
    from trainer.tui.screens.review import ReviewScreen

    from ..tui.conftest import CHOICE, DECK_ID, NOW, TEST_DECK, TYPED
    from ..tui.helpers import feedback_of, settle, text_of

    store = open_store(pg_url)
    try:
        with store.session() as db:
            repo.sync_deck(session=db, deck=TEST_DECK, now=NOW)
            set_setting(db, "new_order", "deck")  # TYPED, then CHOICE
            db.commit()
    finally:
        store.close()

    clock = FixedClock(NOW, tz=ZoneInfo("Europe/London"))
    app = make_app(pg_url, clock=clock, start="review", cursor_blink=False, deck_ids=[DECK_ID], import_builtin=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("L", "4", "enter", "enter")  # the first card, recorded while the server runs
        await settle(pilot)
        assert text_of(app, "#status").startswith("✓ Recorded grade 5")
        await pilot.press("2")  # the choice card answered right: its feedback is on screen
        await settle(pilot)
        assert feedback_of(app).verdict.startswith("✓ Right")
        pg_server.stop()
        try:
            await pilot.press("enter")
            await settle(pilot)
            status = text_of(app, "#status")
            assert status.startswith("Not recorded: Could not record the answer: database error (")
            assert status.endswith("Press Enter to try again.") and "Traceback" not in status
            assert CHOICE.prompt in text_of(app, "#card-prompt")  # the answer is kept on screen
            assert feedback_of(app).verdict.startswith("✓ Right")
        finally:
            pg_server.start()
        assert logged_answers(pg_url) == [(TYPED.id, 5)]
        await pilot.press("enter")  # the same answer, again, now that the server is back
        await settle(pilot)
        assert text_of(app, "#status").startswith("✓ Recorded grade 5")
        assert CHOICE.prompt not in text_of(app, "#card-prompt")
    assert logged_answers(pg_url) == [(TYPED.id, 5), (CHOICE.id, 5)]
