"""The launch path: the first card and Home's figures are on screen before the store is open.

The app reads its first screen through `trainer.study.startup.quick_first_screen` (stdlib
sqlite3) when it mounts, and opens the real store in a worker. These tests hold that worker back
(the database layer can take most of a second to import on a slow machine) to show what the
student sees meanwhile, and what happens to an answer given before the store is ready.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static
from textual.worker import WorkerCancelled

from trainer.content.cards import CardKind
from trainer.clock import FixedClock
from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef
from trainer.study import startup
from trainer.tui.app import make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.review import ReviewScreen

from .conftest import CHOICE, DECK_ID, NOW, TYPED, Db
from .helpers import answer_keys, feedback_of, settle, store_deck, text_of

SIZE = (100, 30)




@pytest.fixture
def held_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The app's store worker waits until the test sets the returned event."""
    release = threading.Event()
    real_open = startup.open_full_store

    def slow_open(*args, **kwargs):
        release.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(startup, "open_full_store", slow_open)
    from textual.pilot import Pilot

    # Keys are pressed while the store worker is held: they must not wait for it.
    monkeypatch.setattr(Pilot, "waits_for_workers", False, raising=False)
    yield release
    release.set()


class TestBeforeTheStoreIsOpen:
    """What the quick look puts on screen while the database layer is still loading."""

    async def test_the_first_card_is_shown_and_an_early_answer_is_saved_once_the_store_opens(
        self, app_factory, held_store: threading.Event, db
    ) -> None:
        """The first card and its feedback work without the store; Enter says "Saving…" and records when it opens."""
        app = app_factory("review")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.store is None
            assert isinstance(app.screen, ReviewScreen)
            assert TYPED.prompt in text_of(app, "#card-prompt")
            assert "4 left" in text_of(app, "#progress-figures")
            await pilot.press("L", "4", "enter")
            # The feedback cites the test deck's sources in full, read by the quick look.
            assert "Harrison's Principles of Internal Medicine" in feedback_of(app).sources
            await pilot.press("enter")
            await pilot.pause()
            assert "Saving…" in text_of(app, "#status")
            assert db.reviews() == []  # not yet: the screen has not said "Recorded"
            held_store.set()
            await settle(pilot)
            assert "Recorded grade 5" in text_of(app, "#status")
            assert TYPED.prompt not in text_of(app, "#card-prompt")  # on to the next card
        (review,) = db.reviews()
        assert (review.card_id, review.quality) == (TYPED.id, 5)

    async def test_the_choice_rows_are_built_a_moment_after_a_typed_first_card(self, app_factory) -> None:
        """The first typed card comes up without the 27 choice widgets; they follow while it is read."""
        from trainer.tui.screens.review import WARM_AFTER_S
        from trainer.tui.widgets.answer_input import ChoiceAnswer

        app = app_factory("review")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert TYPED.prompt in text_of(app, "#card-prompt")
            assert len(app.screen.query_one(ChoiceAnswer).query(".choice-row")) == 0
            await pilot.pause(WARM_AFTER_S + 0.5)
            assert len(app.screen.query_one(ChoiceAnswer).query(".choice-row")) == ChoiceAnswer.MAX_OPTIONS
            # The typed card is still answered as before.
            await pilot.press("L", "4", "enter")
            assert "Right" in feedback_of(app).verdict

    async def test_home_shows_todays_figures_before_the_store_is_open(
        self, app_factory, held_store: threading.Event
    ) -> None:
        """Home's counts and decks are painted from the quick look, not "Loading…"."""
        app = app_factory("home")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.store is None
            assert isinstance(app.screen, HomeScreen)
            assert "4 new" in text_of(app, "#home-today")
            assert "TUI test deck" in text_of(app, "#home-decks")
            held_store.set()
            await settle(pilot)
            assert "4 new" in text_of(app, "#home-today")

    async def test_a_choice_card_first_shows_its_options_at_once(
        self, app_factory, held_store: threading.Event, db_path: Path, db
    ) -> None:
        """The choice rows are normally mounted after the first frame; a first choice card gets them at once."""
        with sqlite3.connect(db_path) as connection:  # take the typed card out, as a suspension would
            connection.execute("UPDATE cardstate SET suspended = 1 WHERE card_id = ?", (TYPED.id,))
        app = app_factory("review")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.store is None
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.current is not None
            assert screen.current.card.id == CHOICE.id
            rows = [str(widget.render()) for widget in screen.query(".choice-text").results(Static)]
            assert rows[: len(CHOICE.choices)] == list(CHOICE.choices)
            await pilot.press("2")
            assert "Right" in feedback_of(app).verdict
            held_store.set()
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        (review,) = db.reviews()
        assert (review.card_id, review.given_root) == (CHOICE.id, "C6")

    async def test_a_first_run_shows_the_first_card_before_the_database_exists(
        self, tmp_path: Path, clock: FixedClock, held_store: threading.Event
    ) -> None:
        """No database yet: the first built-in card (from the shipped snapshot) at once, no "Loading…";
        an answer given then says "Saving…" and is recorded once the store is created and imported."""
        path = tmp_path / "new" / "trainer.db"
        app = make_app(str(path), clock=clock, start="review", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.store is None and not path.exists()
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.current is not None
            first = screen.current.card
            assert first.deck_id in {"dermatomes", "isncsci", "localisation"}  # a built-in card, mixed order
            assert first.prompt.split()[0] in text_of(app, "#card-prompt")
            assert "20 left" in text_of(app, "#progress-figures")  # today's new-card limit
            await pilot.press(*answer_keys(first))
            if first.kind != CardKind.REVEAL:
                assert "Right" in feedback_of(app).verdict
            await pilot.press("enter")
            await pilot.pause()
            assert "Saving…" in text_of(app, "#status")
            held_store.set()
            await settle(pilot)
            assert "Recorded grade" in text_of(app, "#status")
            assert first.prompt not in text_of(app, "#card-prompt")  # on to the next card
        (review,) = Db(path).reviews()
        assert review.card_id == first.id and review.quality >= 3

    async def test_a_corrupt_database_still_exits_with_code_2(self, tmp_path: Path, clock: FixedClock) -> None:
        """The quick look steps aside; the full path reports the problem (exit code 2)."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"not a database" * 50)
        app = make_app(str(bad), clock=clock, start="review")
        async with app.run_test(size=SIZE) as pilot:
            with suppress(WorkerCancelled):
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None and "bad.db" in app.error


class TestCitations:
    """The feedback names each source in full, for any deck (not only the built-in one)."""

    async def test_a_card_from_another_deck_shows_its_full_citation(self, db_path: Path, clock: FixedClock) -> None:
        """A second deck's card, reached after the store opened, cites its deck's source with the URL."""
        other = CompiledDeck(
            info=DeckInfo(
                id="other",
                title="Other deck",
                version="1",
                sources=(SourceRef("OWN", "Own, A. Dermatomes revisited. J Neuro Teach. 2025;3:1-9.", "https://example.org/own"),),
            ),
            cards=(replace(TYPED, id="other:1", deck_id="other", sources=("OWN",)),),
        )
        store_deck(db_path, other, NOW)
        app = make_app(
            str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=["other", DECK_ID], import_builtin=False
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # The first card is the test deck's (position 0 in both decks; answered now), then the other deck's.
            seen = []
            for _ in range(2):
                screen = app.screen
                assert isinstance(screen, ReviewScreen) and screen.current is not None
                seen.append(screen.current.card.deck_id)
                if screen.current.card.deck_id == "other":
                    break
                await pilot.press("L", "4", "enter", "enter")
                await settle(pilot)
            assert seen[-1] == "other"
            await pilot.press("L", "4", "enter")
            sources = feedback_of(app).sources
            assert "Own, A. Dermatomes revisited." in sources
            assert "https://example.org/own" in sources
            assert "OWN" not in sources  # not the bare key
