"""The TUI with profiles: each student studies their own schedule; Home names the profile when there are several."""

from __future__ import annotations

from trainer.store.db import open_store, resolve_db_url
from trainer.study.profiles import add_profile
from trainer.study.settings import set_setting
from trainer.tui.app import make_app

from .conftest import DECK_ID
from .helpers import settle, text_of

SIZE = (100, 30)


class TestProfilesInTheTui:
    """--profile picks the student; a missing profile is one line, exit code 2."""

    async def test_home_names_the_profile_only_when_there_are_several(self, db_path, clock) -> None:
        """Alone: no name on Home. With a second student: "profile: ben" on Ben's Home."""
        app = make_app(str(db_path), clock=clock, deck_ids=[DECK_ID], import_builtin=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "profile" not in text_of(app, "#home-title")
        store = open_store(resolve_db_url(str(db_path)))
        try:
            add_profile(store, "ben", now=clock.now())
        finally:
            store.close()
        app = make_app(str(db_path), clock=clock, deck_ids=[DECK_ID], import_builtin=False, profile="ben")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "profile: ben" in text_of(app, "#home-title")
            assert "4 new" in text_of(app, "#home-today")

    async def test_answers_go_to_the_chosen_profile(self, db_path, clock, db, conftest_cards) -> None:
        """Ben answers the first card in the TUI: his review row, not the default profile's."""
        store = open_store(resolve_db_url(str(db_path)))
        try:
            ben = add_profile(store, "ben", now=clock.now())
            with store.session() as session:
                set_setting(session, "new_order", "deck", profile_id=ben)  # TYPED first, as for the default profile
                session.commit()
        finally:
            store.close()
        app = make_app(str(db_path), clock=clock, start="review", deck_ids=[DECK_ID], import_builtin=False, profile="ben")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l", "4", "enter", "enter")
            await settle(pilot)
        (review,) = db.reviews()
        assert (review.profile_id, review.card_id) == (ben, conftest_cards["TYPED"].id)
        assert db.state(conftest_cards["TYPED"]).introduced_day is None  # the default profile's card is still new

    async def test_an_unknown_profile_closes_with_one_line(self, db_path, clock) -> None:
        """No such profile: the app exits with code 2 and says how to add it."""
        from contextlib import suppress

        from textual.worker import WorkerCancelled

        app = make_app(str(db_path), clock=clock, deck_ids=[DECK_ID], import_builtin=False, profile="zed")
        async with app.run_test(size=SIZE) as pilot:
            with suppress(WorkerCancelled):  # the app closes, cancelling what was left
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None and "trainer profile add zed" in app.error
