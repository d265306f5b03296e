"""The launch path of the command line: a prefetch process reads the first screen while Textual starts."""

from __future__ import annotations

from pathlib import Path

from contextlib import suppress

from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from trainer.clock import FixedClock
from trainer.tui.app import make_app
from trainer.tui.prefetch import Prefetch, read_first_screen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.review import ReviewScreen

SIZE = (100, 30)


async def settle(pilot: Pilot[None]) -> None:
    """Let the prefetch, the store worker and what they start all finish."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


class TestReadFirstScreen:
    """What the child process computes, called in-process."""

    def test_review_start_reads_the_first_card_and_counts(self, db_path: Path, conftest_cards) -> None:
        """The first card is the deck's first new card; the counts include every card of the deck."""
        first = read_first_screen(str(db_path), start="review", deck_ids=["tui-test"], import_builtin=False)
        assert first.error is None
        assert first.card is not None and first.card.card.id == conftest_cards["TYPED"].id
        assert first.counts is not None and first.counts.new == 4
        assert (first.fast_ms, first.slow_ms) == (6000, 15000)

    def test_home_start_reads_the_figures(self, db_path: Path) -> None:
        """Home's figures come back as plain values."""
        first = read_first_screen(str(db_path), start="home", deck_ids=None, import_builtin=False)
        assert first.home is not None and first.home.counts.new == 4
        assert [deck.title for deck in first.home.decks] == ["TUI test deck"]

    def test_an_unusable_database_comes_back_as_an_error(self, tmp_path: Path) -> None:
        """A corrupt file gives the store's one-sentence message, not an exception."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"not a database" * 50)
        first = read_first_screen(str(bad), start="review", deck_ids=None, import_builtin=False)
        assert first.error is not None and "bad.db" in first.error


class TestAppWithPrefetch:
    """The app as `trainer review` runs it, with a real child process."""

    async def test_review_opens_on_the_prefetched_card_and_records(
        self, db_path: Path, clock: FixedClock, db, conftest_cards
    ) -> None:
        """The child's card is shown; answering it records through the app's own store."""
        prefetch = Prefetch.spawn(str(db_path), start="review", deck_ids=["tui-test"], import_builtin=False)
        app = make_app(
            str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=["tui-test"],
            import_builtin=False, prefetch=prefetch,
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert conftest_cards["TYPED"].prompt in str(app.screen.query_one("#card-prompt", Static).render())
            await pilot.press("L", "4", "enter", "enter")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        (review,) = db.reviews()
        assert (review.card_id, review.quality) == (conftest_cards["TYPED"].id, 5)

    async def test_bad_database_exits_with_code_2(self, tmp_path: Path, clock: FixedClock) -> None:
        """The child's StoreError ends the app with the message and exit code 2."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"not a database" * 50)
        app = make_app(str(bad), clock=clock, prefetch=Prefetch.spawn(str(bad), start="home"))
        async with app.run_test(size=SIZE) as pilot:
            with suppress(WorkerCancelled):  # the app exits while its workers are being awaited
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None and "bad.db" in app.error
