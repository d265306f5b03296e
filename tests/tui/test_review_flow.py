"""Whole review sessions driven through the keyboard, each checked in the database afterwards."""

from __future__ import annotations

import pytest
from rich.color import Color
from textual.pilot import Pilot
from textual.widgets import Static

from trainer.clock import FixedClock
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.review import ReviewScreen
from trainer.tui.screens.summary import SummaryScreen

from .helpers import feedback_of, settle, store_deck, text_of

SIZE = (100, 30)



async def start_review(pilot: Pilot[None]) -> None:
    """From Home, once loaded, press Enter to get the first card."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)



class TestTypedAnswers:
    """Typed-root cards: the live preview, checking, suggested grades and overrides."""

    async def test_right_answer_is_recorded_only_when_the_grade_is_accepted(self, app_factory, db, conftest_cards) -> None:
        """A right answer shows feedback first; the review row appears only after Enter."""
        typed = conftest_cards["TYPED"]
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("l", "space", "4")
            assert "L4" in text_of(app, "#typed-preview")
            await pilot.press("enter")
            assert "Not recorded yet" in app.screen.query_one("#grade-panel").status_line
            assert db.reviews() == []
            await pilot.press("enter")
            assert "Recorded grade 5" in text_of(app, "#status")
        (review,) = db.reviews()
        assert (review.card_id, review.quality, review.verdict, review.response) == (typed.id, 5, "correct", "l 4")
        assert db.state(typed).due_day is not None

    async def test_wrong_answer_with_overridden_grade_records_the_override(self, app_factory, db, conftest_cards) -> None:
        """A wrong root suggests 1; pressing 2 then Enter records 2 with the root given."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "5", "enter")
            assert feedback_of(app).verdict == "✗ One level off  you said L5  Close: L5 is one level away."
            await pilot.press("2", "enter")
        (review,) = db.reviews()
        assert review.card_id == conftest_cards["TYPED"].id
        assert review.quality == 2
        assert review.verdict == "adjacent"
        assert review.given_root == "L5"

    async def test_enter_on_nothing_or_half_a_root_is_not_an_answer(self, app_factory, db) -> None:
        """Enter on an empty box or on "L" keeps the card open with a hint; "?" is a real "don't know"."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("enter")
            assert "? if you don't know" in text_of(app, "#typed-preview")
            await pilot.press("L", "enter")
            assert "not finished" in text_of(app, "#typed-preview")
            assert app.screen.query_one("#feedback").display is False
            await pilot.press("backspace", "question_mark", "enter")
            assert "No answer" in feedback_of(app).verdict
            await pilot.press("enter")
        (review,) = db.reviews()
        assert (review.quality, review.verdict) == (0, "blank")

    async def test_slow_right_answer_suggests_a_lower_grade(self, app_factory, db, clock: FixedClock) -> None:
        """Time comes from the injected clock: a right answer after 20 s suggests 3."""
        from datetime import timedelta

        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            clock.advance(timedelta(seconds=20))
            await pilot.press("L", "4", "enter", "enter")
        (review,) = db.reviews()
        assert (review.quality, review.response_ms) == (3, 20_000)


class TestChoicesAndSelfGrades:
    """Choice cards take keys 1-9; reveal cards take space, then the student's grade."""

    async def test_a_choice_then_a_self_grade(self, app_factory, db, conftest_cards) -> None:
        """Picking the right option and self-grading a recall card both land in the log."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")  # typed card
            await pilot.press("2")  # C6, the right option
            assert "Right" in feedback_of(app).verdict
            await pilot.press("enter")
            await pilot.press("enter")  # reveal card: Enter (or space) shows the back
            assert "mainly L4" in feedback_of(app).answer
            await pilot.press("enter")  # no grade chosen yet: nothing is recorded
            assert len(db.reviews()) == 2
            await pilot.press("4", "enter")
        reviews = db.reviews()
        assert [(r.card_id, r.quality) for r in reviews] == [
            (conftest_cards["TYPED"].id, 5),
            (conftest_cards["CHOICE"].id, 5),
            (conftest_cards["REVEAL"].id, 4),
        ]
        assert reviews[1].response == "C6" and reviews[1].verdict == "correct"
        assert reviews[2].verdict is None

    async def test_wrong_choice_is_recorded_with_the_root_chosen(self, app_factory, db, conftest_cards) -> None:
        """Option 1 (C5) for a C6 card suggests 1 and logs C5 as the root given."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter", "1", "enter")
        review = db.reviews()[-1]
        assert (review.card_id, review.quality, review.given_root) == (conftest_cards["CHOICE"].id, 1, "C5")


def contrast(one: Color, two: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21; body text wants 4.5 or more)."""

    def luminance(color: Color) -> float:
        channels = [value / 255 for value in color.get_truecolor()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class TestGradeBar:
    """The highlighted grade reads in both themes."""

    @pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
    async def test_the_selected_grade_is_highlighted_and_readable(self, app_factory, theme: str) -> None:
        """The selected grade has its own background and at least 4.5:1 contrast against it."""
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            app.theme = theme
            await start_review(pilot)
            await pilot.press("L", "5", "enter")  # suggests grade 1
            cells = {segment.text: segment.style for segment in app.screen.query_one("#grade-panel").render_line(0)}
            # As painted: a reversed style swaps its foreground and background.
            painted = {
                text: (style.bgcolor, style.color) if style.reverse else (style.color, style.bgcolor)
                for text, style in cells.items()
            }
            (fg, bg), (_, other_bg) = painted[" 1 "], painted[" 2 "]
            assert bg != other_bg
            assert contrast(fg, bg) >= 4.5


def footer_keys(app) -> list[tuple[str, str]]:
    """The (key, description) pairs the key bar shows, enabled ones only, left to right."""
    from trainer.tui.widgets.key_bar import KeyBar

    return [(key, description) for key, description, enabled in app.screen.query_one(KeyBar).shown if enabled]


def _add_one_card_deck(db_path, deck_id: str, card) -> None:
    """Store a deck `deck_id` holding only `card` (moved to that deck) beside the test deck."""
    from dataclasses import replace

    from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef

    from .conftest import NOW

    deck = CompiledDeck(
        info=DeckInfo(id=deck_id, title=deck_id.title(), version="1", sources=(SourceRef("ISNCSCI19", "ASIA 2019."),)),
        cards=(replace(card, id=f"{deck_id}:1", deck_id=deck_id),),
    )
    store_deck(db_path, deck, NOW)


class TestLongFeedback:
    """An explanation longer than the screen says that it scrolls."""

    async def test_the_feedback_names_the_scroll_keys_and_a_long_one_scrolls(self, db_path, clock, conftest_cards) -> None:
        """At 80x24 the feedback footer shows "↑↓ Scroll" with every other key still fitting; ↓ scrolls a long one."""
        from dataclasses import replace

        from trainer.tui.app import make_app

        explanation = " ".join(f"Sentence {n} of a long explanation about the L4 dermatome." for n in range(40))
        _add_one_card_deck(db_path, "long", replace(conftest_cards["TYPED"], explanation=explanation))
        for deck_id, long in (("tui-test", False), ("long", True)):
            app = make_app(str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=[deck_id], import_builtin=False)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await pilot.press("L", "4", "enter")
                await settle(pilot)
                assert ("↑↓", "Scroll") in footer_keys(app)
                assert ("q", "Home") in footer_keys(app)
                assert not app.screen.query_one("KeyBar").cut_off  # nothing cut off at the right
                if long:  # the palette comes and goes; the arrow keys still scroll (checked below)
                    await pilot.press("ctrl+p")
                    await settle(pilot)
                    await pilot.press("escape")
                    await settle(pilot)
                body = app.screen.query_one("#review-body")
                before = body.scroll_y
                await pilot.press("down")
                await settle(pilot)
                assert (body.scroll_y > before) is long


    async def test_after_a_tall_prompt_the_verdict_and_answer_are_in_view(self, db_path, clock, conftest_cards) -> None:
        """A prompt taller than a short terminal: after the answer, the verdict and the answer are on screen."""
        from dataclasses import replace

        from trainer.tui.app import make_app
        from trainer.tui.widgets.feedback import FeedbackView

        prompt = "\n".join(f"Line {n} of a long case history." for n in range(30)) + "\nWhich root?"
        _add_one_card_deck(db_path, "tall", replace(conftest_cards["TYPED"], prompt=prompt))
        app = make_app(str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=["tall"], import_builtin=False)
        async with app.run_test(size=(80, 18)) as pilot:  # the card's own 12 rows leave the feedback below
            await settle(pilot)
            await pilot.press("L", "4", "enter")
            await settle(pilot)
            body = app.screen.query_one("#review-body")
            head = app.screen.query_one(FeedbackView).head_region()
            assert body.scroll_y <= head.y and head.bottom <= body.scroll_y + body.scrollable_content_region.height
            assert feedback_of(app).verdict.startswith("✓ Right")


class TestBusyDatabase:
    """An answer the database refuses is never reported as recorded."""

    async def test_a_refused_answer_says_not_recorded_and_enter_retries(self, app_factory, db, conftest_cards, monkeypatch) -> None:
        """The first commit fails (busy database): the status says so, the answer stays; Enter records it."""
        from trainer.study.review import StoreError

        typed, choice = conftest_cards["TYPED"], conftest_cards["CHOICE"]
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")  # recorded: the status says "✓ Recorded grade 5"
            session = app.screen.session
            real_answer = session.answer
            calls = []

            def busy_once(*args, **kwargs):
                calls.append(args)
                if len(calls) == 1:
                    raise StoreError("The database is busy (another trainer window is writing).")
                return real_answer(*args, **kwargs)

            monkeypatch.setattr(session, "answer", busy_once)
            await pilot.press("2", "enter")
            assert text_of(app, "#status") == (
                "Not recorded: The database is busy (another trainer window is writing). Press Enter to try again."
            )
            await pilot.pause()
            assert app.screen.query_one("#status").size.height == 2  # all of it visible at 80 columns
            assert choice.prompt in text_of(app, "#card-prompt")  # still on the feedback of this card
            assert feedback_of(app).verdict.startswith("✓ Right")
            assert [r.card_id for r in db.reviews()] == [typed.id]
            await pilot.press("enter")
            assert text_of(app, "#status").startswith("✓ Recorded grade 5")
            assert choice.prompt not in text_of(app, "#card-prompt")
        assert [(r.card_id, r.quality) for r in db.reviews()] == [(typed.id, 5), (choice.id, 5)]


class TestUndoSuspendQuit:
    """Undo takes an answer back; suspend stops a card; leaving keeps what was recorded."""

    async def test_undo_removes_the_last_answer_and_restores_the_card(self, app_factory, db, conftest_cards) -> None:
        """After `u` the review row is gone and the card is new again."""
        typed = conftest_cards["TYPED"]
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")
            assert len(db.reviews()) == 1
            await pilot.press("u")
            assert "Undone" in text_of(app, "#status")
        assert db.reviews() == []
        assert db.state(typed).introduced_day is None

    async def test_a_miss_on_screen_cannot_be_taken_back_or_undone_away(self, app_factory, db, conftest_cards) -> None:
        """After a wrong answer is shown, `u` does nothing: the card is not asked again, and Enter records the miss."""
        typed, choice = conftest_cards["TYPED"], conftest_cards["CHOICE"]
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")  # recorded
            await pilot.press("1")  # C5: one level off, checked but not recorded
            assert feedback_of(app).verdict.startswith("✗ One level off")
            footer_keys = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
            assert "u" not in footer_keys  # neither "Retry" nor "Undo" on the feedback
            await pilot.press("u", "2")  # no retry, no undo; "2" only changes the grade
            assert app.screen.query_one("#feedback").display is True
            assert feedback_of(app).verdict.startswith("✗ One level off")
            assert [(r.card_id, r.quality) for r in db.reviews()] == [(typed.id, 5)]
            await pilot.press("enter")
        assert [(r.card_id, r.quality, r.given_root) for r in db.reviews()] == [(typed.id, 5, "L4"), (choice.id, 2, "C5")]

    async def test_u_on_a_question_still_undoes_the_last_recorded_answer(self, app_factory, db, conftest_cards) -> None:
        """Away from the feedback, `u` is "Undo": the last recorded answer is taken back."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")  # recorded; the choice card is on screen
            footer_keys = {b.binding.key: b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
            assert footer_keys["u"] == "Undo"
            await pilot.press("u")
            assert "Undone" in text_of(app, "#status")
            assert conftest_cards["TYPED"].prompt in text_of(app, "#card-prompt")
        assert db.reviews() == []

    async def test_undo_is_refused_when_another_window_answered_the_card(
        self, app_factory, db, db_path, clock, conftest_cards
    ) -> None:
        """If another window answered the card since, undo keeps both answers (nothing is lost)."""
        from trainer.store.db import open_store, resolve_db_url
        from trainer.study.review import open_session

        typed = conftest_cards["TYPED"]
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")
            other = open_store(resolve_db_url(str(db_path)))
            try:
                open_session(other, clock).answer(typed.id, 4, 1000, response="L4", verdict="correct")
            finally:
                other.close()
            await pilot.press("u")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
        assert [r.card_id for r in db.reviews()] == [typed.id, typed.id]

    async def test_undo_works_while_typing_with_ctrl_z(self, app_factory, db) -> None:
        """On a typed card, letters go into the answer, so undo is Ctrl+Z."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter", "2", "enter")  # typed, then choice
            await pilot.press("enter", "5", "enter")  # reveal card, graded 5
            await pilot.press("ctrl+z")  # the next card is typed: Ctrl+Z undoes
        assert len(db.reviews()) == 2

    async def test_suspend_takes_the_card_out_of_the_queue(self, app_factory, db, conftest_cards) -> None:
        """`s` on the choice card suspends it; no answer is recorded for it."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")
            await pilot.press("s")
            assert "Suspended" in text_of(app, "#status")
        assert db.state(conftest_cards["CHOICE"]).suspended is True
        assert [r.card_id for r in db.reviews()] == [conftest_cards["TYPED"].id]

    async def test_suspend_on_the_feedback_records_the_answer_first_and_says_so(self, app_factory, db, conftest_cards) -> None:
        """`s` after a checked answer records it with its grade, then suspends the card: a miss is never escaped."""
        from trainer.tui.screens.help import HelpScreen

        typed = conftest_cards["TYPED"]
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "5", "enter")  # wrong (one level off), checked, not recorded
            await pilot.press("s")
            assert text_of(app, "#status") == (
                "Recorded the answer, then suspended the card: it will not be asked until unsuspended."
            )
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            help_text = str(app.screen.query_one(Static).render())
            assert "suspend this card; on the feedback, the answer on screen is recorded first" in help_text
        assert [(r.card_id, r.given_root) for r in db.reviews()] == [(typed.id, "L5")]
        assert db.state(typed).suspended is True

    async def test_quitting_mid_session_keeps_recorded_answers(self, app_factory, db, conftest_cards) -> None:
        """q from a question goes Home; the answers already recorded stay, nothing else is added."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert [r.card_id for r in db.reviews()] == [conftest_cards["TYPED"].id]

    async def test_leaving_from_the_feedback_records_the_checked_answer(self, app_factory, db, conftest_cards) -> None:
        """Escape while the feedback is up records the answer with its grade, then goes Home."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "5", "enter", "escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        (review,) = db.reviews()
        assert (review.card_id, review.quality) == (conftest_cards["TYPED"].id, 1)

    async def test_escape_while_typing_records_nothing(self, app_factory, db) -> None:
        """A half-typed answer is not an answer."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert db.reviews() == []


class TestWholeSession:
    """From Home to the summary and back."""

    async def test_a_whole_session_ends_on_the_summary(self, app_factory, db, conftest_cards) -> None:
        """All four cards answered well: the summary counts them and Enter goes Home."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            await pilot.press("L", "4", "enter", "enter")
            await pilot.press("2", "enter")
            await pilot.press("space", "5", "enter")
            await pilot.press("s", "1", "enter", "enter")  # the last card is typed: S1
            await settle(pilot)
            assert isinstance(app.screen, SummaryScreen)
            figures = text_of(app, "#summary-figures").splitlines()
            # The injected clock never moves, so the session took no time at all.
            assert figures == ["Cards done  4", "Passed      4 of 4 (100%), graded 3 or more", "Time        0 s"]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert [(r.card_id, r.quality) for r in db.reviews()] == [
            (conftest_cards[name].id, quality) for name, quality in (("TYPED", 5), ("CHOICE", 5), ("REVEAL", 5), ("EVIL", 5))
        ]

    async def test_trainer_review_opens_on_the_first_card(self, app_factory, db, conftest_cards) -> None:
        """`trainer review` (start="review") shows the first card without touching Home."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert conftest_cards["TYPED"].prompt in text_of(app, "#card-prompt")
            await pilot.press("L", "4", "enter", "enter")
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert len(db.reviews()) == 1

    async def test_summary_leads_home_when_opened_on_a_review(self, app_factory, db) -> None:
        """Opened with `trainer review` (no Home underneath), the summary still goes Home."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("L", "4", "enter", "enter", "2", "enter", "space", "5", "enter", "S", "1", "enter", "enter")
            await settle(pilot)
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "0 new" in text_of(app, "#home-today")
        assert len(db.reviews()) == 4


class TestKeyBar:
    """The review screen's key bar: it names the keys of the moment, and a click presses one."""

    async def test_the_bar_follows_the_answer_and_a_click_on_a_key_presses_it(self, app_factory, db) -> None:
        """Typing names the Ctrl/F1/Escape keys; the feedback names Record and Grade; clicking "Home" records and leaves."""
        from trainer.tui.widgets.key_bar import KeyBar

        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await start_review(pilot)
            assert ("esc", "Home") in footer_keys(app) and ("q", "Home") not in footer_keys(app)
            await pilot.press("L", "4", "enter")
            await settle(pilot)
            keys = footer_keys(app)
            assert keys[:2] == [("⏎", "Record"), ("0-5", "Grade")] and ("q", "Home") in keys
            bar = app.screen.query_one(KeyBar)
            column = bar.render().plain.index(" q Home") + 2
            await pilot.click(KeyBar, offset=(column, 0))
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        (review,) = db.reviews()
        assert review.quality == 5  # the answer on screen was recorded before leaving, as with the key
