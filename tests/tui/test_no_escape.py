"""Once an answer is shown its verdict stands: every way out records it, and no-answers are asked again."""

from __future__ import annotations

from dataclasses import replace

from trainer.store import repo
from trainer.store.db import open_store, resolve_db_url
from trainer.tui.app import make_app

from .conftest import DECK_ID, NOW, TEST_DECK, TYPED
from .helpers import feedback_of, settle, text_of

SIZE = (100, 30)


async def quiet_settle(pilot) -> None:
    """Settle while the app is closing (it cancels its remaining workers)."""
    from contextlib import suppress

    from textual.worker import WorkerCancelled

    with suppress(WorkerCancelled):
        await settle(pilot)


async def _wrong_answer_on_screen(pilot) -> None:
    """The typed card (L4) answered L5: one level off, checked, not recorded."""
    await settle(pilot)
    await pilot.press("l", "5", "enter")
    assert feedback_of(pilot.app).verdict.startswith("✗ One level off")


class TestEveryWayOut:
    """q, Escape, Ctrl+Q, the palette's Quit and a terminating signal all record the miss first."""

    async def test_ctrl_q_records_the_answer_on_screen_and_says_so(self, app_factory, db, conftest_cards) -> None:
        """Ctrl+Q on the feedback: the miss is committed before the app ends, and the exit message says so."""
        app = app_factory(start="review")
        messages: list[str] = []
        real_exit = app.exit
        app.exit = lambda *args, **kwargs: (messages.append(str(kwargs.get("message"))), real_exit(*args, **kwargs))[1]
        async with app.run_test(size=SIZE) as pilot:
            await _wrong_answer_on_screen(pilot)
            await pilot.press("ctrl+q")
            await quiet_settle(pilot)
        assert [(r.card_id, r.quality, r.given_root) for r in db.reviews()] == [(conftest_cards["TYPED"].id, 1, "L5")]
        assert messages == ["✓ Recorded grade 1: again today. (your last answer, before quitting)"]

    async def test_the_palettes_quit_records_it_too(self, app_factory, db, conftest_cards) -> None:
        """The command palette's Quit runs the same action as Ctrl+Q."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await _wrong_answer_on_screen(pilot)
            await app.run_action("quit")
            await quiet_settle(pilot)
        assert [r.given_root for r in db.reviews()] == ["L5"]

    async def test_a_terminating_signal_records_it_too(self, app_factory, db, conftest_cards) -> None:
        """SIGTERM (or SIGHUP from a closed terminal) quits like Ctrl+Q: the answer on screen is recorded."""
        import os
        import signal

        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await _wrong_answer_on_screen(pilot)
            os.kill(os.getpid(), signal.SIGTERM)  # handled by the app's loop, not by the test runner
            await quiet_settle(pilot)
        assert [r.given_root for r in db.reviews()] == ["L5"]

    async def test_quitting_with_nothing_on_screen_records_nothing(self, app_factory, db) -> None:
        """Ctrl+Q on a question (nothing checked yet) quits at once; no review row appears."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+q")
            await quiet_settle(pilot)
        assert db.reviews() == []


class TestNotAnAnswer:
    """Input that is no answer at all is caught before anything is revealed."""

    async def test_banana_is_asked_again_then_the_right_root_is_right(self, app_factory, db, conftest_cards) -> None:
        """`banana` reveals nothing and records nothing; `L4` then is a plain right answer."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"banana", "enter")
            assert "not understood as a spinal root: type again, or ? for don't know" in text_of(app, "#typed-preview")
            assert app.screen.query_one("#feedback").display is False
            await pilot.press(*["backspace"] * 6, "l", "4", "enter")
            assert feedback_of(app).verdict.startswith("✓ Right")
            await pilot.press("enter")
        (review,) = db.reviews()
        assert (review.card_id, review.quality, review.response) == (conftest_cards["TYPED"].id, 5, "l4")


class TestLongPrompts:
    """A prompt at the 4,000-character limit never pushes the answer box off the screen."""

    async def test_the_answer_box_and_its_preview_stay_on_screen_at_80x24(self, tmp_path, clock) -> None:
        """The card scrolls inside itself; the input and the "understood as" line are visible and usable."""
        path = tmp_path / "long.db"
        long_card = replace(TYPED, prompt=("Where is the lesion? " * 200)[:4000])
        store = open_store(resolve_db_url(str(path)))
        try:
            with store.session() as session:
                repo.sync_deck(session=session, deck=replace(TEST_DECK, cards=(long_card,)), now=NOW)
                session.commit()
        finally:
            store.close()
        app = make_app(str(path), clock=clock, start="review", cursor_blink=False, deck_ids=[DECK_ID], import_builtin=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("l", "4")
            height = app.screen.size.height
            for selector in ("#typed-input", "#typed-preview"):
                region = app.screen.query_one(selector).region
                assert 0 <= region.y and region.bottom <= height - 1, (selector, region, height)  # above the footer
            assert "understood as: L4" in text_of(app, "#typed-preview")
            await pilot.press("pagedown")  # the card itself scrolls
            assert app.screen.query_one("#card").scroll_y > 0


class TestWhatTheFeedbackShows:
    """The status line and the notifications never mislead about what is recorded."""

    async def test_a_previous_recorded_line_never_stands_above_not_recorded_yet(self, app_factory) -> None:
        """Card 1 recorded ("✓ Recorded"), card 2 answered: the status line is cleared for card 2."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l", "4", "enter", "enter")
            assert text_of(app, "#status").startswith("✓ Recorded")
            await pilot.press("2")  # the choice card answered, not recorded
            assert "Not recorded yet" in app.screen.query_one("#grade-panel").status_line
            assert "Recorded grade" not in text_of(app, "#status")

    async def test_notifications_do_not_cover_the_grade_line(self, app_factory) -> None:
        """A toast shown on the feedback sits at the top, clear of the grade bar and its hint."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("l", "4", "enter")
            app.notify("A long enough notification to be seen", timeout=30)
            await pilot.pause()
            await pilot.pause()
            from textual.widgets._toast import Toast

            panel = app.screen.query_one("#grade-panel").region
            toasts = [toast.region for toast in app.screen.query(Toast)]
            assert toasts and all(not toast.overlaps(panel) for toast in toasts)

    async def test_a_long_citation_wraps_under_itself_not_under_its_label(self, app_factory) -> None:
        """Each source line keeps its indent when it wraps (at 80 columns the first citation wraps)."""
        app = app_factory(start="review")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("l", "4", "enter")
            await pilot.pause()
            view = app.screen.query_one("#feedback")
            lines = view.render_lines(view.region.reset_offset)
            # Each line as drawn, after the feedback's left border and its one cell of padding.
            texts = ["".join(segment.text for segment in line)[2:].rstrip() for line in lines]
            first = next(number for number, text in enumerate(texts) if text.startswith("Source: "))
            shown = [text for text in texts[first:] if text.strip()]
            assert shown[0].startswith("Source: ")
            continuation = [text for text in shown if not text.startswith("Source: ")]
            assert continuation and all(text.startswith(" " * len("Source: ")) for text in continuation)
